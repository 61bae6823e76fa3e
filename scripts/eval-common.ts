/** What the eval scripts share: reading a question set, and an offline knowledge base in a temporary data dir. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { type KnowledgeBase, openKnowledgeBase } from "../src/retrieval/knowledge-base.js";

/** One JSON object per non-empty line. */
export function readJsonl<T>(file: string): T[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** Runs `fn` with the shipped knowledge indexed offline (local embedder, no LLM) in a throwaway data dir. */
export async function withOfflineKnowledge<T>(fn: (kb: KnowledgeBase) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), "certibot-eval-"));
  try {
    const config = loadConfig({
      ...process.env,
      CERTIBOT_DATA_DIR: dataDir,
      OPENAI_API_KEY: "",
      CERTIBOT_EMBEDDER: "local",
    });
    return await fn(await openKnowledgeBase(config));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
