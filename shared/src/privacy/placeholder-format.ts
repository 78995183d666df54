/**
 * The kinds of personal data Masque redacts before a prompt reaches an
 * `anonymized` model. Each names its placeholders (`[PERSON_1]`, `[EMAIL_2]`)
 * and its count in the `x-masque-redactions` header.
 */
export const PII_TYPES = [
  "PERSON",
  "EMAIL",
  "PHONE",
  "CARD",
  "IBAN",
  "SSN",
  "NATIONAL_ID",
  "IP",
  "CRYPTO",
  "ADDRESS",
  "DOB",
  "SECRET",
  "URL",
] as const;

/** One kind of personal data, e.g. `"PERSON"`. */
export type PiiType = (typeof PII_TYPES)[number];

const PII_TYPE_SET: ReadonlySet<string> = new Set(PII_TYPES);

/** Whether a string is one of {@link PII_TYPES}. */
export function isPiiType(value: string): value is PiiType {
  return PII_TYPE_SET.has(value);
}

/**
 * The canonical placeholder for the `index`-th distinct value of a type in one
 * request: `formatPlaceholder("PERSON", 1)` is `"[PERSON_1]"`. Indexes start at 1.
 */
export function formatPlaceholder(type: PiiType, index: number): string {
  if (!Number.isSafeInteger(index) || index < 1)
    throw new RangeError("placeholder index must be a positive integer");
  return `[${type}_${index}]`;
}

/** A placeholder's parts. */
export interface ParsedPlaceholder {
  type: PiiType;
  index: number;
}

const CANONICAL = /^\[([A-Z_]+?)_([1-9][0-9]*)\]$/;

/** Parses a canonical placeholder (`[EMAIL_2]`); anything else, including loose forms, gives `null`. */
export function parsePlaceholder(text: string): ParsedPlaceholder | null {
  const match = CANONICAL.exec(text);
  if (!match) return null;
  const [, type = "", digits = ""] = match;
  if (!isPiiType(type)) return null;
  const index = Number(digits);
  return Number.isSafeInteger(index) ? { type, index } : null;
}
