import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { CertibotError } from "../errors.js";

/** A rules file of knowledge/ (deliverables.yml, deadlines.yml): KNOWLEDGE_MISSING when unreadable. */
export async function readKnowledgeFile(knowledgeDir: string, name: string): Promise<string> {
  const path = join(knowledgeDir, name);
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new CertibotError("KNOWLEDGE_MISSING", { detail: `${path}: ${String(e)}`, cause: e });
  }
}

/** YAML checked against its schema: KNOWLEDGE_INVALID naming the file, with zod's account of what is wrong. */
export function parseKnowledgeYaml<S extends z.ZodType>(text: string, name: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new CertibotError("KNOWLEDGE_INVALID", { hint: name, detail: String(e), cause: e });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    throw new CertibotError("KNOWLEDGE_INVALID", { hint: name, detail: z.prettifyError(parsed.error) });
  return parsed.data;
}
