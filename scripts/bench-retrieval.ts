/**
 * Retrieval speed, measured (not asserted): index build time, query latency
 * p50/p95 over the gold questions, cold-start time of `certibot ask`, peak RSS.
 * Targets on the 2-core reference machine: build ≤ 2 s, p95 ≤ 5 ms,
 * cold ask ≤ 1.5 s, RSS ≤ 250 MB. Usage: npm run bench:retrieval
 *
 * `--scale N` adds N copies of the six shipped documents under new ids (a
 * network of schools indexing dozens of titres): at N = 7 (48 documents,
 * about 2,500 records) the targets are build ≤ 2 s, cold ask ≤ 0.8 s, query
 * p95 ≤ 2 ms.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answerQuestion } from "../src/answering/answer.js";
import { loadConfig, PACKAGE_ROOT } from "../src/config.js";
import { openKnowledgeBase } from "../src/retrieval/knowledge-base.js";
import { percentile } from "./percentile.js";

const scaleArg = process.argv.indexOf("--scale");
const scale = scaleArg >= 0 ? Number(process.argv[scaleArg + 1]) : 0;
if (!Number.isInteger(scale) || scale < 0) throw new Error("--scale takes a number of copies");

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

const dataDir = mkdtempSync(join(tmpdir(), "certibot-bench-"));
// The shipped knowledge, plus `scale` copies of each referential under new ids.
const knowledgeDir = join(dataDir, "knowledge");
cpSync(join(PACKAGE_ROOT, "knowledge"), knowledgeDir, { recursive: true });
if (scale > 0) {
  const catalog = readFileSync(join(knowledgeDir, "referentials.yml"), "utf8");
  const entries = [...catalog.matchAll(/^ {2}- id: ([a-z0-9-]+)\n((?: {4}.*\n)+)/gm)];
  let extra = "";
  for (let n = 1; n <= scale; n++)
    for (const [, id, body] of entries)
      extra += `  - id: ${id}-copy${n}\n${body!.replace(/^ {4}(aliases|qualifiers):.*$/gm, "    $1: []")}`;
  writeFileSync(
    join(knowledgeDir, "referentials.yml"),
    catalog.replace(/^groups:/m, `${extra.replace(/\n$/, "")}\ngroups:`),
  );
}
try {
  const config = loadConfig({
    ...process.env,
    CERTIBOT_DATA_DIR: dataDir,
    CERTIBOT_KNOWLEDGE_DIR: knowledgeDir,
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
    `index build from scratch (parse every document + tokenize + BM25 + save, ${kb.manifest.documents.length} documents, ${kb.retriever.records.length} records): median ${fmt(percentile(builds, 50))}, max ${fmt(Math.max(...builds))}`,
  );
  // One document changed: only it is parsed again, the others come from their cache.
  const incremental: number[] = [];
  const brochure = join(knowledgeDir, "referentials", "simplon-ecole-ia-brochure.md");
  const original = readFileSync(brochure, "utf8");
  for (let i = 0; i < 5; i++) {
    writeFileSync(brochure, `${original}\n## Rubrique ${i}\n\nTexte ajouté ${i}.\n`);
    const t = performance.now();
    kb = await openKnowledgeBase(config);
    incremental.push(performance.now() - t);
  }
  writeFileSync(brochure, original);
  kb = await openKnowledgeBase(config);
  console.log(
    `index rebuild after one document changed (incremental): median ${fmt(percentile(incremental, 50))}, max ${fmt(Math.max(...incremental))}`,
  );
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await openKnowledgeBase(config);
    loads.push(performance.now() - t);
  }
  console.log(`saved index load (in process): median ${fmt(percentile(loads, 50))}`);

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
  const env = {
    ...process.env,
    CERTIBOT_DATA_DIR: dataDir,
    CERTIBOT_KNOWLEDGE_DIR: knowledgeDir,
    OPENAI_API_KEY: "",
  };
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
