import { expect, it } from "vitest";
import { parseEventLog, replayEventLog, runtimeEventDigest } from "./replay-event-log.ts";
import { describeWithTeeFixtures, dstackInfo, dstackSample, reasonOf } from "./test-fixtures.ts";
import { parseTdxQuote } from "./verify-tdx-quote.ts";

const real = () => {
  const sample = dstackSample();
  return { eventLog: sample.eventLog, rtmr3: parseTdxQuote(sample.quote).measurements.rtmr3 };
};

describeWithTeeFixtures("replayEventLog on the real dstack event log", () => {
  it("replays to the quote's RTMR3 and yields the verified runtime events", () => {
    const { eventLog, rtmr3 } = real();
    const result = replayEventLog(eventLog, rtmr3);
    expect(result.replayed[3]).toBe(rtmr3);
    expect(result.runtimeEvents["compose-hash"]).toBe(dstackInfo().compose_hash);
    expect(result.runtimeEvents["app-id"]).toBe(dstackInfo().app_id);
    expect(Object.keys(result.runtimeEvents)).toEqual([
      "system-preparing",
      "app-id",
      "compose-hash",
      "instance-id",
      "boot-mr-done",
      "mr-kms",
      "os-image-hash",
      "key-provider",
      "system-ready",
    ]);
  });

  it("also replays RTMR0-2 to the quote's values (boot measurements)", () => {
    const sample = dstackSample();
    const { measurements } = parseTdxQuote(sample.quote);
    const { replayed } = replayEventLog(sample.eventLog, measurements.rtmr3);
    expect(replayed.slice(0, 3)).toEqual([measurements.rtmr0, measurements.rtmr1, measurements.rtmr2]);
  });

  it("accepts the log as an array as well as a JSON string", () => {
    const { eventLog, rtmr3 } = real();
    expect(replayEventLog(JSON.parse(eventLog), rtmr3).replayed[3]).toBe(rtmr3);
  });

  it("refuses a runtime event whose content does not match its digest (forged compose-hash)", async () => {
    const { eventLog, rtmr3 } = real();
    const entries = parseEventLog(eventLog);
    const forged = entries.map((e) =>
      e.event === "compose-hash" ? { ...e, event_payload: "ab".repeat(32) } : e,
    );
    expect(await reasonOf(() => replayEventLog(forged, rtmr3))).toBe("event_log_digest_mismatch");
  });

  it("refuses a consistently re-hashed forged event: the log no longer replays to RTMR3", async () => {
    const { eventLog, rtmr3 } = real();
    const forged = parseEventLog(eventLog).map((e) =>
      e.event === "compose-hash"
        ? {
            ...e,
            event_payload: "ab".repeat(32),
            digest: runtimeEventDigest(e.event_type, e.event, "ab".repeat(32)),
          }
        : e,
    );
    expect(await reasonOf(() => replayEventLog(forged, rtmr3))).toBe("event_log_rtmr3_mismatch");
  });

  it("refuses a log with an RTMR3 event dropped, and a log for another quote", async () => {
    const { eventLog, rtmr3 } = real();
    const dropped = parseEventLog(eventLog).filter((e) => e.event !== "instance-id");
    expect(await reasonOf(() => replayEventLog(dropped, rtmr3))).toBe("event_log_rtmr3_mismatch");
    expect(await reasonOf(() => replayEventLog(eventLog, "00".repeat(48)))).toBe("event_log_rtmr3_mismatch");
  });

  it("refuses a duplicated runtime event and a malformed log", async () => {
    const { eventLog, rtmr3 } = real();
    const entries = parseEventLog(eventLog);
    const compose = entries.find((e) => e.event === "compose-hash");
    expect(await reasonOf(() => replayEventLog([...entries, compose], rtmr3))).toBe("event_log_malformed");
    expect(await reasonOf(() => replayEventLog("not json", rtmr3))).toBe("event_log_malformed");
    expect(await reasonOf(() => replayEventLog([{ imr: 7 }], rtmr3))).toBe("event_log_malformed");
    expect(await reasonOf(() => replayEventLog([], rtmr3))).toBe("event_log_malformed");
  });
});
