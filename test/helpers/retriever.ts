import { CatalogSchema } from "../../src/knowledge/catalog.js";
import type { KnowledgeRecord } from "../../src/knowledge/record.js";
import { loadLexicon } from "../../src/retrieval/lexicon.js";
import { LocalHashEmbeddings } from "../../src/retrieval/local-embedder.js";
import { Retriever } from "../../src/retrieval/retriever.js";
import { KNOWLEDGE_DIR } from "./temp.js";

/**
 * A retriever over a few records written in a test, each referential a generic document of the catalog,
 * with the shipped lexicon (the first referential is the default); the hashing embedder's ranking is not
 * fused, so no vector store is built.
 */
export async function retrieverOver(
  records: KnowledgeRecord[],
  titles: Record<string, string>,
): Promise<Retriever> {
  const ids = Object.keys(titles);
  const catalog = CatalogSchema.parse({
    referentials: ids.map((id) => ({
      id,
      title: titles[id],
      file: `${id}.pdf`,
      parser: "generic",
      codeFamilies: [],
    })),
  });
  return new Retriever(
    catalog,
    records,
    async () => {
      throw new Error("the hashing embedder's ranking is not fused");
    },
    new LocalHashEmbeddings(),
    { defaultReferential: ids[0]!, lexicon: await loadLexicon(KNOWLEDGE_DIR) },
  );
}
