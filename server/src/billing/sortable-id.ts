import { randomBytes } from "node:crypto";

let pool = Buffer.alloc(0);
let used = 0;

/**
 * A unique id that sorts by creation time: `<prefix>_` + milliseconds (base36)
 * + 72 random bits (base64url). The ledger writes a few such ids into indexes
 * on every request; in time order each insert lands on an index's last page,
 * which is in cache and is written back once per checkpoint, where random ids
 * would scatter the inserts over the whole index. The random bits come from a
 * pool, so an id costs no call into OpenSSL of its own.
 */
export function sortableId(prefix: string): string {
  if (used + 9 > pool.length) {
    pool = randomBytes(4608);
    used = 0;
  }
  const random = pool.toString("base64url", used, used + 9);
  used += 9;
  return `${prefix}_${Date.now().toString(36).padStart(9, "0")}${random}`;
}
