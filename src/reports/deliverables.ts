import { z } from "zod";
import { parseKnowledgeYaml, readKnowledgeFile } from "../knowledge/yaml-file.js";
import { normalizeHeading } from "./matching.js";

export { normalizeHeading };

const SectionSchema = z.object({
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).min(1),
  /** Word → the words or phrases a candidate may write instead, in this section only. */
  synonyms: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
});

const DeliverableSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    title: z.string().min(1),
    keywords: z.array(z.string().min(1)).default([]),
    referential: z.string().min(1),
    pages: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    source: z.string().min(20),
    sections: z.array(SectionSchema),
    /** The épreuve of the referential records this deliverable is handed in for (its competencies). */
    epreuve: z.object({ referential: z.string().min(1), code: z.string().min(1) }).optional(),
  })
  .refine((d) => d.pages[0] <= d.pages[1], { message: "pages: [min, max] avec min ≤ max" });

const FileSchema = z
  .object({ deliverables: z.array(DeliverableSchema).min(1) })
  .refine((f) => new Set(f.deliverables.map((d) => d.id)).size === f.deliverables.length, {
    message: "identifiants de livrables en double",
  });

export type Deliverable = z.infer<typeof DeliverableSchema>;
export type ExpectedSection = z.infer<typeof SectionSchema>;

/** The deliverable a message names (its id or one of its keywords), if exactly one. */
export function deliverableNamedIn(text: string, all: Deliverable[]): Deliverable | null {
  const padded = ` ${normalizeHeading(` ${text}`)} `;
  const raw = text.toLowerCase();
  const hits = all.filter(
    (d) => raw.includes(d.id) || d.keywords.some((k) => padded.includes(` ${normalizeHeading(k)} `)),
  );
  return hits.length === 1 ? hits[0]! : null;
}

export function parseDeliverables(yamlText: string): Deliverable[] {
  return parseKnowledgeYaml(yamlText, "deliverables.yml", FileSchema).deliverables;
}

export async function loadDeliverables(knowledgeDir: string): Promise<Deliverable[]> {
  return parseDeliverables(await readKnowledgeFile(knowledgeDir, "deliverables.yml"));
}
