import { nameLexicon, WordFlag } from "./names/name-lexicon.ts";
import { type PiiSpan, spanOf } from "./pii-span.ts";
import { isLowerCaseText } from "./text-case.ts";

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
  capital media studios records motors airlines insurance services software networks analytics data digital health
  greens coves flats extensions extension parks gardens point points route drive terrace crescent str square plaza
  alley trail highway parkway estates heights meadows ridge grove fort union port ville tv radio news times post
  orchestra band choir ensemble quartet trio firm agency`.split(/\s+/),
);

/** Phrases right before a name that say a person is named next. */
const STRONG_BEFORE = new Set(
  `dear hi hello hey thanks regards sincerely cheers named called signed attn cc name author
  my_name_is name_is names_are name's call_me people_call_me call i_am i'm this_is it's thank_you yours_truly best_regards kind_regards
  calls nicknamed says said asks asked adds added explains explained notes noted according_to
  wife husband son daughter mother father mom dad mum brother sister friend colleague boss partner cousin uncle aunt
  grandma grandpa grandmother grandfather niece nephew kid kids child fiancé fiance fiancée girlfriend boyfriend
  spouse roommate coworker co-worker mentor tell told ask asked met meet married invite invited thank remind
  reminded here's`.split(/\s+/),
);
/** Words right before a name that make a capitalised word likelier to be one. */
const WEAK_BEFORE = new Set(
  `by with and for from to see please ask tell told met meet married patient client customer guardian beneficiary
  under contact contacted email emailed call called cc manager assistant teacher student neighbour neighbor landlord
  tenant employee director ceo founder starring featuring ft feat commenter user member`.split(/\s+/),
);
/** A speaker label ("Anna: …") or a vocative ("Anna, can you …") right after a word that opens a line or sentence. */
const SPEAKER_OR_VOCATIVE =
  /^(?::(?:[ \t]+\S|[ \t]*\\?["“])|,[ \t]+(?:can|could|would|will|please|do|did|are|have|i|we|you|thanks|thank|how|what|where|when|why|is|let|it's|i'm)\b)/i;
/** Verbs people, not things, do right after their name: strong evidence. */
const PERSON_VERB_AFTER =
  /^\s+(?:said|says|wrote|writes|asked|asks|replied|told|tells|shouted|whispered|smiled|laughed|cried|thinks|believes|lives|lived|grew up|was born|married|died|emailed|texted|had given|has given|began writing|points out|pointed out|is a \d+[- ]year[- ]old)\b|^['’]s\s+(?:address|phone|number|email|e-mail|birthday|wife|husband|mother|father|mom|dad|son|daughter|sister|brother|partner|car|house|flat|apartment|account|card|passport|office|desk|manager|boss|family)\b/i;
const STRONG_AFTER = /^(?:\s+(?:works|worked|is from|listed|joined)\b|\s+is a \d|:\s*\\?["“])/i;

interface Token {
  start: number;
  end: number;
  lower: string;
  cap: boolean;
  dot: boolean;
  /** Evidence this word is part of a name, 0 when it is not. */
  score: number;
  /** `weak`: a capitalised everyday word or place that can only continue a name. */
  kind: "name" | "weak" | "initial" | "particle" | "title" | "suffix" | "other";
  sentenceStart: boolean;
  /** Also an everyday word ("Fox", "Baker"): not enough alone. */
  wordish: boolean;
  /** A known given name. */
  given: boolean;
  /** Also a place or nationality ("Paris", "French"). */
  place: boolean;
}

const LETTER = /\p{L}/u;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

const isDigitCode = (c: number) => c >= 48 && c <= 57;

function isLetterAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER.test(text[i] as string);
}

function isLetterOrMarkAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return LETTER_OR_MARK.test(text[i] as string);
}

/** End of the word starting at `i`: letters and marks, joined by `'`, `’` or `-` ("O'Brien", "Anne-Lotte"). */
function wordEnd(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  for (;;) {
    while (j < n && isLetterOrMarkAt(text, j)) j++;
    const c = text.charCodeAt(j);
    if ((c === 39 || c === 8217 || c === 45) && j + 1 < n && isLetterAt(text, j + 1)) {
      j += 2;
      continue;
    }
    return j;
  }
}

function tokenize(text: string, lowerMode: boolean): Token[] {
  const lex = nameLexicon();
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; ) {
    if (!isLetterAt(text, i)) {
      i++;
      continue;
    }
    const start = i;
    const end = wordEnd(text, i);
    i = end;
    const word = text.slice(start, end);
    // Letters glued to digits ("GB82WEST1234", "ab12cd") are codes, not words.
    const glued = isDigitCode(text.charCodeAt(start - 1)) || isDigitCode(text.charCodeAt(end));
    const lower = word.toLowerCase();
    const cap = word[0] !== lower[0];
    const dot = text[end] === ".";
    let kind: Token["kind"] = "other";
    let score = 0;
    let wordish = false;
    let given = false;
    let isPlace = false;
    const sentenceStart = tokens.length === 0 || startsSentence(text, start);
    const bare = lower.length > 2 && endsWithPossessive(lower) ? lower.slice(0, -2) : lower;
    // The cheap flags before the set lookups. A token opens with a letter, so a one-character word is one.
    if (glued) kind = "other";
    else if (word.length === 1 && (cap || lowerMode)) kind = "initial";
    else if ((cap || lowerMode || dot) && TITLES.has(lower)) kind = "title";
    else if (!cap && PARTICLES.has(lower)) kind = "particle";
    else if (cap && NAME_SUFFIXES.has(lower)) kind = "suffix";
    else {
      const f = lex.flags.get(bare) ?? 0;
      const isGiven = (f & WordFlag.given) !== 0;
      const isSurname = (f & WordFlag.surname) !== 0;
      // A name that is also a dictionary word ("Peter", "Baker") is a name only capitalised mid-sentence.
      const isWordName = (f & WordFlag.wordName) !== 0;
      wordish = isWordName;
      given = isGiven;
      const everyday = (f & WordFlag.everyday) !== 0;
      const wordName = isWordName && (cap ? sentenceStart : !lowerMode || everyday);
      const place = (f & WordFlag.place) !== 0;
      isPlace = place;
      // "Paris", "York": a place that is also a name is ambiguous.
      const common =
        (f & (WordFlag.common | WordFlag.ambiguous)) !== 0 || wordName || (place && (isGiven || isSurname));
      if (!cap && !lowerMode && (common || !(isGiven || isSurname))) {
        // Every token gets every field, so they all share one shape.
        tokens.push({
          start,
          end,
          lower,
          cap,
          dot,
          score,
          kind,
          sentenceStart,
          wordish: false,
          given: false,
          place: false,
        });
        continue;
      }
      const allCaps = cap && word.length > 1 && word === word.toUpperCase();
      const mixedCaseLower = !cap && !lowerMode;
      if (place && !isGiven && !isSurname) score = 0;
      else if ((isGiven || isSurname) && !common) {
        // A lower-case name in mixed-case text ("tell john") counts, but less.
        score = isGiven ? (bare.length >= 3 ? 2 : 0.6) : 1.5;
        if (mixedCaseLower) score = isGiven && bare.length >= 3 ? 1.2 : 0;
      } else if (isGiven || isSurname) score = cap && !allCaps && !sentenceStart ? 0.6 : cap ? 0.3 : 0;
      else if (!common && bare.length >= 5 && (cap || lowerMode)) {
        if (hasSurnameEnding(bare, lex.surnameSuffixSet)) score = 1.2;
        else if (hasSurnameEnding(bare, lex.weakSurnameSuffixSet)) score = 0.7;
        else if (cap && !allCaps) score = 0.5;
        else if (allCaps) score = 0.3;
        else if (!ENGLISH_ENDING.test(bare)) score = 0.3;
      } else if (cap && !common && !allCaps && bare.length >= 2) score = 0.5;
      else if (allCaps && !common && bare.length >= 3) score = 0.3;
      else if (lowerMode && !common && bare.length >= 3 && !ENGLISH_ENDING.test(bare)) score = 0.3;
      // In lower-case text a name that is also a word ("maria", "baker") is weaker evidence.
      if (lowerMode && isWordName && !cap && score > 0) score = Math.min(score, isGiven ? 1 : 0.7);
      // Short all-capital words are mostly acronyms ("NINO", "SQL"), rarely names.
      if (allCaps && word.length <= 4) score = Math.min(score, 0.3);
      // A capitalised everyday word or place may still continue a name ("Marta Palermo", "Zoe Young").
      if (
        score === 0 &&
        cap &&
        !allCaps &&
        !sentenceStart &&
        !NOT_PERSON_AFTER.has(bare) &&
        !FUNCTION_WORDS.has(bare)
      ) {
        kind = "weak";
      }
      if (score > 0) kind = "name";
    }
    tokens.push({ start, end, lower, cap, dot, score, kind, sentenceStart, wordish, given, place: isPlace });
  }
  // After a title ("mr. chad farmer", "Dr. Fields") up to two words are a name, whatever else they mean.
  for (let k = 0; k + 1 < tokens.length; k++) {
    const title = tokens[k] as Token;
    if (
      title.kind !== "title" ||
      !/^\.?[ \t]{1,2}$/.test(text.slice(title.end, (tokens[k + 1] as Token).start))
    )
      continue;
    for (let n = k + 1; n <= k + 2 && n < tokens.length; n++) {
      const t = tokens[n] as Token;
      if (n > k + 1 && !/^[ \t]{1,2}$/.test(text.slice((tokens[n - 1] as Token).end, t.start))) break;
      if (t.kind !== "other" || FUNCTION_WORDS.has(t.lower) || (!t.cap && !lowerMode)) break;
      t.kind = "name";
      t.score = Math.max(t.score, 0.5);
    }
  }
  return tokens;
}

let lexicon: ReturnType<typeof nameLexicon> | undefined;
/** The name lexicon, loaded on first use. */
const LEXICON = () => {
  lexicon ??= nameLexicon();
  return lexicon;
};

/** Before a list of surnames, these make it a firm: "a year at Jones, Mitchell and Williams". */
const FIRM_BEFORE = new Set("at from of for with by to in join joined joins joining".split(" "));

/** Before these a lone unknown word is more likely a place: "based in Pelhrimov". */
const PLACE_PREPOSITIONS = new Set(
  "in at from to near into via visit visited visiting around across".split(" "),
);

/** "Dear Sir", "Hi team", "Hello everyone": greetings that name no one. */
const SALUTATION_OBJECTS = new Set(
  "sir sirs madam madame team all everyone everybody friends colleagues customer customers manager hiring valued member members user users there folks guys world reader readers".split(
    " ",
  ),
);

/** Words that never start or continue a name, even after a title. */
const FUNCTION_WORDS = new Set(
  "the a an and or but of to in on at for with by from is are was were be been has have had who which that this what i you he she we they it me him her us them my your our their its his not no yes maybe please i'm i've i'll i'd you're we're they're it's that's there's let's".split(
    " ",
  ),
);

const ENGLISH_ENDING = /(?:ing|ed|ly|tion|ment|ness|able|ible|ful|less|ous|ive|ize|ise)$/;

function hasSurnameEnding(word: string, suffixes: ReadonlySet<string>): boolean {
  for (let n = 2; n <= 7 && n < word.length - 1; n++) if (suffixes.has(word.slice(-n))) return true;
  return false;
}

/** Character codes after which a word opens a sentence, a line, a quote or a list item. */
const SENTENCE_OPENERS = new Set([...'.!?:\n"“([{>|*#-'].map((ch) => ch.charCodeAt(0)));

/** Whether the token at `start` opens a sentence, a line, a quote or a list item. */
function startsSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < 0) return true;
  return SENTENCE_OPENERS.has(text.charCodeAt(i));
}

/** Whether a word ends in `'s` or `’s`. */
function endsWithPossessive(word: string): boolean {
  const n = word.length;
  if (n < 2 || word.charCodeAt(n - 1) !== 115) return false;
  const apostrophe = word.charCodeAt(n - 2);
  return apostrophe === 39 || apostrophe === 8217;
}

/** Whether two neighbouring tokens can belong to one name: only spaces (or an initial's dot) between them. */
function joinable(text: string, a: Token, b: Token): boolean {
  const gap = b.start - a.end;
  if (gap < 1 || gap > 4) return false;
  let i = a.end;
  if (text[i] === ".") {
    if (a.kind !== "initial" && a.kind !== "title") return false;
    i++;
  }
  for (; i < b.start; i++) if (text[i] !== " " && text[i] !== "\t" && text[i] !== "\u00a0") return false;
  return true;
}

/** Last words of the strong phrases: a cheap first test before joining words. */
const STRONG_LAST = new Set([...STRONG_BEFORE].map((p) => p.slice(p.lastIndexOf("_") + 1)));
const PRONOUNS = new Set(["him", "her", "them", "me", "us"]);

/** Context of a run from the words before it: 2 strong, 1 weak, 0 none. */
function contextBefore(text: string, tokens: readonly Token[], index: number): number {
  // Up to three words, stopping at punctuation that ends a clause.
  let k = index - 1;
  let count = 0;
  for (; k >= 0 && count < 3; k--) {
    const t = tokens[k] as Token;
    const next = tokens[k + 1] as Token;
    if (next.start - t.end > 4 || clauseBreak(text, t, next)) break;
    count++;
  }
  if (count === 0) return 0;
  // The words before the run, nearest first ("" past the clause); no closure, as this runs per capitalised word.
  const w1 = (tokens[index - 1] as Token).lower;
  const w2 = count > 1 ? (tokens[index - 2] as Token).lower : "";
  const w3 = count > 2 ? (tokens[index - 3] as Token).lower : "";
  if (w2 !== "" && STRONG_LAST.has(w1) && STRONG_BEFORE.has(`${w2}_${w1}`)) return 2;
  // "named him Mark", "call her Jo": the pronoun sits between the verb and the name.
  const pronoun = w2 !== "" && PRONOUNS.has(w1);
  const last = pronoun ? w2 : w1;
  const before1 = pronoun ? w3 : w2;
  const before2 = pronoun ? "" : w3;
  if (STRONG_LAST.has(last)) {
    if (STRONG_BEFORE.has(last)) return 2;
    if (before1 !== "" && STRONG_BEFORE.has(`${before1}_${last}`)) return 2;
    if (before2 !== "" && STRONG_BEFORE.has(`${before2}_${before1}_${last}`)) return 2;
  }
  return WEAK_BEFORE.has(last) ? 1 : 0;
}

/** Whether the characters between two tokens end a clause or are not prose. */
function clauseBreak(text: string, a: Token, b: Token): boolean {
  for (let i = a.end; i < b.start; i++) {
    const ch = text[i] as string;
    if (ch === "." && i === a.end && a.kind === "title") continue;
    if (".!?;&/()[]{}<>=+*".includes(ch)) return true;
  }
  return false;
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
export function detectNames(text: string, lowerMode = isLowerCaseText(text)): PiiSpan[] {
  const tokens = tokenize(text, lowerMode);
  // Right after "my name is", "Dear", "calls me", … a capitalised word is a name even if it is also a word.
  for (let k = 1; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (!t.cap || (t.kind !== "weak" && t.kind !== "other") || FUNCTION_WORDS.has(t.lower)) continue;
    if (SALUTATION_OBJECTS.has(t.lower) || t.lower.endsWith("ing")) continue;
    if (
      NOT_PERSON_AFTER.has(t.lower) ||
      nameLexicon().places.has(t.lower) ||
      contextBefore(text, tokens, k) < 2
    ) {
      continue;
    }
    t.kind = "name";
    t.score = 0.5;
  }
  const found: Array<{ start: number; end: number }> = [];
  const rejected: Array<{ first: number; last: number }> = [];
  const accepted: Array<{ first: number; last: number; span?: { start: number; end: number } }> = [];

  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    // "the van Gijn novel": a name may open with a particle.
    const particleLed =
      t.kind === "particle" &&
      tokens[i + 1]?.kind === "name" &&
      (tokens[i + 1] as Token).cap &&
      joinable(text, t, tokens[i + 1] as Token);
    if (t.kind !== "name" && !particleLed) {
      i++;
      continue;
    }
    // Extend the run over names, initials, inner particles and a trailing suffix.
    let j = i;
    while (j + 1 < tokens.length) {
      const next = tokens[j + 1] as Token;
      const cur = tokens[j] as Token;
      if (!joinable(text, cur, next)) break;
      if (NOT_PERSON_AFTER.has(next.lower) && next.cap) break;
      // A possessive is the last word of a name: "Newton's Second Law".
      if (/['’]s$/.test(cur.lower)) break;
      if (next.kind === "name" || next.kind === "initial" || next.kind === "suffix") {
        j++;
        continue;
      }
      // An everyday capitalised word continues a name only right after a strong name word.
      if (next.kind === "weak" && cur.kind === "name" && cur.score >= 1.5 && j === i) {
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
        if (after && after.kind === "particle" && after2?.kind === "name" && joinable(text, after, after2)) {
          j += 2;
          continue;
        }
      }
      break;
    }
    const span = acceptRun(text, tokens, i, j, lowerMode);
    if (span) {
      found.push(span);
      accepted.push({ first: i, last: j, span });
    } else rejected.push({ first: i, last: j });
    i = j + 1;
  }

  // Lists: "Geraldino, Steven and Robin" — a capitalised word listed with a name is one too.
  if (accepted.length > 0) listNames(text, tokens, accepted, rejected, found, lowerMode);

  addStructuredNames(text, tokens, found);
  return propagate(text, tokens, found);
}

type Run = { first: number; last: number; span?: { start: number; end: number } };

/**
 * Names in lists. A capitalised word listed next to an accepted name is a name
 * too; an everyday word ("Brandy") only inside a real list with two or more
 * names. A list of bare surnames ("Davis, Reynolds and Williamson") is the name
 * of a firm, not of people, so its names are dropped.
 */
function listNames(
  text: string,
  tokens: readonly Token[],
  accepted: Run[],
  rejected: Run[],
  found: Array<{ start: number; end: number }>,
  lowerMode: boolean,
): void {
  const original = accepted.length;
  const candidates: Run[] = [...rejected];
  tokens.forEach((t, k) => {
    if (t.kind === "weak") candidates.push({ first: k, last: k });
  });
  let pending = candidates;
  for (let pass = 0; pass < 4 && pending.length > 0; pass++) {
    const next: Run[] = [];
    for (const r of pending) {
      const first = tokens[r.first] as Token;
      const last = tokens[r.last] as Token;
      let eligible = lowerMode ? first.score >= 0.3 : first.cap && (first.score > 0 || first.kind === "weak");
      if (eligible && first.kind === "weak") {
        const near = accepted
          .slice(0, original)
          .filter((a) => Math.abs((tokens[a.first] as Token).start - first.start) < 100);
        eligible = near.length >= 2 && endsListItem(text, last);
      }
      const listedWith =
        eligible &&
        accepted.some(
          (a) =>
            listGap(text, tokens[a.last] as Token, first) || listGap(text, last, tokens[a.first] as Token),
        );
      if (!listedWith) {
        next.push(r);
        continue;
      }
      const span = { start: first.start, end: trimPossessive(text, last) };
      found.push(span);
      accepted.push({ ...r, span });
    }
    if (next.length === pending.length) break;
    pending = next;
  }
  // Firms: three or more one-word surnames, no given name, "A, B and C".
  const sorted = [...accepted].sort((a, b) => a.first - b.first);
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (
      j + 1 < sorted.length &&
      listGap(text, tokens[(sorted[j] as Run).last] as Token, tokens[(sorted[j + 1] as Run).first] as Token)
    )
      j++;
    const cluster = sorted.slice(i, j + 1);
    const oneWordSurnames = cluster.every((r) => r.first === r.last && !(tokens[r.first] as Token).given);
    const lastGap =
      j > i
        ? text.slice(
            (tokens[(sorted[j - 1] as Run).last] as Token).end,
            (tokens[(sorted[j] as Run).first] as Token).start,
          )
        : "";
    const before = tokens[(sorted[i] as Run).first - 1];
    const after = tokens[(sorted[j] as Run).last + 1];
    const firmContext =
      (before !== undefined && FIRM_BEFORE.has(before.lower)) ||
      (after?.cap === true && NOT_PERSON_AFTER.has(after.lower)) ||
      /^\s+is\s+an?\s+\w+\s+(?:agency|firm|company|consultancy|practice|partnership)\b/.test(
        text.slice(
          (tokens[(sorted[j] as Run).last] as Token).end,
          (tokens[(sorted[j] as Run).last] as Token).end + 40,
        ),
      );
    if (cluster.length >= 3 && oneWordSurnames && firmContext && /\band\b|&/.test(lastGap)) {
      for (const r of cluster) {
        const at = found.indexOf(r.span as { start: number; end: number });
        if (at >= 0) found.splice(at, 1);
      }
    }
    i = j + 1;
  }
}

/** Whether a list item ends right after a token: a comma, "and", "or", or the end of a sentence. */
function endsListItem(text: string, t: Token): boolean {
  return /^(?:\s*(?:,|and\b|or\b|&|\.|;|!|\?|\)|$))/.test(text.slice(t.end, t.end + 5));
}

function listGap(text: string, a: Token, b: Token): boolean {
  if (b.start <= a.end || b.start - a.end > 6) return false;
  return /^(?:,\s*|\s+(?:and|or|&|und|et|y|e|og|och|en)\s+|,\s*(?:and|or)\s+)$/.test(
    text.slice(a.end, b.start),
  );
}

function trimPossessive(text: string, last: Token): number {
  const tail = text.slice(last.end - 2, last.end);
  return tail === "'s" || tail === "’s" ? last.end - 2 : last.end;
}

function acceptRun(
  text: string,
  tokens: readonly Token[],
  from: number,
  to: number,
  lowerMode: boolean,
): { start: number; end: number } | null {
  // Trailing initials (without a following name) are not part of it.
  let end = to;
  while (end > from && (tokens[end] as Token).kind === "initial") end--;
  const trailingWeak = (tokens[end] as Token).kind === "weak";
  const run = tokens.slice(from, end + 1);
  const names = run.filter((t) => t.kind === "name");
  if (names.length === 0) return null;
  const first = run[0] as Token;
  const last = run[run.length - 1] as Token;
  const next = tokens[end + 1];
  // "New York", "Santa Monica": a place written in two words.
  const places = LEXICON().places;
  const before1 = tokens[from - 1];
  if (before1 && places.has(`${before1.lower} ${first.lower}`)) return null;
  if (run.length === 2 && places.has(`${first.lower} ${last.lower}`)) return null;
  if (next && (next.cap || lowerMode) && joinable(text, last, next) && NOT_PERSON_AFTER.has(next.lower))
    return null;

  // "Janka M. Szász": an initial between two capitalised words is a strong sign of a name.
  const innerInitial = run.some((t, k) => t.kind === "initial" && k > 0 && k < run.length - 1);
  const total = names.reduce((s, t) => s + t.score, 0) + (innerInitial ? 1 : 0);
  const strong = names.some((t) => t.score >= 1.2) || innerInitial;
  const prev = tokens[from - 1];
  const titled =
    prev !== undefined && prev.kind === "title" && /^\.?\s{1,3}$/.test(text.slice(prev.end, first.start));
  const before = titled ? 2 : contextBefore(text, tokens, from);
  const lastEnd = trimPossessive(text, last);
  const following = text.slice(lastEnd, lastEnd + 24);
  const after =
    (first.sentenceStart && names.length <= 3 && SPEAKER_OR_VOCATIVE.test(following)) ||
    PERSON_VERB_AFTER.test(following)
      ? 2
      : STRONG_AFTER.test(following)
        ? 1
        : 0;
  // A vocative closing a sentence: "Don't go to town, Mark!"
  const vocative =
    /,\s*$/.test(text.slice(Math.max(0, first.start - 2), first.start)) && /^[!?]/.test(following);
  const context = Math.max(before, after, vocative ? 2 : 0);

  let ok: boolean;
  if (names.length >= 2) {
    ok = (strong && total >= 1.5) || (context >= 1 && total >= 1) || (total >= 3 && !lowerMode);
  } else {
    const only = names[0] as Token;
    ok =
      only.score >= 2 ||
      (trailingWeak && only.score >= 1.5) ||
      (context >= 2 && (only.cap || lowerMode)) ||
      (context >= 1 && only.score >= 0.6) ||
      // A known surname, or a word with a surname ending, inside a sentence: "the Sokolov novel".
      (only.score >= 1.2 &&
        only.cap &&
        !first.sentenceStart &&
        !only.wordish &&
        !PLACE_PREPOSITIONS.has(tokens[from - 1]?.lower ?? ""));
  }
  if (!ok) return null;
  // "Translate to French", "moved to Paris": alone, a place needs strong context to be a person.
  if (names.length === 1 && (names[0] as Token).place && context < 2) return null;
  // A lone capitalised everyday word opening a sentence is not a name.
  if (names.length === 1 && first.sentenceStart && (names[0] as Token).score < 1 && context < 2) return null;
  const stop = last.kind === "suffix" && last.dot ? last.end + 1 : trimPossessive(text, last);
  // A title is part of how the person is named ("Dr. Kent Jaworski") and tells their gender: redact it too.
  return { start: titled && prev ? prev.start : first.start, end: stop };
}

const NAME_KEY =
  /^(?:(?:first|last|full|given|family|middle|display|contact|customer|client|patient|employee|author|owner|sender|recipient|assignee|reviewer|user|account|holder|card_?holder|emergency_?contact|maiden)[_ -]?name|name|surname|forename|author|owner|assignee|recipient|sender|customer|patient|employee|contact|signed_?by|created_?by|manager|spouse|guardian)$/i;
const QUOTED = /(["'`])(\p{L}[\p{L}\p{M}'’. -]{1,50}?)\1/gu;

/** Letters, digits, `_`, `-` and space: what a key may be made of. */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 32
  );
}

/** Whether a value has the shape of a name: one to five words of letters (initials allowed). */
function looksLikeName(value: string): boolean {
  const words = value
    .trim()
    .split(/[\s.]+/)
    .filter(Boolean);
  if (words.length === 0 || words.length > 5) return false;
  return words.every((w) => /^\p{L}[\p{L}\p{M}'’-]*$/u.test(w));
}

const KEY_SEPARATOR = /[:=]/g;

/** A given name or surname that is not also an everyday word. */
function isKnownName(w: string): boolean {
  const lex = nameLexicon();
  return (
    w.length >= 3 && (lex.given.has(w) || lex.surname.has(w)) && !lex.common.has(w) && !lex.ambiguous.has(w)
  );
}

/**
 * Names in structured text: the value of a name-like key (`"name": "…"`,
 * `last_name = '…'`, `Name: …`), SQL and code string literals that hold a
 * known given name or surname, and `john.smith` / `maria_garcia` handles.
 */
function addStructuredNames(
  text: string,
  tokens: readonly Token[],
  found: Array<{ start: number; end: number }>,
): void {
  const lex = nameLexicon();
  for (const sep of text.matchAll(KEY_SEPARATOR)) {
    // The key: letters, digits, `_`, `-` or a space, maybe quoted, right before the separator.
    let k = sep.index - 1;
    while (k >= 0 && text[k] === " ") k--;
    if (text[k] === '"' || text[k] === "'" || text[k] === "`") k--;
    const keyEnd = k + 1;
    while (k >= 0 && keyEnd - k <= 30 && isKeyChar(text.charCodeAt(k))) k--;
    if (keyEnd - k < 4) continue;
    const key = text.slice(k + 1, keyEnd).trim();
    if (!NAME_KEY.test(key)) continue;
    let v = sep.index + 1;
    while (
      v < text.length &&
      (text[v] === " " || text[v] === "\t" || (text[v] === "\n" && v === sep.index + 1))
    )
      v++;
    const quote = text[v];
    let value: string;
    let start: number;
    if (quote === '"' || quote === "'" || quote === "`") {
      const close = text.indexOf(quote, v + 1);
      if (close < 0 || close - v > 61) continue;
      start = v + 1;
      value = text.slice(start, close);
    } else {
      start = v;
      const m = /^[^,;|&\n}\]<>"]{1,60}/.exec(text.slice(v, v + 61));
      value = (m?.[0] ?? "").replace(/\s+\w+[=:].*$/, "").trimEnd();
    }
    if (value.includes("\n") || !looksLikeName(value)) continue;
    found.push({ start, end: start + value.trimEnd().length });
  }
  if (/["'`]/.test(text)) {
    for (const m of text.matchAll(QUOTED)) {
      const value = m[2] ?? "";
      const words = value.trim().split(/\s+/);
      if (words.length > 4 || !looksLikeName(value) || lex.places.has(value.toLowerCase())) continue;
      if (!words.some((w) => isKnownName(w.toLowerCase()))) continue;
      found.push({ start: m.index + 1, end: m.index + 1 + value.length });
    }
  }
  for (let t = 0; t + 1 < tokens.length; t++) {
    const a = tokens[t] as Token;
    const b = tokens[t + 1] as Token;
    const sep = text[a.end];
    if (b.start !== a.end + 1 || (sep !== "." && sep !== "_")) continue;
    if (/[\w.@-]/.test(text[a.start - 1] ?? "") || /[\w@-]/.test(text[b.end] ?? "")) continue;
    if (text[b.end] === "." && /\w/.test(text[b.end + 1] ?? "")) continue;
    if (isKnownName(a.lower) && !lex.common.has(b.lower) && b.lower.length >= 2)
      found.push({ start: a.start, end: b.end });
  }
}

const NO_WHOLES: readonly string[][] = [];

/**
 * Every other occurrence of a found name is a name too: the whole name where
 * its words recur together, else each of its longer, uncommon words.
 */
function propagate(
  text: string,
  tokens: readonly Token[],
  found: Array<{ start: number; end: number }>,
): PiiSpan[] {
  if (found.length === 0) return [];
  const lex = nameLexicon();
  const spans: PiiSpan[] = found.map((f) => spanOf(text, "PERSON", f.start, f.end));
  const wholes = new Map<string, string[][]>();
  const parts = new Set<string>();
  for (const f of found) {
    const words = text
      .slice(f.start, f.end)
      .toLowerCase()
      .split(/[^\p{L}\p{M}'’-]+/u)
      .filter(Boolean);
    const head = words[0];
    if (head === undefined) continue;
    // A one-word name was accepted on its own evidence: find it again as it is.
    if (words.length === 1 && head.length >= 3 && !PARTICLES.has(head) && !TITLES.has(head)) parts.add(head);
    if (words.length > 1) wholes.set(head, [...(wholes.get(head) ?? []), words]);
    for (const p of words) {
      const flags = lex.flags.get(p) ?? 0;
      if (
        p.length >= 3 &&
        (flags & (WordFlag.common | WordFlag.ambiguous)) === 0 &&
        !PARTICLES.has(p) &&
        !TITLES.has(p)
      ) {
        parts.add(p);
      }
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const bare = endsWithPossessive(t.lower) ? t.lower.slice(0, -2) : t.lower;
    let matched = false;
    for (const words of wholes.get(t.lower) ?? NO_WHOLES) {
      const last = tokens[i + words.length - 1];
      if (!last || !words.every((w, k) => (tokens[i + k] as Token).lower === w)) continue;
      if (last.end - t.start > words.join(" ").length + 2 * words.length) continue;
      spans.push(spanOf(text, "PERSON", t.start, last.end));
      i += words.length - 1;
      matched = true;
      break;
    }
    if (!matched && parts.has(bare)) spans.push(spanOf(text, "PERSON", t.start, t.start + bare.length));
  }
  return spans;
}
