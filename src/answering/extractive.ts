import type { Catalog } from "../knowledge/catalog.js";
import { isTransversalCompetency } from "../knowledge/reader/certification.js";
import { type KnowledgeRecord, recordText } from "../knowledge/record.js";
import { compoundParts, fold, stem } from "../lib/text.js";
import { acronymExpansion } from "../retrieval/acronyms.js";
import { type Lang, namedReferentials, type QueryAnalysis } from "../retrieval/query.js";
import type { SearchResult } from "../retrieval/retriever.js";
import { type Aspect, asksDefinition, type Intention } from "../understanding/intent.js";
import type { Part } from "../understanding/question.js";
import { indexedTitres } from "../understanding/titre.js";
import { type Evidence, evidenceOf, holdsUnit, termSet } from "./evidence.js";

const T = {
  fr: {
    activity: "Activité",
    evaluation: "Évaluation",
    criteria: "Critères d'évaluation",
    more: (n: number) => `… et ${n} autre${n > 1 ? "s" : ""} critère${n > 1 ? "s" : ""}`,
    points: (n: number) => `${n} point${n > 1 ? "s" : ""}`,
    according: "D'après",
    sources: "Sources :",
    alsoIn: (code: string, refs: string) =>
      `Le code ${code} existe aussi dans : ${refs} (avec un autre sens ; précisez le référentiel pour l'obtenir).`,
    unsafe:
      "Je ne peux pas faire cela. Je réponds aux questions sur les référentiels de certification (compétences, épreuves, livrables, jury), sans recopier de documents entiers, sans révéler mes consignes et sans aucune donnée personnelle.",
    outOfScope:
      "Les référentiels que je connais ne couvrent pas cette question. Je peux vous répondre sur les compétences et leurs critères (« que demande la compétence C12 ? »), les épreuves et livrables (« combien de pages pour le rapport E3 ? »), le jury et l'oral, les blocs de compétences, ou la formation (durée, alternance).",
    notStated: (what: string) =>
      `Les référentiels que je connais ne donnent pas ${what}. Je peux vous répondre sur les compétences, les épreuves et livrables, le jury et l'oral, les blocs de compétences, ou la formation.`,
    unindexed: (titre: string, known: string) =>
      `Je ne connais pas le référentiel de « ${titre} » : il n'est pas indexé. Titres indexés : ${known}.`,
    money: "de montant (salaire, coût, prix)",
    dates: "de dates pour cette période",
    percent: "de taux ni de pourcentage sur ce point",
    blocFigure: (bloc: string) => `ce chiffre pour le ${bloc}`,
    doMyWork:
      "Je ne rédige pas les livrables à la place des candidats : le rapport, la veille ou le code doivent être votre travail. Je peux en revanche vous dire ce qui est attendu (« que doit contenir le rapport du chef d'œuvre ? », « combien de pages pour le rapport E3 ? ») ou vérifier la structure de votre rapport (`/rapport`).",
    unknownCode: (codes: string, known: string) =>
      `Je ne trouve ${codes.includes(",") ? "les codes" : "le code"} ${codes} dans aucun référentiel. Codes connus : ${known}.`,
    modality: "Modalité",
    threshold: "Validation",
    evaluatedBy: "Évaluée par",
    evaluates: (n: number) => `évalue ${n} compétence${n > 1 ? "s" : ""}`,
    blocHas: (n: number) => `compte ${n} compétence${n > 1 ? "s" : ""}`,
    countCompetencies: (ref: string, n: number, blocs: number) =>
      `${ref} compte ${n} compétence${n > 1 ? "s" : ""}${blocs ? ` réparties en ${blocs} bloc${blocs > 1 ? "s" : ""}` : ""}.`,
    countBlocs: (ref: string, n: number) => `${ref} compte ${n} bloc${n > 1 ? "s" : ""} de compétences :`,
    countEvaluations: (ref: string, n: number) =>
      `${ref} prévoit ${n} épreuve${n > 1 ? "s" : ""} d'évaluation :`,
    countActivities: (ref: string, n: number) => `${ref} décrit ${n} activité${n > 1 ? "s" : ""} :`,
    countCcp: (ref: string, n: number) =>
      `${ref} : ${n} certificat${n > 1 ? "s" : ""} de compétences professionnelles (${n} CCP), un par activité type :`,
    countCriteria: (code: string, n: number) => `${code} a ${n} critère${n > 1 ? "s" : ""} d'évaluation :`,
    compare: "Les deux, côte à côte :",
    twoMeanings: (code: string, n: number) =>
      `Le code ${code} désigne ${n === 2 ? "deux choses" : `${n} choses`} selon le référentiel :`,
    whichMeant: (code: string, ref: string) =>
      `Lequel vouliez-vous dire ? Précisez le référentiel (par exemple « ${code} ${ref} »).`,
    scored: (bloc: string, n: number) =>
      `${bloc} : ${n} critère${n > 1 ? "s" : ""} noté${n > 1 ? "s" : ""} :`,
    total: (n: number) => `Total : ${n} points.`,
    moreItems: (n: number) => `… et ${n} autre${n > 1 ? "s" : ""}`,
    notFound: (side: string) => `${side} : les documents ne le disent pas.`,
    partNotFound: (part: string) => `« ${part} » : les documents ne le disent pas.`,
    noCriteria: (code: string) => `Le référentiel ne détaille pas de critères pour ${code}.`,
    noActivities: (code: string) => `Le référentiel ne rattache pas ${code} à une activité.`,
  },
  en: {
    activity: "Activity",
    evaluation: "Assessment",
    criteria: "Assessment criteria",
    more: (n: number) => `… and ${n} more criteri${n > 1 ? "a" : "on"}`,
    points: (n: number) => `${n} point${n > 1 ? "s" : ""}`,
    according: "According to",
    sources: "Sources:",
    alsoIn: (code: string, refs: string) =>
      `Code ${code} also exists in: ${refs} (with another meaning; name the referential to get it).`,
    unsafe:
      "I can't do that. I answer questions about the certification referentials (competencies, assessments, deliverables, jury), without copying whole documents, revealing my instructions or sharing any personal data.",
    outOfScope:
      "The referentials I know do not cover this question. I can answer about competencies and their criteria (“what does competency C12 require?”), assessments and deliverables (“how many pages for the E3 report?”), the jury and the oral exam, competency blocks, or the training itself (duration, apprenticeship).",
    notStated: (what: string) =>
      `The referentials I know do not give ${what}. I can answer about competencies, assessments and deliverables, the jury and the oral exam, competency blocks, or the training.`,
    unindexed: (titre: string, known: string) =>
      `I don't know the referential of “${titre}”: it is not indexed. Indexed titres: ${known}.`,
    money: "any amount (salary, cost, price)",
    dates: "any dates for that period",
    percent: "any rate or percentage on this",
    blocFigure: (bloc: string) => `that figure for ${bloc}`,
    doMyWork:
      "I don't write deliverables for candidates: the report, the tech watch or the code must be your own work. I can tell you what is expected (“what must the chef d'œuvre report contain?”, “how many pages for the E3 report?”) or check your report's structure (`/rapport`).",
    unknownCode: (codes: string, known: string) =>
      `I cannot find ${codes.includes(",") ? "codes" : "code"} ${codes} in any referential. Known codes: ${known}.`,
    modality: "Modality",
    threshold: "Pass mark",
    evaluatedBy: "Assessed by",
    evaluates: (n: number) => `assesses ${n} competenc${n > 1 ? "ies" : "y"}`,
    blocHas: (n: number) => `has ${n} competenc${n > 1 ? "ies" : "y"}`,
    countCompetencies: (ref: string, n: number, blocs: number) =>
      `${ref} has ${n} competenc${n > 1 ? "ies" : "y"}${blocs ? ` in ${blocs} block${blocs > 1 ? "s" : ""}` : ""}.`,
    countBlocs: (ref: string, n: number) => `${ref} has ${n} competency block${n > 1 ? "s" : ""}:`,
    countEvaluations: (ref: string, n: number) => `${ref} has ${n} assessment${n > 1 ? "s" : ""}:`,
    countActivities: (ref: string, n: number) => `${ref} describes ${n} activit${n > 1 ? "ies" : "y"}:`,
    countCcp: (ref: string, n: number) =>
      `${ref}: ${n} certificate${n > 1 ? "s" : ""} of professional competencies (${n} CCP), one per activité type:`,
    countCriteria: (code: string, n: number) => `${code} has ${n} assessment criteri${n > 1 ? "a" : "on"}:`,
    compare: "Side by side:",
    twoMeanings: (code: string, n: number) =>
      `Code ${code} means ${n === 2 ? "two things" : `${n} things`} depending on the referential:`,
    whichMeant: (code: string, ref: string) =>
      `Which one did you mean? Name the referential (for example “${code} ${ref}”).`,
    scored: (bloc: string, n: number) => `${bloc}: ${n} scored criteri${n > 1 ? "a" : "on"}:`,
    total: (n: number) => `Total: ${n} points.`,
    moreItems: (n: number) => `… and ${n} more`,
    notFound: (side: string) => `${side}: the documents do not say.`,
    partNotFound: (part: string) => `“${part}”: the documents do not say.`,
    noCriteria: (code: string) => `The referential gives no criteria for ${code}.`,
    noActivities: (code: string) => `The referential links ${code} to no activity.`,
  },
} as const;

const KNOWN_CODES =
  "rncp37827 C1–C21, E1–E5, A1–A9 ; simplon-dev-ia-guide E1–E3, C8, C14, C17 ; aivancity-dev-ia C1.1–C8.2 ; aivancity-chef-projet-ia C1.1–C6.4 ; expert-ia B1C1–B4C4, B1Cr1–B5Cr10";

/** What composing an answer needs from the knowledge base besides the hits. */
export interface Lookup {
  byCode(referential: string, code: string): KnowledgeRecord | undefined;
  recordsOf(referential: string): KnowledgeRecord[];
  referentialsOf(code: string): string[];
  idf(term: string): number;
  /** Every (stemmed) term of a referential's records. */
  termsOf(referential: string): Set<string>;
  /** The acronyms a referential defines, with their long forms (« DP » → « dossier professionnel »). */
  acronymsOf(referential: string): Map<string, string>;
  readonly records: KnowledgeRecord[];
  readonly catalog: Catalog;
  readonly defaultReferential: string;
}

export interface Composition {
  text: string;
  /** Records the answer is built from, in the order cited. */
  used: KnowledgeRecord[];
  found: boolean;
}

/** "rncp37827 · C12" or "simplon-dev-ia-guide · 1. Le jury". */
export function citation(r: KnowledgeRecord): string {
  return `${r.referential} · ${r.code ?? r.title}`;
}

/** The rubrics of a REAC's competency fiche a question may ask for, by the words it asks with. */
const RUBRICS: [RegExp, RegExp][] = [
  [
    // Nouns, not the verb « savoir » nor « à ma connaissance ».
    /\b(?:savoir-?faire|savoirs|les savoir|connaissances|knowledge|know-how|skills? needed)\b/,
    /^(?:savoir|connaissance)/,
  ],
  [/\b(?:contextes?|context|conditions? d'exercice)\b/, /^(?:contexte|conditions? d.exercice)/],
  [/\b(?:ressources|moyens|outils|resources|tools)\b/, /^(?:ressources|moyens|outils)/],
];

/**
 * The lines under the rubric of a record the question asks for (« Savoir-faire et savoirs : » and its
 * items), up to the next rubric; null when it asks for none or the record has none.
 */
function rubricAnswer(r: KnowledgeRecord, question: string): string | null {
  // The competency's own name quoted (« … son environnement de travail … ») asks for no rubric.
  const asked = fold(question).replace(fold(r.title), " ");
  if (/\b(?:criteres?|criteria)\b/.test(asked)) return null;
  const lines = r.statement.split("\n");
  const isRubric = (l: string) => /^\p{Lu}[^.;!?]{2,80}:\s*$/u.test(l.trim());
  for (const [wants, named] of RUBRICS) {
    if (!wants.test(asked)) continue;
    const at = lines.findIndex((l) => isRubric(l) && named.test(fold(l.trim())));
    if (at < 0) continue;
    const end = lines.findIndex((l, i) => i > at && isRubric(l));
    const body = lines.slice(at + 1, end < 0 ? undefined : end).filter((l) => l.trim());
    if (body.length) return [lines[at]!.trim(), ...body.map((l) => l.trim())].join("\n");
  }
  return null;
}

/** A record longer than what one answer shows: its sentences are chosen, not its first lines. */
const LONG_RECORD = 900;

function heading(r: KnowledgeRecord): string {
  // A heading printed with its colon ("4.2. Protocole d'intervention du jury :") is followed by ours.
  const title = r.title.replace(/\s*:\s*$/, "");
  return r.code ? `*${r.code} — ${title}*` : `*${title}*`;
}

function codedHeading(r: KnowledgeRecord): string {
  return `${heading(r)} (${r.referential}${r.bloc && r.kind !== "bloc" ? `, ${r.bloc}` : ""})`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Cuts at a sentence end when possible, never in the middle of a word. */
function clip(text: string, max: number): string {
  const flat = oneLine(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const end = Math.max(cut.lastIndexOf(". "), cut.lastIndexOf(" ; "));
  if (end > max * 0.5) return cut.slice(0, end + 1);
  return `${cut.slice(0, cut.lastIndexOf(" "))}…`;
}

function criteriaLines(r: KnowledgeRecord, lang: Lang, max = 8): string[] {
  const t = T[lang];
  const lines = [`${t.criteria} :`];
  for (const c of r.criteria.slice(0, max)) lines.push(`• ${c}`);
  if (r.criteria.length > max) lines.push(t.more(r.criteria.length - max));
  return lines;
}

function competencyAnswer(r: KnowledgeRecord, lang: Lang, compact = false): string {
  const t = T[lang];
  const lines = [codedHeading(r), r.statement];
  if (r.activities.length) lines.push(`${t.activity} : ${r.activities.join(" ; ")}`);
  if (r.modality && r.referential !== "expert-ia") lines.push(`${t.evaluation} : ${clip(r.modality, 300)}`);
  if (r.criteria.length && !compact) lines.push(...criteriaLines(r, lang));
  return lines.join("\n");
}

function criterionAnswer(r: KnowledgeRecord, lang: Lang): string {
  const t = T[lang];
  const lines = [codedHeading(r), r.statement.replace(/\s*\(\d+ points?\)\s*$/, "")];
  if (r.points !== null) lines.push(`${t.points(r.points)}.`);
  if (r.modality) lines.push(`${t.threshold} : ${r.modality}`);
  return lines.join("\n");
}

function blocAnswer(r: KnowledgeRecord, lang: Lang): string {
  return `${heading(r)} (${r.referential})\n${clip(r.statement, 1200)}${r.modality ? `\n${T[lang].modality} : ${clip(r.modality, 400)}` : ""}`;
}

function evaluationAnswer(r: KnowledgeRecord, lang: Lang, lookup: Lookup): string {
  const lines = [codedHeading(r), clip(r.statement, 1200)];
  const comps = r.related.map((c) => lookup.byCode(r.referential, c)).filter((x) => x?.kind === "competency");
  if (comps.length) {
    lines.push(`${T[lang].evaluates(comps.length).replace(/^./, (c) => c.toUpperCase())} :`);
    for (const c of comps) lines.push(`• ${c!.code} — ${c!.title}`);
  }
  return lines.join("\n");
}

function recordAnswer(r: KnowledgeRecord, lang: Lang, lookup: Lookup, compact = false): string {
  switch (r.kind) {
    case "competency":
      return competencyAnswer(r, lang, compact);
    case "criterion":
      return criterionAnswer(r, lang);
    case "bloc":
      return blocAnswer(r, lang);
    case "evaluation":
      return compact ? `${codedHeading(r)}\n${clip(r.statement, 500)}` : evaluationAnswer(r, lang, lookup);
    case "glossary":
      return `${heading(r)} (${r.referential})\n${r.statement}`;
    case "activity":
      return `${codedHeading(r)}\n${clip(r.statement, 900)}`;
    default:
      return `${T[lang].according} ${r.referential} — ${heading(r)} :\n${clip(r.statement, 900)}`;
  }
}

/** The competencies a record names (a bloc's, an épreuve's), as records. */
function relatedCompetencies(r: KnowledgeRecord, lookup: Lookup): KnowledgeRecord[] {
  const named = r.related
    .map((c) => lookup.byCode(r.referential, c))
    .filter((x): x is KnowledgeRecord => x?.kind === "competency");
  if (named.length || r.kind !== "bloc") return named;
  return lookup.recordsOf(r.referential).filter((c) => c.kind === "competency" && c.bloc === r.title);
}

/** The bloc a question names ("bloc 3"), in the referential it names or the default one. */
function namedBloc(analysis: QueryAnalysis, lookup: Lookup): KnowledgeRecord | undefined {
  if (!analysis.blocs.length) return undefined;
  const ref = [...analysis.include][0] ?? lookup.defaultReferential;
  return lookup
    .recordsOf(ref)
    .find((r) => r.kind === "bloc" && fold(r.title).startsWith(`bloc ${analysis.blocs[0]} `));
}

/** One part of a coded record, for "et comment elle est évaluée ?" or "critères de C12". */
function aspectAnswer(r: KnowledgeRecord, aspect: Aspect, lang: Lang, lookup: Lookup): string | null {
  const t = T[lang];
  const head = codedHeading(r);
  switch (aspect) {
    case "criteria":
      if (r.kind === "competency")
        return r.criteria.length
          ? [head, ...criteriaLines(r, lang, 20)].join("\n")
          : `${head}\n${t.noCriteria(r.code ?? r.title)}${r.modality ? `\n${t.evaluation} : ${clip(r.modality, 400)}` : ""}`;
      if (r.kind === "bloc" || r.kind === "evaluation") {
        const comps = relatedCompetencies(r, lookup).filter((c) => c.criteria.length);
        if (!comps.length) return null;
        return [
          head,
          ...comps.flatMap((c) => [`*${c.code} — ${c.title}*`, ...c.criteria.map((x) => `• ${x}`)]),
        ].join("\n");
      }
      return null;
    case "evaluation": {
      if (r.kind === "bloc") {
        if (!r.modality) {
          // The bloc states none: its competencies' modalities, once each.
          const modalities = [
            ...new Set(
              relatedCompetencies(r, lookup).flatMap((c) => (c.modality ? [clip(c.modality, 500)] : [])),
            ),
          ];
          return modalities.length
            ? [head, `${t.evaluation} :`, ...modalities.map((m) => `• ${m}`)].join("\n")
            : null;
        }
        const threshold = lookup
          .recordsOf(r.referential)
          .find((c) => c.kind === "criterion" && c.bloc === r.title && c.modality)?.modality;
        return [
          head,
          `${t.evaluation} : ${clip(r.modality, 900)}`,
          ...(threshold ? [`${t.threshold} : ${threshold}`] : []),
        ].join("\n");
      }
      if (r.kind !== "competency" && r.kind !== "criterion") return null;
      const lines = [head];
      if (r.modality)
        lines.push(`${r.kind === "criterion" ? t.threshold : t.evaluation} : ${clip(r.modality, 700)}`);
      const ev = r.related.map((c) => lookup.byCode(r.referential, c)).find((x) => x?.kind === "evaluation");
      const evCode = r.modality?.match(/^E\d\b/)?.[0];
      const evaluation = ev ?? (evCode ? lookup.byCode(r.referential, evCode) : undefined);
      if (evaluation)
        lines.push(
          `${t.evaluatedBy} ${evaluation.code} — ${evaluation.title} : ${clip(evaluation.statement, 500)}`,
        );
      return lines.length > 1 ? lines.join("\n") : null;
    }
    case "activities": {
      if (r.kind === "bloc") {
        // A référentiel de certification's bloc groups its activities (A1.1…) beside its competencies.
        const acts = lookup
          .recordsOf(r.referential)
          .filter((a) => a.kind === "activity" && a.bloc === r.title);
        const unique = acts.filter(
          (a, i) => acts.findIndex((b) => (b.code ?? b.title) === (a.code ?? a.title)) === i,
        );
        return unique.length
          ? [`${head} :`, ...unique.map((a) => `• ${a.code ? `${a.code} — ` : ""}${a.title}`)].join("\n")
          : null;
      }
      if (r.kind !== "competency") return null;
      // A titre professionnel's competency belongs to an activité type, read as its bloc.
      if (!r.activities.length && r.bloc && /^activit/i.test(r.bloc)) return `${head}\n${r.bloc}`;
      return r.activities.length
        ? `${head}\n${t.activity} : ${r.activities.join(" ; ")}`
        : `${head}\n${t.noActivities(r.code ?? "")}`;
    }
    case "competencies": {
      const comps = relatedCompetencies(r, lookup);
      if (!comps.length || (r.kind !== "evaluation" && r.kind !== "bloc" && r.kind !== "activity"))
        return null;
      const verb = r.kind === "evaluation" ? t.evaluates(comps.length) : t.blocHas(comps.length);
      return [`${head} ${verb} :`, ...comps.map((c) => `• ${c.code} — ${c.title}`)].join("\n");
    }
    case "points":
      if (r.kind === "criterion") return criterionAnswer(r, lang);
      return null;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// Evidence-based composition: the sentences that carry the answer.

const RULE =
  /\b(?:doit|doivent|ne peu(?:ven)?t|au plus tard|a minima|à minima|au moins|obligatoires?|avant|après|apres|en amont|en cas de|conservée?s?|partagée?s?|remise?s?|renseigne(?:nt)?|signée?s?)\b/i;

interface Scored extends Evidence {
  score: number;
}

function scoreEvidence(
  units: Evidence[],
  analysis: QueryAnalysis,
  intention: Intention & { asksWhen?: boolean },
  lookup: Lookup,
  focus?: Set<string>,
  /** How much the words outside the focus count: context for a side, less for one part of several. */
  context = 0.3,
): Scored[] {
  const want = new Map<string, number>();
  // One part of the question: its own words lead, the rest of the question is context.
  for (const { term, weight } of analysis.terms)
    want.set(term, weight * lookup.idf(term) * (focus && !focus.has(term) ? context : 1));
  const self = [...want.values()].reduce((s, w) => s + w, 0) || 1;
  const byOrder = new Map(units.map((u) => [`${u.record.id}#${u.order}`, u]));
  // A unit saying « DP » holds « dossier professionnel » when its document defines it so.
  const overlap = (text: string, referential?: string) => {
    let s = 0;
    const extra = referential ? acronymExpansion(text, lookup.acronymsOf(referential)) : "";
    for (const t of termSet(extra ? `${text} ${extra}` : text)) s += want.get(t) ?? 0;
    return s / self;
  };
  // What a record is about (its heading) counts for each of its sentences,
  // and a referential lacking words of the question that another one has is
  // less likely the one asked about ("l'oral du chef d'œuvre" is the guide's).
  const titleScore = new Map<string, number>();
  const refTerms = new Map<string, Set<string>>();
  for (const u of units) {
    if (!titleScore.has(u.record.id))
      titleScore.set(u.record.id, overlap(`${u.record.code ?? ""} ${u.record.title}`));
    if (!refTerms.has(u.record.referential))
      refTerms.set(u.record.referential, lookup.termsOf(u.record.referential));
  }
  const refScore = new Map<string, number>();
  for (const [ref, set] of refTerms) {
    let sc = 0;
    for (const [t, w] of want) if (set.has(t)) sc += w;
    refScore.set(ref, sc / self);
  }
  const bestRef = Math.max(...refScore.values());
  const topRef = units.find((u) => u.rank === 0)?.record.referential;
  const named = new Set(
    units.filter((u) => u.record.code && analysis.codes.includes(u.record.code)).map((u) => u.record.id),
  );
  return units.map((u) => {
    const lead = u.leadIn !== null ? byOrder.get(`${u.record.id}#${u.leadIn}`) : undefined;
    let score =
      overlap(u.text, u.record.referential) + (lead ? 0.35 * overlap(lead.text, u.record.referential) : 0);
    score += 0.4 * (titleScore.get(u.record.id) ?? 0);
    score -= 0.6 * (bestRef - (refScore.get(u.record.referential) ?? 0));
    // The referential of the best-matching record is likely the one asked about.
    if (u.record.referential === topRef) score += 0.1;
    // The record a code of the question names is the subject.
    if (named.has(u.record.id)) score += 0.2;
    score += [0.25, 0.15, 0.1, 0.05, 0.03][u.rank] ?? 0;
    const context = `${lead?.text ?? ""} ${u.text}`;
    if (intention.unit) {
      if (holdsUnit(u.text, intention.unit, intention.counted)) score += 0.6;
      else if (lead && holdsUnit(lead.text, intention.unit, intention.counted)) score += 0.2;
      else if (/\d/.test(u.text)) score += 0.05;
    }
    if ((intention.intent === "procedure" || intention.intent === "yesno") && RULE.test(context))
      score += 0.1;
    if (intention.intent === "list" && (u.depth > 0 || /:\s*$/.test(u.text))) score += 0.1;
    if (intention.intent === "definition" && u.record.kind === "glossary") score += 0.3;
    // A glossary defines the word in general: unless a definition is asked, the passage about the case wins.
    else if (u.record.kind === "glossary") score -= 0.1;
    // "Quand a lieu l'entretien ?": the sentence that says a moment.
    if (intention.asksWhen && WHEN_SAID.test(u.text)) score += 0.3;
    // A form to fill in ("Date d'examen : … / … / …") states no rule, unless its fields are what is asked.
    if (intention.intent !== "list" && (u.text.match(/…|_{2,}/g)?.length ?? 0) >= 3) score -= 0.3;
    // A heading-like fragment says little; a long run-on (a flattened table) dilutes what it holds.
    if (u.text.length < 25 && !/\d/.test(u.text)) score -= 0.15;
    if (u.text.length > 300) score -= (0.15 * (u.text.length - 300)) / 300;
    return { ...u, score };
  });
}

interface Pick {
  record: KnowledgeRecord;
  units: Scored[];
  best: number;
}

/** The header labels a table's row names its cells by (« · Accessible : Oui · Précisions : … »), if any. */
function rowLabels(text: string): string | null {
  const labels = [...text.matchAll(/ · ([^·:]{2,60}?) : /g)].map((m) => m[1]);
  return labels.length >= 1 ? labels.join(" | ") : null;
}

function selectEvidence(scored: Scored[], intention: Intention): Pick[] {
  if (!scored.length) return [];
  const sorted = [...scored].sort((a, b) => b.score - a.score || a.rank - b.rank || a.order - b.order);
  const best = sorted[0]!.score;
  const wide =
    intention.intent === "procedure" || intention.intent === "list" || intention.intent === "general";
  const maxUnits = wide ? 5 : 3;
  const keep: Scored[] = [];
  for (const u of sorted) {
    if (keep.length >= maxUnits) break;
    if (u.score < Math.max(0.2, best * (keep.length ? 0.7 : 0))) break;
    // Another passage joins only when nearly as good: one source answers best.
    if (u.record.id !== sorted[0]!.record.id && u.score < best * 0.85) continue;
    keep.push(u);
  }
  const key = (u: Evidence) => `${u.record.id}#${u.order}`;
  const chosen = new Map(keep.map((u) => [key(u), u]));
  const all = new Map(scored.map((u) => [key(u), u]));
  const records = new Set(keep.map((u) => u.record.id));
  for (const u of keep) {
    // A chosen item brings its lead-in; a chosen lead-in (or, for lists, any item) brings its whole list.
    let lead = u.leadIn !== null ? all.get(`${u.record.id}#${u.leadIn}`) : undefined;
    while (lead) {
      chosen.set(key(lead), lead);
      lead = lead.leadIn !== null ? all.get(`${lead.record.id}#${lead.leadIn}`) : undefined;
    }
    const root = u.depth > 0 && (intention.intent === "list" || u.score >= best * 0.9) ? u.leadIn : null;
    const introduces =
      /:\s*$/.test(u.text) || scored.some((x) => x.record.id === u.record.id && x.leadIn === u.order)
        ? u.order
        : null;
    // Items with no sentence before them (a section that is only a list): a list question takes them all.
    if (u.depth === 1 && u.leadIn === null && intention.intent === "list")
      for (const x of scored)
        if (x.record.id === u.record.id && x.depth === 1 && x.leadIn === null) chosen.set(key(x), x);
    // A number asked for: the list under its sentence only when the list carries numbers too; a number of
    // people (« au moins 3 membres : ») is counted by its list (« un président… »).
    const unit = intention.unit;
    if (unit && unit !== "people" && intention.intent === "numeric") {
      const items = scored.filter((x) => x.record.id === u.record.id && x.leadIn === (introduces ?? root));
      if (!items.some((x) => holdsUnit(x.text, unit, intention.counted))) continue;
    }
    for (const anchor of [introduces, root]) {
      if (anchor === null) continue;
      const items = scored.filter(
        (x) => x.record.id === u.record.id && (x.leadIn === anchor || (x.depth === 2 && x.order > anchor)),
      );
      for (const x of items.slice(0, 16)) {
        const parent = x.leadIn !== null ? all.get(`${x.record.id}#${x.leadIn}`) : undefined;
        if (x.leadIn === anchor || (parent && chosen.has(key(parent)))) chosen.set(key(x), x);
      }
    }
    // A label's sentence that itself introduces a list ("Sujet :" → "le candidat doit :" → items) brings it.
    for (const x of [...chosen.values()])
      if (x.depth === 0 && x.leadIn !== null && x.record.id === u.record.id && /:\s*$/.test(x.text))
        for (const y of scored)
          if (y.record.id === x.record.id && y.leadIn === x.order) chosen.set(key(y), y);
  }
  // A rule is read with the rest of its paragraph ("il faut obtenir l'accord…
  // Et pour la soutenance, …"), when the paragraph is short.
  if (intention.intent === "procedure" || intention.intent === "yesno" || intention.intent === "general") {
    for (const u of keep) {
      if (u.depth > 0) continue;
      const para = scored.filter((x) => x.record.id === u.record.id && x.line === u.line && x.depth === 0);
      if (para.length <= 4 && para.reduce((n, x) => n + x.text.length, 0) <= 700)
        for (const x of para) chosen.set(key(x), x);
    }
  }
  // A list asked (« par quelles voies … ? ») and a table's row chosen (« Par expérience (VAE) · Accessible :
  // Oui · Précisions : … »): the table's other rows are the list's other items.
  const rowKept = keep.map((u) => rowLabels(u.text));
  if ((intention.intent === "list" || intention.intent === "general") && rowKept.some(Boolean)) {
    // Each unit's labels read once, not once per row kept.
    const labelsOf = new Map(scored.map((x) => [x, rowLabels(x.text)]));
    keep.forEach((u, k) => {
      const labels = rowKept[k];
      if (!labels) return;
      const rows = scored.filter((x) => x.record.id === u.record.id && labelsOf.get(x) === labels);
      for (const x of rows.slice(0, 12)) chosen.set(key(x), x);
    });
  }
  // A short section is read whole (eight sentences, a long paragraph at most): its other sentences are the
  // context of the one chosen (« le figurant ne fait pas partie du jury » beside « qui joue le rôle ? »). So is an
  // épreuve's row of an RE table (its duration, how it goes, what it evaluates): one whole.
  for (const id of records) {
    const units = scored.filter((u) => u.record.id === id);
    const row =
      units[0]?.record.kind === "evaluation" && units.reduce((s, u) => s + u.text.length, 0) <= 1500;
    if (row || (units.length <= 8 && units.reduce((s, u) => s + u.text.length, 0) <= 1400))
      for (const u of units) chosen.set(key(u), u);
  }
  const picks = new Map<string, Pick>();
  for (const u of chosen.values()) {
    const p = picks.get(u.record.id) ?? { record: u.record, units: [], best: 0 };
    p.units.push(u);
    p.best = Math.max(p.best, records.has(u.record.id) ? u.score : 0);
    picks.set(u.record.id, p);
  }
  const unit = intention.intent === "numeric" ? intention.unit : null;
  const holding = (p: Pick) => !unit || p.units.some((u) => holdsUnit(u.text, unit, intention.counted));
  const withUnit = [...picks.values()].some(holding);
  return (
    [...picks.values()]
      .filter((p) => records.has(p.record.id))
      // A number asked: the passages that hold one in the right unit.
      .filter((p) => !withUnit || holding(p))
      .sort((a, b) => b.best - a.best)
      .slice(0, 3)
      .map((p) => ({ ...p, units: p.units.sort((a, b) => a.order - b.order) }))
  );
}

function renderPick(p: Pick, lang: Lang): string {
  const r = p.record;
  const head = r.code
    ? `${codedHeading(r)}${r.kind === "section" ? ` — ${T[lang].according.toLowerCase()} ${r.referential}` : ""}`
    : `${T[lang].according} ${r.referential} — ${heading(r)} :`;
  const lines = [head];
  let part: Evidence["part"] = "statement";
  for (const u of p.units) {
    if (u.part !== part && u.part === "modality" && r.kind !== "section")
      lines.push(`${T[lang].evaluation} :`);
    part = u.part;
    const text = u.part === "criterion" ? `• ${u.text}` : u.text;
    lines.push(u.depth === 2 ? `   ◦ ${text}` : u.depth === 1 ? `• ${text}` : text);
  }
  // A sentence announcing a list that is not shown ends as a sentence, not on a colon.
  const last = lines.length - 1;
  if (last > 0 && /\s*:\s*$/.test(lines[last]!))
    lines[last] = lines[last]!.replace(
      /[\s,]*(?:,\s*(?:comprenant|contenant|incluant|including|containing)|de la manière suivante|comme suit|as follows)?\s*:\s*$/,
      ".",
    );
  return lines.join("\n");
}

/** Candidate records for evidence: the codes named first, then the best hits. */
function evidencePool(result: SearchResult, chosen: KnowledgeRecord[], lookup: Lookup): Evidence[] {
  const pool: KnowledgeRecord[] = [...chosen];
  for (const r of titled(result.analysis, lookup)) if (!pool.includes(r)) pool.push(r);
  for (const h of result.hits.slice(0, 4)) if (!pool.includes(h.record)) pool.push(h.record);
  return pool.slice(0, 5).flatMap((r, rank) => withSubsections(r, rank, lookup));
}

/**
 * Sections whose own heading the question names ("partie 1 du PV",
 * "côté programmation", "à qui s'adresse ce doc ?"): the heading says what
 * the section answers, whatever its words' rank in the search.
 */
function titled(analysis: QueryAnalysis, lookup: Lookup): KnowledgeRecord[] {
  const asked = new Set(analysis.terms.filter((t) => t.weight >= 0.6).map((t) => t.term));
  if (!asked.size) return [];
  const out: { r: KnowledgeRecord; weight: number }[] = [];
  for (const { r, heading } of sectionHeadings(lookup)) {
    if (analysis.include.size && !analysis.include.has(r.referential)) continue;
    const found = heading.filter((t) => asked.has(t));
    const weight = found.reduce((s, t) => s + lookup.idf(t), 0);
    // Every word of the heading asked, and together distinctive enough not to be a generic heading ("Modalités").
    if (found.length === heading.length && weight >= 3) out.push({ r, weight });
  }
  return out
    .sort((a, b) => b.weight - a.weight)
    .slice(0, 2)
    .map((x) => x.r);
}

// The sections' own headings as corpus terms, once per index (titled() runs on every question).
const HEADINGS = new WeakMap<KnowledgeRecord[], { r: KnowledgeRecord; heading: string[] }[]>();

function sectionHeadings(lookup: Lookup): { r: KnowledgeRecord; heading: string[] }[] {
  let list = HEADINGS.get(lookup.records);
  if (!list) {
    list = lookup.records
      .filter((r) => r.kind === "section")
      .map((r) => ({
        r,
        heading: [...termSet(r.title.split(" — ").at(-1)!)].filter((t) => lookup.idf(t) > 0),
      }))
      .filter((x) => x.heading.length > 0);
    HEADINGS.set(lookup.records, list);
  }
  return list;
}

/**
 * A section that only announces what follows ("La démonstration doit
 * présenter les éléments suivant :") is read with its subsections, as items
 * of its last sentence: the parsers split them into records of their own.
 */
function withSubsections(r: KnowledgeRecord, rank: number, lookup: Lookup): Evidence[] {
  const own = evidenceOf(r, rank);
  const last = [...own].reverse().find((u) => /:\s*$/.test(u.text));
  if (r.kind !== "section" || !last || own.length > 4) return own;
  const prefix = `${r.title} — `;
  const children = lookup
    .recordsOf(r.referential)
    .filter((c) => c.kind === "section" && c.title.startsWith(prefix));
  const out = [...own];
  for (const c of children) {
    const line = (out[out.length - 1]?.line ?? 0) + 1;
    const head: Evidence = {
      record: r,
      rank,
      order: out.length,
      text: c.title.slice(prefix.length),
      leadIn: last.order,
      depth: 1,
      part: "statement",
      line,
    };
    out.push(head);
    for (const e of evidenceOf(c, rank))
      out.push({ ...e, record: r, order: out.length, leadIn: head.order, depth: 2, line: line + e.line });
  }
  return out;
}

// ---------------------------------------------------------------------------

const COUNTED: [RegExp, "competency" | "bloc" | "evaluation" | "activity" | "criterion"][] = [
  [/\b(?:criteres?|criteria|criterion)\b/, "criterion"],
  [/\b(?:blocs?|blocks?)\b(?!\s*\d)/, "bloc"],
  [/\b(?:epreuves?|evaluations?|assessments?|exams?)\b/, "evaluation"],
  // A titre professionnel's CCPs are its activités types, one each.
  [
    /\b(?:activites?|activities|activity|ccp|ccps|certificats? de competences? professionnelles?)\b/,
    "activity",
  ],
  [/\b(?:competences?|competencies|competency|skills?)\b/, "competency"],
];

function countAnswer(result: SearchResult, chosen: KnowledgeRecord[], lookup: Lookup): Composition | null {
  const { analysis } = result;
  const lang = analysis.lang;
  const t = T[lang];
  const folded = fold(analysis.text);
  const what = COUNTED.find(([re]) => re.test(folded))?.[1];
  if (!what) return null;
  // Named, else the one the question's own words found (none of the default's passages among the
  // best: "les activités types du titre pro dev web"), else the default referential.
  const top = result.hits[0];
  const found =
    top &&
    top.score >= 0.9 &&
    !result.hits.slice(0, 3).some((h) => h.record.referential === lookup.defaultReferential)
      ? top.record.referential
      : undefined;
  const ref = [...analysis.include][0] ?? chosen[0]?.referential ?? found ?? lookup.defaultReferential;
  const records = lookup.recordsOf(ref);
  const blocs = records.filter((r) => r.kind === "bloc");
  // A bloc named: its competencies.
  if (analysis.blocs.length && (what === "competency" || what === "criterion")) {
    const bloc = blocs.find((b) => fold(b.title).startsWith(`bloc ${analysis.blocs[0]} `));
    if (bloc) {
      const comps = relatedCompetencies(bloc, lookup);
      if (what === "competency" && comps.length)
        return {
          text: [
            `${heading(bloc)} (${ref}) ${t.blocHas(comps.length)} :`,
            ...comps.map((c) => `• ${c.code} — ${c.title}`),
          ].join("\n"),
          used: [bloc],
          found: true,
        };
    }
  }
  const coded = chosen.find((r) => r.kind === "competency");
  if (what === "criterion" && coded?.criteria.length) {
    return {
      text: [
        t.countCriteria(coded.code ?? coded.title, coded.criteria.length),
        ...coded.criteria.map((c) => `• ${c}`),
      ].join("\n"),
      used: [coded],
      found: true,
    };
  }
  const of = (kind: string) => records.filter((r) => r.kind === kind);
  if (what === "competency") {
    // A REAC's transversal competencies are counted only when asked for: its titre's are professional.
    const asksTransversal = /\btransversa/.test(folded);
    const comps = of("competency").filter((r) => isTransversalCompetency(r) === asksTransversal);
    if (!comps.length) return null;
    const activities = blocs.length ? [] : of("activity").filter((a) => a.related.length);
    const lines = [t.countCompetencies(ref, comps.length, blocs.length)];
    for (const b of [...blocs, ...activities])
      lines.push(
        `• ${b.kind === "activity" && b.code ? `${b.code} — ` : ""}${b.title} : ${relatedCompetencies(
          b,
          lookup,
        )
          .map((c) => c.code)
          .join(", ")}`,
      );
    const used = blocs.length ? blocs : activities.length ? activities : comps.slice(0, 1);
    return { text: lines.join("\n"), used, found: true };
  }
  // The same bloc or épreuve met on several pages of a document is one item.
  const seen = new Set<string>();
  const blocNamed = analysis.blocs.length
    ? blocs.find((b) => fold(b.title).startsWith(`bloc ${analysis.blocs[0]} `))
    : undefined;
  const list = of(what).filter((r) => {
    if (blocNamed && what !== "bloc" && r.bloc !== blocNamed.title) return false;
    const key = what === "bloc" ? (/^Bloc \d+/.exec(r.title)?.[0] ?? r.title) : (r.code ?? r.title);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (!list.length) return null;
  const head =
    what === "bloc"
      ? t.countBlocs(ref, list.length)
      : what === "evaluation"
        ? t.countEvaluations(ref, list.length)
        : what === "activity"
          ? // « combien de CCP » in a titre professionnel: its activités types, one certificate each.
            /\bccps?\b/.test(fold(analysis.text)) && list.every((r) => /^AT\d/.test(r.code ?? ""))
            ? t.countCcp(ref, list.length)
            : t.countActivities(ref, list.length)
          : `${ref} : ${list.length}`;
  return {
    text: [head, ...list.slice(0, 30).map((r) => `• ${r.code ? `${r.code} — ` : ""}${r.title}`)].join("\n"),
    used: list.slice(0, 3),
    found: true,
  };
}

/** The two (or more) things compared, each from its own referential. */
function comparisonSides(result: SearchResult, chosen: KnowledgeRecord[], lookup: Lookup): KnowledgeRecord[] {
  const { analysis } = result;
  const refs = [...analysis.include];
  if (analysis.codes.length === 1) {
    const code = analysis.codes[0]!;
    const within = refs.length >= 2 ? refs : lookup.referentialsOf(code);
    const sides = within.map((ref) => lookup.byCode(ref, code)).filter((r): r is KnowledgeRecord => !!r);
    if (sides.length >= 2) return sides;
  }
  if (analysis.codes.length >= 2 && analysis.codes.length === refs.length) {
    // "c5.1 chef de projet vs c5.2 dev ia": each code in the referential named beside it.
    const paired = analysis.codes
      .map((code, i) => lookup.byCode(refs[i]!, code))
      .filter((r): r is KnowledgeRecord => !!r);
    if (paired.length === analysis.codes.length) return paired;
  }
  if (analysis.codes.length >= 2) return chosen.slice(0, 3);
  if (analysis.blocs.length >= 2 || (analysis.blocs.length === 1 && refs.length >= 2)) {
    // "bloc 3 et bloc 4" in one referential, or "bloc 2 dev vs bloc 2 chef de projet" in two.
    const pairs =
      refs.length >= 2
        ? refs.map((ref, i) => [ref, analysis.blocs[Math.min(i, analysis.blocs.length - 1)]!] as const)
        : analysis.blocs.map((b) => [refs[0] ?? lookup.defaultReferential, b] as const);
    const sides = pairs
      .map(([ref, b]) =>
        lookup.recordsOf(ref).find((r) => r.kind === "bloc" && fold(r.title).startsWith(`bloc ${b} `)),
      )
      .filter((r): r is KnowledgeRecord => !!r);
    if (sides.length >= 2 && new Set(sides).size === sides.length) return sides;
  }
  return glossarySides(result, lookup);
}

/**
 * « la différence entre un incident et un problème », « mode prestataire et mode mandataire »: two terms
 * one glossary defines, each with its definition (the referential of the best hits first).
 */
function glossarySides(result: SearchResult, lookup: Lookup): KnowledgeRecord[] {
  const { analysis } = result;
  const plain = (s: string) =>
    fold(s)
      .replace(/\([^)]*\)/g, " ")
      .replace(/[^a-z0-9 ]+/g, " ")
      .replace(/\s+/g, " ")
      .trim();
  const asked = ` ${plain(analysis.text)} `;
  const refs = analysis.include.size
    ? [...analysis.include]
    : [...new Set(result.hits.map((h) => h.record.referential))];
  for (const ref of refs) {
    const terms = lookup
      .recordsOf(ref)
      .filter((r) => r.kind === "glossary")
      .map((r) => ({ r, term: plain(r.title.replace(/^\s*(?:glossaire|lexique|glossary)\s*:\s*/i, "")) }))
      .filter(({ term }) => term.length >= 3 && asked.includes(` ${term} `))
      .sort((a, b) => b.term.length - a.term.length);
    // A term inside a longer one named (« vente » in « indice de vente ») is not a side.
    const sides = terms.filter(
      ({ term }, i) => !terms.slice(0, i).some((t) => ` ${t.term} `.includes(` ${term} `)),
    );
    // In the order asked.
    sides.sort((a, b) => asked.indexOf(` ${a.term} `) - asked.indexOf(` ${b.term} `));
    if (sides.length >= 2) return sides.slice(0, 3).map(({ r }) => r);
  }
  return [];
}

export interface ComposeOptions {
  intention: Intention;
  lookup: Lookup;
  /** The subject carried from the previous turn of a thread (its codes were added to the search). */
  carried?: boolean;
  /** A titre the question names that no indexed referential is. */
  unindexed?: string | null;
  /** For a comparison of referentials: the same question searched in each, in the order named. */
  perReferential?: SearchResult[];
  /** The referential a channel set for itself: a bare code is read in it, not offered in each. */
  channelReferential?: string;
  /** What the question asks, split (one part for a simple question). */
  parts?: Part[];
  /** Each part searched on its own, in the order of `parts`. */
  partResults?: SearchResult[];
  /** The same thing asked of each referential named ("in both", "de chaque côté"). */
  both?: boolean;
}

/**
 * The offline answer: built only from retrieved records, always citing
 * `referential · code`. First the direct answer (the rule, the number, the
 * list), then the detail, then the sources actually used.
 */
export function composeExtractive(result: SearchResult, opts: ComposeOptions): Composition {
  const main = composeWhole(result, opts);
  const parts = opts.parts ?? [];
  if (!main.found || parts.length < 2 || opts.intention.intent === "comparison" || opts.perReferential)
    return main;
  return withParts(main, parts, result, opts);
}

/**
 * Every part of a question answered, in the order asked: a part the answer
 * already covers stays as it is; another gets its own best evidence, or a
 * clear "the documents do not say" when none holds what it asks.
 */
function withParts(
  main: Composition,
  parts: Part[],
  result: SearchResult,
  opts: ComposeOptions,
): Composition {
  const { analysis } = result;
  const { intention, lookup } = opts;
  const lang = analysis.lang;
  const t = T[lang];
  const cut = main.text.lastIndexOf(`\n\n${t.sources}`);
  const body = cut >= 0 ? main.text.slice(0, cut) : main.text;
  const shown = fold(oneLine(body));
  const pool = evidencePool(result, main.used, lookup);
  const expansions = new Map(analysis.typedTerms.map((x) => [x.term, [...x.expansions, ...x.typos]]));
  const translations = new Map(analysis.typedTerms.map((x) => [x.term, x.expansions]));
  // What the answer says, not the titles it cites (« 6.5 Plagiat, logiciel anti-plagiat » names no software).
  const bodyTerms = termSet(
    body
      .split("\n")
      .filter((l) => !l.startsWith(`${t.according} `))
      .join("\n"),
  );
  const seen = new Set<string>();
  const weightOf = new Map(analysis.terms.map((x) => [x.term, x.weight]));
  const before: string[] = [];
  const after: string[] = [];
  const used = [...main.used];
  let coveredOne = false;
  for (const [i, part] of parts.entries()) {
    // « anti-plagiat » is one word of the part, not also « anti » and « plagiat ».
    const compounds = [...compoundParts(part.text, (x) => lookup.idf(x) > 0)].map(stem);
    const own = [...termSet(part.text)].filter((x) => !compounds.includes(x));
    const focus = new Set([...own, ...own.flatMap((x) => expansions.get(x) ?? [])]);
    // Words the corpus knows as typed or translated (a typo's neighbour is a guess: "stylo" is not "style").
    const known = [...new Set([...own, ...own.flatMap((x) => translations.get(x) ?? [])])].filter(
      (x) => lookup.idf(x) > 0,
    );
    // "à quoi sert l'entretien final" asks its purpose: the glossary's definition, not its timetable.
    const defines = !part.unit && asksDefinition(part.text);
    const partIntention: Intention & { asksWhen?: boolean } = {
      ...intention,
      asksWhen: part.asks.includes("when"),
      intent: part.unit
        ? "numeric"
        : defines
          ? "definition"
          : part.asks.some((a) => a === "who" || a === "when")
            ? "procedure"
            : "general",
      unit: part.unit,
      counted: null,
    };
    const scored = partEvidence(
      pool,
      opts.partResults?.[i],
      // The other parts' words name other things ("…et l'entretien final"): they count for little here.
      (units) => scoreEvidence(units, analysis, partIntention, lookup, focus, 0.15),
      lookup,
    );
    // "Quand a lieu l'entretien ?" is answered by a sentence that says a moment, when one is near enough.
    const moments = partIntention.asksWhen
      ? scored.filter((u) => WHEN_SAID.test(u.text) && known.some((x) => termSet(u.text).has(x)))
      : [];
    const best = Math.max(0, ...scored.map((u) => u.score));
    const top = scored.find((u) => u.score === best);
    const candidates =
      top &&
      !WHEN_SAID.test(top.text) &&
      moments.length &&
      Math.max(...moments.map((u) => u.score)) >= best * 0.6
        ? moments
        : scored;
    const pick = selectEvidence(candidates, partIntention)[0];
    const holds = (text: string) => !part.unit || holdsUnit(text, part.unit);
    // A part naming things the documents never mention ("la couleur du stylo") is not answered by context.
    const relevant =
      pick &&
      (!own.length ||
        (known.length > 0 && pick.units.some((u) => known.some((x) => termSet(u.text).has(x)))));
    const answered = relevant && pick.units.some((u) => holds(u.text));
    // The term asked about has its own definition: the answer must show it, not only name the term.
    const glossed =
      defines && answered && pick.record.kind === "glossary" && part.text.includes(fold(pick.record.title));
    // The answer as composed speaks to the first part; a number asked is covered only when shown.
    const covered = part.unit
      ? holdsUnit(body, part.unit) &&
        (!answered ||
          pick.units.filter((u) => holds(u.text)).some((u) => shown.includes(fold(oneLine(u.text)))))
      : (i === 0 &&
          !glossed &&
          covers(bodyTerms, known, weightOf, lookup) &&
          // "Quand a lieu l'entretien ?": the answer names a moment, not only the entretien.
          (!partIntention.asksWhen || WHEN_SAID.test(body))) ||
        (answered && pick.units.every((u) => shown.includes(fold(oneLine(u.text))))) ||
        (!own.length && !answered);
    if (covered) {
      coveredOne = true;
      continue;
    }
    const add = answered
      ? renderPick({ ...pick, units: pick.units.filter((u) => !shown.includes(fold(oneLine(u.text)))) }, lang)
      : t.partNotFound(part.text.replace(/[?\s]+$/, ""));
    const fresh = fold(oneLine(add));
    if (seen.has(fresh)) continue;
    seen.add(fresh);
    (coveredOne ? after : before).push(add);
    if (answered && !used.includes(pick.record)) used.push(pick.record);
  }
  if (!before.length && !after.length) return main;
  return withSources([...before, body, ...after].join("\n\n"), used, result, lang);
}

/**
 * A part's evidence: the question's passages and the two best of the part's own search, ranked as
 * that search ranks them (the whole question's order favours what the other parts ask about).
 */
function partEvidence(
  pool: Evidence[],
  own: SearchResult | undefined,
  score: (units: Evidence[]) => Scored[],
  lookup: Lookup,
): Scored[] {
  if (!own?.found) return score(pool);
  const rankOf = new Map(own.hits.map((h, k) => [h.record.id, k]));
  const have = new Set(pool.map((u) => u.record.id));
  const extra = own.hits
    .slice(0, 2)
    .flatMap((h) => (have.has(h.record.id) ? [] : withSubsections(h.record, 0, lookup)));
  return score([...pool, ...extra].map((u) => ({ ...u, rank: rankOf.get(u.record.id) ?? 5 })));
}

/** A moment said: a date, or when in the sequence ("à l'issue de", "avant", "lors de"); not a duration. */
const WHEN_SAID =
  /(?<![\p{L}\p{N}])(?:\d{1,2}(?:er)? (?:janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre|décembre)|\d{1,2}\/\d{1,2}|avant|(?<!d['’])(?:après|apres)|[àa] l['’]issue|lors de|pendant|au plus tard|au moins \d+ (?:jours|semaines|mois)|before|after|during|by)(?![\p{L}\p{N}])/iu;

/** Whether a text holds the most telling topical word of a part (names of referentials and codes aside). */
function covers(text: Set<string>, known: string[], weightOf: Map<string, number>, lookup: Lookup): boolean {
  const topical = known.filter((x) => (weightOf.get(x) ?? 1) >= 0.6);
  if (!topical.length) return true;
  const rarest = topical.reduce((a, b) => (lookup.idf(b) > lookup.idf(a) ? b : a));
  // And most of what it asks: « quel logiciel anti-plagiat » is not answered by « la commission anti-plagiat ».
  const weight = (xs: string[]) => xs.reduce((s, x) => s + lookup.idf(x), 0);
  return text.has(rarest) && weight(topical.filter((x) => text.has(x))) >= COVERED_SHARE * weight(topical);
}
/** Share of a first part's topical weight the answer must hold to speak to it. */
const COVERED_SHARE = 0.6;

function composeWhole(result: SearchResult, opts: ComposeOptions): Composition {
  const { analysis } = result;
  const { intention, lookup } = opts;
  const lang = analysis.lang;
  const t = T[lang];
  const none = (text: string): Composition => ({ text, used: [], found: false });
  if (result.outcome === "unsafe" || intention.decline === "personal-data") return none(t.unsafe);
  if (intention.decline === "do-my-work") return none(t.doMyWork);
  if (intention.decline === "off-topic" || intention.decline === "pastime") return none(t.outOfScope);
  if (opts.unindexed) {
    return none(t.unindexed(opts.unindexed, indexedTitres(lookup.catalog).join(" ; ")));
  }
  if (result.outcome === "unknown-code")
    return none(t.unknownCode(result.unknownCodes.join(", "), KNOWN_CODES));
  if (!result.found || !result.hits.length) return none(t.outOfScope);

  // "c'est quel niveau ?": the titre's level is catalog data, not a passage.
  const levelOf = [...analysis.include]
    .map((id) => lookup.catalog.referentials.find((r) => r.id === id))
    .find((r) => r?.level);
  if (
    levelOf &&
    /\b(?:quel niveau|niveau du titre|niveau rncp|what level|which level|level of)\b/.test(
      fold(analysis.text),
    ) &&
    // "what level of English": a language's level (CECRL), not the titre's.
    !/\b(?:anglais|english|langue|language|cecrl|cefr|francais|french)\b/.test(fold(analysis.text))
  ) {
    const name = levelOf.identity?.job ?? levelOf.certification ?? levelOf.title;
    const label = levelOf.identity?.levelLabel;
    const text =
      lang === "en"
        ? `${name}${levelOf.rncp ? ` (${levelOf.rncp})` : ""} is a level ${label ?? levelOf.level} titre (niveau ${label ? `${label}, level ${levelOf.level} of the 2019 national framework` : levelOf.level}).`
        : `${name}${levelOf.rncp ? ` (${levelOf.rncp})` : ""} est un titre de niveau ${label ?? levelOf.level} (Niveau ${label ? `${label}, niveau ${levelOf.level} du cadre national de 2019` : levelOf.level}).`;
    // The titre's identity passage (knowledge add) says the level; else the document's first passage.
    const records = lookup.recordsOf(levelOf.id);
    const rec = records.find((r) => r.id === `${levelOf.id}:identite-du-titre`) ?? records[0];
    return {
      text: `${text}\n\n${t.sources} ${levelOf.id} · ${levelOf.title}`,
      used: rec ? [rec] : [],
      found: true,
    };
  }
  const codeHits = result.hits.filter((h) => h.via.includes("code"));
  const chosen: KnowledgeRecord[] = [];
  // The search put a passage before the coded records when the code only says where ("malade le jour
  // de l'épreuve E3"): that passage answers, not the épreuve's description.
  const codeIsSubject = result.hits[0]?.via.includes("code") ?? false;
  for (const code of codeIsSubject ? analysis.codes : []) {
    const h = codeHits.find((x) => x.record.code === code);
    if (h && !chosen.includes(h.record)) chosen.push(h.record);
  }
  // A competency or activité type quoted by its title (« Installer et configurer son environnement… »)
  // is named as surely as by its code: uncoded documents are asked about that way.
  for (const m of analysis.text.matchAll(/[«“"']\s*([^«»“”"]{12,}?)\s*[»”"'](?=[\s,.;:?!)]|$)/g)) {
    const quoted = fold(m[1]!).replace(/[’']/g, "'");
    const named = (r: KnowledgeRecord) =>
      r.kind !== "section" && fold(r.title).replace(/[’']/g, "'") === quoted;
    // Among the hits first, else among the records of the referentials the hits come from.
    const found =
      result.hits.find((x) => named(x.record))?.record ??
      [...new Set(result.hits.map((x) => x.record.referential))]
        .flatMap((ref) => lookup.recordsOf(ref))
        .find(named);
    if (found && !chosen.includes(found)) chosen.push(found);
  }

  // "C'est quoi un critère de performance ?": the glossary's term the question names, whole (the
  // longest one named), rather than a passage that merely uses the words.
  if (!chosen.length && intention.intent === "definition") {
    const asked = ` ${fold(analysis.text).replace(/[^a-z0-9' ]+/g, " ")} `;
    const named = result.hits
      .map((h) => h.record)
      .filter((r) => r.kind === "glossary" && r.title.length >= 3)
      .filter((r) =>
        asked.includes(
          ` ${fold(r.title)
            .replace(/[^a-z0-9' ]+/g, " ")
            .trim()} `,
        ),
      )
      .sort((a, b) => b.title.length - a.title.length)[0];
    // A term the search ranked low (« porteur » shares its stem with every « port »), named right after
    // « qu'est-ce qu'un », is looked up in the glossaries of the documents the hits come from.
    const term = named ?? glossaryNamed(analysis.text, result, lookup);
    if (term) chosen.push(term);
    // No titre named and another document defines the same term: both definitions, each cited.
    const same = fold(term?.title ?? "");
    const other =
      term && !analysis.include.size
        ? result.hits.find(
            (h) =>
              h.record.kind === "glossary" &&
              h.record.referential !== term.referential &&
              fold(h.record.title) === same,
          )
        : undefined;
    if (other) chosen.push(other.record);
  }
  // "sécuriser les accès internet, c quoi les critères": the competency the question names by its
  // words, when it is the best hit and holds criteria.
  const top = result.hits[0]?.record;
  if (
    !chosen.length &&
    intention.aspect === "criteria" &&
    top?.kind === "competency" &&
    top.criteria.length &&
    (result.hits[0]?.score ?? 0) >= 0.9
  )
    chosen.push(top);

  // « Quels savoir-faire pour maintenir et sécuriser les accès distants ? »: the competency's rubric asked.
  const rubricOf =
    chosen[0] ?? (top?.kind === "competency" && (result.hits[0]?.score ?? 0) >= 0.9 ? top : undefined);
  const rubric = rubricOf ? rubricAnswer(rubricOf, analysis.text) : null;
  if (rubric) return withSources(`${codedHeading(rubricOf!)}\n${rubric}`, [rubricOf!], result, lang);

  const meanings = bareCodeMeanings(result, intention, lookup, opts.channelReferential);
  if (meanings) return meanings;

  let body: { parts: string[]; used: KnowledgeRecord[] } | null = null;
  const aspect = intention.aspect;
  const scoredBloc = chosen.length ? undefined : namedBloc(analysis, lookup);
  if (scoredBloc && wantsScores(analysis.text, intention)) {
    const list = scoredList(scoredBloc, analysis.text, lang, lookup);
    if (list) return withSources(list.text, list.used, result, lang);
  }

  const crossing = intention.intent === "comparison" || (opts.both ?? false);
  if (crossing) {
    const sides = comparisonSides(result, chosen, lookup);
    if (sides.length >= 2)
      body = { parts: [t.compare, ...sides.map((r) => recordAnswer(r, lang, lookup, true))], used: sides };
    else if (opts.perReferential && opts.perReferential.length >= 2) {
      // Two referentials named: each answers the question on its side, from
      // the words naming that side ("l'oral du guide vs le mémoire expert").
      const folded = fold(analysis.text);
      const counting = COUNT_WORDS.test(folded) && COUNTED.some(([re]) => re.test(folded));
      // What comes before a colon frames both sides ("on rend quoi : X vs Y").
      const pieces = folded
        .replace(/^[^:]*:\s*(?=.*\b(?:vs|versus|contre)\b)/, "")
        .split(/\s+(?:vs\.?|versus|contre|compare[dr]? (?:a|to|with)|et|and|ou|or|,|;)\s+/);
      const expansions = new Map(analysis.typedTerms.map((x) => [x.term, [...x.expansions, ...x.typos]]));
      const parts: string[] = [];
      const used: KnowledgeRecord[] = [];
      let found = 0;
      // Each piece's referentials, read once for all the sides.
      const named = pieces.map((p) => ({ p, refs: namedReferentials(p, lookup.catalog).include }));
      const wordsOf = (ps: typeof named) =>
        new Set(ps.flatMap(({ p }) => [...termSet(p)].flatMap((x) => [x, ...(expansions.get(x) ?? [])])));
      for (const side of opts.perReferential) {
        const ref = [...side.analysis.include][0]!;
        // The words naming the other sides are set aside; the shared ones ("on rend quoi") stay.
        const others = wordsOf(named.filter(({ refs }) => refs.size > 0 && !refs.has(ref)));
        const mine = wordsOf(named.filter(({ refs }) => refs.has(ref)));
        const focus = new Set(analysis.terms.map((x) => x.term).filter((x) => mine.has(x) || !others.has(x)));
        const sideIntention: Intention = {
          ...intention,
          intent: counting ? "count" : intention.unit ? "numeric" : "general",
        };
        const c = counting ? countAnswer(side, [], lookup) : null;
        const e = c ?? evidenceAnswer(side, [], sideIntention, lookup, focus);
        if (e) {
          found++;
          parts.push(e.text);
          used.push(...e.used);
        } else parts.push(t.notFound(ref));
      }
      if (found >= 1) body = { parts: [...(found >= 2 ? [t.compare] : []), ...parts], used };
    }
  }
  if (!body && intention.intent === "count") {
    const c = countAnswer(result, chosen, lookup);
    if (c) return withSources(c.text, c.used, result, lang);
  }
  const bloc = chosen.length ? undefined : namedBloc(analysis, lookup);
  const blocAspect =
    aspect === "criteria" || aspect === "evaluation" || aspect === "points" || aspect === "competencies";
  if (
    !body &&
    bloc &&
    (intention.intent === "list" ||
      intention.intent === "count" ||
      (blocAspect && intention.intent !== "numeric"))
  ) {
    // "bloc 3 : les compétences ?", "et comment il est évalué ?" about a bloc.
    const wanted: Aspect =
      aspect === "criteria" || aspect === "evaluation" || aspect === "points" || aspect === "activities"
        ? aspect
        : "competencies";
    const text =
      aspectAnswer(bloc, wanted === "points" ? "evaluation" : wanted, lang, lookup) ??
      (wanted === "activities" ? aspectAnswer(bloc, "competencies", lang, lookup) : null);
    if (text) body = { parts: [text], used: [bloc] };
  }
  if (!body && chosen.length && aspect && (intention.intent !== "numeric" || aspect === "points")) {
    // "critères de C12", "et comment elle est évaluée ?", "compétences évaluées en E2".
    const parts = chosen.map((r) => aspectAnswer(r, aspect, lang, lookup));
    if (parts.every((p) => p)) body = { parts: parts as string[], used: chosen };
  }
  if (
    !body &&
    chosen.length &&
    intention.intent !== "numeric" &&
    !(opts.carried && intention.intent === "general") &&
    // A guide section named by its code ("cas pratique 1 (E2)") is long prose: a question about
    // a rule in it gets the sentences that state the rule, not its first 900 characters.
    // So is an épreuve's whole chapter ("7. Épreuve E4" with its dépôt, its soutenance, its marking).
    !(
      chosen.every((r) => r.kind === "section" || r.statement.length > LONG_RECORD) &&
      (["procedure", "yesno", "general"].includes(intention.intent) ||
        (intention.intent === "code" && analysis.text.split(/\s+/).length >= 6))
    )
  ) {
    const compact = chosen.length > 1;
    body = {
      parts: chosen.slice(0, 3).map((r) => recordAnswer(r, lang, lookup, compact)),
      used: chosen.slice(0, 3),
    };
  }
  if (!body) {
    let scored = scoreEvidence(
      evidencePool(result, bloc ? [bloc, ...chosen] : chosen, lookup),
      analysis,
      intention,
      lookup,
    );
    // "E3 combien de pages": the code named answers when it holds the number.
    const unit = intention.intent === "numeric" ? intention.unit : null;
    if (unit && chosen.length) {
      const own = scored.filter((u) => chosen.includes(u.record));
      if (own.some((u) => holdsUnit(u.text, unit, intention.counted))) scored = own;
    }
    if (intention.unit === "money" || intention.unit === "percent") {
      // An amount stated about the thing asked: « combien coûte l'abonnement au tramway » is not answered by a
      // salary; the passage's record must hold half the question's other words at least (weighed by rarity).
      // The words asking for the amount (« coûte », « prix », « taux ») say what is wanted, not of what.
      // Light words (a referential's name, a framing word's synonym) say little of what is priced.
      const topical = analysis.terms.filter(
        (x) => x.weight >= 0.6 && lookup.idf(x.term) > 0 && !AMOUNT_WORDS.test(x.term),
      );
      const total = topical.reduce((sum, x) => sum + x.weight * lookup.idf(x.term), 0);
      const about = new Map<KnowledgeRecord, boolean>();
      const isAbout = (r: KnowledgeRecord) => {
        if (!about.has(r)) {
          const words = termSet(recordText(r));
          const held = topical.reduce(
            (sum, x) => sum + (words.has(x.term) ? x.weight * lookup.idf(x.term) : 0),
            0,
          );
          about.set(r, total === 0 || held >= total / 2);
        }
        return about.get(r)!;
      };
      const holding = scored.filter((u) => holdsUnit(u.text, intention.unit!) && isAbout(u.record));
      if (!holding.length || Math.max(...holding.map((u) => u.score)) < 0.3)
        return none(t.notStated(intention.unit === "money" ? t.money : t.percent));
    }
    // A year the passages never mention ("la promo 2026"): they cannot say what happens then.
    const years = [...analysis.text.matchAll(/\b20\d\d\b/g)].map((m) => m[0]);
    if (years.length && !years.some((y) => scored.some((u) => u.text.includes(y))))
      return none(t.notStated(t.dates));
    // One number asked, one passage: a second one would be another number for another thing.
    const picks = selectEvidence(scored, intention).slice(
      0,
      intention.intent === "numeric" && chosen.length < 2 ? 1 : 3,
    );
    if (!picks.length) return none(t.outOfScope);
    // A number asked about a bloc that gives none ("la soutenance du bloc 5 dure combien ?"):
    // a figure found elsewhere in the referential is another thing's.
    if (bloc && intention.intent === "numeric" && intention.unit && intention.unit !== "count") {
      const own = (r: KnowledgeRecord) => r === bloc || r.bloc === bloc.title;
      const unit = intention.unit;
      const blocHolds = lookup
        .recordsOf(bloc.referential)
        .filter(own)
        .some((r) => evidenceOf(r).some((u) => holdsUnit(u.text, unit)));
      if (!blocHolds && !picks.some((p) => own(p.record)))
        return none(t.notStated(t.blocFigure(bloc.title.split(" — ")[0]!)));
    }
    body = { parts: picks.map((p) => renderPick(p, lang)), used: picks.map((p) => p.record) };
  }
  return finish(body, result, intention, lang);
}

/** Stems of the words that ask for an amount or a rate, and of those that qualify it (« max », « moyen »). */
const AMOUNT_WORDS =
  /^(?:cout|prix|tarif|tarifs|salair|remuner|remunerat|pai|pay|paid|cost|price|fee|fees|euro|euros|montant|taux|pourcentag|percentag|percent|rate|max|maximum|min|minimum|depas|moyen|moyenn|total|averag|average)$/;

const COUNT_WORDS = /\b(?:combien|nombre|how many|number of)\b/;

// Slack shows a section of at most 3000 characters: a list longer than that is cut, and says so.
const SLACK_SECTION = 2800;

/** Lines within Slack's limit, the cut ones counted ("… et 3 autres"). */
function withinSlack(head: string[], items: string[], tail: string[], lang: Lang): string[] {
  let size = [...head, ...tail].reduce((n, l) => n + l.length + 1, 0);
  const kept: string[] = [];
  for (const item of items) {
    if (size + item.length + 1 > SLACK_SECTION - 40) break;
    kept.push(item);
    size += item.length + 1;
  }
  const cut = items.length - kept.length;
  return [...head, ...kept, ...(cut ? [T[lang].moreItems(cut)] : []), ...tail];
}

/** "critères du bloc 2 avec les points", "barème", "scoring grid": a bloc's scored criteria asked. */
function wantsScores(text: string, intention: Intention): boolean {
  const folded = fold(text);
  return (
    intention.aspect === "criteria" ||
    /\b(?:bareme|grille|grid|notation|scoring|rubric|notes?)\b/.test(folded) ||
    (intention.aspect === "points" &&
      /\b(?:criteres?|criteria|criterion|tous|toutes|all|every|each|liste?)\b/.test(folded))
  );
}

/**
 * Every scored criterion of a bloc with its points, then the total and the
 * pass mark: a referential whose criteria carry points ("B1Cr1 … (4 points)").
 * "Quels critères valent 4 points ?" keeps those worth that many.
 */
function scoredList(
  bloc: KnowledgeRecord,
  text: string,
  lang: Lang,
  lookup: Lookup,
): { text: string; used: KnowledgeRecord[] } | null {
  const criteria = lookup
    .recordsOf(bloc.referential)
    .filter((r) => r.kind === "criterion" && r.bloc === bloc.title && r.points !== null);
  if (!criteria.length) return null;
  const t = T[lang];
  const worth = /\b(\d{1,2})\s*(?:points?|pts?)\b/.exec(fold(text))?.[1];
  const asked = worth && !/\b(?:total|sur 20|\/20)\b/.test(fold(text)) ? Number(worth) : null;
  const shown =
    asked !== null && criteria.some((c) => c.points === asked)
      ? criteria.filter((c) => c.points === asked)
      : criteria;
  const total = criteria.reduce((n, c) => n + (c.points ?? 0), 0);
  const items = shown.map(
    (c) => `• ${c.code} — ${c.statement.replace(/\s*\(\d+ points?\)\s*$/, "")} (${t.points(c.points!)})`,
  );
  const pass = criteria.find((c) => c.modality)?.modality;
  const lines = withinSlack(
    [`${heading(bloc)} (${bloc.referential})`, t.scored(bloc.title.split(" — ")[0]!, shown.length)],
    items,
    [t.total(total), ...(pass ? [`${t.threshold}${lang === "en" ? ":" : " :"} ${pass}`] : [])],
    lang,
  );
  return { text: lines.join("\n"), used: [bloc, ...shown.slice(0, 2)] };
}

/**
 * A code typed alone ("c14 ?") that two referentials define differently:
 * both meanings, each cited, and the question of which one was meant.
 */
function bareCodeMeanings(
  result: SearchResult,
  intention: Intention,
  lookup: Lookup,
  channelReferential: string | undefined,
): Composition | null {
  const { analysis } = result;
  if (channelReferential || analysis.include.size || analysis.codes.length !== 1 || intention.aspect)
    return null;
  if (!["code", "definition", "general"].includes(intention.intent)) return null;
  const code = analysis.codes[0]!;
  const rest = fold(analysis.text)
    .replace(
      /\b(?:c'est quoi|c quoi|c koi|cest quoi|what is|what's|whats|la|le|l'|the|stp|svp|pls|please|\?|!)\b/g,
      " ",
    )
    .replace(/[^a-z0-9.]+/g, " ")
    .trim()
    .split(" ")
    .filter((w) => w && w !== code.toLowerCase());
  if (rest.length > 2) return null;
  const ranked = result.hits.filter((h) => h.record.code === code).map((h) => h.record.referential);
  const refs = [...new Set([...ranked, ...lookup.referentialsOf(code)])];
  const sides = refs.map((ref) => lookup.byCode(ref, code)).filter((r): r is KnowledgeRecord => !!r);
  if (sides.length < 2) return null;
  const lang = analysis.lang;
  const t = T[lang];
  const lines = [
    t.twoMeanings(code, sides.length),
    ...sides.map((r) => `• ${codedHeading(r)} : ${clip(r.statement, 260)}`),
    t.whichMeant(code, sides[0]!.referential),
  ];
  return withSources(lines.join("\n"), sides, result, lang);
}

/** The best evidence of one side of a comparison, from its own search. */
function evidenceAnswer(
  result: SearchResult,
  chosen: KnowledgeRecord[],
  intention: Intention,
  lookup: Lookup,
  focus?: Set<string>,
): Composition | null {
  if (!result.found || !result.hits.length) return null;
  let pool = evidencePool(result, chosen, lookup);
  // "Which competency in each?": a coded record answers, not a passage about it.
  const kind = result.analysis.kind;
  if (kind === "competency" || kind === "criterion") {
    const coded = pool.filter((u) => u.record.kind === "competency" || u.record.kind === "criterion");
    if (coded.length) pool = coded;
  }
  const scored = scoreEvidence(pool, result.analysis, intention, lookup, focus);
  const picks = selectEvidence(scored, intention).slice(0, 1);
  if (!picks.length) return null;
  if (
    intention.unit &&
    intention.intent === "numeric" &&
    !picks[0]!.units.some((u) => holdsUnit(u.text, intention.unit!))
  )
    return null;
  return { text: renderPick(picks[0]!, result.analysis.lang), used: [picks[0]!.record], found: true };
}

function finish(
  body: { parts: string[]; used: KnowledgeRecord[] },
  result: SearchResult,
  intention: Intention,
  lang: Lang,
): Composition {
  const t = T[lang];
  const also = result.alsoIn
    .filter((a) => body!.used.some((r) => r.code === a.code))
    .filter(
      (a) => !(intention.intent === "comparison" && body!.used.filter((r) => r.code === a.code).length > 1),
    )
    .map((a) => t.alsoIn(a.code, a.referentials.join(", ")));
  const unknown = result.unknownCodes.length
    ? [t.unknownCode(result.unknownCodes.join(", "), KNOWN_CODES)]
    : [];
  return withSources([...body.parts, ...unknown, ...also].join("\n\n"), body.used, result, lang);
}

function withSources(text: string, used: KnowledgeRecord[], result: SearchResult, lang: Lang): Composition {
  const list = used.length ? used : result.hits.slice(0, 1).map((h) => h.record);
  return { text: `${text}\n\n${T[lang].sources} ${list.map(citation).join(" ; ")}`, used: list, found: true };
}

/** After « qu'est-ce qu'un », « c'est quoi le », « what is a »: the words asked for. */
const DEFINED =
  /(?:qu'est ce qu(?:e\s|')|c'est quoi|que (?:veut dire|signifie)|definition d(?:e\s|u\s|')|what (?:is|are|does)|meaning of)\s*(?:(?:l'|les\s|le\s|la\s|une\s|un\s|a\s|an\s|the\s|d'|des\s|du\s)\s*)?/g;

const spaced = (s: string) =>
  ` ${fold(s)
    .replace(/[’‘]/g, "'")
    .replace(/[^a-z0-9' ]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()} `;

/** The glossary term a definition question names just after its cue, in the hits' documents' glossaries. */
function glossaryNamed(text: string, result: SearchResult, lookup: Lookup): KnowledgeRecord | undefined {
  const asked = spaced(text);
  const after = [...asked.matchAll(DEFINED)].map((m) => asked.slice((m.index ?? 0) + m[0].length));
  if (!after.length) return undefined;
  return [...new Set(result.hits.map((h) => h.record.referential))]
    .flatMap((ref) => lookup.recordsOf(ref))
    .filter((r) => {
      if (r.kind !== "glossary") return false;
      const term = spaced(r.title);
      return term.length >= 5 && after.some((a) => ` ${a}`.startsWith(term));
    })
    .sort((a, b) => b.title.length - a.title.length)[0];
}
