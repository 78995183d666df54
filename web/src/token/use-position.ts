import { diem, staking, vvv } from "@masque/contracts-abi";
import { useConnection, useReadContracts } from "wagmi";
import { useChainInfo } from "../wallet/wallet-provider.tsx";

/** The connected wallet's tokens, stake and DIEM position, read from the chain in one multicall. */
export interface Position {
  vvv: bigint;
  vvvAllowance: bigint;
  sVvv: bigint;
  sVvvUnlocked: bigint;
  sVvvLocked: bigint;
  rewards: bigint;
  vvvUnstake: { amount: bigint; unlockTime: number };
  diem: bigint;
  diemDebt: bigint;
  diemStaked: bigint;
  diemUnstake: { amount: bigint; unlockTime: number };
  mintRate: bigint;
}

/** Reads the connected wallet's {@link Position}; undefined until connected and read. */
export function usePosition() {
  const chain = useChainInfo();
  const { address } = useConnection();
  const { vvv: vvvAddress, staking: stakingAddress, diem: diemAddress } = chain.contracts;
  const owner = address ?? "0x0000000000000000000000000000000000000000";
  const read = useReadContracts({
    allowFailure: false,
    contracts: [
      { address: vvvAddress, abi: vvv.abi, functionName: "balanceOf", args: [owner] },
      { address: vvvAddress, abi: vvv.abi, functionName: "allowance", args: [owner, stakingAddress] },
      { address: stakingAddress, abi: staking.abi, functionName: "balanceOf", args: [owner] },
      { address: stakingAddress, abi: staking.abi, functionName: "unlockedBalanceOf", args: [owner] },
      { address: stakingAddress, abi: staking.abi, functionName: "lockedBalanceOf", args: [owner] },
      { address: stakingAddress, abi: staking.abi, functionName: "pendingRewards", args: [owner] },
      { address: stakingAddress, abi: staking.abi, functionName: "pendingUnstakes", args: [owner] },
      { address: diemAddress, abi: diem.abi, functionName: "balanceOf", args: [owner] },
      { address: diemAddress, abi: diem.abi, functionName: "positions", args: [owner] },
      { address: diemAddress, abi: diem.abi, functionName: "stakedBalanceOf", args: [owner] },
      { address: diemAddress, abi: diem.abi, functionName: "pendingUnstakes", args: [owner] },
      { address: diemAddress, abi: diem.abi, functionName: "mintRate" },
    ],
    query: { enabled: !!address, refetchInterval: 15_000 },
  });
  const d = read.data;
  const position: Position | undefined = d && {
    vvv: d[0],
    vvvAllowance: d[1],
    sVvv: d[2],
    sVvvUnlocked: d[3],
    sVvvLocked: d[4],
    rewards: d[5],
    vvvUnstake: { amount: BigInt(d[6][0]), unlockTime: Number(d[6][1]) },
    diem: d[7],
    diemDebt: d[8][1],
    diemStaked: d[9],
    diemUnstake: { amount: BigInt(d[10][0]), unlockTime: Number(d[10][1]) },
    mintRate: d[11],
  };
  return { position, error: read.error, isPending: read.isPending && !!address, address };
}
