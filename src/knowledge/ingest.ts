import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CertibotError } from "../errors.js";
import { type Catalog, loadCatalog, type Referential } from "./catalog.js";
import { parseAivancityTable } from "./parse-aivancity.js";
import { parseExpertInterleaved } from "./parse-expert.js";
import { parseMarkdownSections } from "./parse-markdown.js";
import { parseRncpTable } from "./parse-rncp.js";
import { textBlocks } from "./reader/read-text.js";
import { structure } from "./reader/structure.js";
import { type KnowledgeRecord, KnowledgeRecordSchema } from "./record.js";

const PARSERS: Record<Referential["parser"], (id: string, source: string) => KnowledgeRecord[]> = {
  "rncp-table": parseRncpTable,
  "aivancity-table": parseAivancityTable,
  "expert-interleaved": parseExpertInterleaved,
  "markdown-sections": parseMarkdownSections,
  generic: (id, source) => structure(id, textBlocks(source, "md").blocks),
};

export interface Knowledge {
  catalog: Catalog;
  records: KnowledgeRecord[];
  /** Hash of the catalog and every referential file: the index is rebuilt when it changes. */
  contentHash: string;
}

/**
 * Part of the content hash: bump it when parsing or the local embedder's
 * features change, so saved indexes built by older code are rebuilt rather
 * than served stale.
 */
export const INGEST_VERSION = 6;

/** Raw files and their hash, without parsing: enough to tell whether a saved index is current. */
export async function readKnowledgeSources(
  knowledgeDir: string,
): Promise<{ catalog: Catalog; sources: Map<string, string>; contentHash: string }> {
  const catalog = await loadCatalog(knowledgeDir);
  const hash = createHash("sha256");
  hash.update(`certibot-ingest-${INGEST_VERSION}\0`);
  hash.update(await readFile(join(knowledgeDir, "referentials.yml")));
  const sources = new Map<string, string>();
  for (const ref of catalog.referentials) {
    const path = join(knowledgeDir, "referentials", ref.file);
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (cause) {
      throw new CertibotError("KNOWLEDGE_MISSING", { detail: `${ref.id}: cannot read ${path}`, cause });
    }
    hash.update(`\0${ref.id}\0`);
    hash.update(text);
    sources.set(ref.id, text);
  }
  return { catalog, sources, contentHash: hash.digest("hex").slice(0, 16) };
}

export function parseSources(catalog: Catalog, sources: Map<string, string>): KnowledgeRecord[] {
  const records: KnowledgeRecord[] = [];
  for (const ref of catalog.referentials) {
    const parsed = PARSERS[ref.parser](ref.id, sources.get(ref.id) ?? "");
    if (parsed.length === 0) {
      throw new CertibotError("KNOWLEDGE_INVALID", {
        detail: `${ref.id}: no record could be parsed from ${ref.file}`,
      });
    }
    for (const r of parsed) KnowledgeRecordSchema.parse(r);
    records.push(...parsed);
  }
  const ids = new Set<string>();
  for (const r of records) {
    if (ids.has(r.id))
      throw new CertibotError("KNOWLEDGE_INVALID", { detail: `duplicate record id ${r.id}` });
    ids.add(r.id);
  }
  return records;
}

export async function loadKnowledge(knowledgeDir: string): Promise<Knowledge> {
  const { catalog, sources, contentHash } = await readKnowledgeSources(knowledgeDir);
  return { catalog, records: parseSources(catalog, sources), contentHash };
}
