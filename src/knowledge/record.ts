import { z } from "zod";
import { fold } from "../lib/text.js";

/** One retrievable unit: a competency, an evaluation, a guide section… */
export const KnowledgeRecordSchema = z.object({
  /** Stable id: `${referential}:${code}` or `${referential}:${slug}`. */
  id: z.string(),
  referential: z.string(),
  kind: z.enum(["competency", "evaluation", "activity", "criterion", "bloc", "section", "glossary"]),
  code: z.string().nullable(),
  title: z.string(),
  /** Bloc label ("Bloc 2 — Intégrer des modèles…") when the record belongs to one. */
  bloc: z.string().nullable(),
  /** Main statement (competency sentence, section body). */
  statement: z.string(),
  activities: z.array(z.string()),
  modality: z.string().nullable(),
  criteria: z.array(z.string()),
  /** Points for scored criteria (expert-ia). */
  points: z.number().nullable(),
  /** Codes this record points to (E3 → C9..C13, C12 → E3). */
  related: z.array(z.string()),
});
export type KnowledgeRecord = z.infer<typeof KnowledgeRecordSchema>;

export function makeRecord(
  partial: Pick<KnowledgeRecord, "referential" | "kind" | "code" | "title"> & Partial<KnowledgeRecord>,
): KnowledgeRecord {
  const slug = fold(partial.title)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);
  return {
    id: partial.id ?? `${partial.referential}:${partial.code ?? `${partial.kind}-${slug}`}`,
    bloc: null,
    statement: "",
    activities: [],
    modality: null,
    criteria: [],
    points: null,
    related: [],
    ...partial,
  };
}

/** Full text used for indexing and for extractive answers. */
export function recordText(r: KnowledgeRecord): string {
  const parts = [r.code ? `${r.code}. ${r.title}` : r.title, r.statement];
  if (r.activities.length) parts.push(`Activités : ${r.activities.join(" ; ")}`);
  if (r.modality) parts.push(`Modalité d'évaluation : ${r.modality}`);
  if (r.criteria.length) parts.push(`Critères : ${r.criteria.join(" ")}`);
  if (r.bloc) parts.push(r.bloc);
  return parts.filter(Boolean).join("\n");
}
