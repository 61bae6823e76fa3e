/**
 * Text utilities shared by ingestion and retrieval. Everything here is pure and
 * deterministic: the local embedder and BM25 index depend on it producing the
 * same tokens for the same input on every machine.
 */

const LIGATURES: Record<string, string> = { œ: "oe", Œ: "oe", æ: "ae", Æ: "ae", ß: "ss" };

/** Lowercase, strip accents and ligatures, unify apostrophes and dashes. */
export function fold(input: string): string {
  return input
    .replace(/[œŒæÆß]/g, (c) => LIGATURES[c] ?? c)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’‘`´]/g, "'")
    .replace(/[‐‑‒–—―]/g, "-")
    .toLowerCase();
}

/** Collapse whitespace (including non-breaking spaces) and trim. */
export function squash(input: string): string {
  return input.replace(/[\s\u00a0\u202f]+/g, " ").trim();
}

/** A word the layout cut at its end of line with a hyphen (« compé- tences ») made whole again. */
export function unhyphenate(text: string): string {
  return text.replace(/(\p{L})- (\p{Ll})/gu, "$1$2");
}

// Function words of French and English, chat fillers, and the words that frame
// a question without naming its topic ("covers", "ça correspond à quoi",
// "referential"). Words such as "test", "projet", "rapport" carry meaning in
// this corpus and must stay.
const STOPWORDS = new Set(
  `a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui ma mais me meme mes
moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous
c d j l m n s t y ete etre avoir est sont ont fait faire sera etait peut peuvent doit doivent tout tous toute toutes
plus tres bien aussi ainsi donc alors comme si sans entre vers chez quoi quel quelle quels quelles
comment combien quand ou dont lequel laquelle lesquels cela ca ceci celui celle ceux celles ici oui non monde cb
veut veux dire faut fais sais nb ya stp concretement exactement quoi truc trucs chose choses genre
ai as avez avons vais va vont dois doit peux peut on nous moi toi voila voici quoi cest ces svp bref
y-a-t-il faut-il est-ce
the of and or to in on at for by with from as is are was were be been being it its this that these those there
which who whom whose what when where why how do does did done can could should would will shall may might must
an into about over under than then so such not no yes i you he she we they me him her us them my your his our their
any some all each every other more most much many few own same just also only very via per
does kind thing things get got tell know anything something stuff exactly basically actually need needs want
im i'm dont don't whats what's hey ok okay pls plz
has have had having during while since until within without after before again onto upon across through
because if whether though although yet still even ever never always often really quite rather like way ways far
gets getting go goes going make makes made put take takes let lets see look looking seem try trying say says
said give gives come comes anyway else gonna wanna there's here's it's that's can't isn't aren't thx btw
svp stp merci bonjour salut hello hi please thanks dis moi dit explique expliquer
koi kwa ki deja vraiment bon ben bah hein euh dailleurs quelqu quelque quelques faudrait devrait serait
one ones using according theyre youre out stay stays
cover covers covered covering involve involves involved deal deals dealing regarding concerning related relating
happen happens making talk talks talking mention mentions mentioned explain explains explained explaining
describe describes described suggest suggests suggested list lists listed
am myself ourselves yourself themselves doing against between above below up down off further once here now nor
both too
plutot dedans hors sauf excepte except excluding exclude parle parler parlent correspond correspondent contient
contiennent tombe tombent intitule taux pourcentage percentage rate ratio proportion
referential referentials referentiel referentiels
demain hier aujourdhui aujourd'hui tomorrow yesterday today vient viens venir venez arrive arrives arriver
premier premiere deuxieme troisieme quatrieme second seconde first third`.split(/\s+/),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

// Stopwords long enough for a one-letter slip to be told from another word, by first letter.
const LONG_STOPWORDS = new Map<string, string[]>();
for (const w of STOPWORDS)
  if (w.length >= 5 && /^[a-z]+$/.test(w))
    LONG_STOPWORDS.set(w[0]!, [...(LONG_STOPWORDS.get(w[0]!) ?? []), w]);

/** A word one typo away from a long stopword ("sholud", "accordng", "wich"). */
export function isMisspeltStopword(token: string): boolean {
  if (token.length < 4 || STOPWORDS.has(token)) return false;
  return (LONG_STOPWORDS.get(token[0]!) ?? []).some(
    (w) => Math.abs(w.length - token.length) <= 1 && editDistance(token, w, 1) <= 1,
  );
}

const ELISION = /^(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)'/;

/** Folded word tokens, elisions removed ("l'état" → "etat"), numbers kept. */
export function words(input: string): string[] {
  const out: string[] = [];
  const folded = fold(input);
  // "sur-apprentissage" is also written "surapprentissage": index the joined form too.
  for (const m of folded.matchAll(HYPHENATED)) out.push(`${m[1]}${m[2]}`);
  for (const raw of folded.split(/[^a-z0-9'.]+/)) {
    let w = raw.replace(/^[.']+|[.']+$/g, "");
    if (!w) continue;
    w = w.replace(ELISION, "");
    // Keep dotted codes (c1.2) and decimals whole; split other dotted runs.
    if (w.includes(".") && !/^[a-z]?\d+(?:\.\d+)+$/.test(w)) {
      for (const part of w.split(".")) if (part) out.push(part.replace(/'/g, ""));
      continue;
    }
    w = w.replace(/'/g, "");
    if (w) out.push(w);
  }
  return out;
}

// Suffixes removed by the light stemmer, longest first. French and English
// share the table: a wrong strip on a word of the other language costs little
// because queries and documents are stemmed the same way.
const SUFFIXES = [
  "issements",
  "issement",
  "atrices",
  "ateurs",
  "ations",
  "atrice",
  "ateur",
  "ation",
  "ements",
  "ement",
  "ments",
  "ment",
  "itions",
  "ition",
  "ances",
  "ences",
  "ance",
  "ence",
  "iques",
  "ique",
  "ables",
  "able",
  "istes",
  "iste",
  "ismes",
  "isme",
  "euses",
  "euse",
  "eurs",
  "eur",
  "ives",
  "ive",
  "ifs",
  "if",
  "ities",
  "ity",
  "ings",
  "ing",
  "ions",
  "ion",
  "ees",
  "ee",
  "es",
  "ed",
  "er",
  "ez",
  "s",
  "x",
  "e",
];

/**
 * Light stemmer for French and English: strips one inflectional or
 * derivational suffix while keeping at least four characters of stem.
 * Deliberately conservative; recall on variants comes from character n-grams.
 */
export function stem(word: string): string {
  // An acronym's plural (« CCPs », « ECFs », « QCMs »): the acronym.
  // Its letters read as initials (no vowel, or one opening it: « ecfs », « urls »), not « fils », « mars ».
  if (word.length === 4 && /^(?:[^aeiouy\d]{3}|[aeiouy][^aeiouy\d]{2})s$/.test(word)) return word.slice(0, 3);
  if (word.length <= 4 || /\d/.test(word)) return word;
  for (const suffix of SUFFIXES) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 4) {
      let base = word.slice(0, -suffix.length);
      // Undouble final consonants left by -ement/-ing ("programm" → "program").
      if (/([bcdfglmnprst])\1$/.test(base)) base = base.slice(0, -1);
      return base;
    }
  }
  return word;
}

/**
 * A hyphenated compound of a folded text (« week-end », « anti-plagiat »), its two parts captured; a verb
 * and its subject inverted (« est-elle », « pouvez-vous ») are two words (« Estelle » may be a name).
 */
export const HYPHENATED = /\b([a-z]{2,})-(?!(?:elle|elles|nous|vous|ils|ont)\b)([a-z]{3,})\b/g;

/**
 * The parts of the hyphenated compounds of a folded text whose joined form `known` holds (« week-end » →
 * "week", "end" when "weekend" is known): one word, not three.
 */
export function compoundParts(folded: string, known: (joinedStem: string) => boolean): Set<string> {
  return new Set(
    [...folded.matchAll(HYPHENATED)]
      .filter((m) => known(stem(`${m[1]}${m[2]}`)))
      .flatMap((m) => [m[1]!, m[2]!]),
  );
}

/** Content terms: folded, stopwords removed, stemmed. */
export function terms(input: string): string[] {
  const out: string[] = [];
  for (const w of words(input)) {
    if (w.length < 2 && !/\d/.test(w)) continue;
    if (STOPWORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}

/** 32-bit FNV-1a hash. */
export function fnv1a(input: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Edit distance bounded by `max` (returns max + 1 when exceeded), counting a
 * swap of two adjacent letters as one edit: "evalutaion" is one typo away
 * from "evaluation", not two.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, before[j - 2]! + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    // A swap reaches back two rows, so stop only when both are out of reach.
    if (rowMin > max && prevMin > max) return max + 1;
    before = prev;
    prev = cur;
    prevMin = rowMin;
  }
  return prev[b.length]!;
}

/** Split prose into sentences, keeping list items as their own sentences. */
export function sentences(input: string): string[] {
  const out: string[] = [];
  for (const line of input.split(/\n+/)) {
    // No cut after a code ("C17. Concevoir…" is one sentence).
    const parts = line.split(/(?<=[.!?;])(?<!\b[A-Z]{1,2}r?\d{1,2}(?:\.\d)?\.)\s+(?=[A-ZÀ-ÖØ-Ý0-9«"(-])/);
    for (const p of parts) {
      const s = squash(p);
      if (s) out.push(s);
    }
  }
  return out;
}

/** Cut a text to at most `max` characters on a word boundary, with an ellipsis. */
export function truncate(input: string, max: number): string {
  if (input.length <= max) return input;
  const cut = input.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "")}…`;
}

/** A link as Slack sends it, `<https://…|label>` or `<https://…>`, back to the bare URL; other text unchanged. */
export function unwrapSlackLink(text: string): string {
  return text.replace(/^<([^|>]+)(?:\|[^>]*)?>$/, "$1");
}
