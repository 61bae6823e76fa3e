/**
 * Retrieval speed, measured (not asserted): index build time, query latency
 * p50/p95 over the gold questions, cold-start time of `certibot ask`, peak RSS.
 * Targets on the 2-core reference machine: build ≤ 2 s, p95 ≤ 5 ms,
 * cold ask ≤ 1.5 s, RSS ≤ 250 MB. Usage: npm run bench:retrieval
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerQuestion } from "../src/answering/answer.js";
import { loadConfig, PACKAGE_ROOT } from "../src/config.js";
import { openKnowledgeBase } from "../src/retrieval/knowledge-base.js";
import { percentile } from "./percentile.js";

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), "certibot-bench-"));
try {
  const config = loadConfig({
    ...process.env,
    CERTIBOT_DATA_DIR: dataDir,
    OPENAI_API_KEY: "",
    CERTIBOT_EMBEDDER: "local",
  });

  const builds: number[] = [];
  let kb = await openKnowledgeBase(config, { forceRebuild: true });
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    kb = await openKnowledgeBase(config, { forceRebuild: true });
    builds.push(performance.now() - t);
  }
  console.log(
    `index build (parse + embed + HNSW + save, ${kb.retriever.records.length} records): median ${fmt(percentile(builds, 50))}, max ${fmt(Math.max(...builds))}`,
  );

  const questions = readFileSync(join(PACKAGE_ROOT, "test/fixtures/gold.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).q as string);
  const deps = { retriever: kb.retriever, llm: null };
  for (const q of questions) await answerQuestion(deps, q); // warm-up
  const search: number[] = [];
  const answer: number[] = [];
  for (let round = 0; round < 10; round++) {
    for (const q of questions) {
      let t = performance.now();
      await kb.retriever.search(q);
      search.push(performance.now() - t);
      t = performance.now();
      await answerQuestion(deps, q);
      answer.push(performance.now() - t);
    }
  }
  console.log(
    `query (retrieval only, ${search.length} runs): p50 ${fmt(percentile(search, 50))}, p95 ${fmt(percentile(search, 95))}, max ${fmt(Math.max(...search))}`,
  );
  console.log(
    `query (retrieval + extractive answer): p50 ${fmt(percentile(answer, 50))}, p95 ${fmt(percentile(answer, 95))}`,
  );
  console.log(`bench process peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

  const bin = join(PACKAGE_ROOT, "bin", "certibot.js");
  const compiled = existsSync(join(PACKAGE_ROOT, "dist", "cli", "main.js"));
  const env = { ...process.env, CERTIBOT_DATA_DIR: dataDir, OPENAI_API_KEY: "" };
  const cold: number[] = [];
  let rssKb = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = spawnSync(
      "/usr/bin/time",
      ["-f", "%M", process.execPath, bin, "ask", "Que demande la compétence C12 ?"],
      {
        env,
        encoding: "utf8",
      },
    );
    cold.push(performance.now() - t);
    rssKb = Math.max(rssKb, Number(r.stderr.trim().split("\n").pop()));
    if (r.status !== 0) throw new Error(`ask failed: ${r.stderr}`);
  }
  console.log(
    `cold \`certibot ask\` (${compiled ? "compiled dist/" : "tsx, no dist/: run npm run build"}; new process, saved index): median ${fmt(percentile(cold, 50))}, max ${fmt(Math.max(...cold))}; peak RSS ${(rssKb / 1024).toFixed(0)} MB`,
  );
  rmSync(join(dataDir, "index"), { recursive: true, force: true });
  const t = performance.now();
  execFileSync(process.execPath, [bin, "ask", "C12 ?"], { env, stdio: "ignore" });
  console.log(`first \`certibot ask\` on a fresh data dir (builds the index): ${fmt(performance.now() - t)}`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
