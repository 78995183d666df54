import nlp from "compromise";
import { englishWords } from "./english-words.ts";
import { GIVEN_NAMES } from "./given-names.ts";
import { SURNAME_SUFFIXES, SURNAMES, WEAK_SURNAME_SUFFIXES } from "./surnames.ts";

/**
 * Name words that are also everyday English words: as lower-case words they are
 * read as words, capitalised they are weak evidence of a name.
 */
const AMBIGUOUS = `will may mark bill jack grace hope rose joy faith dawn summer june april august art pat sue max ray rob guy
frank drew bob gene jean gay lily ivy iris daisy holly ruby pearl amber crystal angel sunny sky river rain young
white black brown green gray grey long short little king rich love star sterling major sage penny nice sandy
misty honey candy destiny harmony melody trinity unity liberty justice royal prince princess earl duke baron
noble don van del win chance miles case bond hazel olive jade violet heather rosemary ginger basil herb rock
cliff forest lake storm house lord park power rush sharp shaw stark steel strong swift trip north south east
wing wise winter wren sunday monday friday jan mar jun jul aug sep oct nov dec sun mon tue wed thu fri sat ali
ma li he an so do la le de di da du bin al el son kit ken ted mo ho ha min von nan eve ira cherry berry merry
bliss blessing charity constance felicity verity prudence patience mercy serenity joyce dolly polly molly kitty
bunny pepper coco gigi lulu lala nana papa mama baby sugar brandy whisky whiskey sherry memory echo fortune
lucky happy doc doll sonny buddy rusty dusty randy dick willy`;

const tokenize = (s: string) => s.split(/\s+/).filter(Boolean);

/** Adds a word and its regular inflections (plural or third person, past, gerund, adverb). */
function expandInflections(word: string, into: Set<string>): void {
  into.add(word);
  if (word.length < 3 || word.includes(" ")) return;
  const sibilant = /(?:s|x|z|ch|sh)$/.test(word);
  const consonantY = /[^aeiou]y$/.test(word);
  const stem = consonantY ? word.slice(0, -1) : word;
  into.add(consonantY ? `${stem}ies` : sibilant ? `${word}es` : `${word}s`);
  if (word.endsWith("e")) {
    into.add(`${word}d`);
    into.add(`${word.slice(0, -1)}ing`);
  } else {
    into.add(consonantY ? `${stem}ied` : `${word}ed`);
    into.add(`${word}ing`);
  }
  into.add(consonantY ? `${stem}ily` : `${word}ly`);
}

const NAME_TAGS = new Set(["FirstName", "MaleName", "FemaleName", "LastName", "Person"]);
const PLACE_TAGS = new Set([
  "Country",
  "City",
  "Region",
  "Place",
  "Demonym",
  "Organization",
  "SportsTeam",
  "Month",
  "WeekDay",
]);

/** The word lists the name detector looks up, built once per process. */
export interface NameLexicon {
  given: ReadonlySet<string>;
  surname: ReadonlySet<string>;
  /** Everyday English words (and their inflections): not evidence of a name. */
  common: ReadonlySet<string>;
  /** Name words that are also everyday words. */
  ambiguous: ReadonlySet<string>;
  /** Countries, cities, regions, demonyms, organisations, months, weekdays. */
  places: ReadonlySet<string>;
  surnameSuffixes: readonly string[];
  surnameSuffixSet: ReadonlySet<string>;
  weakSurnameSuffixSet: ReadonlySet<string>;
  /** All of the above in one map, `word → WordFlag bits`: one lookup per token on the hot path. */
  flags: ReadonlyMap<string, number>;
}

/** Bits of {@link NameLexicon.flags}. */
export const WordFlag = {
  given: 1,
  surname: 2,
  common: 4,
  ambiguous: 8,
  place: 16,
  wordName: 32,
  everyday: 64,
} as const;

let cached: NameLexicon | undefined;

/** The lexicon: the hand-written gazetteers plus compromise's name, place and word lexicon. */
export function nameLexicon(): NameLexicon {
  if (cached) return cached;
  const given = new Set(tokenize(GIVEN_NAMES));
  const surname = new Set(tokenize(SURNAMES));
  const common = new Set<string>();
  const places = new Set<string>();
  const world = nlp.world() as unknown as { model: { one: { lexicon: Record<string, string | string[]> } } };
  const lexicon = world.model.one.lexicon;
  for (const [word, tags] of Object.entries(lexicon)) {
    const list = Array.isArray(tags) ? tags : [tags];
    if (list.some((t) => PLACE_TAGS.has(t))) places.add(word);
    if (list.some((t) => t === "FirstName" || t === "MaleName" || t === "FemaleName")) {
      if (!word.includes(" ")) given.add(word);
    } else if (list.includes("LastName")) {
      if (!word.includes(" ")) surname.add(word);
    } else if (!list.some((t) => NAME_TAGS.has(t) || PLACE_TAGS.has(t) || t === "Honorific")) {
      expandInflections(word, common);
    }
  }
  for (const w of EXTRA_COMMON.split(/\s+/)) if (w) expandInflections(w, common);
  // Dictionary words are everyday words; those that are also names ("baker", "peter") are marked so.
  const dictionary = new Set<string>();
  for (const w of englishWords()) expandInflections(w, dictionary);
  const ambiguous = new Set(tokenize(AMBIGUOUS));
  const wordNames = new Set<string>();
  for (const w of dictionary) {
    if (given.has(w) || surname.has(w)) wordNames.add(w);
    else common.add(w);
  }
  // compromise's word senses of names ("peter out", "can", "said") make them word-names too, not plain
  // words; they are everyday words first, so in all-lower-case text they are read as words.
  const everyday = new Set<string>();
  for (const w of common) {
    if (given.has(w) || surname.has(w)) {
      wordNames.add(w);
      everyday.add(w);
      common.delete(w);
    }
  }
  const flags = new Map<string, number>();
  const mark = (words: Iterable<string>, bit: number) => {
    for (const w of words) flags.set(w, (flags.get(w) ?? 0) | bit);
  };
  mark(given, WordFlag.given);
  mark(surname, WordFlag.surname);
  mark(common, WordFlag.common);
  mark(ambiguous, WordFlag.ambiguous);
  mark(places, WordFlag.place);
  mark(wordNames, WordFlag.wordName);
  mark(everyday, WordFlag.everyday);
  cached = {
    flags,
    given,
    surname,
    common,
    ambiguous,
    places,
    surnameSuffixes: [...SURNAME_SUFFIXES].sort((a, b) => b.length - a.length),
    surnameSuffixSet: new Set(SURNAME_SUFFIXES),
    weakSurnameSuffixSet: new Set(WEAK_SURNAME_SUFFIXES),
  };
  return cached;
}

/** Frequent words compromise's lexicon leaves to its rules (plurals, adverbs, function words). */
const EXTRA_COMMON = `a an the and or but if then else when while where what who whom whose which why how this that these those
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs there here
is are was were be been being am do does did done have has had having can could shall should would must might
not no yes ok okay all any some many much more most few less least each every either neither both other another
such same own only just also very too so than as at by for from in into of off on onto out over per to up upon
with within without about above across after against along among around before behind below beneath beside
between beyond during except inside near outside since through throughout till toward towards under until via
hello hi hey thanks thank please sorry dear regards best cheers sincerely welcome bye goodbye yeah yep nope
new old good bad great big small first last next previous today tomorrow yesterday now later soon ago
one two three four five six seven eight nine ten hundred thousand million
song songs list album band music file files data user users account accounts order orders number numbers
name names address email phone date time year years day days week weeks month months hour hours
i'm i've i'll i'd you're you've you'll you'd we're we've we'll we'd they're they've they'll they'd it's it'll
that's there's here's what's who's where's when's how's let's he's she's he'll she'll he'd she'd don't doesn't
didn't can't cannot won't wouldn't shouldn't couldn't isn't aren't wasn't weren't hasn't haven't hadn't ain't
fax phone tel mobile cell email e-mail website web url subject re fwd bcc date note notes title company dept
department ref todo ps faq bot user assistant system admin support agent customer client host guest moderator
speaker narrator interviewer interviewee q a answer question reply from to sender recipient status summary
`;
