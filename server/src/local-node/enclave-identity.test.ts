import { bytesToHex, verifyMessage } from "viem";
import { describe, expect, it } from "vitest";
import { EnclaveIdentity, reportData } from "./enclave-identity.ts";

const nonce = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe("EnclaveIdentity", () => {
  it("binds its signing address and the caller's nonce in report_data", () => {
    const data = reportData("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", nonce);
    expect(bytesToHex(data)).toBe(
      `0x70997970c51812dc3a010c7d01b50e0d17dc79c8${"00".repeat(12)}${bytesToHex(nonce).slice(2)}`,
    );
  });

  it("asks the dstack agent for a quote over that report_data inside a TEE", async () => {
    const asked: Uint8Array[] = [];
    const identity = new EnclaveIdentity({
      getQuote: async (data) => {
        asked.push(data);
        return { quote: "0xabcdef", event_log: "[]" };
      },
      info: async () => ({ app_id: "x" }),
    });
    const report = await identity.report(nonce);
    expect(report).toMatchObject({
      in_tee: true,
      intel_quote: "abcdef",
      event_log: "[]",
      request_nonce: bytesToHex(nonce).slice(2),
    });
    expect(asked[0]).toEqual(reportData(identity.address, nonce));
  });

  it("answers with no quote outside a TEE", async () => {
    const report = await new EnclaveIdentity(undefined).report(nonce);
    expect(report.intel_quote).toBeNull();
    expect(report.in_tee).toBe(false);
  });

  it("signs each exchange with EIP-191 over the hashes of the exact bytes", async () => {
    const identity = new EnclaveIdentity(undefined);
    const signed = await identity.sign('{"a":1}', "data: [DONE]\n\n");
    expect(signed.text).toMatch(/^[0-9a-f]{64}:[0-9a-f]{64}$/);
    expect(
      await verifyMessage({
        address: identity.address as `0x${string}`,
        message: signed.text,
        signature: signed.signature,
      }),
    ).toBe(true);
    expect(new EnclaveIdentity(undefined).address).not.toBe(identity.address);
  });
});
