import { createHash } from "node:crypto";
import { isAddress } from "viem";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const ETHEREUM = /(?<![\w])0x[0-9a-fA-F]{40}(?![\w])/g;
const BITCOIN_LEGACY = /(?<![\w])[13][1-9A-HJ-NP-Za-km-z]{25,34}(?![\w])/g;
const BECH32_PREFIX = /bc1|tb1/i;
const BECH32 = /(?<![\w])(?:bc1|tb1|BC1|TB1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,87}(?![\w])/g;

/**
 * Cryptocurrency addresses: Ethereum (`0x` + 40 hex; a mixed-case one must pass
 * its EIP-55 checksum), Bitcoin legacy P2PKH/P2SH (Base58Check) and SegWit
 * bech32/bech32m (BIP-173/BIP-350 checksum).
 * @see https://eips.ethereum.org/EIPS/eip-55
 * @see https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki
 */
export function detectCryptoAddresses(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  // Quick scans for each shape's prefix before the patterns, which test a lookbehind at every position.
  for (const m of text.includes("0x") ? text.matchAll(ETHEREUM) : []) {
    const hex = m[0].slice(2);
    const checksummed = hex !== hex.toLowerCase() && hex !== hex.toUpperCase();
    if (checksummed && !isAddress(m[0], { strict: true })) continue;
    spans.push(spanOf(text, "CRYPTO", m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(BITCOIN_LEGACY)) {
    if (base58CheckValid(m[0])) spans.push(spanOf(text, "CRYPTO", m.index, m.index + m[0].length));
  }
  for (const m of BECH32_PREFIX.test(text) ? text.matchAll(BECH32) : []) {
    if (bech32Valid(m[0])) spans.push(spanOf(text, "CRYPTO", m.index, m.index + m[0].length));
  }
  return spans;
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function base58CheckValid(s: string): boolean {
  let n = 0n;
  for (const ch of s) {
    const v = BASE58.indexOf(ch);
    if (v < 0) return false;
    n = n * 58n + BigInt(v);
  }
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const leadingZeros = /^1*/.exec(s)?.[0].length ?? 0;
  const bytes = Buffer.concat([Buffer.alloc(leadingZeros), Buffer.from(hex, "hex")]);
  if (bytes.length !== 25) return false;
  const payload = bytes.subarray(0, 21);
  const check = createHash("sha256").update(createHash("sha256").update(payload).digest()).digest();
  return check.subarray(0, 4).equals(bytes.subarray(21));
}

const BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i] as number;
  }
  return chk >>> 0;
}

function bech32Valid(address: string): boolean {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) return false;
  const s = address.toLowerCase();
  const sep = s.lastIndexOf("1");
  const hrp = s.slice(0, sep);
  const data: number[] = [];
  for (const ch of s.slice(sep + 1)) {
    const v = BECH32_CHARSET.indexOf(ch);
    if (v < 0) return false;
    data.push(v);
  }
  const expanded = [
    ...[...hrp].map((c) => c.charCodeAt(0) >> 5),
    0,
    ...[...hrp].map((c) => c.charCodeAt(0) & 31),
  ];
  const polymod = bech32Polymod([...expanded, ...data]);
  return polymod === 1 || polymod === 0x2bc830a3; // bech32 or bech32m
}
