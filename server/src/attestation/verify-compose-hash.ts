import { createHash } from "node:crypto";
import { TeeAttestationError } from "./attestation-error.ts";

/** Options of {@link verifyComposeHash}. */
export interface VerifyComposeHashOptions {
  /** Runtime events from {@link replayEventLog}, whose digests were checked. */
  runtimeEvents: Record<string, string>;
  /** The dstack app-compose manifest (JSON text) from the report's `info.tcb_info`, if sent. */
  appCompose?: string | undefined;
  /** The `compose_hash` the report's `info` claims, if sent. */
  claimedComposeHash?: string | undefined;
  /** The quote's MRCONFIGID (hex); dstack may put `01 ‖ compose_hash` there. */
  mrConfigId: string;
}

/** Result of {@link verifyComposeHash}. */
export interface VerifyComposeHashResult {
  composeHash: string;
  detail: string;
}

/**
 * Checks that the app the enclave runs is the one described: the `compose-hash` runtime
 * event in RTMR3 equals SHA-256 of the app-compose manifest, the report's claimed
 * compose_hash, and MRCONFIGID when dstack bound it there (`0x01 ‖ hash`).
 * @throws TeeAttestationError `compose_hash_missing` or `compose_hash_mismatch`
 * @see https://github.com/Dstack-TEE/dstack (app compose hash, RTMR3 `compose-hash` event)
 */
export function verifyComposeHash(options: VerifyComposeHashOptions): VerifyComposeHashResult {
  const composeHash = options.runtimeEvents["compose-hash"];
  if (!composeHash) {
    throw new TeeAttestationError("compose_hash_missing", "the event log has no compose-hash runtime event");
  }
  const checked = ["RTMR3 compose-hash event"];

  if (options.appCompose !== undefined) {
    const computed = createHash("sha256").update(options.appCompose).digest("hex");
    if (computed !== composeHash) {
      throw new TeeAttestationError(
        "compose_hash_mismatch",
        `app compose hashes to ${computed}, RTMR3 records ${composeHash}`,
      );
    }
    checked.push("sha256(app_compose)");
  }
  if (options.claimedComposeHash !== undefined) {
    const claimed = options.claimedComposeHash.toLowerCase().replace(/^0x/, "");
    if (claimed !== composeHash) {
      throw new TeeAttestationError(
        "compose_hash_mismatch",
        `report claims ${claimed}, RTMR3 records ${composeHash}`,
      );
    }
    checked.push("info.compose_hash");
  }
  const mrConfigId = options.mrConfigId.toLowerCase();
  if (mrConfigId.startsWith("01")) {
    const bound = mrConfigId.slice(2, 66);
    if (bound !== composeHash) {
      throw new TeeAttestationError(
        "compose_hash_mismatch",
        `MRCONFIGID binds ${bound}, RTMR3 records ${composeHash}`,
      );
    }
    checked.push("MRCONFIGID");
  }
  return { composeHash, detail: `compose hash ${composeHash} agrees across ${checked.join(", ")}` };
}
