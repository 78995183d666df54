import { nameLexicon } from "./names/name-lexicon.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";

const TITLES = new Set(
  `mr mrs ms miss mx dr doctor prof professor sir dame lady lord madam madame mme mlle monsieur herr frau fräulein
  sr sra srta señor señora señorita don doña dona sig signor signora sig.ra dott dottore rev reverend fr father sister
  brother uncle aunt auntie capt captain col colonel gen general lt lieutenant sgt sergeant officer judge justice
  president senator minister pastor rabbi imam sheikh coach nurse agent detective inspector mister missus`.split(
    /\s+/,
  ),
);
const PARTICLES = new Set(
  "van von der den de del della delle di da du dos das do la le bin binti ibn al el ter ten y af zu st".split(
    " ",
  ),
);
const NAME_SUFFIXES = new Set("jr sr ii iii iv phd md esq jnr snr".split(" "));
/** Words that, right after a capitalised run, make it a place or an organisation. */
const NOT_PERSON_AFTER = new Set(
  `inc llc ltd plc gmbh ag sa srl bv corp corporation company co group partners associates bank university college
  school institute foundation labs lab technologies technology solutions consulting systems holdings international
  street st road rd avenue ave boulevard blvd lane ln drive way court place square park city county lake river beach
  island islands valley hills heights bay mountain mount hospital church hotel airport station center centre club
  capital media studios records motors airlines insurance services software networks analytics data digital health`.split(
    /\s+/,
  ),
);

/** Phrases right before a run that say a person is named next. */
const STRONG_BEFORE =
  /(?:\bmy name is|\bname is|\bnames are|\bname's|\bnamed|\bcalled|\bcall me|\bi am|\bi'm|\bthis is|\bit's|\bdear|\bhi|\bhello|\bhey|\bthanks|\bthank you|\bregards|\bsincerely|\bcheers|\bname:|\bauthor:|\bfrom:|\bto:|\bcc:|\battn:?|\bsigned|\bspeak to|\bspeak with|\bask|\btell|\bmet|\bmeet|\bmarried|\bwife|\bhusband|\bson|\bdaughter|\bmother|\bfather|\bbrother|\bsister|\bfriend|\bcolleague|\bboss|\bpartner|\bcousin|\bpatient|\bclient|\bcustomer|\bguardian|\bbeneficiary|\bunder|\bby|\bwith|\band|\bfor|\bsaid|\bcontact|\bcontacted|\bplease|\bsee)[\s,:]*$/i;
const STRONG_AFTER =
  /^(?:\s+(?:said|says|wrote|writes|asked|asks|replied|told|tells|thinks|lives|lived|works|worked|is from|was born|grew up|listed|called|emailed|texted|joined|left|died|married|is a \d|was a \d)\b|'s\b|:\s*\\?["“])/i;

interface Token {
  start: number;
  end: number;
  lower: string;
  cap: boolean;
  dot: boolean;
  /** Evidence this word is part of a name, 0 when it is not. */
  score: number;
  kind: "name" | "initial" | "particle" | "title" | "suffix" | "other";
  sentenceStart: boolean;
}

const WORD = /\p{L}[\p{L}\p{M}]*(?:['’-]\p{L}[\p{L}\p{M}]*)*/gu;

function tokenize(text: string, lowerMode: boolean): Token[] {
  const lex = nameLexicon();
  const tokens: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const start = m.index;
    const end = start + word.length;
    const lower = word.toLowerCase();
    const first = word[0] as string;
    const cap = first !== first.toLowerCase();
    const dot = text[end] === ".";
    const gap = text.slice(prevEnd, start);
    const sentenceStart = tokens.length === 0 || /[.!?:\n"“([{>|*#-]\s*$/.test(gap);
    prevEnd = end;
    let kind: Token["kind"] = "other";
    let score = 0;
    const bare = lower.replace(/['’]s$/, "");
    if (word.length === 1 && cap) kind = "initial";
    else if (TITLES.has(lower) && (cap || lowerMode || dot)) kind = "title";
    else if (PARTICLES.has(lower) && !cap) kind = "particle";
    else if (NAME_SUFFIXES.has(lower) && cap) kind = "suffix";
    else {
      const isGiven = lex.given.has(bare);
      const isSurname = lex.surname.has(bare);
      const common = lex.common.has(bare) || lex.ambiguous.has(bare);
      const place = lex.places.has(bare);
      const morph = !common && bare.length >= 5 && lex.surnameSuffixes.some((s) => bare.endsWith(s));
      const allCaps = word.length > 1 && word === word.toUpperCase();
      if (place && !isGiven && !isSurname) score = 0;
      else if ((isGiven || isSurname) && !common) score = isGiven ? (bare.length >= 3 ? 2 : 0.6) : 1.5;
      else if (isGiven || isSurname) score = cap && !allCaps && !sentenceStart ? 0.6 : cap ? 0.3 : 0;
      else if (morph && (cap || lowerMode)) score = 1.2;
      else if (cap && !common && !allCaps && bare.length >= 2) score = 0.5;
      else if (cap && allCaps && !common && bare.length >= 3) score = 0.3;
      else if (
        lowerMode &&
        !common &&
        bare.length >= 3 &&
        !/(?:ing|ed|ly|tion|ment|ness|able|ible|ful|less|ous|ive|ize|ise)$/.test(bare)
      ) {
        score = 0.3;
      }
      if (score > 0) kind = "name";
    }
    tokens.push({ start, end, lower, cap, dot, score, kind, sentenceStart });
  }
  return tokens;
}

/** Whether two neighbouring tokens can belong to one name: only spaces (or an initial's dot) between them. */
function joinable(text: string, a: Token, b: Token): boolean {
  const gap = text.slice(a.end, b.start);
  return /^\.?[ \t\u00a0]{1,3}$/.test(gap) && (gap[0] !== "." || a.kind === "initial" || a.kind === "title");
}

/**
 * Person names in prose, chat, code, logs, JSON and SQL, in any case and from
 * many cultures. A run of name-like words is scored from gazetteer hits (given
 * names and surnames of many regions plus compromise's lexicon), surname
 * endings (`-ović`, `-sdóttir`, `-enko`, …), capitalisation and context (a
 * title, "my name is", "Dear", a `"name":` key); places, organisations and
 * everyday words count against. Names found once are then found again
 * wherever they recur in the text.
 */
export function detectNames(text: string): PiiSpan[] {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const lowerMode = letters > 0 && upper / letters < 0.01;
  const tokens = tokenize(text, lowerMode);
  const found: Array<{ start: number; end: number }> = [];

  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    if (t.kind !== "name") {
      i++;
      continue;
    }
    // Extend the run over names, initials, inner particles and a trailing suffix.
    let j = i;
    while (j + 1 < tokens.length) {
      const next = tokens[j + 1] as Token;
      const cur = tokens[j] as Token;
      if (!joinable(text, cur, next)) break;
      if (next.kind === "name" || next.kind === "initial" || next.kind === "suffix") {
        j++;
        continue;
      }
      if (next.kind === "particle") {
        const after = tokens[j + 2];
        if (after && after.kind === "name" && joinable(text, next, after)) {
          j++;
          continue;
        }
        const after2 = tokens[j + 3];
        if (after && after.kind === "particle" && after2?.kind === "name") {
          j += 2;
          continue;
        }
      }
      break;
    }
    const run = tokens.slice(i, j + 1);
    const accepted = acceptRun(text, tokens, i, run, lowerMode);
    if (accepted) found.push(accepted);
    i = j + 1;
  }

  addStructuredNames(text, found);
  return propagate(text, found);
}

function acceptRun(
  text: string,
  tokens: readonly Token[],
  startIndex: number,
  run: Token[],
  lowerMode: boolean,
): { start: number; end: number } | null {
  // Trailing initials (without a following name) and suffixes-only runs are not names.
  while (run.length > 0 && (run[run.length - 1] as Token).kind === "initial") run.pop();
  const names = run.filter((t) => t.kind === "name");
  if (names.length === 0) return null;
  const first = run[0] as Token;
  const last = run[run.length - 1] as Token;
  const next = tokens[startIndex + run.length + (run.length === 0 ? 0 : 0)];
  if (next && joinable(text, last, next) && NOT_PERSON_AFTER.has(next.lower.replace(/\.$/, ""))) return null;
  if (next && next.kind === "title" && /^(?:st|dr)$/.test(next.lower)) return null;

  const total = names.reduce((s, t) => s + t.score, 0);
  const strong = names.some((t) => t.score >= 1.2);
  const prev = tokens[startIndex - 1];
  const titled =
    prev !== undefined && prev.kind === "title" && /^[.\s]{1,3}$/.test(text.slice(prev.end, first.start));
  const before = text.slice(Math.max(0, first.start - 40), first.start);
  const after = text.slice(last.end, last.end + 24);
  const context = titled || STRONG_BEFORE.test(before) || STRONG_AFTER.test(after);

  let ok: boolean;
  if (names.length >= 2) ok = (strong && total >= 2) || (context && total >= 1) || (total >= 3 && !lowerMode);
  else {
    const only = names[0] as Token;
    ok =
      only.score >= 2 ||
      (context && (only.cap || lowerMode) && only.score >= 0.5) ||
      (titled && only.score > 0);
  }
  if (!ok) return null;
  // A lone capitalised everyday word opening a sentence is not a name.
  if (names.length === 1 && first.sentenceStart && (names[0] as Token).score < 1 && !titled) return null;
  return { start: first.start, end: last.end + (last.kind === "suffix" && last.dot ? 1 : 0) };
}

const NAME_KEYS =
  "(?:(?:first|last|full|given|family|middle|display|contact|customer|client|patient|employee|author|owner|sender|recipient|assignee|reviewer|user|account|holder|card_?holder|emergency_?contact)[_ -]?name|name|surname|forename|author|owner|assignee|recipient|sender|customer|patient|employee|contact|signed_?by|created_?by|manager|spouse|guardian)";
const KEY_VALUE_NAME = new RegExp(
  `(?:["'\`]${NAME_KEYS}["'\`]\\s*[:=]\\s*["'\`]([^"'\`\\n]{2,60})["'\`]|\\b${NAME_KEYS}\\s*(?:=|:)\\s*(?:["']([^"'\\n]{2,60})["']|([\\p{L}][\\p{L}\\p{M}'’. -]{1,60}?)(?=\\s*(?:[,;|&\\n}\\]]|$|\\s\\w+[=:]))))`,
  "giu",
);
const QUOTED = /(["'`])([\p{L}][\p{L}\p{M}'’. -]{1,50}?)\1/gu;
const DOTTED_USER = /(?<![\w.@-])(\p{L}{2,})[._](\p{L}{2,})(?![\w@-]|\.\w)/gu;

/** Names in structured text: `"name": "…"`, `name=…`, SQL and code string literals, `john.smith` handles. */
function addStructuredNames(text: string, found: Array<{ start: number; end: number }>): void {
  const lex = nameLexicon();
  const looksLikeName = (value: string) => {
    const words = value
      .trim()
      .split(/[\s.]+/)
      .filter(Boolean);
    if (words.length === 0 || words.length > 5) return false;
    return words.every((w) => /^\p{L}[\p{L}\p{M}'’-]*$/u.test(w));
  };
  const hasNameWord = (value: string) =>
    value
      .toLowerCase()
      .split(/[\s.]+/)
      .some(
        (w) =>
          (lex.given.has(w) || lex.surname.has(w)) &&
          !lex.common.has(w) &&
          !lex.ambiguous.has(w) &&
          w.length >= 3,
      );
  for (const m of text.matchAll(KEY_VALUE_NAME)) {
    const value = m[1] ?? m[2] ?? m[3];
    if (!value || !looksLikeName(value)) continue;
    const trimmed = value.trim();
    const start = text.indexOf(trimmed, m.index + m[0].length - value.length - 1);
    if (start >= 0) found.push({ start, end: start + trimmed.length });
  }
  if (/["'`]/.test(text)) {
    for (const m of text.matchAll(QUOTED)) {
      const value = m[2] ?? "";
      const words = value.trim().split(/\s+/);
      if (words.length < 1 || words.length > 4 || !looksLikeName(value) || !hasNameWord(value)) continue;
      // One everyday word in quotes ("Summer") is not enough; a gazetteer word plus a name-like shape is.
      if (
        words.length === 1 &&
        !/^\p{Lu}/u.test(value) &&
        !/[(,]\s*$/.test(text.slice(Math.max(0, m.index - 3), m.index))
      )
        continue;
      found.push({ start: m.index + 1, end: m.index + 1 + value.length });
    }
  }
  if (/[._]/.test(text)) {
    for (const m of text.matchAll(DOTTED_USER)) {
      const a = (m[1] ?? "").toLowerCase();
      const b = (m[2] ?? "").toLowerCase();
      if (
        lex.given.has(a) &&
        !lex.common.has(a) &&
        !lex.ambiguous.has(a) &&
        !lex.common.has(b) &&
        b.length >= 2
      ) {
        found.push({ start: m.index, end: m.index + m[0].length });
      }
    }
  }
}

/** Every other occurrence of a found name (whole, or its longer parts) is a name too. */
function propagate(text: string, found: Array<{ start: number; end: number }>): PiiSpan[] {
  if (found.length === 0) return [];
  const lex = nameLexicon();
  const terms = new Set<string>();
  for (const f of found) {
    const value = text.slice(f.start, f.end);
    terms.add(value.toLowerCase());
    for (const part of value.split(/[\s.]+/)) {
      const p = part.toLowerCase();
      if (
        p.length >= 3 &&
        !lex.common.has(p) &&
        !lex.ambiguous.has(p) &&
        !PARTICLES.has(p) &&
        !TITLES.has(p)
      ) {
        terms.add(p);
      }
    }
  }
  const spans: PiiSpan[] = found.map((f) => spanOf(text, "PERSON", f.start, f.end));
  const escaped = [...terms]
    .sort((a, b) => b.length - a.length)
    .map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${escaped.join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  for (const m of text.matchAll(pattern)) spans.push(spanOf(text, "PERSON", m.index, m.index + m[0].length));
  return spans;
}
