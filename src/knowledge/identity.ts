import { z } from "zod";
import { fold, squash } from "../lib/text.js";
import type { Block } from "./reader/blocks.js";
import { type KnowledgeRecord, makeRecord } from "./record.js";

/**
 * Who a document is about: the titre (RNCP number, titre professionnel code,
 * sigle, job name, level) and what the document is (REAC, RE, RC, guide,
 * livret) in which version. Read from the cover page, the footer table the
 * ministry prints on every page, and what the operator typed.
 */
export const DOC_TYPES = ["REAC", "RE", "RC", "guide", "livret", "brochure"] as const;
export type DocType = (typeof DOC_TYPES)[number];

export const TitreIdentitySchema = z.object({
  /** "RNCP37827". */
  rncp: z.string().nullable().default(null),
  /** Titre professionnel code: "TP-01281". */
  tp: z.string().nullable().default(null),
  /** "CDA". */
  sigle: z.string().nullable().default(null),
  /** The titre's intitulé: "Concepteur développeur d'applications". */
  job: z.string().nullable().default(null),
  /** The level in the 2019 national framework (1–8); a Roman level as printed is converted. */
  level: z.number().int().nullable().default(null),
  /** The level as printed when it is of the 1969 nomenclature ("III"), beside its 2019 equivalent. */
  levelLabel: z.string().nullable().default(null),
  /** A file may hold several documents (the REAC and the RE of one titre). */
  docTypes: z.array(z.enum(DOC_TYPES)).default([]),
  /** Millésime or version as printed ("04", "2023", "2.1"). */
  version: z.string().nullable().default(null),
  /** Date of the version (last update), dd/mm/yyyy as printed. */
  date: z.string().nullable().default(null),
  /** Other names the operator gave the titre (`--aliases`). */
  aliases: z.array(z.string()).default([]),
});
export type TitreIdentity = z.infer<typeof TitreIdentitySchema>;

export interface IdentityInput {
  id: string;
  title?: string;
  /** Texts of the document's first blocks: its cover page and what follows. */
  head?: string[];
  /** Every line of the document, running footers included: codes printed on every page are counted. */
  lines?: string[];
  /** What the operator typed (`--rncp`, `--aliases`), which wins over what is read. */
  rncp?: string;
  aliases?: string[];
}

// « RNCP 34297 », « RNCP n° 34297 », « (RNCP) sous le numéro 34297 ».
const RNCP =
  /\brncp\)?\s*[-:]?\s*(?:(?:enregistr[ée]e?\s+)?sous le\s+)?(?:n°|num[ée]ro)?\s*(\d{4,6})(?!\d)/gi;
const TP = /\btp\s*[-–]?\s*(\d{5})\b/gi;
/** The ministry's footer table, read as one line: "CDA REAC TP-01281 04 24/05/2023 24/05/2023 1/50". */
const FOOTER_ROW =
  /\b([A-Z][A-Z0-9]{1,7})\s+(REAC|RE|RC|REV\d?|RC\d?)\s+(?:[A-Za-z ]{0,80}?\s)?TP\s*-\s*(\d{5})\s+(\d{1,2})\s+(\d{2}\/\d{2}\/\d{4})(?:\s+(\d{2}\/\d{2}\/\d{4}))?/;
/** The same table when its header and values are read cell by cell: "SIGLE Type de document DWWM REAC". */
const FOOTER_SPLIT = /\bSIGLE\s+Type de document\s+([A-Z][A-Z0-9]{1,7})\s+(REAC|RE|RC)\b/;
const FOOTER_VALUES = /\bTP\s*-\s*(\d{5})\s+(\d{1,2})\s+(\d{2}\/\d{2}\/\d{4})(?:\s+(\d{2}\/\d{2}\/\d{4}))?/;
/**
 * The 1969 nomenclature's levels (printed on documents before 2019: "Niveau III")
 * and their equivalents in the 2019 national framework (décret n° 2019-14).
 */
const ROMAN_LEVELS: Record<string, number> = { V: 3, IV: 4, III: 5, II: 6, I: 7 };

/** "niveau III (niveau 5 du cadre national de 2019)", or "niveau 6". */
export function levelText(
  identity: Pick<TitreIdentity, "level" | "levelLabel">,
  lang: "fr" | "en" = "fr",
): string {
  if (!identity.level) return "";
  if (!identity.levelLabel) return lang === "en" ? `level ${identity.level}` : `niveau ${identity.level}`;
  return lang === "en"
    ? `level ${identity.levelLabel} (level ${identity.level} of the 2019 national framework)`
    : `niveau ${identity.levelLabel} (niveau ${identity.level} du cadre national de 2019)`;
}

/** Upper-case words that are not a titre's sigle. */
const NOT_SIGLE =
  /^(?:RNCP|REAC|RE|REV|RC|TP|CCP|CCS|CQP|SIGLE|PDF|DOCX|NSF|ROME|JO|VAE|ECF|DP|QCM|BTS|BAC|CAP|BUT|MSP|RGPD|FR|EN|IA|AI|PRO|ET|DE|DU|LE|LA|LES|DES)$/;

export const normalizeRncp = (raw: string): string | null => {
  const n = /(\d{4,6})/.exec(raw)?.[1];
  return n ? `RNCP${n}` : null;
};

const mostFrequent = (values: string[], atLeast = 1): string | null => {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const [top] = [...counts].sort((a, b) => b[1] - a[1]);
  return top && top[1] >= atLeast ? top[0] : null;
};

const allMatches = (re: RegExp, texts: string[]) =>
  texts.flatMap((t) => [...t.matchAll(re)].map((m) => m[1]!));

/** The RNCP numbers a text prints (« RNCP34012 », « (RNCP) sous le numéro 34297 »), digits only. */
export const rncpNumbersIn = (text: string): string[] => allMatches(RNCP, [text]);

function docTypeOf(text: string): DocType | null {
  const f = fold(text);
  if (/\breferentiel (?:d'|de l')?emploi,? (?:d')?activites,? (?:et )?(?:de )?competences\b|\breac\b/.test(f))
    return "REAC";
  if (/\breferentiel d'evaluation\b|\bre\b(?= |$)|\brev\d?\b/.test(f)) return "RE";
  if (/\breferentiel de (?:competences|certification)\b|\brc\b/.test(f)) return "RC";
  if (/\blivret\b/.test(f)) return "livret";
  if (/\bguide\b|\bmode d'emploi\b/.test(f)) return "guide";
  if (/\bbrochure\b|\bplaquette\b/.test(f)) return "brochure";
  return null;
}

/** Words that name the kind of document, the diploma or the school, not the job. */
const NOT_JOB =
  /^(?:reac|re|rc|referentiels?|guides?|livrets?|mode d'emploi|dossiers?|fiches?|annexes?|programmes?|brochures?|documents?|titres? professionnels?|titres? pro|certifications?|du candidat|d'evaluation|de competences|emploi|activites|competences)\b/;

/** A word a job name is made of ("secrétaire", "développeur", "technicien", "assistant", "engineer"), folded. */
const JOB_WORD =
  /(?:eur|euse|rice|iste|icien|icienne|ier|iere|ant|ante|able|aire|engineer|developer|designer|manager|analyst|architect|scientist|officer|administrator|technician|consultant)$|^(?:agent|chef|cheffe|expert|experte|conseiller|conseillere|employe|employee|pilote|macon|aide|charge|chargee|attache|attachee|medecin|boulanger|boulangere|hotesse|steward)$/;
// Words shaped like a job that are not one.
const NOT_JOB_WORD = new Set(
  "durant pendant avant suivant maintenant important concernant correspondant professionnel professionnelle superieur interieur exterieur meilleur secteur valable necessaire entier entiere premier premiere dernier derniere particulier reglementaire complementaire intermediaire prealable possible metier metiers dossier calendrier fichier horaire horaires salaire liste valeur".split(
    " ",
  ),
);
/** Whether a folded word names a job. */
export const isJobWord = (w: string) => w.length > 3 && JOB_WORD.test(w) && !NOT_JOB_WORD.has(w);
const hasJobWord = (text: string) =>
  fold(text)
    .split(/[^a-z]+/)
    .some((w) => w.length > 3 && JOB_WORD.test(w));

/** The job named by the operator's title: its first part that names a job, the kind of document left out. */
function jobFromTitle(title: string): string | null {
  const cleaned = title
    .replace(/\((?:[^)]*\d[^)]*|[A-Z][A-Z0-9]{1,7})\)/g, " ")
    .replace(/\bRNCP\s*\d{4,6}\b|\bTP\s*-?\s*\d{5}\b/gi, " ");
  const candidates: string[] = [];
  for (const part of cleaned.split(/\s+[—–-]\s+|\s*[:|]\s+/)) {
    let p = squash(part);
    // "REAC Concepteur…", "Référentiel d'évaluation du titre professionnel Concepteur…": the kind of document goes.
    p = p.replace(
      /^(?:(?:REAC|REV?\d?|RC)(?:\s+et\s+(?:REAC|RE|RC))?\s+|r[ée]f[ée]rentiels?\s+(?:d['’]\s*)?(?:emploi[^A-Z]*comp[ée]tences|[ée]valuation|de\s+comp[ée]tences|de\s+certification)?\s*|guide\s+(?:du|de la|des)\s+\w+\s*|livret\s+(?:du|de la|des|d['’])?\s*\w*\s*)+/i,
      "",
    );
    // "Livret d'accueil stagiaire TP Secrétaire assistant(e)": the titre is what "TP" names, first.
    const marked = /^(?:.*?\s)?(?:titre\s+(?:professionnel|pro)|TP)\s+(?=\p{Lu})/iu.exec(p);
    p = (marked ? p.slice(marked[0].length) : p).trim();
    if (p.length >= 4 && /\p{L}{3}/u.test(p) && !NOT_JOB.test(fold(p)))
      marked ? candidates.unshift(p) : candidates.push(p);
  }
  // A part naming no job is a school or a date ("Guide du candidat 2024 — École Vauban"): no job.
  return candidates.find(hasJobWord) ?? null;
}

// Labels of the cover's metadata: a value runs until the next one (lines are often joined into one paragraph).
const NEXT_LABEL =
  /(?=\s+(?:sigle|niveau|code|intitul[ée]|date|formacode|nsf|rome|enregistr[ée]|millésime|version)\b|\s*[;\n]|\.\s|\.?$)/i;

/** The job on the cover: "Intitulé du titre professionnel : X", or the line after "DU TITRE PROFESSIONNEL". */
function jobFromHead(head: string[]): string | null {
  const label = new RegExp(
    `(?:\\bintitul[ée](?: du titre(?: professionnel)?| de la certification)?|^titre professionnel)\\s*:\\s*(.{4,100}?)${NEXT_LABEL.source}`,
    "i",
  );
  for (const line of head) {
    const m = label.exec(line);
    if (m) return m[1]!.trim();
  }
  for (const [i, line] of head.slice(0, 20).entries()) {
    if (!/^(?:du |de )?titre professionnel$/i.test(line)) continue;
    const next = head[i + 1] ?? "";
    if (next.length >= 4 && next.length <= 100 && !/^niveau\b/i.test(next)) return next;
  }
  // In running text: « préparer le titre professionnel Secrétaire assistant », « titre professionnel « Comptable assistant » ».
  for (const line of head) {
    const m =
      /\btitre (?:professionnel|pro)\s+(?:de niveau \d\s+)?(?:[«“"]\s*)?(\p{Lu}[^.,;:()«»“”"\n]{3,80}?)(?:\s*[»”"]|[.,;:(]|\s+(?:de niveau|niveau|inscrit|enregistr|code|RNCP|TP\b)|$)/u.exec(
        line,
      );
    if (m && hasJobWord(m[1]!)) return m[1]!.trim();
  }
  return null;
}

/** The job as people type it: "technicien (ne) supérieur (e) en réseaux." → "technicien supérieur en réseaux". */
function cleanJob(job: string | null): string | null {
  if (!job) return null;
  const cleaned = squash(
    job
      .replace(/\s*\((?:e|ne|ve|le|elle|euse|rice|trice|[eè]re|s)\)/gi, "")
      .replace(/^titre professionnel\s+/i, "")
      // The diploma's kind and the level printed after the name are not the name.
      .replace(/^(?:bachelor|mast[eè]re|master|licence(?: pro(?:fessionnelle)?)?|bts|but)\s+(?=\p{Lu})/iu, "")
      .replace(/\s+[-–—]?\s*niveau\s+(?:[1-8]|I{1,3}|IV|V)\b.*$/i, "")
      .replace(/[.;:,]+$/, "")
      // A sigle or a publisher in brackets after the name (« … d'adultes (FPA) », « … (France compétences) »).
      .replace(/\s*\(([^()]*)\)\s*$/, (all, inner: string) =>
        /^[A-Z0-9]{2,8}$/.test(inner) || (/^\p{Lu}/u.test(inner) && !hasJobWord(inner)) ? "" : all,
      ),
  );
  return cleaned.length >= 3 ? cleaned : null;
}

/**
 * The identity of a document's titre. The operator's `--rncp` wins; then
 * what the title and id say; then the cover page; then codes printed on every
 * page (footer tables).
 */
export function readIdentity(input: IdentityInput): TitreIdentity {
  const title = squash(input.title ?? "");
  const head = (input.head ?? []).map(squash).filter(Boolean);
  const lines = (input.lines ?? []).map(squash).filter(Boolean);

  const rncp =
    (input.rncp ? normalizeRncp(input.rncp) : null) ??
    normalizeRncp(allMatches(RNCP, [title])[0] ?? "") ??
    normalizeRncp(/^rncp-?(\d{4,6})(?:\D|$)/.exec(input.id)?.[1] ?? "") ??
    normalizeRncp(allMatches(RNCP, head)[0] ?? "") ??
    normalizeRncp(mostFrequent(allMatches(RNCP, lines)) ?? "");

  // The footer table: sigle, document type, TP code, millésime, dates, on every page.
  const footers = lines.flatMap((l) => {
    const row = FOOTER_ROW.exec(l);
    if (row && !NOT_SIGLE.test(row[1]!))
      return [{ sigle: row[1]!, type: row[2]!, tp: row[3]!, version: row[4]!, date: row[6] ?? row[5]! }];
    const split = FOOTER_SPLIT.exec(l);
    if (split && !NOT_SIGLE.test(split[1]!)) {
      const values = FOOTER_VALUES.exec(l);
      return [
        {
          sigle: split[1]!,
          type: split[2]!,
          tp: values?.[1] ?? null,
          version: values?.[2] ?? null,
          date: values ? (values[4] ?? values[3]!) : null,
        },
      ];
    }
    return [];
  });

  const tpDigits =
    allMatches(TP, [title])[0] ??
    mostFrequent(footers.flatMap((f) => (f.tp ? [f.tp] : []))) ??
    allMatches(TP, head)[0] ??
    // Printed once in the body, a code is another titre's ("dispensés de l'épreuve E5 : titulaires du
    // TP-01318"); a document's own code is on its cover or on every page.
    mostFrequent(allMatches(TP, lines), 2);

  const sigleLine = head
    .map(
      (l) => /\b[Ss](?:IGLE|igle)(?: du titre(?: professionnel)?)?\s*:\s*([A-Z][A-Z0-9]{1,7})\b/.exec(l)?.[1],
    )
    .find(Boolean);
  const titleSigle = [...title.matchAll(/\(([A-Z][A-Z0-9]{1,7})\)/g)]
    .map((m) => m[1]!)
    .find((s) => !NOT_SIGLE.test(s));
  // An alias typed in capitals ("CDA") is the sigle the operator means.
  const aliasSigle = (input.aliases ?? []).find((a) => /^[A-Z][A-Z0-9]{1,7}$/.test(a) && !NOT_SIGLE.test(a));
  const sigle = aliasSigle ?? titleSigle ?? sigleLine ?? mostFrequent(footers.map((f) => f.sigle));

  const docTypes = new Set<DocType>();
  for (const f of footers) {
    const t = docTypeOf(f.type);
    if (t) docTypes.add(t);
  }
  if (!docTypes.size) {
    const fromTitle = docTypeOf(title.replace(/\([^)]*\)/g, " "));
    if (fromTitle) docTypes.add(fromTitle);
  }
  if (!docTypes.size)
    for (const l of head.slice(0, 12)) {
      const t = docTypeOf(l);
      if (t) {
        docTypes.add(t);
        break;
      }
    }

  const printedLevel =
    head.map((l) => /^niveau\s*:?\s*([1-8]|I{1,3}|IV|V)\b/i.exec(l)?.[1]).find(Boolean) ??
    head
      .map((l) => /\bniveau\s*(?:de qualification\s*)?:\s*([1-8]|I{1,3}|IV|V)\b/i.exec(l)?.[1])
      .find(Boolean) ??
    head
      .map((l) => /\btitre (?:professionnel )?(?:de )?niveau\s+([1-8]|I{1,3}|IV|V)\b/i.exec(l)?.[1])
      .find(Boolean) ??
    // The cover's name line ending with its level: "Technicien supérieur systèmes et réseaux Niveau III".
    head
      .slice(0, 12)
      .map((l) => /\bNiveau\s+([1-8]|I{1,3}|IV|V)\s*(?:\(|$)/.exec(l)?.[1])
      .find(Boolean);
  const roman = printedLevel && /^[IV]+$/i.test(printedLevel) ? printedLevel.toUpperCase() : null;
  const level = roman ? (ROMAN_LEVELS[roman] ?? null) : printedLevel ? Number(printedLevel) : null;

  const versionFooter = footers.find((f) => f.version);
  const versionHead = [title, ...head.slice(0, 30)]
    .map((l) => /\b(?:mill[ée]sime|version)\s*:?\s*(\d{1,2}(?:\.\d{1,2})?|20\d\d)\b/i.exec(l)?.[1])
    .find(Boolean);
  const dateHead = head
    .slice(0, 30)
    .map(
      (l) => /\b(?:mise? [àa] jour|mis à jour|version|date)\b[^0-9]{0,30}(\d{2}\/\d{2}\/\d{4})/i.exec(l)?.[1],
    )
    .find(Boolean);

  return {
    rncp,
    tp: tpDigits ? `TP-${tpDigits}` : null,
    sigle: sigle ?? null,
    job: cleanJob(jobFromHead(head) ?? (title ? jobFromTitle(title) : null)),
    level,
    levelLabel: roman,
    docTypes: [...docTypes],
    version: versionFooter?.version ?? versionHead ?? null,
    date: versionFooter?.date ?? dateHead ?? null,
    aliases: (input.aliases ?? []).filter((a) => a !== aliasSigle),
  };
}

/**
 * The ways people name a titre, folded: its sigle, RNCP number and TP code
 * with and without their separators, its job name.
 */
export function titreNames(identity: TitreIdentity): string[] {
  const names = new Set<string>();
  const rncp = identity.rncp?.replace(/\D/g, "");
  if (rncp) for (const n of [`rncp ${rncp}`, `rncp${rncp}`, `rncp-${rncp}`]) names.add(n);
  const tp = identity.tp?.replace(/\D/g, "");
  if (tp) for (const n of [`tp-${tp}`, `tp ${tp}`, `tp${tp}`]) names.add(n);
  if (identity.sigle) names.add(fold(identity.sigle));
  if (identity.job) {
    const job = fold(squash(identity.job));
    names.add(job);
    // "d'applications" is also typed without its apostrophe.
    if (job.includes("'")) names.add(job.replace(/'/g, " ").replace(/\s+/g, " "));
  }
  for (const a of identity.aliases) names.add(fold(squash(a)));
  return [...names].filter((n) => n.length >= 2);
}

/** One line for the operator: "CDA · Concepteur développeur d'applications · TP-01281 · niveau 6 · REAC millésime 04 (24/05/2023)". */
export function describeIdentity(identity: TitreIdentity): string {
  const parts = [
    identity.sigle,
    identity.job,
    identity.rncp,
    identity.tp,
    identity.level ? levelText(identity) : null,
    [
      identity.docTypes.join(" + "),
      identity.version ? `version ${identity.version}` : "",
      identity.date ? `(${identity.date})` : "",
    ]
      .filter(Boolean)
      .join(" "),
  ];
  return parts.filter(Boolean).join(" · ") || "non lue";
}

/** What the identity is read from in a document's blocks: its first blocks, and every line with the running ones. */
export function identityTexts(
  blocks: readonly Block[],
  running: readonly string[],
): Required<Pick<IdentityInput, "head" | "lines">> {
  const text = (b: Block) => (b.kind === "row" ? b.cells.join(" ") : b.text);
  return { head: blocks.slice(0, 40).map(text), lines: [...running, ...blocks.map(text)] };
}

const DOC_TYPE_NAMES: Record<DocType, string> = {
  REAC: "REAC (référentiel emploi activités compétences)",
  RE: "RE (référentiel d'évaluation)",
  RC: "référentiel de compétences (RC)",
  guide: "guide",
  livret: "livret",
  brochure: "brochure",
};

/**
 * The titre's identity as a passage of its document, so "quel est le code du
 * titre ?" or "c'est quel niveau ?" is answered, with its citation, from
 * what the cover and the footer table say. Null when nothing was read.
 */
export function identityRecord(referential: string, identity: TitreIdentity): KnowledgeRecord | null {
  // The job's words are left out: every question naming the titre by its name would land here.
  const lines = [
    identity.sigle ? `Sigle du titre : ${identity.sigle}.` : null,
    identity.tp ? `Code du titre professionnel : ${identity.tp}.` : null,
    identity.rncp ? `Numéro RNCP : ${identity.rncp} (fiche ${identity.rncp} du répertoire national).` : null,
    identity.level ? `${levelText(identity).replace(/^n/, "N")}.` : null,
    identity.docTypes.length
      ? `Document : ${identity.docTypes.map((t) => DOC_TYPE_NAMES[t]).join(" et ")}${identity.version ? `, millésime ${identity.version}` : ""}${identity.date ? `, mis à jour le ${identity.date}` : ""}.`
      : null,
  ].filter((l): l is string => l !== null);
  if (!identity.tp && !identity.rncp && !identity.sigle && !identity.level) return null;
  return makeRecord({
    id: `${referential}:identite-du-titre`,
    referential,
    kind: "section",
    code: null,
    title: `Identité du titre : ${[
      identity.sigle ? "sigle" : null,
      identity.tp || identity.rncp ? "code" : null,
      identity.level ? "niveau" : null,
      identity.version || identity.date ? "version" : null,
    ]
      .filter(Boolean)
      .join(", ")}`,
    statement: lines.join("\n"),
  });
}
