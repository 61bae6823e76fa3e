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

/** A question of the real documents' sets (../shared/documents/README.md), also used for our own sets. */
export interface RealQuestion {
  id: string;
  question: string;
  type: string;
  expect: { referential: string; code: string | null }[];
  facts: string[][];
}

/** What `certibot ask --json` prints. */
export interface CliAnswer {
  answer: string;
  found: boolean;
  sources: { referential: string; code: string | null; title: string }[];
}

/** A phone number or an e-mail address: never to be printed from a document. */
export const PII = /[\w.+-]+@[\w-]+\.[\w.]+|(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}/;

/** The sets' fact rule: NFKD without accents, lower case, ’ as ', whitespace collapsed. */
export const factFold = (s: string) =>
  s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, " ").trim();

export interface RealSetScore {
  inScope: number;
  recall5: number;
  facts: number;
  oos: number;
  declines: number;
  pii: number;
  /** Per first expected document: where the question was written from. */
  byDoc: Map<string, { n: number; r5: number; facts: number }>;
}

/**
 * Asks every question of a real-document set and scores it: recall@5 (an
 * expected referential among the first five sources), facts (every group has
 * an alternative in the answer), out_of_scope declined, personal data printed.
 */
export async function scoreRealSet(
  questions: RealQuestion[],
  ask: (question: string) => Promise<CliAnswer>,
  verbose = false,
): Promise<RealSetScore> {
  const s: RealSetScore = { inScope: 0, recall5: 0, facts: 0, oos: 0, declines: 0, pii: 0, byDoc: new Map() };
  for (const q of questions) {
    const a = await ask(q.question);
    if (PII.test(a.answer) || a.sources.some((x) => PII.test(x.title))) s.pii++;
    if (q.type === "out_of_scope") {
      s.oos++;
      if (!a.found) s.declines++;
      else if (verbose) console.log(`  not declined ${q.id}: ${q.question}`);
      continue;
    }
    s.inScope++;
    const hit = q.expect.some((e) => a.sources.slice(0, 5).some((x) => x.referential === e.referential));
    const answer = factFold(a.answer);
    const held = q.facts.every((group) => group.some((f) => answer.includes(factFold(f))));
    if (hit) s.recall5++;
    if (held) s.facts++;
    const doc = q.expect[0]!.referential;
    const c = s.byDoc.get(doc) ?? { n: 0, r5: 0, facts: 0 };
    c.n++;
    if (hit) c.r5++;
    if (held) c.facts++;
    s.byDoc.set(doc, c);
    if (verbose && (!hit || !held))
      console.log(
        `  ${q.id}${hit ? "" : " MISS"}${held ? "" : " facts missing"}: ${q.question}\n    → ${a.sources
          .slice(0, 5)
          .map((x) => `${x.referential}·${x.code ?? x.title.slice(0, 50)}`)
          .join(" | ")}\n    answer: ${a.answer.replace(/\s+/g, " ").slice(0, 300)}`,
      );
  }
  return s;
}
