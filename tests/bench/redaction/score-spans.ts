import type { PiiType } from "@masque/shared";

/** A labelled sample of the Presidio research corpora. */
export interface LabelledSample {
  full_text: string;
  spans: Array<{ entity_type: string; entity_value: string; start_position: number; end_position: number }>;
}

/**
 * Which dataset labels Masque treats as personal data, and as which type.
 * Names, street addresses, contact details, payment and bank numbers, national
 * ids (a US driver's license number included) and IP addresses identify or
 * reach a person. Left out on purpose: GPE/LOCATION (a city or country alone
 * covers millions), ORGANIZATION, TITLE/PREFIX (job titles, "Mr."), NRP
 * (nationality), AGE, DATE_TIME (a date is personal only as a birth date, which
 * the corpora do not label separately), ZIP_CODE alone (shared by thousands)
 * and DOMAIN_NAME (plain links). Inside a full address these parts are redacted
 * with it anyway.
 */
export const LABEL_TO_TYPE: Record<string, PiiType> = {
  PERSON: "PERSON",
  STREET_ADDRESS: "ADDRESS",
  ADDRESS: "ADDRESS",
  PHONE_NUMBER: "PHONE",
  CREDIT_CARD: "CARD",
  EMAIL_ADDRESS: "EMAIL",
  IBAN_CODE: "IBAN",
  US_SSN: "SSN",
  US_DRIVER_LICENSE: "NATIONAL_ID",
  IP_ADDRESS: "IP",
};

/** A predicted date of birth is right when it falls on a labelled date. */
const ALSO_CORRECT: Partial<Record<PiiType, string[]>> = { DOB: ["DATE_TIME"] };

export interface Span {
  type: string;
  start: number;
  end: number;
}

export interface TypeScore {
  gold: number;
  predicted: number;
  /** Gold spans at least half covered by predictions of the same type. */
  recalled: number;
  /** Gold spans touched by a prediction of any type (redacted, maybe under another name). */
  redactedAnyType: number;
  /** Predictions overlapping a gold span of the same type. */
  correct: number;
}

export interface CorpusScore {
  byType: Record<string, TypeScore>;
  goldChars: number;
  leakedChars: number;
  /** A few misses and false alarms per type, for tuning by reading, never by memorising. */
  examples: { misses: string[]; falseAlarms: string[] };
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

function covered(gold: Span, preds: readonly Span[], text: string): number {
  let total = 0;
  let hit = 0;
  for (let i = gold.start; i < gold.end; i++) {
    if (/\s/.test(text[i] ?? "")) continue;
    total++;
    if (preds.some((p) => p.start <= i && i < p.end)) hit++;
  }
  return total === 0 ? 1 : hit / total;
}

/** Scores predictions against one sample's gold spans (only the labels Masque treats as personal). */
export function scoreSample(sample: LabelledSample, predicted: readonly Span[], into: CorpusScore): void {
  const text = sample.full_text;
  const gold: Span[] = [];
  const other: Span[] = [];
  for (const s of sample.spans) {
    const type = LABEL_TO_TYPE[s.entity_type];
    if (type) gold.push({ type, start: s.start_position, end: s.end_position });
    else other.push({ type: s.entity_type, start: s.start_position, end: s.end_position });
  }
  const row = (type: string) => {
    into.byType[type] ??= { gold: 0, predicted: 0, recalled: 0, redactedAnyType: 0, correct: 0 };
    return into.byType[type];
  };
  for (const g of gold) {
    const r = row(g.type);
    r.gold++;
    const same = predicted.filter((p) => p.type === g.type && overlaps(p, g));
    if (covered(g, same, text) >= 0.5) r.recalled++;
    else if (into.examples.misses.length < 400)
      into.examples.misses.push(
        `${g.type}: ${JSON.stringify(text.slice(g.start, g.end))} in ${JSON.stringify(text.slice(Math.max(0, g.start - 40), g.end + 30))}`,
      );
    if (predicted.some((p) => overlaps(p, g))) r.redactedAnyType++;
    for (let i = g.start; i < g.end; i++) {
      if (/\s/.test(text[i] ?? "")) continue;
      into.goldChars++;
      if (!predicted.some((p) => p.start <= i && i < p.end)) into.leakedChars++;
    }
  }
  for (const p of predicted) {
    const r = row(p.type);
    r.predicted++;
    const accepted = ALSO_CORRECT[p.type as PiiType] ?? [];
    const right =
      gold.some((g) => g.type === p.type && overlaps(g, p)) ||
      other.some((o) => accepted.includes(o.type) && overlaps(o, p));
    if (right) r.correct++;
    else if (into.examples.falseAlarms.length < 400) {
      into.examples.falseAlarms.push(
        `${p.type}: ${JSON.stringify(text.slice(p.start, p.end))} in ${JSON.stringify(text.slice(Math.max(0, p.start - 40), p.end + 30))}`,
      );
    }
  }
}

export function emptyScore(): CorpusScore {
  return { byType: {}, goldChars: 0, leakedChars: 0, examples: { misses: [], falseAlarms: [] } };
}

export interface Metrics {
  precision: number;
  recall: number;
  f2: number;
}

/** Precision, recall and F2 (recall weighted four times as much as precision, as the Presidio evaluation does). */
export function metrics(s: Pick<TypeScore, "gold" | "predicted" | "recalled" | "correct">): Metrics {
  const precision = s.predicted === 0 ? (s.gold === 0 ? 1 : 0) : s.correct / s.predicted;
  const recall = s.gold === 0 ? Number.NaN : s.recalled / s.gold;
  const f2 =
    precision + recall === 0 || Number.isNaN(recall)
      ? Number.NaN
      : (5 * precision * recall) / (4 * precision + recall);
  return { precision, recall, f2 };
}

/** Sums the per-type counts. */
export function total(byType: Record<string, TypeScore>, types?: readonly string[]): TypeScore {
  const sum: TypeScore = { gold: 0, predicted: 0, recalled: 0, redactedAnyType: 0, correct: 0 };
  for (const [type, s] of Object.entries(byType)) {
    if (types && !types.includes(type)) continue;
    sum.gold += s.gold;
    sum.predicted += s.predicted;
    sum.recalled += s.recalled;
    sum.redactedAnyType += s.redactedAnyType;
    sum.correct += s.correct;
  }
  return sum;
}
