import { luhnValid } from "./detect-cards.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const SSN = /(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const SSN_BARE = /(?<![\w-])\d{9}(?![\w-])/g;
const SSN_CONTEXT = /\b(?:ssn|ss#|social security(?: number| no\.?)?|itin|tax ?id)\b[^\n\d]{0,20}$/i;

/** A labelled id: a keyword, a few filler words, then the value. */
const LABELLED_ID =
  /\b(?:driver'?s?[ -]licen[cs]e|driving licen[cs]e|licen[cs]e (?:no|number|#)|DL ?#|passport|national (?:id|identity|insurance)|identity card|id card|id number|identification number|personal (?:id|number|code)|personnummer|henkilötunnus|fødselsnummer|cpr|bsn|burgerservicenummer|nhs (?:no|number)|tax (?:id|number|code)|tin|nif|nie|dni|nir|insee|codice fiscale|steuer-?id|pesel|aadhaar|pan (?:no|number|card)|sin|cpf|curp|rut|member(?:ship)? (?:id|no|number)|patient (?:id|no|number)|mrn|medical record (?:no|number)|policy (?:no|number)|account (?:no|number))\b(?:\s*(?:number|no\.?|#|num|id|is|was|:|=|-|of|the|my|card))*\s*[:#=]?\s*["']?([A-Z0-9][A-Z0-9 -]{3,22}[A-Z0-9])/gi;

const NINO =
  /(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)/g;
const PAN_INDIA = /(?<![\w])[A-Z]{3}[ABCFGHLJPTK][A-Z]\d{4}[A-Z](?!\w)/g;
const AADHAAR = /(?<![\w-])[2-9]\d{3}[ -]\d{4}[ -]\d{4}(?![\w-])/g;
const DNI_ES = /(?<![\w-])([XYZ]?)(\d{7,8})-?([A-HJ-NP-TV-Z])(?![\w-])/g;
const CPF = /(?<![\w.-])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\w-])/g;
const SIN_CA = /(?<![\w-])[1-79]\d{2}[- ]\d{3}[- ]\d{3}(?![\w-])/g;
const CODICE_FISCALE = /(?<![\w])[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z](?!\w)/g;

/**
 * US social security numbers (also ITINs), grouped `123-45-6789` or bare with
 * a keyword nearby, never with an all-zero group or the 666 area.
 */
export function detectSsns(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  for (const m of text.matchAll(SSN)) {
    const [, area = "", , group = "", serial = ""] = m;
    if (area === "000" || area === "666" || group === "00" || serial === "0000") continue;
    if (m[2] === " " && !SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 40), m.index))) continue;
    spans.push(spanOf(text, "SSN", m.index, m.index + m[0].length));
  }
  for (const m of text.matchAll(SSN_BARE)) {
    if (m[0].startsWith("000") || m[0].startsWith("666")) continue;
    if (SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 40), m.index))) {
      spans.push(spanOf(text, "SSN", m.index, m.index + 9));
    }
  }
  return spans;
}

/**
 * Other national and official ids: UK NINO, Indian PAN and Aadhaar (Verhoeff),
 * Spanish DNI/NIE (check letter), Brazilian CPF and Canadian SIN (checksums),
 * Italian codice fiscale, and any id that follows a label such as "driver's
 * license number", "passport no." or "personnummer".
 */
export function detectNationalIds(text: string): PiiSpan[] {
  const spans: PiiSpan[] = [];
  const seen = new Set<number>();
  const add = (start: number, end: number) => {
    if (seen.has(start)) return;
    seen.add(start);
    spans.push(spanOf(text, "NATIONAL_ID", start, end));
  };
  for (const m of text.matchAll(LABELLED_ID)) {
    const value = m[1] ?? "";
    const trimmed = value.replace(/[ -]+$/, "");
    // An id has digits; a label followed by words ("passport photo") is not one.
    if ((trimmed.match(/\d/g)?.length ?? 0) < 4) continue;
    if (/\s\S*\s/.test(trimmed) && !/^[\d -]+$/.test(trimmed)) continue;
    const start = m.index + m[0].length - value.length;
    add(start, start + trimmed.length);
  }
  for (const m of text.matchAll(NINO)) add(m.index, m.index + m[0].length);
  for (const m of text.matchAll(PAN_INDIA)) add(m.index, m.index + m[0].length);
  for (const m of text.matchAll(CODICE_FISCALE)) add(m.index, m.index + m[0].length);
  for (const m of text.matchAll(AADHAAR)) {
    if (verhoeffValid(m[0].replace(/\D/g, ""))) add(m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(DNI_ES)) {
    const [, prefix = "", digits = "", letter = ""] = m;
    if (!prefix && digits.length !== 8) continue;
    const number = Number(`${"XYZ".indexOf(prefix) >= 0 && prefix ? "XYZ".indexOf(prefix) : ""}${digits}`);
    if ("TRWAGMYFPDXBNJZSQVHLCKE"[number % 23] === letter) add(m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(CPF))
    if (cpfValid(m[0].replace(/\D/g, ""))) add(m.index, m.index + m[0].length);
  for (const m of text.matchAll(SIN_CA)) {
    const context = text.slice(Math.max(0, m.index - 40), m.index);
    if (/\b(?:sin|social insurance)\b/i.test(context) && luhnValid(m[0].replace(/\D/g, ""))) {
      add(m.index, m.index + m[0].length);
    }
  }
  return spans;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff checksum (Aadhaar). */
function verhoeffValid(digits: string): boolean {
  let c = 0;
  const n = digits.length;
  for (let i = 0; i < n; i++) {
    const d = digits.charCodeAt(n - 1 - i) - 48;
    c = VERHOEFF_D[c]?.[VERHOEFF_P[i % 8]?.[d] ?? 0] ?? 0;
  }
  return c === 0;
}

/** Brazilian CPF: two mod-11 check digits; all-same digits are invalid. */
function cpfValid(d: string): boolean {
  if (d.length !== 11 || /^(\d)\1{10}$/.test(d)) return false;
  for (const len of [9, 10]) {
    let sum = 0;
    for (let i = 0; i < len; i++) sum += (d.charCodeAt(i) - 48) * (len + 1 - i);
    const check = ((sum * 10) % 11) % 10;
    if (check !== d.charCodeAt(len) - 48) return false;
  }
  return true;
}
