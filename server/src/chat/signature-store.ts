import type { ResponseSignatureResult } from "../attestation/verify-response-signature.ts";

export interface StoredSignature {
  model: string;
  result: ResponseSignatureResult;
}

const TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Recent TEE answers' signature checks, by our chat id, in memory for an hour
 * so a client can fetch them (`GET /v1/signature/{id}`). Holds hashes and
 * signatures only, never content.
 */
export class SignatureStore {
  private readonly entries = new Map<string, StoredSignature & { at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  put(chatId: string, entry: StoredSignature): void {
    this.entries.delete(chatId);
    this.entries.set(chatId, { ...entry, at: this.now() });
    // Oldest first in a Map: trim from the front.
    for (const [id, e] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && this.now() - e.at < TTL_MS) break;
      this.entries.delete(id);
    }
  }

  get(chatId: string): StoredSignature | undefined {
    const entry = this.entries.get(chatId);
    if (!entry || this.now() - entry.at >= TTL_MS) return undefined;
    return { model: entry.model, result: entry.result };
  }
}
