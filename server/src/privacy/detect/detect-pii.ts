import type { PiiType } from "@masque/shared";
import { countDigits } from "./count-digits.ts";
import { detectAddresses } from "./detect-addresses.ts";
import { detectCards } from "./detect-cards.ts";
import { detectCryptoAddresses } from "./detect-crypto-addresses.ts";
import { detectDatesOfBirth } from "./detect-dates-of-birth.ts";
import { detectEmails } from "./detect-emails.ts";
import { detectIbans } from "./detect-ibans.ts";
import { detectIpAddresses } from "./detect-ip-addresses.ts";
import { detectNames } from "./detect-names.ts";
import { detectNationalIds, detectSsns } from "./detect-national-ids.ts";
import { detectPhones } from "./detect-phones.ts";
import { detectSecrets } from "./detect-secrets.ts";
import { detectUrls } from "./detect-urls.ts";
import type { Detector, PiiSpan } from "./pii-span.ts";
import { resolveOverlaps } from "./resolve-overlaps.ts";
import { isLowerCaseText } from "./text-case.ts";

/** A pattern or checksum detector, and the fewest ASCII digits any value it reports holds. */
export interface StructuredDetector {
  detect: Detector;
  minDigits: number;
}

/**
 * Pattern and checksum detectors: cheap, no word lists. A text with fewer
 * digits than a detector's minimum cannot hold what it looks for, so it is
 * skipped: a chat prompt of prose pays for none of the number patterns.
 */
export const STRUCTURED_DETECTORS: readonly StructuredDetector[] = [
  { detect: detectEmails, minDigits: 0 },
  { detect: detectPhones, minDigits: 7 },
  { detect: detectCards, minDigits: 12 },
  { detect: detectIbans, minDigits: 2 },
  { detect: detectSsns, minDigits: 9 },
  { detect: detectNationalIds, minDigits: 4 },
  // An IPv6 address may be all hex letters ("fe80::abcd").
  { detect: detectIpAddresses, minDigits: 0 },
  // `0x…`, `1…` or `3…`, `bc1…`.
  { detect: detectCryptoAddresses, minDigits: 1 },
  { detect: detectSecrets, minDigits: 0 },
  { detect: detectUrls, minDigits: 0 },
  // The shortest date, "1/2/90".
  { detect: detectDatesOfBirth, minDigits: 4 },
];

const MOST_DIGITS_NEEDED = Math.max(...STRUCTURED_DETECTORS.map((d) => d.minDigits));

/** Detectors that read words: names and street addresses (told whether the text is all lower case). */
export const LANGUAGE_DETECTORS: ReadonlyArray<(text: string, lowerMode: boolean) => PiiSpan[]> = [
  detectNames,
  detectAddresses,
];

/** Options of {@link detectPii}. */
export interface DetectPiiOptions {
  /** Only report these types (default: all). */
  types?: ReadonlySet<PiiType>;
  /** Run only the structured detectors (no names or addresses). */
  structuredOnly?: boolean;
}

/**
 * Finds the personal data in a text: non-overlapping spans, in order, where
 * the longest and then the most specific detection wins.
 */
export function detectPii(text: string, options: DetectPiiOptions = {}): PiiSpan[] {
  if (text.length === 0) return [];
  // Escapes such as `\n` inside JSON or code must not glue words together; same length, so offsets hold.
  const view = text.includes("\\") ? text.replace(/\\[nrt"\\/]/g, "  ") : text;
  const digits = countDigits(view, MOST_DIGITS_NEEDED);
  const found: PiiSpan[][] = [];
  for (const { detect, minDigits } of STRUCTURED_DETECTORS) if (digits >= minDigits) found.push(detect(view));
  if (!options.structuredOnly) {
    const lowerMode = isLowerCaseText(view);
    for (const detect of LANGUAGE_DETECTORS) found.push(detect(view, lowerMode));
  }
  const spans: PiiSpan[] = [];
  for (const list of found) {
    for (const span of list) {
      if (options.types && !options.types.has(span.type)) continue;
      spans.push(view === text ? span : { ...span, value: text.slice(span.start, span.end) });
    }
  }
  return resolveOverlaps(spans);
}

/**
 * Loads the word lists (about a third of a second) so the first request does
 * not pay for it; call once at server start.
 */
export function warmUpPiiDetection(): void {
  detectPii("Warm-up: Jane Doe, 1 Main Street, jane@example.com");
}
