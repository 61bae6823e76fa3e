import type { KnowledgeRecord } from "../knowledge/record.js";
import { fold, sentences, terms, truncate } from "../lib/text.js";
import type { Lang, QueryAnalysis } from "../retrieval/query.js";
import type { SearchResult } from "../retrieval/retriever.js";

const T = {
  fr: {
    activity: "Activité",
    evaluation: "Évaluation",
    criteria: "Critères d'évaluation",
    more: (n: number) => `… et ${n} autre${n > 1 ? "s" : ""} critère${n > 1 ? "s" : ""}`,
    points: (n: number) => `${n} point${n > 1 ? "s" : ""}`,
    according: "D'après",
    competencies: "Compétences",
    alsoIn: (code: string, refs: string) =>
      `Le code ${code} existe aussi dans : ${refs} (avec un autre sens ; précisez le référentiel pour l'obtenir).`,
    related: "Voir aussi",
    unsafe:
      "Je ne peux pas faire cela. Je réponds aux questions sur les référentiels de certification (compétences, épreuves, livrables, jury), sans recopier de documents entiers, sans révéler mes consignes et sans aucune donnée personnelle.",
    outOfScope:
      "Les référentiels que je connais ne couvrent pas cette question. Je peux vous répondre sur les compétences et leurs critères (« que demande la compétence C12 ? »), les épreuves et livrables (« combien de pages pour le rapport E3 ? »), le jury et l'oral, les blocs de compétences, ou la formation (durée, alternance).",
    unknownCode: (codes: string, known: string) =>
      `Je ne trouve ${codes.includes(",") ? "les codes" : "le code"} ${codes} dans aucun référentiel. Codes connus : ${known}.`,
    modality: "Modalité",
    threshold: "Validation",
  },
  en: {
    activity: "Activity",
    evaluation: "Assessment",
    criteria: "Assessment criteria",
    more: (n: number) => `… and ${n} more criteri${n > 1 ? "a" : "on"}`,
    points: (n: number) => `${n} point${n > 1 ? "s" : ""}`,
    according: "According to",
    competencies: "Competencies",
    alsoIn: (code: string, refs: string) =>
      `Code ${code} also exists in: ${refs} (with another meaning; name the referential to get it).`,
    related: "See also",
    unsafe:
      "I can't do that. I answer questions about the certification referentials (competencies, assessments, deliverables, jury), without copying whole documents, revealing my instructions or sharing any personal data.",
    outOfScope:
      "The referentials I know do not cover this question. I can answer about competencies and their criteria (“what does competency C12 require?”), assessments and deliverables (“how many pages for the E3 report?”), the jury and the oral exam, competency blocks, or the training itself (duration, apprenticeship).",
    unknownCode: (codes: string, known: string) =>
      `I cannot find ${codes.includes(",") ? "codes" : "code"} ${codes} in any referential. Known codes: ${known}.`,
    modality: "Modality",
    threshold: "Pass mark",
  },
} as const;

const FACT_INTENT =
  /\b(combien|nombre|nb|duree|dure|temps|minutes?|heures?|pages?|mois|semaines?|jours?|annees?|ans|quand|date|delai|points?|seuil|how many|how much|how long|when|minimum|maximum|max|min|qui|who|cout|prix|salaire|taux|pourcentage|%)\b/;

export const KNOWN_CODES =
  "rncp37827 C1–C21, E1–E5, A1–A9 ; simplon-dev-ia-guide E1–E3, C8, C14, C17 ; aivancity-dev-ia C1.1–C8.2 ; aivancity-chef-projet-ia C1.1–C6.4 ; expert-ia B1C1–B4C4, B1Cr1–B5Cr10";

/** "rncp37827 · C12" or "simplon-dev-ia-guide · 1. Le jury". */
export function citation(r: KnowledgeRecord): string {
  return `${r.referential} · ${r.code ?? r.title}`;
}

function heading(r: KnowledgeRecord): string {
  return r.code ? `*${r.code} — ${r.title}*` : `*${r.title}*`;
}

function competencyAnswer(r: KnowledgeRecord, lang: Lang): string {
  const t = T[lang];
  const lines = [`${heading(r)} (${r.referential}${r.bloc ? `, ${r.bloc}` : ""})`, r.statement];
  if (r.activities.length) lines.push(`${t.activity} : ${r.activities.join(" ; ")}`);
  if (r.modality && r.referential !== "expert-ia")
    lines.push(`${t.evaluation} : ${truncate(r.modality, 300)}`);
  if (r.criteria.length) {
    const max = 8;
    lines.push(`${t.criteria} :`);
    for (const c of r.criteria.slice(0, max)) lines.push(`• ${c}`);
    if (r.criteria.length > max) lines.push(t.more(r.criteria.length - max));
  }
  return lines.join("\n");
}

function criterionAnswer(r: KnowledgeRecord, lang: Lang): string {
  const t = T[lang];
  const lines = [`${heading(r)} (${r.referential}${r.bloc ? `, ${r.bloc}` : ""})`, r.statement];
  if (r.points !== null) lines.push(`${t.points(r.points)}.`);
  if (r.modality) lines.push(`${t.threshold} : ${r.modality}`);
  return lines.join("\n");
}

/** The sentences of a record that best answer the question, in document order. */
export function bestSentences(r: KnowledgeRecord, analysis: QueryAnalysis, max = 3): string[] {
  const body = [r.statement, r.modality ?? "", ...r.criteria].join("\n");
  const list = sentences(body);
  if (list.length <= max) return list;
  const want = new Map(analysis.terms.map((q) => [q.term, q.weight]));
  const numeric = FACT_INTENT.test(fold(analysis.text));
  const scored = list.map((s, i) => {
    let score = 0;
    for (const term of new Set(terms(s))) score += want.get(term) ?? 0;
    if (numeric && /(?<![A-Z]r?)\d/.test(s)) score += 0.8;
    // A sentence that introduces a list ("… comprenant :") brings its items along.
    return { s, i, score };
  });
  const top = [...scored].sort((a, b) => b.score - a.score || a.i - b.i).slice(0, max);
  const keep = new Set(top.filter((x) => x.score > 0).map((x) => x.i));
  if (!keep.size) return list.slice(0, max);
  for (const i of [...keep]) {
    if (/:$/.test(list[i]!))
      for (let j = i + 1; j < list.length && /^-/.test(list[j]!) && j <= i + 6; j++) keep.add(j);
  }
  return [...keep].sort((a, b) => a - b).map((i) => list[i]!);
}

function sectionAnswer(r: KnowledgeRecord, analysis: QueryAnalysis, lang: Lang): string {
  const t = T[lang];
  const factual = FACT_INTENT.test(fold(analysis.text)) || r.statement.length > 700;
  const body = factual ? bestSentences(r, analysis, 3).join("\n") : truncate(r.statement, 700);
  return `${t.according} ${r.referential} — ${heading(r)} :\n${body}`;
}

function blocAnswer(r: KnowledgeRecord, lang: Lang): string {
  return `${heading(r)} (${r.referential})\n${truncate(r.statement, 1200)}${r.modality ? `\n${T[lang].modality} : ${truncate(r.modality.replace(/\n/g, " "), 400)}` : ""}`;
}

function recordAnswer(r: KnowledgeRecord, analysis: QueryAnalysis, lang: Lang): string {
  switch (r.kind) {
    case "competency":
      return competencyAnswer(r, lang);
    case "criterion":
      return criterionAnswer(r, lang);
    case "bloc":
      return blocAnswer(r, lang);
    case "glossary":
      return `${heading(r)} (${r.referential})\n${r.statement}`;
    case "activity":
      return `${heading(r)} (${r.referential}${r.bloc ? `, ${r.bloc}` : ""})\n${truncate(r.statement, 900)}`;
    default:
      return sectionAnswer(r, analysis, lang);
  }
}

/**
 * The offline answer: built only from retrieved records, always citing
 * `referential · code`. Several codes asked at once are each answered.
 */
export function extractiveAnswer(result: SearchResult): string {
  const { analysis } = result;
  const lang = analysis.lang;
  const t = T[lang];
  if (result.outcome === "unsafe") return t.unsafe;
  if (result.outcome === "unknown-code") return t.unknownCode(result.unknownCodes.join(", "), KNOWN_CODES);
  if (!result.found || !result.hits.length) return t.outOfScope;

  const codeHits = result.hits.filter((h) => h.via.includes("code"));
  const chosen: KnowledgeRecord[] = [];
  for (const code of analysis.codes) {
    const h = codeHits.find((x) => x.record.code === code);
    if (h && !chosen.includes(h.record)) chosen.push(h.record);
  }
  if (!chosen.length) chosen.push(result.hits[0]!.record);

  const parts = chosen.slice(0, 3).map((r) => recordAnswer(r, analysis, lang));
  const unknown = result.unknownCodes.length
    ? [t.unknownCode(result.unknownCodes.join(", "), KNOWN_CODES)]
    : [];
  const also = result.alsoIn
    .filter((a) => chosen.some((r) => r.code === a.code))
    .map((a) => t.alsoIn(a.code, a.referentials.join(", ")));
  const sources = `Source${chosen.length > 1 ? "s" : ""} : ${chosen.map(citation).join(" ; ")}`;
  return [...parts, ...unknown, ...also, sources].join("\n\n");
}
