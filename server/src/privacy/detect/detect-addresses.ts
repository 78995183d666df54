import { nameLexicon } from "./names/name-lexicon.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";
import { isLowerCaseText } from "./text-case.ts";

/** Street types written after the name (USPS suffixes and common British ones). */
const SUFFIX_WORDS =
  "street|st|road|rd|avenue|ave|av|boulevard|blvd|lane|ln|drive|dr|court|ct|place|pl|terrace|terr|way|crescent|cres|close|square|sq|highway|hwy|parkway|pkwy|circle|cir|trail|trl|row|walk|gardens|gdns|grove|mews|alley|path|plaza|loop|pike|expressway|expy|freeway|fwy|route|rte|turnpike|causeway|crossing|estates?|heights|hts|hollow|junction|landing|manor|meadows?|orchard|pass|point|pt|ridge|shores?|springs?|summit|trace|valley|view|vista|hill|hills|park|green|glen|creek|brook|harbor|harbour|island|knoll|lake|lakes|mill|mills|mount|mountain|prairie|ranch|river|run|station|villages?|wharf|parade|esplanade|embankment|broadway|wynd|rise|bypass|quay|stravenue|underpass|overpass|fork|forks|ford|fort|neck|oval|port|rapids?|rest|spur|stream|track|tunnel|union|ville|well|wells";

/** Endings of one-word street names (Germanic, Nordic, Finnish, Dutch, Hungarian, …). */
const STREET_MORPHEMES =
  "straße|strasse|str\\.|gasse|weg|allee|platz|damm|ufer|chaussee|straat|laan|gracht|plein|kade|singel|dijk|gatan|vägen|vagen|gränd|torget|backen|stigen|gata|gaten|veien|vegen|vegur|braut|stræti|stígur|vej|gade|allé|stræde|plads|katu|kuja|polku|raitti|kaari|rinne|väylä|tie|tori|utca|tér|körút|ulica|ulitsa|prospekt|caddesi|sokak|sokağı|bulvarı";

/** Street types written before the name (Romance, Slavic, Greek, Indonesian, …). */
const PREFIX_WORDS =
  "rue|avenue|av\\.|avda\\.?|boulevard|bd|chemin|allée|allee|impasse|place|quai|route|via|viale|piazza|piazzale|corso|vicolo|largo|strada|calle|avenida|paseo|plaza|carrera|camino|ronda|travesía|travesia|rua|travessa|praça|praca|estrada|alameda|rodovia|ulica|ul\\.|aleja|al\\.|plac|trg|ulitsa|prospekt|odos|οδός|οδος|λεωφόρος|λεωφορος|leoforos|jalan|jl\\.|calea|strada|bulevardul|bulevar|szosa|cesta|námestie|náměstí|namesti";

const UNIT =
  "(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|box|no|#)\\.?\\s*#?\\s*[\\p{L}\\p{N}-]{1,6}";
const CAPWORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const ANYWORD = "\\p{L}[\\p{L}\\p{M}'’.-]*";
const LINK =
  "(?:of|the|de|la|le|du|des|del|della|di|da|do|dos|das|von|van|der|den|am|an|im|y|e|al|el|and|&|upon|on|sur|en)";

const SUFFIX_SET = new Set(SUFFIX_WORDS.split("|").map((w) => w.replace(/[?\\]/g, "")));
for (const w of [
  "estate",
  "estates",
  "meadow",
  "meadows",
  "shore",
  "shores",
  "spring",
  "springs",
  "village",
  "villages",
  "rapid",
  "rapids",
]) {
  SUFFIX_SET.add(w);
}
const PREFIX_SET = new Set(PREFIX_WORDS.split("|").map((w) => w.replace(/\\\.\??|\\/g, "")));
const MORPHEMES = STREET_MORPHEMES.split("|").map((m) => m.replace(/\\/g, ""));
const LINK_SET = new Set(LINK.slice(3, -1).split("|"));
const UNIT_SET = new Set(["apt", "apartment", "suite", "ste", "unit", "flat"]);

interface Tok {
  start: number;
  end: number;
  lower: string;
  num: boolean;
  cap: boolean;
  /** Characters between the previous token and this one. */
  gap: string;
}

const TOKEN = /\p{L}[\p{L}\p{M}'’-]*\.?|\d+[A-Za-z]?(?:[-/]\d+[A-Za-z]?)?/gu;

/** Tokens within a window around each number: streets are found from their numbers, and prose has few. */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  let prev = 0;
  let windowEnd = -1;
  for (const d of text.matchAll(/\d+/g)) {
    if (d.index <= windowEnd) {
      windowEnd = Math.max(windowEnd, d.index + d[0].length + 80);
      continue;
    }
    if (windowEnd >= 0) prev = tokenizeWindow(text, prev, windowEnd, out);
    let start = Math.max(prev, d.index - 80);
    while (start > prev && !/\s/.test(text[start - 1] as string)) start--;
    prev = Math.max(prev, start);
    windowEnd = d.index + d[0].length + 80;
  }
  if (windowEnd >= 0) tokenizeWindow(text, prev, windowEnd, out);
  return out;
}

function tokenizeWindow(text: string, from: number, to: number, out: Tok[]): number {
  TOKEN.lastIndex = from;
  let prev = out.length > 0 ? (out[out.length - 1] as Tok).end : from;
  let last = from;
  for (;;) {
    const m = TOKEN.exec(text);
    if (!m || m.index > to) break;
    const word = m[0];
    const first = word.charCodeAt(0);
    const num = first >= 48 && first <= 57;
    const cap = !num && word[0] !== (word[0] as string).toLowerCase();
    out.push({
      start: m.index,
      end: m.index + word.length,
      lower: word.toLowerCase().replace(/\.$/, ""),
      num,
      cap,
      gap: text.slice(prev, m.index),
    });
    prev = m.index + word.length;
    last = prev;
  }
  return last;
}

const spaced = (t: Tok | undefined) => t !== undefined && /^[ \t\u00a0]{1,3}$/.test(t.gap);
const commaOrSpaced = (t: Tok | undefined) => t !== undefined && /^[ \t]{0,2},?[ \t]{1,3}$/.test(t.gap);

/**
 * Street cores, found from each house number outwards: `24 Clarke Avenue`,
 * `Koskikatu 25`, `Rue de la Paix 5`, `12 rue de la Paix`, `28030 Edeby 55`,
 * `Pagari 18 Suite 9`. Driven by numbers, which are rare in prose, so it is fast.
 */
function streetCores(text: string, lowerMode: boolean): Array<{ start: number; end: number }> {
  const toks = tokens(text);
  const found: Array<{ start: number; end: number }> = [];
  const nameLike = (t: Tok | undefined) => t !== undefined && !t.num && (t.cap || lowerMode);
  const morpheme = (t: Tok | undefined) =>
    t !== undefined &&
    !t.num &&
    (t.cap || lowerMode) &&
    MORPHEMES.some((m) => t.lower.endsWith(m.replace(/\.$/, "")) && t.lower.length > m.length + 1);
  for (let i = 0; i < toks.length; i++) {
    const n = toks[i] as Tok;
    if (!n.num || n.lower.length > 8) continue;
    // A: number, name words, street type.
    let j = i + 1;
    if (toks[j]?.num && spaced(toks[j])) j++;
    let words = 0;
    for (; j < toks.length && j <= i + 7 && (j === i + 1 ? commaOrSpaced(toks[j]) : spaced(toks[j])); j++) {
      const t = toks[j] as Tok;
      if (t.num) break;
      if (words > 0 && SUFFIX_SET.has(t.lower)) {
        found.push({ start: n.start, end: t.end });
        break;
      }
      if (PREFIX_SET.has(t.lower) && words === 0) {
        // C2: number, street type, name words.
        let k = j + 1;
        let last = t;
        while (
          k < toks.length &&
          k <= j + 5 &&
          spaced(toks[k]) &&
          (nameLike(toks[k]) || LINK_SET.has((toks[k] as Tok).lower))
        ) {
          last = toks[k] as Tok;
          k++;
        }
        while (LINK_SET.has(last.lower) && last !== t) last = toks[toks.indexOf(last) - 1] as Tok;
        if (last !== t) found.push({ start: n.start, end: last.end });
        break;
      }
      if (!nameLike(t) && !LINK_SET.has(t.lower)) break;
      words++;
    }
    const before = toks[i - 1];
    if (!spaced(n) && !(before && /^\s*,?\s*$/.test(n.gap) && n.gap.includes(" "))) continue;
    // B: compound street name, number.
    if (before && morpheme(before) && spaced(n)) {
      let s = i - 1;
      while (s > i - 3 && nameLike(toks[s - 1]) && spaced(toks[s])) s--;
      if (toks[s - 1]?.num && spaced(toks[s])) s--;
      found.push({ start: (toks[s] as Tok).start, end: n.end });
      continue;
    }
    // C1: street type, name words, number.
    for (let k = i - 1; k >= 0 && k >= i - 6; k--) {
      const t = toks[k] as Tok;
      if (t.num || !spaced(toks[k + 1])) break;
      if (PREFIX_SET.has(t.lower) && k < i - 1) {
        let s = k;
        if (toks[k - 1]?.num && commaOrSpaced(toks[k])) s = k - 1;
        found.push({ start: (toks[s] as Tok).start, end: n.end });
        break;
      }
      if (!nameLike(t) && !LINK_SET.has(t.lower)) break;
    }
    // E: house number, one to three name words, number; or name words, number, unit.
    let k = i - 1;
    while (k >= i - 3 && nameLike(toks[k]) && spaced(toks[k + 1])) k--;
    if (k < i - 1) {
      const lead = toks[k];
      const next = toks[i + 1];
      const unitAfter =
        next !== undefined && UNIT_SET.has(next.lower) && /^[ \t]*,?[ \t]*\n?[ \t]*$/.test(next.gap);
      if (lead?.num && lead.lower.length >= 2 && spaced(toks[k + 1]))
        found.push({ start: lead.start, end: n.end });
      else if (unitAfter) found.push({ start: (toks[k + 1] as Tok).start, end: n.end });
    }
  }
  return found;
}

const PO_BOX =
  /(?:p\.?\s?o\.?\s?box|post(?:al)?\s+office\s+box|postfach|apartado(?:\s+de\s+correos)?|caixa\s+postal|boîte\s+postale)\s+\d[\d ]{0,8}\d?/giu;
const MILITARY =
  /(?:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{2,5}|(?:usns|usnv|uss|uscgc)\s+\p{L}+(?:\s+\p{L}+)?)\s*,?\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}/giu;

/** After these words, what follows up to the end of the clause is an address if it has a number. */
const CONTEXT =
  /\b(?:address(?:\s+is|\s+was|\s*:|\s+of\s+[^.\n]{1,60}?\s+is)|lives?\s+(?:at|on)|living\s+at|located\s+at|reside[sd]?\s+(?:at|on)|moved\s+to|(?:ship|send|deliver|mail|post)(?:ped|ed|ing)?\s+(?:it\s+|this\s+|them\s+|everything\s+)?to|drops?\s+you\s+off\s+at|(?:office|home|house|apartment|flat)\s+is\s+(?:at|on)|(?:find|visit)\s+us\s+at|stay(?:ing)?\s+at|it'?s\s+(?:in|at|on))\s*/gi;
const CLAUSE =
  /(?:[^\n.;!?]|\.(?=\s*\d)|(?<=\b(?:St|Apt|Ave|Rd|No|Dr|Blvd|Str|Ste|Bldg|Fl|N|S|E|W|st|apt|ave|rd|no))\.)+/y;

const POSTCODE =
  "(?:\\d{4,6}(?:-\\d{3,4})?|\\d{3}\\s\\d{2}|\\d{2}-\\d{3}|[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}|[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d|\\d{4}\\s?[A-Z]{2}|[A-Z]{1,2}-\\d{4,5})";

/**
 * Street addresses in many countries' formats: number + name + street type
 * (`24 Clarke Avenue`), compound street names (`Koskikatu 25`), street type
 * first (`Rue de la Paix 5`, `Avenida Paulista 1000`), PO boxes and military
 * mail, and whatever follows "lives at", "address:" or "ship to" when it holds
 * a number. Each is extended over the unit, city, region, postcode and country
 * lines that follow it.
 */
export function detectAddresses(text: string): PiiSpan[] {
  const lowerMode = isLowerCaseText(text);
  const found: Array<{ start: number; end: number }> = [];
  for (const core of streetCores(text, lowerMode)) {
    if (isFalseCore(text.slice(core.start, core.end))) continue;
    found.push({ start: core.start, end: extend(text, core.end, lowerMode) });
  }
  const lowerText = text.toLowerCase();
  const postal = ["box", "postfach", "apartado", "caixa", "boîte", "apo ", "fpo ", "dpo "].some((w) =>
    lowerText.includes(w),
  );
  for (const pattern of [PO_BOX, MILITARY]) {
    if (!postal) break;
    for (const m of text.matchAll(pattern)) {
      found.push({ start: m.index, end: extend(text, m.index + m[0].length, lowerMode) });
    }
  }
  for (const m of text.matchAll(CONTEXT)) {
    CLAUSE.lastIndex = m.index + m[0].length;
    const clause = CLAUSE.exec(text);
    if (!clause) continue;
    const value = clause[0].replace(/[\s,]+$/, "");
    const firstWords = value.split(/\s+/).slice(0, 5).join(" ");
    if (!/\d/.test(firstWords) || value.length > 120 || (!/^[\p{Lu}\p{N}]/u.test(value) && !lowerMode))
      continue;
    const start = clause.index;
    found.push({ start, end: extend(text, start + value.length, lowerMode) });
  }
  return merge(found).map((f) => spanOf(text, "ADDRESS", f.start, f.end));
}

function isFalseCore(core: string): boolean {
  // Times, years and versions with a street-like word after them.
  return /^\d{1,2}:\d{2}/.test(core) || /^(?:19|20)\d\d\s+(?:to|and|was|is)\b/i.test(core);
}

const SEGMENT_SEP = /(?:[ \t]*,[ \t]*\n?[ \t]*|[ \t]*\n[ \t]*|[ \t]+)/y;

interface SegmentPatterns {
  unit: RegExp;
  post: RegExp;
  region: RegExp;
  city: RegExp;
}

function segmentPatterns(lowerMode: boolean): SegmentPatterns {
  const W = lowerMode ? ANYWORD : `(?:${CAPWORD})`;
  // A postcode is not followed by another digit group: that would be a phone number.
  const endOfCode = "(?![\\p{L}\\p{N}]|[ -]\\d)";
  return {
    unit: new RegExp(UNIT, "iuy"),
    post: new RegExp(`${POSTCODE}${endOfCode}`, "uy"),
    region: new RegExp(`[A-Z]{2,3}(?:\\s+${POSTCODE})?${endOfCode}`, "uy"),
    city: new RegExp(
      `${W}(?:[ -](?:${LINK}[ -])?${W}){0,3}(?:\\s*\\([\\p{L} ]{2,20}\\))?(?:,?\\s+(?:[A-Z]{2}\\s+)?${POSTCODE})?${endOfCode}`,
      "uy",
    ),
  };
}

const SEGMENTS = { normal: segmentPatterns(false), lower: segmentPatterns(true) };

/** Extends an address over the unit, city, region, postcode and country parts that follow. */
function extend(text: string, end: number, lowerMode: boolean): number {
  const lex = nameLexicon();
  const { unit, post, region, city } = lowerMode ? SEGMENTS.lower : SEGMENTS.normal;
  let pos = end;
  for (let step = 0; step < 6; step++) {
    SEGMENT_SEP.lastIndex = pos;
    const sep = SEGMENT_SEP.exec(text);
    if (!sep) break;
    const at = pos + sep[0].length;
    const newline = sep[0].includes("\n");
    const comma = sep[0].includes(",");
    let next = -1;
    for (const re of [unit, post, region]) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m) {
        next = at + m[0].length;
        break;
      }
    }
    if (next < 0 && (newline || comma)) {
      city.lastIndex = at;
      const m = city.exec(text);
      if (m && !isSentence(m[0], lex.common)) next = at + m[0].length;
    }
    if (next < 0) break;
    pos = next;
  }
  return pos;
}

/** A "city" that is really the start of a sentence ("Thanks", "The bus"). */
function isSentence(value: string, common: ReadonlySet<string>): boolean {
  const words = value.split(/[\s-]+/).filter(Boolean);
  const first = (words[0] ?? "").toLowerCase();
  const places = nameLexicon().places;
  if (places.has(value.toLowerCase())) return false;
  return (
    common.has(first) && !places.has(first) && words.every((w) => common.has(w.toLowerCase()) || w.length < 3)
  );
}

function merge(spans: Array<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Array<{ start: number; end: number }> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
