import { join } from "node:path";
import type { Embeddings } from "@langchain/core/embeddings";
import type { Config } from "../config.js";
import { CertibotError } from "../errors.js";
import { parseSources, readKnowledgeSources } from "../knowledge/ingest.js";
import { recordText } from "../knowledge/record.js";
import { loadLexicon } from "./lexicon.js";
import { LocalHashEmbeddings } from "./local-embedder.js";
import { Retriever } from "./retriever.js";
import { buildIndex, type IndexManifest, loadIndex, readJson } from "./vector-index.js";

export interface KnowledgeBase {
  retriever: Retriever;
  manifest: IndexManifest;
  rebuilt: boolean;
}

async function makeEmbedder(
  config: Config,
  idf?: Record<string, number>,
): Promise<{ embeddings: Embeddings; id: string }> {
  if (config.embedder.kind === "openai") {
    const { default: OpenAI } = await import("openai");
    const { OpenAICompatibleEmbeddings } = await import("./openai-embedder.js");
    const client = new OpenAI({
      apiKey: config.embedder.apiKey,
      baseURL: config.embedder.baseURL,
      timeout: config.embedder.timeoutMs,
      maxRetries: 1,
    });
    const e = new OpenAICompatibleEmbeddings(client, config.embedder.model);
    return { embeddings: e, id: e.id };
  }
  const e = new LocalHashEmbeddings({ idf });
  return { embeddings: e, id: e.id };
}

/**
 * Opens the knowledge base: loads the saved index when the knowledge files
 * and the embedder are unchanged, otherwise parses and rebuilds it.
 */
export async function openKnowledgeBase(
  config: Config,
  opts: { forceRebuild?: boolean } = {},
): Promise<KnowledgeBase> {
  const { catalog, sources, contentHash } = await readKnowledgeSources(config.knowledgeDir);
  if (!catalog.referentials.some((r) => r.id === config.defaultReferential)) {
    throw new CertibotError("UNKNOWN_REFERENTIAL", {
      hint: `CERTIBOT_DEFAULT_REFERENTIAL=${config.defaultReferential} ; connus : ${catalog.referentials.map((r) => r.id).join(", ")}.`,
    });
  }
  const dir = join(config.dataDir, "index");
  const savedIdf = (await readJson(join(dir, "idf.json"))) as Record<string, number> | null;
  let rebuilt = false;
  let embedder = await makeEmbedder(config, savedIdf ?? undefined);
  let loaded =
    opts.forceRebuild || (config.embedder.kind === "local" && !savedIdf)
      ? null
      : await loadIndex(dir, contentHash, embedder);
  if (!loaded) {
    const records = parseSources(catalog, sources);
    const extra: Record<string, string> = {};
    if (config.embedder.kind === "local") {
      const idf = LocalHashEmbeddings.fitIdf(records.map(recordText));
      embedder = await makeEmbedder(config, idf);
      extra["idf.json"] = JSON.stringify(idf);
    }
    try {
      loaded = await buildIndex(dir, records, contentHash, embedder, extra);
    } catch (cause) {
      throw new CertibotError("INDEX_UNAVAILABLE", { detail: String(cause), cause });
    }
    rebuilt = true;
  }
  const retriever = new Retriever(catalog, loaded.records, loaded.store, embedder.embeddings, {
    defaultReferential: config.defaultReferential,
    lexicon: await loadLexicon(config.knowledgeDir),
  });
  return { retriever, manifest: loaded.manifest, rebuilt };
}
