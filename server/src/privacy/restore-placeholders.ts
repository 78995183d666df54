import { PII_TYPES, type PiiType } from "@masque/shared";
import type { PlaceholderVault } from "./placeholder-vault.ts";

/** How a restored value is written into its stream. */
export type RestoreEscape = "none" | "json";

/** Options of {@link restorePlaceholders} and {@link PlaceholderStreamRestorer}. */
export interface RestoreOptions {
  /**
   * `"json"` escapes restored values for the inside of a JSON string, for
   * tool-call `arguments`; `"none"` (default) writes them as they were.
   */
  escape?: RestoreEscape;
}

const TYPE_WORDS: ReadonlyArray<readonly [PiiType, readonly string[]]> = PII_TYPES.map((type) => [
  type,
  type.toLowerCase().split("_"),
]);

/** The vault's issued types, compiled for scanning: built once per text or stream. */
interface Matcher {
  vault: PlaceholderVault;
  /** The vault's size when compiled; a larger vault means recompiling. */
  size: number;
  types: Array<{ type: PiiType; words: readonly string[]; count: number; code: number }>;
  /** `starts[c]` is 1 when ASCII code `c` may open a placeholder: `[` or a type's first letter, any case. */
  starts: Uint8Array;
}

function compileMatcher(vault: PlaceholderVault): Matcher {
  const starts = new Uint8Array(128);
  starts[91] = 1; // "["
  const types: Matcher["types"] = [];
  for (const [type, words] of TYPE_WORDS) {
    const count = vault.countOf(type);
    if (count === 0) continue;
    const first = (words[0] as string).charCodeAt(0);
    types.push({ type, words, count, code: first });
    starts[first] = 1;
    starts[first - 32] = 1;
  }
  return { vault, size: vault.size, types, starts };
}

type Match = { kind: "none" } | { kind: "pending" } | { kind: "match"; end: number; value: string };
const NONE: Match = { kind: "none" };
const PENDING: Match = { kind: "pending" };

function isWordChar(ch: string | undefined): boolean {
  if (ch === undefined || ch === "") return false;
  const c = ch.charCodeAt(0);
  return (
    (c >= 48 && c <= 57) ||
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    c === 95 ||
    (c > 127 && /[\p{L}\p{N}]/u.test(ch))
  );
}

const isSeparator = (ch: string | undefined) => ch === "_" || ch === " " || ch === "-";
const isDigit = (ch: string | undefined) => ch !== undefined && ch >= "0" && ch <= "9";

/**
 * Tries to read a placeholder written in any accepted form at `start`:
 * `[PERSON_1]`, `PERSON_1`, `person_1`, `[Person 1]`, `Person-1`, `national id 2`.
 * Type words and the index may be joined by `_`, space, `-` or nothing; case is
 * ignored; only indexes the vault issued count. The unbracketed form needs a
 * word boundary on both sides so `XPERSON_1` or `PERSON_1abc` are left alone.
 *
 * `pending` means the text ends before the answer is known; with `final` the end
 * of text is a boundary, so the answer is always known.
 */
function matchAt(
  text: string,
  start: number,
  prev: string | undefined,
  final: boolean,
  matcher: Matcher,
): Match {
  const bracket = text[start] === "[";
  if (!bracket && isWordChar(prev)) return NONE;
  let pending = false;
  let best: Match = NONE;
  const bodyStart = bracket ? start + 1 : start;
  if (bracket && bodyStart >= text.length) return final ? NONE : PENDING;
  const first = text.charCodeAt(bodyStart) | 32;
  for (const { type, words, count, code } of matcher.types) {
    if (first !== code) continue;
    const r = matchType(text, bodyStart, words, count, bracket, final);
    if (r.kind === "pending") pending = true;
    else if (r.kind === "match") {
      const value = matcher.vault.valueOf(type, r.index);
      if (value !== undefined && (best.kind !== "match" || r.end > best.end))
        best = { kind: "match", end: r.end, value };
    }
  }
  // Another type could still complete into a longer match, so wait.
  if (pending) return PENDING;
  return best;
}

type TypeMatch = { kind: "none" } | { kind: "pending" } | { kind: "match"; end: number; index: number };
const NO_TYPE: TypeMatch = { kind: "none" };
const PENDING_TYPE: TypeMatch = { kind: "pending" };

function matchType(
  text: string,
  from: number,
  words: readonly string[],
  count: number,
  bracket: boolean,
  final: boolean,
): TypeMatch {
  const n = text.length;
  const endOfText: TypeMatch = final ? NO_TYPE : PENDING_TYPE;
  let j = from;
  for (let w = 0; w < words.length; w++) {
    const word = words[w] as string;
    if (w > 0 && isSeparator(text[j])) j++;
    for (let k = 0; k < word.length; k++, j++) {
      if (j >= n) return endOfText;
      // ASCII case folding: type names are ASCII, and only an ASCII letter can match one.
      if ((text.charCodeAt(j) | 32) !== word.charCodeAt(k)) return NO_TYPE;
    }
  }
  if (j >= n) return endOfText;
  if (isSeparator(text[j])) j++;
  if (j >= n) return endOfText;
  if (!isDigit(text[j]) || text[j] === "0") return NO_TYPE;
  const digitsStart = j;
  while (j < n && isDigit(text[j])) j++;
  const digits = text.slice(digitsStart, j);
  // Never more digits than the largest issued index has.
  if (digits.length > String(count).length) return NO_TYPE;
  if (j >= n) {
    if (final) return bracket ? NO_TYPE : indexMatch(digits, j, count);
    return PENDING_TYPE;
  }
  if (bracket) return text[j] === "]" ? indexMatch(digits, j + 1, count) : NO_TYPE;
  return isWordChar(text[j]) ? NO_TYPE : indexMatch(digits, j, count);
}

function indexMatch(digits: string, end: number, count: number): TypeMatch {
  const index = Number(digits);
  return index >= 1 && index <= count ? { kind: "match", end, index } : NO_TYPE;
}

function escapeValue(value: string, mode: RestoreEscape): string {
  return mode === "json" ? JSON.stringify(value).slice(1, -1) : value;
}

/**
 * Scans `text` from the left, replacing placeholders. Returns the output and how
 * much input it consumed: without `final` it stops at the first position where a
 * placeholder might still be completed by text not yet seen.
 */
function scan(
  text: string,
  prev: string | undefined,
  final: boolean,
  matcher: Matcher,
  mode: RestoreEscape,
): { out: string; consumed: number } {
  let out = "";
  let copied = 0;
  let i = 0;
  const starts = matcher.starts;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 128 || starts[c] === 0) {
      i++;
      continue;
    }
    const m = matchAt(text, i, i === 0 ? prev : text[i - 1], final, matcher);
    if (m.kind === "none") {
      i++;
      continue;
    }
    out += text.slice(copied, i);
    if (m.kind === "pending") return { out, consumed: i };
    out += escapeValue(m.value, mode);
    i = m.end;
    copied = i;
  }
  return { out: out + text.slice(copied), consumed: text.length };
}

/**
 * Restores every placeholder in a whole text, in the forms a model writes them
 * back (with or without brackets, any case, `_`, space or `-` as separator).
 */
export function restorePlaceholders(
  text: string,
  vault: PlaceholderVault,
  options: RestoreOptions = {},
): string {
  if (vault.isEmpty) return text;
  return scan(text, undefined, true, compileMatcher(vault), options.escape ?? "none").out;
}

/**
 * Restores one stream of text deltas (a choice's `content`, or one tool call's
 * `arguments`). It holds back only the shortest tail that could still become a
 * placeholder and emits everything before it at once; `flush()` at the end of
 * the stream releases the rest. For any split of the input, the concatenated
 * output equals {@link restorePlaceholders} of the whole text.
 */
export class PlaceholderStreamRestorer {
  readonly #vault: PlaceholderVault;
  readonly #escape: RestoreEscape;
  #held = "";
  #prev: string | undefined;
  #matcher: Matcher | undefined;

  constructor(vault: PlaceholderVault, options: RestoreOptions = {}) {
    this.#vault = vault;
    this.#escape = options.escape ?? "none";
  }

  /** Feeds a delta; returns the restored text that can be sent now (maybe `""`). */
  push(delta: string): string {
    if (delta === "") return "";
    if (this.#vault.isEmpty) return delta;
    return this.#run(this.#held + delta, false);
  }

  /** Ends the stream: returns whatever was held back, restored. */
  flush(): string {
    const rest = this.#held;
    if (rest === "") return "";
    return this.#run(rest, true);
  }

  /** Whether text is being held back. */
  get holding(): boolean {
    return this.#held !== "";
  }

  #run(text: string, final: boolean): string {
    if (this.#matcher === undefined || this.#matcher.size !== this.#vault.size) {
      this.#matcher = compileMatcher(this.#vault);
    }
    const { out, consumed } = scan(text, this.#prev, final, this.#matcher, this.#escape);
    if (consumed > 0) this.#prev = text[consumed - 1];
    this.#held = text.slice(consumed);
    return out;
  }

  toJSON(): string {
    return "PlaceholderStreamRestorer";
  }
}
