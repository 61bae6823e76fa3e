import { z } from "zod";
import { parseKnowledgeYaml, readKnowledgeFile } from "../knowledge/yaml-file.js";

const SectionSchema = z.object({
  name: z.string().min(1),
  aliases: z.array(z.string().min(1)).min(1),
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
  })
  .refine((d) => d.pages[0] <= d.pages[1], { message: "pages: [min, max] avec min ≤ max" });

const FileSchema = z
  .object({ deliverables: z.array(DeliverableSchema).min(1) })
  .refine((f) => new Set(f.deliverables.map((d) => d.id)).size === f.deliverables.length, {
    message: "identifiants de livrables en double",
  });

export type Deliverable = z.infer<typeof DeliverableSchema>;
export type ExpectedSection = z.infer<typeof SectionSchema>;

/**
 * Compares headings and aliases on letters only: a candidate writes "ÉTAT DE L'ART",
 * "2.1 Etat de l’art" or "Partie 2 – état de l'art" for the same section.
 */
export function normalizeHeading(text: string): string {
  let s = text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/œ/g, "oe")
    .replace(/æ/g, "ae")
    .replace(/[’'`´]/g, " ")
    .trim();
  // Numbering prefixes, possibly stacked ("Partie 1 - 1.2 ...").
  const prefix =
    /^(?:(?:partie|part|chapitre|chapter|section|annexe)\s+(?:[0-9]+|[ivxlc]+|premiere|deuxieme|seconde|troisieme)\b|[0-9]+(?:\.[0-9]+)*\.?(?=[\s.)\-–—:])|[ivxlc]+(?=[.)\-–—:])|[a-h](?=[.)]))\s*[.)\-–—:]?\s*/;
  for (let i = 0; i < 3 && prefix.test(s); i++) s = s.replace(prefix, "");
  return s
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** True when the normalized heading names the section (whole words, anywhere in the heading). */
export function headingMatches(normalizedHeading: string, section: ExpectedSection): boolean {
  const padded = ` ${normalizedHeading} `;
  return section.aliases.some((a) => padded.includes(` ${normalizeHeading(a)} `));
}

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
