import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import { Document } from "@langchain/core/documents";
import type { Embeddings } from "@langchain/core/embeddings";
import { z } from "zod";
import { type KnowledgeRecord, KnowledgeRecordSchema, recordText } from "../knowledge/record.js";

const ManifestSchema = z.object({
  version: z.literal(1),
  contentHash: z.string(),
  embedderId: z.string(),
  dims: z.number().int().positive(),
  records: z.number().int(),
  builtAt: z.string(),
  buildMs: z.number(),
});
export type IndexManifest = z.infer<typeof ManifestSchema>;

export interface EmbedderInfo {
  embeddings: Embeddings;
  id: string;
}

export interface LoadedIndex {
  store: HNSWLib;
  records: KnowledgeRecord[];
  manifest: IndexManifest;
  rebuilt: boolean;
}

export async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
}

/** Loads the saved index when it matches the knowledge and embedder, else returns null. */
export async function loadIndex(
  dir: string,
  contentHash: string,
  embedder: EmbedderInfo,
): Promise<Omit<LoadedIndex, "rebuilt"> | null> {
  const manifest = ManifestSchema.safeParse(await readJson(join(dir, "manifest.json")));
  if (!manifest.success) return null;
  if (manifest.data.contentHash !== contentHash || manifest.data.embedderId !== embedder.id) return null;
  const records = z.array(KnowledgeRecordSchema).safeParse(await readJson(join(dir, "records.json")));
  if (!records.success) return null;
  try {
    const store = await HNSWLib.load(dir, embedder.embeddings);
    return { store, records: records.data, manifest: manifest.data };
  } catch {
    return null; // corrupt or partial files: rebuild
  }
}

/**
 * Embeds every record and saves the HNSW index with its records and a
 * manifest. Written to a temporary folder then renamed, so a concurrent
 * reader never sees half an index.
 */
export async function buildIndex(
  dir: string,
  records: KnowledgeRecord[],
  contentHash: string,
  embedder: EmbedderInfo,
  extraFiles: Record<string, string> = {},
): Promise<Omit<LoadedIndex, "rebuilt">> {
  const t0 = performance.now();
  const docs = records.map((r) => new Document({ pageContent: recordText(r), metadata: { id: r.id } }));
  const vectors = await embedder.embeddings.embedDocuments(docs.map((d) => d.pageContent));
  const dims = vectors[0]?.length ?? 0;
  const store = new HNSWLib(embedder.embeddings, { space: "cosine", numDimensions: dims });
  await store.addVectors(vectors, docs);
  const manifest: IndexManifest = {
    version: 1,
    contentHash,
    embedderId: embedder.id,
    dims,
    records: records.length,
    builtAt: new Date().toISOString(),
    buildMs: Math.round(performance.now() - t0),
  };
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(tmp, { recursive: true });
  await store.save(tmp);
  await writeFile(join(tmp, "records.json"), JSON.stringify(records));
  for (const [name, content] of Object.entries(extraFiles)) await writeFile(join(tmp, name), content);
  await writeFile(join(tmp, "manifest.json"), JSON.stringify(manifest, null, 2));
  const old = `${dir}.old-${process.pid}-${Date.now()}`;
  await rename(dir, old).catch(() => undefined);
  await rename(tmp, dir).catch(async (e) => {
    // Another process won the race with an equivalent index: keep theirs.
    await rm(tmp, { recursive: true, force: true });
    if ((e as NodeJS.ErrnoException).code !== "ENOTEMPTY" && (e as NodeJS.ErrnoException).code !== "EEXIST")
      throw e;
  });
  await rm(old, { recursive: true, force: true });
  return { store, records, manifest };
}
