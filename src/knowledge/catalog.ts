import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CertibotError } from "../errors.js";
import { TitreIdentitySchema } from "./identity.js";

export const ParserSchema = z.enum([
  "rncp-table",
  "aivancity-table",
  "expert-interleaved",
  "markdown-sections",
  "generic",
]);

export const ReferentialSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  title: z.string().min(1),
  certification: z.string().optional(),
  rncp: z.string().optional(),
  level: z.number().int().optional(),
  file: z.string().min(1),
  parser: ParserSchema,
  codeFamilies: z.array(z.object({ pattern: z.string(), kind: z.string(), note: z.string().optional() })),
  aliases: z.array(z.string()).default([]),
  /** Words that pick this referential among its group ("aivancity … developer"). */
  qualifiers: z.array(z.string()).default([]),
  /** The titre the document is about and what kind of document it is (read by `knowledge add`, or written here). */
  identity: TitreIdentitySchema.optional(),
});
export type Referential = z.infer<typeof ReferentialSchema>;

export const CatalogSchema = z.object({
  referentials: z.array(ReferentialSchema).min(1),
  groups: z.record(z.string(), z.array(z.string())).default({}),
});
export type Catalog = z.infer<typeof CatalogSchema>;

export async function loadCatalog(knowledgeDir: string): Promise<Catalog> {
  const path = join(knowledgeDir, "referentials.yml");
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (cause) {
    throw new CertibotError("KNOWLEDGE_MISSING", { detail: `cannot read ${path}`, cause });
  }
  const parsed = CatalogSchema.safeParse(parseYaml(raw));
  if (!parsed.success) {
    throw new CertibotError("KNOWLEDGE_INVALID", {
      detail: `${path}: ${z.prettifyError(parsed.error)}`,
    });
  }
  const ids = new Set(parsed.data.referentials.map((r) => r.id));
  for (const [group, members] of Object.entries(parsed.data.groups)) {
    for (const m of members) {
      if (!ids.has(m)) {
        throw new CertibotError("KNOWLEDGE_INVALID", {
          detail: `${path}: group ${group} names unknown ${m}`,
        });
      }
    }
  }
  return parsed.data;
}
