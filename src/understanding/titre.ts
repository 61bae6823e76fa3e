import type { Catalog } from "../knowledge/catalog.js";
import { isJobWord } from "../knowledge/identity.js";
import { type Titre, titresOf } from "../knowledge/titres.js";
import { fold, isStopword, squash } from "../lib/text.js";

/**
 * Titres named in a question, and the titres it names that are not indexed.
 * A question about a titre the bot does not hold is declined (with the list
 * of those it holds) rather than answered from another titre's documents,
 * however close: an older version under another name is another titre.
 */

// Words that introduce a titre's name: "le titre pro CDA", "la certification data engineer".
const TRIGGER =
  /\b(?:titres?|title|certifications?|diplomes?|degree|formations?|cursus|bachelor|master|masteres?|mba|msc|bts|dut|licence|cqp)\b(?:\s+(?:pro(?:fessionnel)?|professional)\b)?(?:\s+(?:de|du|des|en|of|in|as)\b|\s+[dl]')*\s*/g;
const RNCP = /\brncp\s*[-:]?\s*(?:n°\s*)?(\d{4,6})(?!\d)/g;
const TP = /\btp\s*[-–]?\s*(\d{5})\b/g;
/** Words inside a titre's name: "assistant de vie aux familles", "développeur web et web mobile". */
const CONNECTORS = new Set(["de", "d", "du", "des", "et", "la", "le", "les", "l", "aux", "of", "and"]);
/** Verbs and words that end a name: "le titre développeur web dure combien ?". */
const ENDS_NAME = new Set(
  "dure durent comporte comportent contient comprend comprennent demande demandent exige prevoit permet permettent coute vaut inclut necessite passe passer evalue valide delivre reconnu reconnue vise niveau version millesime session sessions epreuve epreuves require requires include includes involve involves last lasts need needs cost costs take takes consist consists".split(
    " ",
  ),
);
/** Capitals that are not a titre's sigle. */
const NOT_SIGLE =
  /^(?:RNCP|REAC|RE|REV|RC|TP|CCP|CCS|CQP|ECF|DP|QCM|NSF|ROME|JO|VAE|RGPD|IA|AI|PDF|OK|FAQ|CV|PRO|BTS|BAC|CAP|BUT|UE)$/;

const deaccent = (s: string) =>
  squash(s)
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[’‘`´]/g, "'");

interface Known {
  titres: Titre[];
  /** Every name a referential, a group or a titre answers to, folded. */
  names: string[];
  /** Per titre, the words of its names. */
  words: Set<string>[];
  /** Per titre, the words of its job's name, in order. */
  jobs: string[][];
  rncp: Set<string>;
  tp: Set<string>;
  /** The initials of each titre's name ("Secrétaire assistant(e)" → "sa"): how a sigle never printed is typed. */
  initials: Set<string>;
  /** Per titre, the initials of two to four words running in its job's name (« ressources humaines » → "rh"). */
  runs: Set<string>[];
  /** A document whose titre could not be read: any name may be its titre's. */
  anonymous: boolean;
}

const KNOWN = new WeakMap<Catalog, Known>();

function known(catalog: Catalog): Known {
  let k = KNOWN.get(catalog);
  if (k) return k;
  const titres = titresOf(catalog);
  const names = new Set<string>();
  for (const r of catalog.referentials)
    for (const n of [r.id, r.title, ...r.aliases]) names.add(fold(squash(n)));
  for (const g of Object.keys(catalog.groups)) names.add(fold(g));
  for (const t of titres) for (const n of t.names) names.add(n);
  const split = (s: string) => s.split(/[^a-z0-9]+/).filter((w) => w && !CONNECTORS.has(w));
  const jobs = titres.map((t) => split(fold(t.identity.job ?? "")).filter((w) => w.length > 1));
  const initialsOf = (words: string[]) => words.map((w) => w[0]).join("");
  k = {
    titres,
    names: [...names].filter((n) => n.length >= 2).sort((a, b) => b.length - a.length),
    words: titres.map((t) => {
      const refs = catalog.referentials.filter((r) => t.ids.includes(r.id));
      return new Set(
        [...t.names, ...refs.flatMap((r) => [r.id, r.title, ...r.aliases])].flatMap((n) => split(fold(n))),
      );
    }),
    jobs,
    rncp: new Set(titres.flatMap((t) => (t.identity.rncp ? [t.identity.rncp.replace(/\D/g, "")] : []))),
    tp: new Set(titres.flatMap((t) => (t.identity.tp ? [t.identity.tp.replace(/\D/g, "")] : []))),
    initials: new Set(jobs.flatMap((words) => (words.length >= 2 ? [initialsOf(words)] : []))),
    runs: jobs.map((words) => {
      const runs = new Set<string>();
      for (let i = 0; i < words.length; i++)
        for (let n = 2; n <= 4 && i + n <= words.length; n++) runs.add(initialsOf(words.slice(i, i + n)));
      return runs;
    }),
    anonymous: titres.some((t) => !t.identity.job && !t.identity.sigle && !t.identity.tp && !t.identity.rncp),
  };
  KNOWN.set(catalog, k);
  return k;
}

/** The indexed titres, as a declined question lists them. */
export function indexedTitres(catalog: Catalog): string[] {
  return [...new Set(titresOf(catalog).map((t) => t.label))];
}

/**
 * The titre a question names when no indexed referential is that titre
 * ("le titre pro comptable assistant", "RNCP 12345", "TP-00123", "le titre
 * DWWM" when only the CDA is indexed), else null.
 */
export function unindexedTitre(question: string, catalog: Catalog): string | null {
  const plain = deaccent(question);
  const folded = plain.toLowerCase();
  const k = known(catalog);
  for (const m of folded.matchAll(RNCP)) if (!k.rncp.has(m[1]!)) return `RNCP ${m[1]}`;
  for (const m of folded.matchAll(TP)) if (!k.tp.has(m[1]!)) return `TP-${m[1]}`;
  // Names are compared with the titres' names: with a titre of unknown name indexed, only codes are.
  if (k.anonymous) return null;
  for (const m of folded.matchAll(TRIGGER)) {
    const at = (m.index ?? 0) + m[0].length;
    const named = nameAfter(plain.slice(at), k);
    if (named) return named;
  }
  return null;
}

/** What follows a trigger word, if it names a titre not indexed. */
function nameAfter(rest: string, k: Known): string | null {
  const lower = rest.toLowerCase();
  // A name the catalog knows, first: "CDA en alternance" is the CDA.
  if (k.names.some((n) => lower.startsWith(n) && !/[a-z0-9]/.test(lower.charAt(n.length)))) return null;
  // A name quoted: « le titre « Responsable de la distribution » ».
  const raw = rest
    .replace(/^\s*[«"“]\s*/, "")
    .split(/[,;:?!.()«»"“”\n]/)[0]!
    .split(/\s+|(?<=')/)
    .filter(Boolean);
  const tokens: { raw: string; word: string }[] = [];
  for (const r of raw.slice(0, 8)) {
    const word = r.toLowerCase().replace(/'$/, "");
    if (CONNECTORS.has(word)) {
      if (tokens.length) tokens.push({ raw: r, word });
      continue;
    }
    if (ENDS_NAME.has(word) || (isStopword(word) && !/^[A-Z]{2,}$/.test(r))) break;
    tokens.push({ raw: r, word });
  }
  while (tokens.length && CONNECTORS.has(tokens[tokens.length - 1]!.word)) tokens.pop();
  const content = tokens.filter((t) => !CONNECTORS.has(t.word));
  const first = content[0];
  if (!first) return null;
  // A sigle: "le titre DWWM".
  if (/^[A-Z][A-Z0-9]{1,7}$/.test(first.raw) && !NOT_SIGLE.test(first.raw))
    return k.names.includes(first.word) || k.initials.has(first.word) ? null : first.raw;
  const jobLike = content.slice(0, 2).some((t) => isJobWord(t.word));
  if (!jobLike) return null;
  // Every word of the name is a word of one indexed titre's names: that titre, named in short. A feminine
  // form is the same job (« assistante », « assistant(e) »).
  const same = (a: string, b: string) => a === b || a.replace(/e$/, "") === b.replace(/e$/, "");
  // A word cut short as people type it (« responsable log », « dev web ») stands for the word it opens.
  const cut = (w: string, x: string) => w.length >= 3 && x.length >= w.length + 3 && x.startsWith(w);
  const has = (ws: Set<string>, w: string) => ws.has(w) || [...ws].some((x) => same(x, w) || cut(w, x));
  // A part of the name typed as its initials: « Responsable RH » is « Responsable en gestion des
  // ressources humaines ».
  const initialsOf = (i: number, t: { raw: string; word: string }) =>
    /^[A-Z]{2,4}$/.test(t.raw) && k.runs[i]!.has(t.word);
  if (k.words.some((ws, i) => content.every((t) => has(ws, t.word) || initialsOf(i, t)))) return null;
  // The whole job name first, the sentence going on after it (« titre pro secrétaire assistante jpeux le
  // passer en vae »): that titre. Its first words only (« technicien supérieur systèmes et réseaux » beside
  // « technicien supérieur en réseaux informatiques… ») are another titre.
  if (k.jobs.some((job) => job.length >= 2 && job.every((w, i) => content[i] && same(content[i]!.word, w))))
    return null;
  return tokens
    .map((t) => t.raw)
    .join(" ")
    .replace(/' /g, "'");
}
