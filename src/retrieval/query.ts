import type { Catalog } from "../knowledge/catalog.js";
import { fold, isStopword, squash, stem, terms, words } from "../lib/text.js";
import { EXPANSIONS, KIND_HINTS } from "./lexicon.js";

export type Lang = "fr" | "en";

export interface WeightedTerm {
  term: string;
  weight: number;
}

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
  /** Weighted query terms, typed words first, expansions lower. */
  terms: WeightedTerm[];
  /** Terms typed by the user, for coverage (out-of-scope) checks, with their expansions. */
  typedTerms: { term: string; expansions: string[] }[];
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
  /\b(ignore|oublie|forget|disregard)\b.{0,40}\b(instructions?|consignes?|regles?|rules|prompt|previous|precedentes?)\b/,
  /\b(system prompt|prompt systeme|tes instructions|your instructions|jailbreak|mode developpeur|developer mode|dan mode)\b/,
  /\b(affiche|donne|montre|imprime|print|dump|show|give|export|copie|recopie|liste)\b.{0,30}\b(tout|toutes|tous|entier|entiere|integral|integralite|all|entire|whole|full|complet|complete)\b.{0,30}\b(document|documents|referentiels?|fichiers?|files?|base|index|corpus|texte|text|contenu|content|donnees)\b/,
  /\b(cv|curriculum|lettres? de recommandation|recommendation letters?|adresse perso|numero de telephone|phone number|email perso|date de naissance|donnees personnelles d[eu]s?|personal data of|personal information of|salaire de|notes? d[eu]s? (?:candidat|apprenant|eleve)|grades? of)\b/,
  /\b(reveal|revele|leak)\b/,
  /\b(liste|lister|donne|affiche|montre|give|list|show|tell)\b.{0,25}\b(noms?|prenoms?|names?|e-?mails?|adresses?|telephones?|phones?)\b.{0,30}\b(candidats?|apprenants?|eleves?|students?|candidates?|learners?|jury|jures?|formateurs?)\b/,
];

// Words before a referential name that turn it into an exclusion.
const NEGATION =
  /\b(?:pas|sauf|hors|excepte|except|excluding|exclude|not|without|sans|autre que|other than|non|ni)\s+(?:(?:le|la|les|du|de|des|l'|d'|dans|chez|pour|au|aux|en|un|une|the|in|from|for|a|an|celui|celle|ceux|referentiel|referential)\s+)*$/;

function codeMatches(folded: string, raw: string): string[] {
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
  const comp =
    /\b(?:c|competences?|competency|competencies|skill)\s?(?:n°|no|n|#)?\s?(\d{1,2})\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(comp)) {
    // "competence 1.2" is caught above; "c 12" or "compétence 12" is C12.
    if (!/b\s?\d\s?-?\s?$/.test(folded.slice(Math.max(0, (m.index ?? 0) - 4), m.index)))
      push(m.index ?? 0, `C${Number(m[1])}`);
  }
  const ev = /\b(?:e|epreuve|evaluation)\s?(?:n°|no|#)?\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(ev)) push(m.index ?? 0, `E${m[1]}`);
  const cas = /\bcas pratiques?\s?(?:n°|no)?\s?([12])\b/g;
  for (const m of folded.matchAll(cas)) push(m.index ?? 0, m[1] === "1" ? "E2" : "E3");
  // "A3" only when typed as a code: a lone "a" is a French verb.
  const act = /\bA\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of raw.matchAll(act)) push(m.index ?? 0, `A${m[1]}`);
  const actWord = /\b(?:activite|activity)\s?(?:n°|no|#)?\s?(\d)\b(?!\s?[.,]\s?\d)/g;
  for (const m of folded.matchAll(actWord)) push(m.index ?? 0, `A${m[1]}`);
  return found.sort((a, b) => a.at - b.at).map((f) => f.code);
}

export function analyzeQuery(question: string, catalog: Catalog): QueryAnalysis {
  const text = squash(question);
  const folded = fold(text);
  const include = new Set<string>();
  const exclude = new Set<string>();

  const names: { phrase: string; ids: string[]; group: boolean }[] = [];
  for (const ref of catalog.referentials) {
    names.push({ phrase: fold(ref.id), ids: [ref.id], group: false });
    for (const a of ref.aliases) names.push({ phrase: fold(a), ids: [ref.id], group: false });
  }
  for (const [group, ids] of Object.entries(catalog.groups))
    names.push({ phrase: fold(group), ids, group: true });
  // Longest phrases first so "chef de projet" wins over shorter overlapping names.
  names.sort((a, b) => b.phrase.length - a.phrase.length);
  const taken: [number, number][] = [];
  const found: { start: number; end: number; ids: string[]; group: boolean }[] = [];
  for (const { phrase, ids, group } of names) {
    const re = new RegExp(
      `(?:^|[^a-z0-9])(${phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")})(?=$|[^a-z0-9])`,
      "g",
    );
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
  }
  for (const id of exclude) include.delete(id);

  const codes = codeMatches(folded, text);
  const blocs = [...folded.matchAll(/\b(?:bloc|block)\s?(?:n°|no)?\s?(\d)\b/g)].map((m) => Number(m[1]));
  const kind = KIND_HINTS.find((k) => k.pattern.test(folded))?.kind ?? null;

  // Words that only name a referential or a code say nothing about the topic.
  let topical = folded;
  for (const [s, e] of [...taken].sort((a, b) => b[0] - a[0]))
    topical = `${topical.slice(0, s)} ${topical.slice(e)}`;
  topical = topical.replace(
    /\b(?:b\s?\d\s?c\s?r?\s?\d+|[cae]\s?\d+(?:[.,]\d)?|rncp\s?\d*|bloc\s?\d)\b/g,
    " ",
  );
  const typed = terms(topical).filter((t) => !/^\d+$/.test(t));
  const weighted = new Map<string, number>();
  for (const t of terms(text)) weighted.set(t, 1);
  const ws = words(topical);
  const typedTerms = new Map<string, string[]>(typed.map((t) => [t, []]));
  const phrases = [
    ...ws.map((w, i) => [w, i] as const),
    ...ws.slice(1).map((w, i) => [`${ws[i]} ${w}`, i] as const),
  ];
  for (const [p, i] of phrases) {
    const exp = EXPANSIONS[p];
    if (!exp) continue;
    const expanded = exp.split(" ").map(stem);
    for (const t of expanded) if (!weighted.has(t)) weighted.set(t, 0.6);
    const owner = stem(ws[i]!);
    if (typedTerms.has(owner)) typedTerms.get(owner)!.push(...expanded);
    else if (!isStopword(ws[i]!)) typedTerms.set(owner, expanded);
    else typedTerms.set(p, expanded);
  }

  return {
    text,
    lang: detectLang(text),
    codes,
    include,
    exclude,
    blocs,
    kind,
    terms: [...weighted].map(([term, weight]) => ({ term, weight })),
    typedTerms: [...typedTerms].map(([term, expansions]) => ({ term, expansions })),
    unsafe: UNSAFE.some((re) => re.test(folded)),
  };
}
