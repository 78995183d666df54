import { nameLexicon } from "./names/name-lexicon.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";
import { isLowerCaseText } from "./text-case.ts";

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

/**
 * Street types written after the name: the USPS suffixes (Publication 28,
 * appendix C) and their abbreviations, British ones, Hungarian ones (`u.`,
 * `út`, `tér`), and `str.`.
 */
const SUFFIXES = words(`
  alley aly annex arcade avenue ave av bayou beach bend bluff bluffs bottom boulevard blvd branch bridge brook brooks
  burg bypass camp canyon cape causeway center centre circle cir circles cliff cliffs close club common commons
  corner corners course court ct courts cove coves creek crescent cres crest crossing crossroad curve dale dam
  divide drive dr drives estate estates expressway expy extension extensions fall falls ferry field fields flat flats
  ford fords forest forge forges fork forks fort freeway fwy garden gardens gdns gateway glen glens green greens
  grove groves harbor harbour harbors haven heights hts highway hwy hill hills hollow inlet island islands isle
  junction junctions key keys knoll knolls lake lakes land landing lane ln light lights loaf lock locks lodge loop
  mall manor manors meadow meadows mews mill mills mission motorway mount mountain mountains neck orchard oval
  overpass park parks parkway pkwy parkways pass passage path pike pine pines place pl plain plains plaza point pt
  points port ports prairie radial ramp ranch rapid rapids rest ridge ridges river road rd roads route rte row rue run
  shoal shoals shore shores skyway spring springs spur spurs square sq squares station stravenue stream street st
  streets str summit terrace terr ter throughway trace track trafficway trail trl trailer tunnel turnpike underpass
  union unions valley valleys viaduct view views village villages ville vista walk walks wall way ways well wells
  wharf parade esplanade embankment broadway wynd rise quay gate gardens
  u út utca tér krt körút rkp rakpart köz sor fasor sétány kalea etorbidea enparantza`);

/** Street types written before the name (Romance, Slavic, Greek, Basque, Indonesian, …). */
const PREFIXES = words(`
  rue avenue av avda boulevard bd chemin allée allee impasse place quai route via viale piazza piazzale corso vicolo
  largo strada calle avenida paseo plaza carrera camino ronda travesía travesia rua travessa praça praca estrada
  alameda rodovia ulica ul aleja al plac trg ulitsa prospekt odos οδός οδος λεωφόρος λεωφορος leoforos jalan jl calea
  bulevardul bulevar szosa cesta námestie náměstí namesti kalea`);

/** Endings of one-word street names (Germanic, Nordic, Finnish, Dutch, Baltic, Turkish, …). */
const MORPHEMES = [
  ...words(`straße strasse str gasse weg allee platz damm ufer chaussee straat laan gracht plein kade singel dijk
  gatan vägen vagen gränd torget backen stigen gata gaten veien vegen vegur braut stræti stígur vej gade allé stræde
  plads katu kuja polku raitti kaari rinne väylä tie tori utca körút ulica ulitsa prospekt caddesi sokak sokağı
  bulvarı iela gatvė prospektas tänav mnt`),
];

/** Small words inside street names: `rue de la Paix`, `Jiřího z Poděbrad`, `Avenue of the Americas`. */
const LINKS =
  words(`of the de la le les du des del della di da do dos das von van der den am an im y e al el and &
  upon on sur en z u na pod nad ve v i`);
const UNITS = words("apt apartment suite ste unit flat floor fl room rm bldg building");
const STRONG_SUFFIX =
  "Street|St\\.|Road|Rd\\.|Avenue|Ave\\.|Lane|Boulevard|Blvd\\.?|Drive|Terrace|Crescent|Way";

interface Tok {
  start: number;
  end: number;
  lower: string;
  num: boolean;
  cap: boolean;
  /** Only spaces or tabs between this token and the previous one. */
  spaced: boolean;
  /** A comma, maybe with spaces, between this token and the previous one. */
  comma: boolean;
  /** A line break between this token and the previous one. */
  newline: boolean;
}

const TOKEN = /\p{L}[\p{L}\p{M}'’-]*\.?|\d+(?:st|nd|rd|th|[A-Za-z])?(?:[-/]\d+[A-Za-z]?)?\.?/gu;

const DIGIT_RUN = /\d+/g;

/** Tokens within a window around each number: streets are found from their numbers, and prose has few. */
function tokens(text: string): Tok[] {
  const out: Tok[] = [];
  let covered = 0;
  DIGIT_RUN.lastIndex = 0;
  for (let d = DIGIT_RUN.exec(text); d; d = DIGIT_RUN.exec(text)) {
    if (d.index + d[0].length <= covered) continue;
    let from = Math.max(covered, d.index - 80);
    while (from > covered && !/\s/.test(text[from - 1] as string)) from--;
    let to = Math.min(text.length, d.index + d[0].length + 120);
    while (to < text.length && !/\s/.test(text[to] as string)) to++;
    tokenizeWindow(text, from, to, out);
    covered = to;
  }
  return out;
}

function tokenizeWindow(text: string, from: number, to: number, out: Tok[]): void {
  TOKEN.lastIndex = from;
  let prev = from;
  let fullStop = false;
  for (;;) {
    const m = TOKEN.exec(text);
    if (!m || m.index >= to) break;
    const word = m[0];
    const first = word.charCodeAt(0);
    const num = first >= 48 && first <= 57;
    const folded = word.toLowerCase();
    const lower = folded.endsWith(".") ? folded.slice(0, -1) : folded;
    // The gap before the token, read without slicing: spaces only, a comma, a line break.
    let spaces = 0;
    let commas = 0;
    let breaks = prev === from && out.length > 0 ? 1 : 0;
    let other = 0;
    for (let i = breaks ? m.index : prev; i < m.index; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 160) spaces++;
      else if (c === 44) commas++;
      else if (c === 10 || c === 13) breaks++;
      else other++;
    }
    // A full stop after a long word ends a sentence; after "St", "Apt", "u" it is an abbreviation.
    const afterSentence = fullStop;
    fullStop = !num && word.endsWith(".") && lower.length > 3 && !SUFFIXES.has(lower) && !UNITS.has(lower);
    out.push({
      start: m.index,
      end: m.index + word.length,
      lower,
      num,
      cap: !num && word[0] !== lower[0],
      spaced: !afterSentence && spaces >= 1 && spaces <= 3 && commas + breaks + other === 0,
      comma: !afterSentence && commas === 1 && breaks + other === 0,
      newline: breaks > 0,
    });
    prev = m.index + word.length;
  }
}

// The word tests below are module functions, not closures: tsx (keepNames) would create and name each closure on every call.

/** In lower-case text any word may be a street name, but not an everyday one ("enter on …"). */
function isNameLike(t: Tok | undefined, lowerMode: boolean): boolean {
  return (
    t !== undefined &&
    !t.num &&
    (t.cap || (lowerMode && !nameLexicon().common.has(t.lower))) &&
    !UNITS.has(t.lower)
  );
}

function isInStreet(t: Tok | undefined, lowerMode: boolean): boolean {
  return t !== undefined && (isNameLike(t, lowerMode) || LINKS.has(t.lower));
}

function isMorpheme(t: Tok | undefined, lowerMode: boolean): boolean {
  return (
    t !== undefined &&
    !t.num &&
    (t.cap || lowerMode) &&
    MORPHEMES.some((m) => t.lower.length > m.length + 1 && t.lower.endsWith(m))
  );
}

function isHouseNumber(text: string, t: Tok | undefined): boolean {
  return t?.num === true && t.lower.length <= 7 && !/[:.,$€£/-]/.test(text[t.start - 1] ?? "");
}

/** "version 2 Beta Street", "chapter 3 Main Road": a number that counts something else. */
function isCounted(text: string, t: Tok): boolean {
  return /\b(?:version|v|chapter|page|step|level|part|gate|platform|terminal|season|episode|week|day|year|grade|class|team|room|floor|no|number)\.?\s+$/i.test(
    text.slice(Math.max(0, t.start - 12), t.start),
  );
}

/** "in 2019 Microsoft Park …": a year, not a house number. */
function isYear(text: string, t: Tok): boolean {
  return (
    /^(?:19|20)\d\d$/.test(t.lower) &&
    /\b(?:in|since|by|from|until|of|after|before)\s+$/i.test(text.slice(Math.max(0, t.start - 8), t.start))
  );
}

/** The part of the text from token `a` to token `b`. */
function fromTo(a: Tok, b: Tok): { start: number; end: number } {
  return { start: a.start, end: b.end };
}

/**
 * Street cores, found from each number outwards: `24 Clarke Avenue`,
 * `Koskikatu 25`, `Rue de la Paix 5`, `12 rue de la Paix`, `Wesselényi u. 94`,
 * `28030 Edeby 55`, `Pagari 18 Suite 9`, `Apt. 5`.
 */
function streetCores(text: string, lowerMode: boolean): Array<{ start: number; end: number }> {
  const toks = tokens(text);
  const found: Array<{ start: number; end: number }> = [];

  for (let i = 0; i < toks.length; i++) {
    const n = toks[i] as Tok;
    if (!isHouseNumber(text, n) || isYear(text, n) || isCounted(text, n)) continue;
    const prev = toks[i - 1];

    // U: a unit on its own, "Apt. 5", "Suite 210".
    if (prev && UNITS.has(prev.lower) && n.spaced) found.push(fromTo(prev, n));

    // A and C2, forwards from the number: "24 Clarke Avenue (5)", "12 rue de la Paix".
    let j = i + 1;
    if (isHouseNumber(text, toks[j]) && toks[j]?.spaced) j++;
    const streetStart = j;
    let suffixAt = -1;
    for (; j < toks.length && j < streetStart + 7; j++) {
      const t = toks[j] as Tok;
      if (!(j === streetStart ? t.spaced || t.comma : t.spaced)) break;
      if (j === streetStart && PREFIXES.has(t.lower)) {
        let k = j + 1;
        while (k < toks.length && k <= j + 5 && toks[k]?.spaced && isInStreet(toks[k], lowerMode)) k++;
        while (k - 1 > j && LINKS.has((toks[k - 1] as Tok).lower)) k--;
        if (k - 1 > j) found.push(fromTo(n, toks[k - 1] as Tok));
        break;
      }
      if (j > streetStart && SUFFIXES.has(t.lower) && !t.num) suffixAt = j;
      const ordinal = t.num && /\d(?:st|nd|rd|th)$/.test(t.lower);
      if (j === streetStart ? !isNameLike(t, lowerMode) && !ordinal : !isInStreet(t, lowerMode) && !ordinal)
        break;
    }
    if (suffixAt > 0) {
      const after = toks[suffixAt + 1];
      found.push(fromTo(n, isHouseNumber(text, after) && after?.spaced ? after : (toks[suffixAt] as Tok)));
    }

    if (!prev || !n.spaced) continue;
    // B: a compound street name, then the number: "Koskikatu 25", "Hauptstr. 5".
    if (isMorpheme(prev, lowerMode)) {
      let s = i - 1;
      while (s > i - 4 && isInStreet(toks[s - 1], lowerMode) && toks[s]?.spaced) s--;
      if (isHouseNumber(text, toks[s - 1]) && toks[s]?.spaced) s--;
      found.push(fromTo(toks[s] as Tok, n));
      continue;
    }
    // C1 and D, backwards from the number: "Avenida Paulista 1000", "Wesselényi u. 94".
    let matched = false;
    for (let k = i - 1; k >= 0 && k >= i - 6; k--) {
      const t = toks[k] as Tok;
      if (t.num || !(toks[k + 1] as Tok).spaced) break;
      const suffixFirst =
        k === i - 1 && SUFFIXES.has(t.lower) && isInStreet(toks[k - 1], lowerMode) && t.spaced;
      if ((PREFIXES.has(t.lower) && k < i - 1) || suffixFirst) {
        let s = suffixFirst ? k - 1 : k;
        while (suffixFirst && s > k - 3 && isInStreet(toks[s - 1], lowerMode) && toks[s]?.spaced) s--;
        while (s < k && LINKS.has((toks[s] as Tok).lower)) s++;
        if (isHouseNumber(text, toks[s - 1]) && ((toks[s] as Tok).spaced || (toks[s] as Tok).comma)) s--;
        found.push(fromTo(toks[s] as Tok, n));
        matched = true;
        break;
      }
      if (!isInStreet(t, lowerMode)) break;
    }
    if (matched) continue;
    // E: house number, name words, number ("28030 Edeby 55"); or name words, number, unit.
    let k = i - 1;
    while (k >= i - 4 && isInStreet(toks[k], lowerMode) && (toks[k + 1] as Tok).spaced) k--;
    while (k + 1 < i && LINKS.has((toks[k + 1] as Tok).lower)) k++;
    if (k < i - 1) {
      const lead = toks[k];
      const next = toks[i + 1];
      const unitAfter =
        next !== undefined && UNITS.has(next.lower) && (next.spaced || next.comma || next.newline);
      if (isHouseNumber(text, lead) && (lead as Tok).lower.length >= 2 && (toks[k + 1] as Tok).spaced)
        found.push(fromTo(lead as Tok, n));
      else if (unitAfter) found.push(fromTo(toks[k + 1] as Tok, n));
    }
  }
  return found;
}

/** A word every PO_BOX or MILITARY match holds: one scan instead of two patterns. */
const PO_BOX_WORD = /box|postfach|apartado|caixa|boîte|apo |fpo |dpo /i;
const CODE_WORD = /code/i;
const PO_BOX =
  /(?:p\.?\s?o\.?\s?box|post(?:al)?\s+office\s+box|postfach|apartado(?:\s+de\s+correos)?|caixa\s+postal|boîte\s+postale)\s+\d[\d ]{0,8}\d?/giu;
const MILITARY =
  /(?:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{2,5}|(?:usns|usnv|uss|uscgc)\s+\p{L}+(?:\s+\p{L}+)?)\s*,?\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}/giu;
/** A named street without a number after "on", "at", "in": "on Marina Fort Street". */
const NAMED_STREET = new RegExp(
  `\\b(?:on|at|in|to|from|of|near)\\s+((?:\\p{Lu}[\\p{L}\\p{M}'’-]*\\s+){1,3}(?:${STRONG_SUFFIX}))(?![\\p{L}])`,
  "gu",
);

/** After these words, what follows up to the end of the clause is an address if it has a number. */
const CONTEXT =
  /\b(?:address(?:\s+is|\s+was|\s*:|\s+of\s+[^.\n]{1,60}?\s+is)|lives?\s+(?:at|on)|living\s+at|located\s+at|reside[sd]?\s+(?:at|on)|moved\s+to|(?:ship|send|deliver|mail|post)(?:ped|ed|ing)?\s+(?:it\s+|this\s+|them\s+|everything\s+)?to|drops?\s+you\s+off\s+at|is\s+at(?=\s+\d)|(?:find|visit)\s+us\s+at|stay(?:ing)?\s+at|it'?s\s+(?:in|at|on))\s*/gi;
const CLAUSE =
  /(?:[^\n.;!?]|\.(?=\s*\d)|(?<=\b(?:St|Apt|Ave|Rd|No|Dr|Blvd|Str|Ste|Bldg|Fl|N|S|E|W|st|apt|ave|rd|no|u))\.)+/y;

const POSTCODE =
  "(?:\\d{4,6}(?:-\\d{3,4})?|\\d{3}\\s\\d{2}|\\d{2}-\\d{3}|[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}|[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d|\\d{4}\\s?[A-Z]{2}|[A-Z]{1,2}-\\d{4,5})";
/** A postcode named as such: "my zip code is 40645". */
const LABELLED_POSTCODE = new RegExp(
  `\\b(?:zip|postal|post)\\s*code\\s*(?:is|was|:)?\\s*(${POSTCODE})(?![\\p{L}\\p{N}])`,
  "giu",
);

// No "." inside: a full stop after a city ends the address ("… Stockholm. Card 4111 …").
const CAPWORD = "\\p{Lu}[\\p{L}\\p{M}'’-]*";
const ANYWORD = "\\p{L}[\\p{L}\\p{M}'’-]*";
const LINK = `(?:${[...LINKS].filter((w) => w !== "&").join("|")})`;

/**
 * Street addresses in many countries' formats: number + name + street type
 * (`24 Clarke Avenue`), compound street names (`Koskikatu 25`), street type
 * first (`Rue de la Paix 5`, `Avenida Paulista 1000`), Hungarian order
 * (`Kossuth u. 12.`), units (`Apt. 5`), PO boxes and military mail, a named
 * street after "on"/"at", a labelled postcode, and whatever follows "lives
 * at", "address:" or "ship to" when it holds a number. Each is extended over
 * the unit, city, region, postcode and country parts that follow it.
 */
export function detectAddresses(text: string, lowerMode = isLowerCaseText(text)): PiiSpan[] {
  const found: Array<{ start: number; end: number }> = [];
  for (const core of streetCores(text, lowerMode)) {
    if (isFalseCore(text.slice(core.start, core.end))) continue;
    found.push({ start: core.start, end: extend(text, core.end, lowerMode) });
  }
  if (PO_BOX_WORD.test(text)) {
    for (const pattern of [PO_BOX, MILITARY]) {
      for (const m of text.matchAll(pattern)) {
        found.push({ start: m.index, end: extend(text, m.index + m[0].length, lowerMode) });
      }
    }
  }
  if (/Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Boulevard|Blvd|Drive|Terrace|Crescent|Way/.test(text)) {
    for (const m of text.matchAll(NAMED_STREET)) {
      const value = m[1] ?? "";
      const start = m.index + m[0].length - value.length;
      if (!/^(?:The|A|An|This|That|My|Our|Your|His|Her|Their|Every|Each|Any)\s/.test(value))
        found.push({ start, end: extend(text, start + value.length, lowerMode) });
    }
  }
  if (CODE_WORD.test(text)) {
    for (const m of text.matchAll(LABELLED_POSTCODE)) {
      const value = m[1] ?? "";
      found.push({ start: m.index + m[0].length - value.length, end: m.index + m[0].length });
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
    found.push({ start: clause.index, end: extend(text, clause.index + value.length, lowerMode) });
  }
  return merge(text, found).map((f) => spanOf(text, "ADDRESS", f.start, f.end));
}

function isFalseCore(core: string): boolean {
  // Times, years and versions with a street-like word after them.
  return /^\d{1,2}:\d{2}/.test(core) || /^(?:19|20)\d\d\s+(?:to|and|was|is)\b/i.test(core);
}

/** Between address parts: a comma, a line break (maybe two, maybe a quote mark or bullet), or spaces. */
const SEGMENT_SEP =
  /(?:[ \t]*,[ \t]*(?:\n[ \t]*(?:[>*•·?]+[ \t]*)?)?|(?:[ \t]*\n[ \t]*(?:[>*•·?]+[ \t]*)?){1,2}|[ \t]+)/y;

interface SegmentPatterns {
  unit: RegExp;
  post: RegExp;
  region: RegExp;
  city: RegExp;
  crossStreet: RegExp;
}

function segmentPatterns(lowerMode: boolean): SegmentPatterns {
  const W = lowerMode ? ANYWORD : `(?:${CAPWORD})`;
  // A postcode is not followed by another digit group: that would be a phone number.
  const endOfCode = "(?![\\p{L}\\p{N}]|[ -]\\d)";
  const suffixes = [...SUFFIXES]
    .filter((s) => s.length > 2)
    .map((s) => `${s[0]?.toUpperCase()}${s.slice(1)}`)
    .join("|");
  return {
    unit: /(?:apt|apartment|suite|ste|unit|flat|floor|fl|room|rm|bldg|building|box|no|#)\.?\s*#?\s*[\p{L}\p{N}-]{1,6}/iuy,
    post: new RegExp(`${POSTCODE}${endOfCode}`, "uy"),
    region: new RegExp(`[A-Z]{2,3}(?:\\s+${POSTCODE})?${endOfCode}`, "uy"),
    city: new RegExp(
      `${W}(?:[ -](?:${LINK}[ -])?${W}){0,3}(?:\\s*\\([\\p{L} ]{2,20}\\))?(?:,?\\s+(?:[A-Z]{2}\\s+)?${POSTCODE})?${endOfCode}`,
      "uy",
    ),
    // "the corner of Main Street and Elm Road"
    crossStreet: new RegExp(`(?:and|&)\\s+(?:${W}\\s+){0,3}(?:${suffixes})\\.?(?![\\p{L}])`, "uy"),
  };
}

const SEGMENTS = { normal: segmentPatterns(false), lower: segmentPatterns(true) };

/** Extends an address over the unit, cross street, city, region, postcode and country parts that follow. */
function extend(text: string, end: number, lowerMode: boolean): number {
  const { unit, post, region, city, crossStreet } = lowerMode ? SEGMENTS.lower : SEGMENTS.normal;
  let pos = end;
  let afterPostcode = false;
  for (let step = 0; step < 7; step++) {
    SEGMENT_SEP.lastIndex = pos;
    const sep = SEGMENT_SEP.exec(text);
    if (!sep) break;
    const at = pos + sep[0].length;
    // A city may follow a postcode on the same line: "10115 Berlin".
    // Two or more spaces separate fields too (and stand for "\n" escapes in JSON text).
    const broken: boolean =
      sep[0].includes("\n") || sep[0].includes(",") || sep[0].includes("  ") || afterPostcode;
    afterPostcode = false;
    let next = -1;
    const segments: RegExp[] = broken ? [unit, post, region] : [unit, post, region, crossStreet];
    for (const re of segments) {
      re.lastIndex = at;
      const m = re.exec(text);
      if (m) {
        next = at + m[0].length;
        afterPostcode = re === post;
        break;
      }
    }
    if (next < 0 && broken) {
      city.lastIndex = at;
      const m = city.exec(text);
      if (m && !isSentence(m[0])) next = at + m[0].length;
    }
    if (next < 0) break;
    pos = next;
  }
  return pos;
}

/** A "city" that is really the start of a sentence ("Thanks", "The bus", "Please call"). */
function isSentence(value: string, lex = nameLexicon()): boolean {
  if (lex.places.has(value.toLowerCase())) return false;
  const parts = value.split(/[\s-]+/).filter(Boolean);
  const first = (parts[0] ?? "").toLowerCase();
  return (
    lex.common.has(first) &&
    !lex.places.has(first) &&
    parts.every((w) => lex.common.has(w.toLowerCase()) || w.length < 3)
  );
}

/** Joins overlapping parts, and parts only a comma or spaces apart ("Unit 5, 12 Smith St"). */
function merge(
  text: string,
  spans: Array<{ start: number; end: number }>,
): Array<{ start: number; end: number }> {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: Array<{ start: number; end: number }> = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    const adjacent =
      last !== undefined && s.start > last.end && /^[ \t]*,?[ \t]*$/.test(text.slice(last.end, s.start));
    if (last && (s.start <= last.end || adjacent)) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
