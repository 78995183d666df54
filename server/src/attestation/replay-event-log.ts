import { createHash } from "node:crypto";
import { z } from "zod";
import { TeeAttestationError } from "./attestation-error.ts";

/** dstack's event type for runtime events it extends into RTMR3. */
export const DSTACK_RUNTIME_EVENT_TYPE = 0x08000001;

const hexString = z.string().regex(/^[0-9a-fA-F]*$/, "expected hex");

/** One entry of a dstack event log (CCEL boot events for IMR 0-2, runtime events for IMR 3). */
export const eventLogEntrySchema = z.object({
  imr: z.number().int().min(0).max(3),
  event_type: z.number().int().nonnegative(),
  digest: hexString.length(96),
  event: z.string(),
  event_payload: hexString,
});

/** A dstack event log entry. */
export type EventLogEntry = z.infer<typeof eventLogEntrySchema>;

/** Result of {@link replayEventLog}. */
export interface ReplayEventLogResult {
  /** RTMR0-3 recomputed from the log, lowercase hex. */
  replayed: [string, string, string, string];
  /**
   * Runtime events of RTMR3 whose digests were recomputed from their content, by name,
   * payload as hex (e.g. `compose-hash`, `app-id`, `instance-id`, `os-image-hash`).
   */
  runtimeEvents: Record<string, string>;
  entries: EventLogEntry[];
}

/**
 * Parses an event log as the attestation report carries it: a JSON string or an array.
 * @throws TeeAttestationError `event_log_malformed`
 */
export function parseEventLog(eventLog: unknown): EventLogEntry[] {
  let value = eventLog;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new TeeAttestationError("event_log_malformed", "event log is not JSON", { cause: error });
    }
  }
  const parsed = z.array(eventLogEntrySchema).min(1).safeParse(value);
  if (!parsed.success) {
    throw new TeeAttestationError("event_log_malformed", `event log: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * The digest dstack extends for a runtime event: SHA-384 over the event type as a
 * little-endian u32, `:`, the event name, `:`, the payload bytes.
 * @see https://github.com/Dstack-TEE/dstack (tdx-attest: RTMR3 runtime event digest)
 */
export function runtimeEventDigest(eventType: number, event: string, payloadHex: string): string {
  const type = Buffer.alloc(4);
  type.writeUInt32LE(eventType);
  return createHash("sha384")
    .update(Buffer.concat([type, Buffer.from(`:${event}:`), Buffer.from(payloadHex, "hex")]))
    .digest("hex");
}

/**
 * Replays a TDX event log: `RTMR = SHA-384(RTMR ‖ digest)` from 48 zero bytes, in log
 * order, for each IMR. The RTMR3 result must equal the quote's RTMR3, and each dstack
 * runtime event's digest must match its content, so the events (compose-hash, app-id …)
 * are as attested as the quote itself.
 * @throws TeeAttestationError `event_log_malformed`, `event_log_digest_mismatch` or `event_log_rtmr3_mismatch`
 * @see https://cdrdv2.intel.com/v1/dl/getContent/733568 (TDX module: TDG.MR.RTMR.EXTEND)
 */
export function replayEventLog(eventLog: unknown, quoteRtmr3: string): ReplayEventLogResult {
  const entries = parseEventLog(eventLog);
  const registers = [0, 1, 2, 3].map(() => Buffer.alloc(48));
  const runtimeEvents: Record<string, string> = {};

  for (const [index, entry] of entries.entries()) {
    const digest = entry.digest.toLowerCase();
    if (entry.imr === 3 && entry.event_type === DSTACK_RUNTIME_EVENT_TYPE) {
      const computed = runtimeEventDigest(entry.event_type, entry.event, entry.event_payload);
      if (computed !== digest) {
        throw new TeeAttestationError(
          "event_log_digest_mismatch",
          `event ${index} '${entry.event}' has digest ${digest} but its content hashes to ${computed}`,
        );
      }
      if (entry.event in runtimeEvents) {
        throw new TeeAttestationError("event_log_malformed", `runtime event '${entry.event}' appears twice`);
      }
      runtimeEvents[entry.event] = entry.event_payload.toLowerCase();
    }
    const register = registers[entry.imr] as Buffer;
    registers[entry.imr] = createHash("sha384")
      .update(Buffer.concat([register, Buffer.from(digest, "hex")]))
      .digest();
  }

  const replayed = registers.map((register) => register.toString("hex")) as ReplayEventLogResult["replayed"];
  if (replayed[3] !== quoteRtmr3.toLowerCase()) {
    throw new TeeAttestationError(
      "event_log_rtmr3_mismatch",
      `event log replays to RTMR3 ${replayed[3]}, the quote has ${quoteRtmr3.toLowerCase()}`,
    );
  }
  return { replayed, runtimeEvents, entries };
}
