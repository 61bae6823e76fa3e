import type { Catalog } from "../knowledge/catalog.js";
import { otherDocTypes } from "../knowledge/titres.js";
import {
  compoundParts,
  fold,
  HYPHENATED,
  isMisspeltStopword,
  isStopword,
  squash,
  stem,
  terms,
  words,
} from "../lib/text.js";
import type { Question } from "../understanding/question.js";
import {
  CERTIFICATION_WORDS,
  EMPTY_LEXICON,
  GENERIC_WORDS,
  KIND_HINTS,
  type Lexicon,
  lexiconTypo,
} from "./lexicon.js";

export type Lang = "fr" | "en";

export interface WeightedTerm {
  term: string;
  weight: number;
}

/** A topical word of the question (stemmed) and the corpus terms that may stand for it. */
export interface TypedTerm {
  term: string;
  /** Translations and synonyms from the lexicon. */
  expansions: string[];
  /** Corpus words one typo away, for a word neither the corpus nor the lexicon knows. */
  typos: string[];
}

/** What the corpus knows, as the query side needs it (the BM25 index provides it). */
export interface Vocabulary {
  /** Whether a stemmed term occurs in the corpus. */
  has(term: string): boolean;
  /** Stems of the corpus words within a typo of a folded word. */
  nearest(word: string): string[];
}

/** Without a corpus at hand every word counts as known and none as a typo. */
const OPEN_VOCABULARY: Vocabulary = { has: () => true, nearest: () => [] };

const DOMAIN_WORDS = ["certific", "certificat", "titr", "candidat", "apprenant"];

// Weights of query terms, relative to a typed word found as is (1).
const WEIGHTS = {
  /** A translation standing for a word the corpus lacks or an English word ("skill" → "compétence"). */
  translation: 1,
  /** A synonym beside a French word the corpus has ("bdd" → "base de données"), or a framing word's expansion. */
  synonym: 0.6,
  /** A corpus word one typo away from what was typed. */
  typo: 0.7,
  /** Words naming a referential or a code: they filter the search, as words they hardly rank. */
  name: 0.4,
};

export interface QueryAnalysis {
  text: string;
  lang: Lang;
  /** Canonical codes named in the question, in order ("C12", "B2Cr4", "C1.2"). */
  codes: string[];
  /** Referentials the question names (empty: none named). */
  include: Set<string>;
  /** Referentials the question explicitly excludes. */
  exclude: Set<string>;
  /** Bloc numbers named ("bloc 2"). */
  blocs: number[];
  /** Record kind the question asks for, if any. */
  kind: string | null;
  /** Weighted query terms: words typed, their translations and synonyms, typo corrections. */
  terms: WeightedTerm[];
  /** The question's topical words, for the out-of-scope check. */
  typedTerms: TypedTerm[];
  /** The question uses the vocabulary of certification (skill, jury, report…). */
  certificationVocabulary: boolean;
  /** Prompt injection, dump or personal-data request. */
  unsafe: boolean;
}

const EN_MARKERS = new Set(
  "the what which how does do is are for of a an about to many much long who where when can should i my your report skill competency requires mean".split(
    " ",
  ),
);
const FR_MARKERS = new Set(
  "le la les des du que quoi quel quelle quels comment combien est sont pour de un une sur ca c qui faut il dois je mon ma mes compétence competence rapport".split(
    " ",
  ),
);

export function detectLang(text: string): Lang {
  let en = 0;
  let fr = 0;
  for (const w of words(text)) {
    if (EN_MARKERS.has(w)) en++;
    if (FR_MARKERS.has(w)) fr++;
  }
  if (/[éèêàçùôî]/i.test(text)) fr += 1;
  return en > fr ? "en" : "fr";
}

// Requests the bot must refuse whatever the corpus holds: injections, bulk
// dumps, and personal data (the source application also held a CV).
const UNSAFE = [
  // Overriding the bot's rules, or reading them.
  /\b(ignore|ignorez|oublie|oubliez|forget|disregard|bypass|override|contourne)\b.{0,40}\b(instructions?|consignes?|regles?|rules|prompt|previous|prior|above|ci-dessus|precedentes?|guidance|guidelines|restrictions?|referentiels?|referentials?)\b/,
  /\b(system prompt|prompt systeme|jailbreak|mode developpeur|developer mode|dan mode|debug mode|mode debug|act as|pretend (?:you|to be)|you are now|tu es maintenant|from now on|a partir de maintenant|nouvelles? consignes?|new instructions?|repeat the (?:text|words|prompt) above)\b/,
  /\b(your|ton|tes|votre|vos)\b.{0,15}\b(prompt|instructions|consignes|rules|regles)\b/,
  /\b(reveal|revele|leak)\b/,
  // Bulk dumps.
  /\b(affiche|donne|montre|imprime|print|dump|show|give|export|copie|recopie|liste|sors|extrais|extract|output|paste|colle)\b.{0,30}\b(tout|toutes|tous|entier|entiere|integral|integralite|all|every|entire|whole|full|complet|complete)\b.{0,30}\b(documents?|referentiels?|referentials?|fichiers?|files?|base|index|corpus|texte|text|contenu|content|donnees|records?|entries|enregistrements|fiches)\b/,
  // Personal data: the application file held a CV and letters; sessions hold names and results.
  /\b(cv|curriculum|lettres? de recommandation|recommendation letters?|letters? of recommendation|adresse perso|adresse personnelle|personal address|home address|adresse (?:du |de son |de sa |de leur )?domicile|numero de telephone|phone number|email perso|date de naissance|donnees personnelles d[eu]s?|personal data of|personal information of|salaire de|notes? d[eu]s? (?:candidat|apprenant|eleve)|grades? of)\b/,
  /\b(liste|lister|donne|affiche|montre|give|list|show|tell|send|envoie|what(?:'s| is| are)?|quel(?:le)?s? (?:est|sont))\b.{0,30}\b(noms?|prenoms?|names?|e-?mails?|adresses?|address(?:es)?|telephones?|phones?|numeros?)\b.{0,40}\b(candidats?|apprenants?|eleves?|students?|candidates?|learners?|jury|jures?|jurors?|formateurs?|trainers?|tuteurs?|responsables?|members|membres)\b/,
  /\b(notes?|grades?|results?|resultats?|scores?|marks?)\b.{0,40}\b((?:autres?|other)\s+(?:candidats?|apprenants?|eleves?|students?|candidates?|learners?|personnes|people)|classmates?|camarades?|collegues?)\b/,
  /\b(liste|list|qui sont|who are)\b.{0,20}\b(candidats?|apprenants?|eleves?|students?|candidates?|learners?)\b.{0,30}\b(failed|passed|admis|refuses?|echoue|recales?|reussi|promo|promotion|session)\b/,
];

// Words before a referential name that turn it into an exclusion.
const NEGATION =
  /\b(?:pas|sauf|hors|excepte|except|excluding|exclude|not|without|sans|autre que|other than|non|ni)\s+(?:(?:le|la|les|du|de|des|l'|d'|dans|chez|pour|au|aux|en|un|une|the|in|from|for|a|an|celui|celle|ceux|referentiel|referential)\s+)*$/;

/** Bloc numbers a question names: "bloc 2", "block 3", "BC02" (a France Compétences bloc code's end). */
export function blocsIn(folded: string): number[] {
  return [...folded.matchAll(/\b(?:(?:bloc|block)\s?(?:n°|no)?\s?|bc\s?0?)(\d)\b/g)].map((m) => Number(m[1]));
}

/** Canonical codes a question names, in order ("c 12" → C12, "cas pratique 1" → E2). */
export function codesIn(folded: string, raw: string): string[] {
  const found: { at: number; code: string }[] = [];
  const push = (at: number, code: string) => {
    if (!found.some((f) => f.code === code)) found.push({ at, code });
  };
  const crit = /\bb\s?(\d)\s?-?\s?c\s?r\s?(\d{1,2})\b/g;
  for (const m of folded.matchAll(crit)) push(m.index ?? 0, `B${m[1]}Cr${m[2]}`);
  const expert = /\bb\s?(\d)\s?-?\s?c\s?(\d)\b/g;
  for (const m of folded.matchAll(expert)) push(m.index ?? 0, `B${m[1]}C${m[2]}`);
  const dotted = /\b(c|a)\s?(\d)\s?[.,]\s?(\d)\b/g;
  for (const m of folded.matchAll(dotted)) push(m.index ?? 0, `${m[1]!.toUpperCase()}${m[2]}.${m[3]}`);
  const comp = /\b(?:c|comp|co?m{1,2}pet[a-z]*|skills?)\s?(?:n°|no|n|#)?\s?(\d{1,2})\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(comp)) {
    // "competence 1.2" is caught above; "c 12" or "compétence 12" is C12.
    if (!/b\s?\d\s?-?\s?$/.test(folded.slice(Math.max(0, (m.index ?? 0) - 4), m.index)))
      push(m.index ?? 0, `C${Number(m[1])}`);
  }
  const ev = /\b(?:e|epreuve|evaluation)\s?(?:n°|no|#)?\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(ev)) push(m.index ?? 0, `E${m[1]}`);
  const cas = /\b(?:cas pratiques?|cp)\s?(?:n°|no)?\s?([12])\b/g;
  for (const m of folded.matchAll(cas)) push(m.index ?? 0, m[1] === "1" ? "E2" : "E3");
  // "A3" only when typed as a code: a lone "a" is a French verb.
  const act = /\bA\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of raw.matchAll(act)) push(m.index ?? 0, `A${m[1]}`);
  const actWord = /\b(?:activite|activity)(\s?types?)?\s?(?:n°|no|#)?\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(actWord)) push(m.index ?? 0, `${m[1] ? "AT" : "A"}${m[2]}`);
  // "le CCP 1" of a titre professionnel certifies its activité type 1.
  for (const m of folded.matchAll(/\bccp\s?(?:n°|no)?\s?(\d)\b/g)) push(m.index ?? 0, `AT${m[1]}`);
  // "AT2" typed as a REAC numbers it.
  for (const m of raw.matchAll(/\bAT\s?(\d)\b/g)) push(m.index ?? 0, `AT${m[1]}`);
  return found.sort((a, b) => a.at - b.at).map((f) => f.code);
}

interface ReferentialName {
  re: RegExp;
  ids: string[];
  group: boolean;
}
const NAME_CACHE = new WeakMap<Catalog, ReferentialName[]>();

/**
 * Matchers for every way the catalog names a referential, longest first so
 * "chef de projet" wins over shorter overlapping names. Built once per
 * catalog: analyzeQuery runs on every question.
 */
function referentialNames(catalog: Catalog): ReferentialName[] {
  let names = NAME_CACHE.get(catalog);
  if (names) return names;
  const phrases: { phrase: string; ids: string[]; group: boolean }[] = [];
  for (const ref of catalog.referentials) {
    phrases.push({ phrase: fold(ref.id), ids: [ref.id], group: false });
    for (const a of ref.aliases) phrases.push({ phrase: fold(a), ids: [ref.id], group: false });
  }
  for (const [group, ids] of Object.entries(catalog.groups))
    phrases.push({ phrase: fold(group), ids, group: true });
  phrases.sort((a, b) => b.phrase.length - a.phrase.length);
  names = phrases.map(({ phrase, ids, group }) => ({
    // "titre rncp" names the shipped RNCP referential, but not in "le titre RNCP 12345": a number makes it another titre.
    re: new RegExp(
      // "RNCP32136BC01" names the titre RNCP32136 (and its bloc 1).
      `(?:^|[^a-z0-9])(${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(?=$|[^a-z0-9]${/\d$/.test(phrase) ? "|bc\\d" : ""})${/\brncp$/.test(phrase) ? "(?!\\s*[-:]?\\s*\\d)" : ""}`,
      "g",
    ),
    ids,
    group,
  }));
  NAME_CACHE.set(catalog, names);
  return names;
}

/**
 * The referentials a question names (longest name first) and those it
 * excludes ("pas aivancity"), with where the names are in the folded text.
 */
export function namedReferentials(
  folded: string,
  catalog: Catalog,
  /** The question as typed: the kinds of document are named in capitals (RE, RC). */
  text: string = folded,
): { include: Set<string>; exclude: Set<string>; spans: [number, number][] } {
  const include = new Set<string>();
  const exclude = new Set<string>();

  /** Referentials named by a name of their own, not only through a group. */
  const named = new Set<string>();
  const taken: [number, number][] = [];
  const found: { start: number; end: number; ids: string[]; group: boolean }[] = [];
  for (const { re, ids, group } of referentialNames(catalog)) {
    for (const m of folded.matchAll(re)) {
      const start = (m.index ?? 0) + m[0].length - m[1]!.length;
      const end = start + m[1]!.length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      found.push({ start, end, ids, group });
    }
  }
  found.sort((a, b) => a.start - b.start);
  // Names written side by side ("pas aivancity chef de projet") are one name:
  // the negation carries over, and a group narrows to the member beside it.
  const adjacent = (a: (typeof found)[number], b: (typeof found)[number]) =>
    /^[\s,'-]*(?:(?:de|du|la|le|l'|d')\s*)*$/.test(folded.slice(a.end, b.start));
  const wordSet = new Set(words(folded));
  for (const [i, f] of found.entries()) {
    const prev = found[i - 1];
    const next = found[i + 1];
    const negated =
      NEGATION.test(folded.slice(Math.max(0, f.start - 40), f.start)) ||
      (prev !== undefined &&
        adjacent(prev, f) &&
        exclude.has(prev.ids[0]!) &&
        prev.ids.length <= f.ids.length);
    let ids = f.ids;
    if (f.group) {
      const beside = [prev, next].find(
        (o) => o && !o.group && adjacent(o.start < f.start ? o : f, o.start < f.start ? f : o),
      );
      const qualified = f.ids.filter((id) =>
        catalog.referentials.find((r) => r.id === id)?.qualifiers.some((q) => wordSet.has(fold(q))),
      );
      ids = beside
        ? f.ids.filter((id) => beside.ids.includes(id))
        : qualified.length === 1
          ? qualified
          : f.ids;
    }
    for (const id of ids) (negated ? exclude : include).add(id);
    if (!f.group && !negated) for (const id of ids) named.add(id);
  }
  for (const id of exclude) include.delete(id);
  // "dans le REAC du titre CDA": of the titre's documents, the one of that kind (a document named itself stays).
  for (const id of otherDocTypes(include, text, catalog)) if (!named.has(id)) include.delete(id);
  return { include, exclude, spans: taken };
}

/**
 * What only the search needs from a question: its weighted terms (typed,
 * translated, typo-corrected), the topical words for the scope check, the
 * record kind hinted, and whether it is unsafe. The rest is the Question's.
 */
export function analyzeQuery(
  question: string | Question,
  catalog: Catalog,
  vocabulary: Vocabulary = OPEN_VOCABULARY,
  lexicon: Lexicon = EMPTY_LEXICON,
): QueryAnalysis {
  const text = typeof question === "string" ? squash(question) : question.text;
  const folded = typeof question === "string" ? fold(text) : question.folded;
  const {
    include,
    exclude,
    spans: taken,
  } = typeof question === "string" ? namedReferentials(folded, catalog, text) : question.named;
  const codes = typeof question === "string" ? codesIn(folded, text) : [...question.codes];
  const blocs = typeof question === "string" ? blocsIn(folded) : question.blocs;
  const kind = KIND_HINTS.find((k) => k.pattern.test(folded))?.kind ?? null;

  // Words that only name a referential or a code say nothing about the topic.
  let topical = folded;
  for (const [s, e] of [...taken].sort((a, b) => b[0] - a[0]))
    topical = `${topical.slice(0, s)} ${topical.slice(e)}`;
  topical = topical
    .replace(
      /\b(?:b\s?\d\s?c\s?r?\s?\d+|[cae]\s?\d+(?:[.,]\d)?|rncp\s?\d*|tp\s?-?\s?\d{5}|bloc\s?\d)\b/g,
      " ",
    )
    // "le titre pro CDA": "pro" only says which kind of titre.
    .replace(/\b(titres?) pro\b/g, "$1")
    // "comment ça se passe" frames the question; "passer le titre" does not.
    .replace(/\b(?:ca |cela )?se pass(?:e|ent)\b/g, " ");
  const lang = typeof question === "string" ? detectLang(text) : question.lang;
  const ws = words(topical);
  const content = (w: string) => !isStopword(w) && (w.length > 1 || /\d/.test(w)) && !/^\d+$/.test(w);
  // "human-machine" is also read joined: keep that form only when the corpus knows it.
  const joined = new Set([...topical.matchAll(HYPHENATED)].map((m) => `${m[1]}${m[2]}`));
  // A compound the corpus knows joined (« week-end ») is one word of the question, not three: its parts
  // still rank passages (« tiers temps » printed without its hyphen) but weigh nothing in its coverage.
  const parts = compoundParts(topical, (t) => vocabulary.has(t));

  const weighted = new Map<string, number>();
  const raise = (t: string, w: number) => weighted.set(t, Math.max(weighted.get(t) ?? 0, w));
  // Every word starts at a name's weight; the topical ones get theirs below.
  for (const t of terms(text)) raise(t, WEIGHTS.name);
  /** Typed stems whose translation stands for them, with the weight they keep. */
  const yielded = new Map<string, number>();
  const typedTerms = new Map<string, TypedTerm>();
  let misspeltCertificationWord = false;
  const typed = (term: string) => {
    const entry = typedTerms.get(term) ?? { term, expansions: [], typos: [] };
    typedTerms.set(term, entry);
    return entry;
  };
  const expand = (key: string, parts: string[], expansion: string) => {
    const expanded = terms(expansion);
    const stems = parts.filter(content).map(stem);
    if (!stems.length || parts.some((w) => GENERIC_WORDS.has(w))) {
      // Framing ("how many", "help"): its expansion helps ranking, it says nothing about the topic.
      for (const t of expanded) raise(t, WEIGHTS.synonym);
      return;
    }
    // A word the corpus lacks ("skill") is replaced by its translation. In an
    // English question a word the corpus happens to hold ("training" → the
    // "(train)" of one competency) also yields to its translation, unless it
    // is one ("monitoring"); a French word keeps the lead over its synonyms.
    const unknown = stems.every((t) => !vocabulary.has(t));
    const translated = unknown || lang === "en";
    for (const t of expanded) raise(t, translated ? WEIGHTS.translation : WEIGHTS.synonym);
    if (translated)
      for (const t of stems) if (!expanded.includes(t)) yielded.set(t, unknown ? 0 : WEIGHTS.synonym);
    typed(key).expansions.push(...expanded);
  };

  // Phrases first: their words are one concept ("set up" is not "set" and "up").
  const inPhrase = new Set<number>();
  for (let i = 0; i + 1 < ws.length; i++) {
    const phrase = `${ws[i]} ${ws[i + 1]}`;
    const expansion = lexicon.expansions[phrase];
    if (!expansion || inPhrase.has(i)) continue;
    expand(phrase, [ws[i]!, ws[i + 1]!], expansion);
    inPhrase.add(i).add(i + 1);
  }
  for (const [i, w] of ws.entries()) {
    if (parts.has(w)) {
      if (content(w)) raise(stem(w), 1);
      continue;
    }
    const expansion = lexicon.expansions[w];
    if (!content(w) || GENERIC_WORDS.has(w)) {
      if (expansion && !inPhrase.has(i)) expand(w, [w], expansion);
      continue;
    }
    // An elision typed without its apostrophe (« lentretien », « dexamen »): the word after it.
    // Only l', d', j', qu': m', n', s', t' come before verbs (« moral » is not « m'oral »).
    const elided = /^(?:[ldj]|qu)(?=[aeiouyh][a-z]{4})/.exec(w);
    const t =
      elided && !vocabulary.has(stem(w)) && vocabulary.has(stem(w.slice(elided[0].length)))
        ? stem(w.slice(elided[0].length))
        : stem(w);
    raise(t, 1);
    if (inPhrase.has(i) || (joined.has(w) && !vocabulary.has(t))) continue;
    if (expansion) expand(t, [w], expansion);
    else if (vocabulary.has(t)) typed(t);
    else {
      // Unknown as typed. A slip on a stopword ("sholud") says nothing; a
      // misspelt lexicon word ("competancy") or corpus word ("evalutaion")
      // stands for the right one; anything else is probably the topic.
      yielded.set(t, 0);
      if (isMisspeltStopword(w)) continue;
      const key = lexiconTypo(lexicon, w);
      if (key && CERTIFICATION_WORDS.test(key)) misspeltCertificationWord = true;
      const typos = key ? terms(lexicon.expansions[key]!) : vocabulary.nearest(w);
      for (const c of typos) raise(c, WEIGHTS.typo);
      typed(t).typos.push(...typos);
    }
  }
  // Words naming the domain itself ("jury de certification", "le candidat")
  // qualify the topic without being it: every passage is about certification.
  for (const t of DOMAIN_WORDS)
    if (weighted.has(t) && weighted.size > 2) weighted.set(t, Math.min(weighted.get(t)!, 0.35));
  for (const [t, keep] of yielded) {
    if ((weighted.get(t) ?? 0) <= keep) continue;
    if (keep) weighted.set(t, keep);
    else weighted.delete(t);
  }

  return {
    text,
    lang,
    codes,
    include: new Set(include),
    exclude: new Set(exclude),
    blocs,
    kind,
    terms: [...weighted].map(([term, weight]) => ({ term, weight })),
    typedTerms: [...typedTerms.values()],
    certificationVocabulary:
      misspeltCertificationWord ||
      CERTIFICATION_WORDS.test(folded) ||
      (typeof question !== "string" && question.namesDeliverable),
    unsafe: UNSAFE.some((re) => re.test(folded)),
  };
}
