import { cumulativeEmissionAt } from "@masque/shared";
import { getContract, parseEventLogs, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { vvv } from "../generated/index.ts";
import {
  DAY,
  DEFAULT_ADMIN_ROLE,
  deployRevertOf,
  expectRevert,
  revertOf,
  signPermit,
  useChain,
  WAD,
} from "./fixture.ts";

const chain = useChain();

describe("VVV", () => {
  it("mints 100,000,000 VVV at genesis and names itself", async () => {
    const token = chain.as("deployer").vvv;
    expect(await token.read.GENESIS_SUPPLY()).toBe(100_000_000n * WAD);
    expect(await token.read.totalSupply()).toBe(100_000_000n * WAD);
    expect(await token.read.symbol()).toBe("VVV");
    expect(await token.read.decimals()).toBe(18);
    expect(await token.read.totalEmitted()).toBe(0n);
    expect(BigInt(chain.deployments.emissionStart)).toBe(await token.read.EMISSION_START());
  });

  it("has the staking contract as its only, permanent minter", async () => {
    const { deployments } = chain;
    const token = chain.as("deployer").vvv;
    expect(await token.read.minter()).toBe(deployments.contracts.staking);
    await expectRevert(token.write.setMinter([chain.accounts.alice.address]), "MinterAlreadySet", [
      deployments.contracts.staking,
    ]);
    await expectRevert(
      chain.as("alice").vvv.write.setMinter([chain.accounts.alice.address]),
      "AccessControlUnauthorizedAccount",
      [chain.accounts.alice.address, DEFAULT_ADMIN_ROLE],
    );
  });

  it("refuses emission mints from anyone but the minter, including the admin", async () => {
    for (const actor of ["deployer", "alice", "keeper"] as const) {
      await expectRevert(
        chain.as(actor).vvv.write.mintEmission([chain.accounts[actor].address, 1n]),
        "NotMinter",
        [chain.accounts[actor].address],
      );
    }
  });

  it("caps emission mints at what the schedule has released, whoever the minter is", async () => {
    // A VVV whose minter is a plain account, to reach the cap that Staking never hits by design.
    const { alice, deployer } = chain.accounts;
    const start = (await chain.now()) + 1n;
    const hash = await chain.wallet("deployer").deployContract({
      abi: vvv.abi,
      bytecode: vvv.bytecode,
      args: [deployer.address, start, deployer.address, 0],
      account: deployer,
      chain: null,
    });
    const address = (await chain.publicClient.waitForTransactionReceipt({ hash }))
      .contractAddress as `0x${string}`;
    const token = getContract({
      address,
      abi: vvv.abi,
      client: { public: chain.publicClient, wallet: chain.wallet("deployer") },
    });
    const asAlice = getContract({
      address,
      abi: vvv.abi,
      client: { public: chain.publicClient, wallet: chain.wallet("alice") },
    });
    await expectRevert(token.write.setMinter([zeroAddress]), "ZeroAddress");
    await expectRevert(asAlice.write.mintEmission([alice.address, 1n]), "NotMinter", [alice.address]);
    const wired = await chain.mined(token.write.setMinter([alice.address]));
    const [minterSet] = parseEventLogs({ abi: vvv.abi, logs: wired.logs, eventName: "MinterSet" });
    expect(minterSet?.args).toEqual({ minter: alice.address });

    await chain.warp(DAY);
    const released = cumulativeEmissionAt(start, (await chain.now()) + 1n);
    await chain.setNextTimestamp((await chain.now()) + 1n);
    const receipt = await chain.mined(asAlice.write.mintEmission([alice.address, released]));
    const [minted] = parseEventLogs({ abi: vvv.abi, logs: receipt.logs, eventName: "EmissionMinted" });
    expect(minted?.args).toEqual({ to: alice.address, amount: released, totalEmitted: released });

    // Everything released so far is minted; a day's worth more is over the cap.
    const reverted = await revertOf(asAlice.write.mintEmission([alice.address, 200_000n * WAD]));
    expect(reverted.errorName).toBe("EmissionCapExceeded");
    expect(reverted.args[0]).toBe(200_000n * WAD);
    expect(reverted.args[1] as bigint).toBeLessThan(10_000n * WAD);
  });

  it("exposes what the schedule has released and not yet minted", async () => {
    await chain.warp(3n * DAY);
    const now = await chain.now();
    const mintable = await chain.as("alice").vvv.read.mintableEmission();
    expect(mintable).toBe(cumulativeEmissionAt(BigInt(chain.deployments.emissionStart), now));
  });

  it("lets holders burn their own VVV and approved VVV", async () => {
    const alice = chain.as("alice").vvv;
    const before = await alice.read.totalSupply();
    const receipt = await chain.mined(alice.write.burn([5n * WAD]));
    const [transfer] = parseEventLogs({ abi: vvv.abi, logs: receipt.logs, eventName: "Transfer" });
    expect(transfer?.args).toEqual({ from: chain.accounts.alice.address, to: zeroAddress, value: 5n * WAD });
    expect(await alice.read.totalSupply()).toBe(before - 5n * WAD);

    await chain.mined(alice.write.approve([chain.accounts.bob.address, 2n * WAD]));
    await chain.mined(chain.as("bob").vvv.write.burnFrom([chain.accounts.alice.address, 2n * WAD]));
    expect(await alice.read.totalSupply()).toBe(before - 7n * WAD);
    await expectRevert(
      chain.as("bob").vvv.write.burnFrom([chain.accounts.alice.address, 1n]),
      "ERC20InsufficientAllowance",
    );
  });

  it("supports EIP-2612 permit", async () => {
    const { alice, bob } = chain.accounts;
    const token = chain.as("alice").vvv;
    const deadline = (await chain.now()) + 3600n;
    const { v, r, s } = await signPermit(
      chain,
      "alice",
      { name: "VVV", address: chain.deployments.contracts.vvv },
      bob.address,
      42n,
      deadline,
    );
    await chain.mined(chain.as("bob").vvv.write.permit([alice.address, bob.address, 42n, deadline, v, r, s]));
    expect(await token.read.allowance([alice.address, bob.address])).toBe(42n);
  });

  it("uses a delayed two-step default admin transfer", async () => {
    const token = chain.as("deployer").vvv;
    const { deployer, alice } = chain.accounts;
    expect(await token.read.owner()).toBe(deployer.address);
    expect(await token.read.defaultAdminDelay()).toBe(86_400);
    await chain.mined(token.write.beginDefaultAdminTransfer([alice.address]));
    await expectRevert(
      chain.as("alice").vvv.write.acceptDefaultAdminTransfer(),
      "AccessControlEnforcedDefaultAdminDelay",
    );
    await chain.warp(DAY + 1n);
    await chain.mined(chain.as("alice").vvv.write.acceptDefaultAdminTransfer());
    expect(await token.read.owner()).toBe(alice.address);
  });

  it("refuses to grant the default admin role outside the two-step transfer", async () => {
    const token = chain.as("deployer").vvv;
    await expectRevert(
      token.write.grantRole([DEFAULT_ADMIN_ROLE, chain.accounts.alice.address]),
      "AccessControlEnforcedDefaultAdminRules",
    );
  });

  it("checks its constructor arguments", async () => {
    const { deployer } = chain.accounts;
    expect(await deployRevertOf(chain, vvv, [zeroAddress, 0n, deployer.address, 0])).toEqual({
      errorName: "ZeroAddress",
      args: [],
    });
    expect(await deployRevertOf(chain, vvv, [deployer.address, 0n, zeroAddress, 0])).toEqual({
      errorName: "AccessControlInvalidDefaultAdmin",
      args: [zeroAddress],
    });
  });
});
