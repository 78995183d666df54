import type { ResponseSignatureResult } from "../attestation/verify-response-signature.ts";
import { ExpiringMap } from "../util/expiring-map.ts";

export interface StoredSignature {
  model: string;
  result: ResponseSignatureResult;
}

/**
 * Recent TEE answers' signature checks, by our chat id, kept in memory for an
 * hour so a client can fetch them (`GET /v1/signature/{id}`). Hashes and
 * signatures only, never content.
 */
export class SignatureStore extends ExpiringMap<StoredSignature> {
  constructor(now?: () => number) {
    super(60 * 60_000, 10_000, now);
  }
}
