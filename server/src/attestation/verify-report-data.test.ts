import fc from "fast-check";
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { describeWithTeeFixtures, dstackSample, flipped, reasonOf } from "./test-fixtures.ts";
import { expectedReportData, verifyReportData } from "./verify-report-data.ts";
import { parseTdxQuote } from "./verify-tdx-quote.ts";

const address = "0x614bc66ff0407dbb70b9c7ca1f5e983e4a02c921";
const nonce = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

describe("report_data binding (synthetic data)", () => {
  it("is the address right-padded to 32 bytes, then the nonce", () => {
    const data = expectedReportData(address, nonce);
    expect(Buffer.from(data).toString("hex")).toBe(
      `${address.slice(2)}${"00".repeat(12)}${Buffer.from(nonce).toString("hex")}`,
    );
    expect(verifyReportData(data, address, nonce)).toBe(
      `report_data binds ${getAddress(address)} and our nonce`,
    );
  });

  it("refuses a wrong nonce and a wrong signing address, each with its own reason", async () => {
    const data = expectedReportData(address, nonce);
    const otherNonce = flipped(nonce, 31);
    expect(await reasonOf(() => verifyReportData(data, address, otherNonce))).toBe(
      "report_data_nonce_mismatch",
    );
    const otherAddress = "0x0000000000000000000000000000000000000001";
    expect(await reasonOf(() => verifyReportData(data, otherAddress, nonce))).toBe(
      "report_data_address_mismatch",
    );
  });

  it("detects any single flipped bit of report_data", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 511 }),
        async (addressBytes, nonceBytes, bit) => {
          const addr = `0x${Buffer.from(addressBytes).toString("hex")}`;
          const data = expectedReportData(addr, nonceBytes);
          verifyReportData(data, addr, nonceBytes);
          const tampered = flipped(data, bit >> 3, 1 << (bit & 7));
          const reason = await reasonOf(() => verifyReportData(tampered, addr, nonceBytes));
          return reason === (bit < 256 ? "report_data_address_mismatch" : "report_data_nonce_mismatch");
        },
      ),
    );
  });

  it("refuses a nonce that is not 32 bytes", async () => {
    expect(await reasonOf(() => expectedReportData(address, new Uint8Array(16)))).toBe("report_malformed");
  });
});

describeWithTeeFixtures("report_data of the real dstack quote", () => {
  it("is 0x01 x 64, which binds no address: the binding check refuses it", async () => {
    const { reportData } = parseTdxQuote(dstackSample().quote);
    expect(Buffer.from(reportData).toString("hex")).toBe("01".repeat(64));
    // The address half must end in 12 zero bytes, so no signing address can match it.
    expect(await reasonOf(() => verifyReportData(reportData, address, nonce))).toBe(
      "report_data_address_mismatch",
    );
    expect(
      await reasonOf(() => verifyReportData(reportData, `0x${"01".repeat(20)}`, reportData.subarray(32))),
    ).toBe("report_data_address_mismatch");
  });

  it("would be refused for its nonce half too, were the address half right", async () => {
    const { reportData } = parseTdxQuote(dstackSample().quote);
    const withOurAddress = Uint8Array.from(reportData);
    withOurAddress.set(expectedReportData(address, nonce).subarray(0, 32), 0);
    expect(await reasonOf(() => verifyReportData(withOurAddress, address, nonce))).toBe(
      "report_data_nonce_mismatch",
    );
  });
});
