import { describe, expect, it } from "vitest";
import { TEST_WALLET_KEY, testWalletAddress } from "./wagmi-config.ts";

const storage = (value: string | null) => ({
  getItem: (k: string) => (k === TEST_WALLET_KEY ? value : null),
});

describe("testWalletAddress", () => {
  it("honours a test wallet on the local chain only, and only a real address", () => {
    const address = "0x14dC79964da2C08b23698B3D3cc7Ca32193d9955";
    expect(testWalletAddress(31337, storage(address))).toBe(address);
    expect(testWalletAddress(8453, storage(address))).toBeUndefined();
    expect(testWalletAddress(31337, storage("not an address"))).toBeUndefined();
    expect(testWalletAddress(31337, storage(null))).toBeUndefined();
  });
});
