import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { replayEventLog } from "./replay-event-log.ts";
import { describeWithTeeFixtures, dstackInfo, dstackSample, reasonOf } from "./test-fixtures.ts";
import { verifyComposeHash } from "./verify-compose-hash.ts";
import { parseTdxQuote } from "./verify-tdx-quote.ts";

describeWithTeeFixtures("verifyComposeHash on the real dstack evidence", () => {
  const evidence = () => {
    const sample = dstackSample();
    const { measurements } = parseTdxQuote(sample.quote);
    const { runtimeEvents } = replayEventLog(sample.eventLog, measurements.rtmr3);
    const info = dstackInfo();
    return { runtimeEvents, mrConfigId: measurements.mrConfigId, info };
  };

  it("agrees across the RTMR3 event, sha256(app_compose), info.compose_hash and MRCONFIGID", () => {
    const { runtimeEvents, mrConfigId, info } = evidence();
    const result = verifyComposeHash({
      runtimeEvents,
      mrConfigId,
      appCompose: info.tcb_info.app_compose,
      claimedComposeHash: info.compose_hash,
    });
    expect(result.composeHash).toBe("62dd36d22b7d704aaa4d598226801ed4e6a3bfd17dde762b2efd9876768be800");
    expect(result.detail).toContain("sha256(app_compose), info.compose_hash, MRCONFIGID");
  });

  it("refuses an app compose that is not the attested one", async () => {
    const { runtimeEvents, mrConfigId, info } = evidence();
    const appCompose = info.tcb_info.app_compose.replace("sandbox", "sandb0x");
    expect(await reasonOf(() => verifyComposeHash({ runtimeEvents, mrConfigId, appCompose }))).toBe(
      "compose_hash_mismatch",
    );
  });

  it("refuses a claimed compose_hash or MRCONFIGID that disagrees with RTMR3", async () => {
    const { runtimeEvents, mrConfigId } = evidence();
    expect(
      await reasonOf(() =>
        verifyComposeHash({ runtimeEvents, mrConfigId, claimedComposeHash: "00".repeat(32) }),
      ),
    ).toBe("compose_hash_mismatch");
    const otherMrConfig = `01${"00".repeat(32)}${"00".repeat(15)}`;
    expect(await reasonOf(() => verifyComposeHash({ runtimeEvents, mrConfigId: otherMrConfig }))).toBe(
      "compose_hash_mismatch",
    );
  });
});

describe("verifyComposeHash (synthetic)", () => {
  it("refuses an event log without a compose-hash event", async () => {
    expect(await reasonOf(() => verifyComposeHash({ runtimeEvents: {}, mrConfigId: "00".repeat(48) }))).toBe(
      "compose_hash_missing",
    );
  });

  it("ignores an all-zero MRCONFIGID (older dstack binds the hash only in RTMR3)", () => {
    const appCompose = '{"docker_compose_file":"services: {}"}';
    const hash = createHash("sha256").update(appCompose).digest("hex");
    const result = verifyComposeHash({
      runtimeEvents: { "compose-hash": hash },
      mrConfigId: "00".repeat(48),
      appCompose,
    });
    expect(result.detail).toBe(
      `compose hash ${hash} agrees across RTMR3 compose-hash event, sha256(app_compose)`,
    );
  });
});
