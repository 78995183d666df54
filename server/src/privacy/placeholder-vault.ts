import { inspect } from "node:util";
import { formatPlaceholder, PII_TYPES, type PiiType } from "@masque/shared";

/** Distinct values redacted in one request, by type; never the values themselves. */
export type RedactionCounts = Partial<Record<PiiType, number>>;

/**
 * The per-request map between personal values and their placeholders.
 *
 * It lives in memory for one request and is never persisted: the map sits in
 * private fields, and `toJSON`, `toString` and `util.inspect` show only counts,
 * so a stray log line or error report cannot leak a value.
 */
export class PlaceholderVault {
  readonly #byKey = new Map<string, string>();
  readonly #values = new Map<string, string>();
  readonly #counts = new Map<PiiType, number>();

  /**
   * The placeholder for a value, issuing the next index of its type on first
   * sight. Equal values (after light normalisation: case, spacing, separators
   * in numbers) share one placeholder across every message of the request.
   */
  placeholderFor(type: PiiType, value: string): string {
    const key = `${type}\u0000${normalizeValue(type, value)}`;
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    const index = (this.#counts.get(type) ?? 0) + 1;
    this.#counts.set(type, index);
    const placeholder = formatPlaceholder(type, index);
    this.#byKey.set(key, placeholder);
    this.#values.set(`${type}_${index}`, value);
    return placeholder;
  }

  /** The original value behind `type` + `index`, or `undefined` if none was issued. */
  valueOf(type: PiiType, index: number): string | undefined {
    return this.#values.get(`${type}_${index}`);
  }

  /** How many placeholders of a type were issued (indexes run 1..count). */
  countOf(type: PiiType): number {
    return this.#counts.get(type) ?? 0;
  }

  /** How many values the vault holds. */
  get size(): number {
    return this.#values.size;
  }

  /** Whether no value was redacted. */
  get isEmpty(): boolean {
    return this.#values.size === 0;
  }

  /** Distinct values redacted, by type. */
  counts(): RedactionCounts {
    const counts: RedactionCounts = {};
    for (const [type, count] of this.#counts) counts[type] = count;
    return counts;
  }

  /** Forgets every value; call when the request ends if the vault may outlive it. */
  clear(): void {
    this.#byKey.clear();
    this.#values.clear();
    this.#counts.clear();
  }

  toJSON(): { redactions: RedactionCounts } {
    return { redactions: this.counts() };
  }

  toString(): string {
    return `PlaceholderVault(${formatRedactionsHeader(this.counts())})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/**
 * The `x-masque-redactions` header value: a JSON object of counts by type, in
 * type order (`{"PERSON":2,"EMAIL":1}`; `{}` when nothing was redacted).
 * Counts only, never values.
 */
export function formatRedactionsHeader(counts: RedactionCounts): string {
  const ordered: RedactionCounts = {};
  for (const type of PII_TYPES) if ((counts[type] ?? 0) > 0) ordered[type] = counts[type];
  return JSON.stringify(ordered);
}

function normalizeValue(type: PiiType, value: string): string {
  switch (type) {
    case "PHONE":
    case "CARD":
    case "IBAN":
    case "SSN":
    case "NATIONAL_ID":
      return value.replace(/[\s().\-/]/g, "").toLowerCase();
    case "PERSON":
    case "ADDRESS":
    case "EMAIL":
    case "DOB":
      return value.replace(/\s+/g, " ").trim().toLowerCase();
    default:
      return value;
  }
}
