import { nameLexicon } from "./names/name-lexicon.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";

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
const NUM = "\\d{1,6}[a-zA-Z]?(?:[-/]\\d{1,4}[a-zA-Z]?)?";
const CAPWORD = "\\p{Lu}[\\p{L}\\p{M}'’.-]*";
const ANYWORD = "\\p{L}[\\p{L}\\p{M}'’.-]*";
const LINK =
  "(?:of|the|de|la|le|du|des|del|della|di|da|do|dos|das|von|van|der|den|am|an|im|y|e|al|el|and|&|upon|on|sur|en)";

function cores(lowerMode: boolean): RegExp[] {
  const W = lowerMode ? ANYWORD : CAPWORD;
  return [
    // 24 Clarke Avenue, 9543 1819 St. John Street, 10 Downing St
    new RegExp(
      `(?<![\\p{L}\\p{N}])${NUM}(?:,?\\s+${NUM})?,?\\s+(?:(?:${W}|${LINK})\\s+){0,4}?(?:${W}\\s+)?(?:${SUFFIX_WORDS})\\.?(?![\\p{L}\\p{N}])`,
      "giu",
    ),
    // Koskikatu 25, Hauptstr. 5, Karl-Marx-Allee 12
    new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${NUM}\\s+)?(?:${W}\\s+){0,2}${lowerMode ? "\\p{L}" : "\\p{Lu}"}[\\p{L}\\p{M}-]*(?:${STREET_MORPHEMES})\\s*${NUM}(?![\\p{L}\\p{N}])`,
      "giu",
    ),
    // Rue de la Paix 5, 12 rue de la Paix, Avenida Pedro Ulisses 888, Λεωφόρος Συγγρού 119
    new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${NUM},?\\s+)?(?:${PREFIX_WORDS})\\s+(?:(?:${W}|${LINK})\\s+){0,4}${W}(?:,?\\s+${NUM})?(?![\\p{L}\\p{N}])`,
      "giu",
    ),
    // PO Box 123, Postfach 12 34
    /(?<![\p{L}\p{N}])(?:p\.?\s?o\.?\s?box|post(?:al)?\s+office\s+box|postfach|apartado(?:\s+de\s+correos)?|caixa\s+postal|boîte\s+postale)\s+\d[\d ]{0,8}\d?/giu,
    // US military mail: PSC 1234, Box 5678 / APO AE 09012
    /(?<![\p{L}\p{N}])(?:(?:psc|unit|cmr)\s+\d{3,5},?\s+box\s+\d{2,5}|(?:usns|usnv|uss|uscgc)\s+\p{L}+(?:\s+\p{L}+)?)\s*,?\s*\n?\s*(?:apo|fpo|dpo)\s+(?:aa|ae|ap)\s+\d{5}/giu,
    // Name 12 after a house number or before a unit: 28030 Edeby 55, Pagari 18 Suite 932
    new RegExp(
      `(?<![\\p{L}\\p{N}])(?:\\d{2,6}\\s+${W}(?:\\s+${W}){0,2}\\s+${NUM}|${W}(?:\\s+${W}){0,2}\\s+${NUM}(?=,?\\s*\\n?\\s*(?:apt|apartment|suite|ste|unit|flat)\\.?\\s))(?![\\p{L}\\p{N}])`,
      "gu",
    ),
  ];
}

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
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const lowerMode = letters > 0 && upper / letters < 0.01;
  const found: Array<{ start: number; end: number }> = [];
  for (const pattern of cores(lowerMode)) {
    for (const m of text.matchAll(pattern)) {
      if (isFalseCore(m[0])) continue;
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

/** Extends an address over the unit, city, region, postcode and country parts that follow. */
function extend(text: string, end: number, lowerMode: boolean): number {
  const lex = nameLexicon();
  const W = lowerMode ? ANYWORD : `(?:${CAPWORD})`;
  const unit = new RegExp(UNIT, "iuy");
  const post = new RegExp(`${POSTCODE}(?![\\p{L}\\p{N}])`, "uy");
  const region = new RegExp(`[A-Z]{2,3}(?:\\s+${POSTCODE})?(?![\\p{L}\\p{N}])`, "uy");
  const city = new RegExp(
    `${W}(?:[ -](?:${LINK}[ -])?${W}){0,3}(?:\\s*\\([\\p{L} ]{2,20}\\))?(?:,?\\s+(?:[A-Z]{2}\\s+)?${POSTCODE})?(?![\\p{L}\\p{N}])`,
    "uy",
  );
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
