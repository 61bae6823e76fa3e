/**
 * Answer quality: asks every question of an answer set through the same path
 * as `certibot ask` (offline, extractive) and scores what users meet:
 * fact-hit (the answer holds every expected fact, accents and case folded),
 * recall@1/@5 of the cited sources, declines and false refusals, per kind.
 * Exits 1 below the thresholds (run by `npm test`).
 * Usage: tsx scripts/eval-answers.ts [--verbose] [--file set.jsonl] [--held-back]
 *        [--min-fact-hit 0.8] [--min-comparison 0.6]
 */
import { resolve } from "node:path";
import { answerQuestion } from "../src/answering/answer.js";
import { fold } from "../src/lib/text.js";
import { readJsonl, withOfflineKnowledge } from "./eval-common.js";

// The issue's targets. The held-back set (never tuned on) is gated lower, as
// a regression guard: its figures are what to expect on new questions.
const args = process.argv.slice(2);
const held = args.includes("--held-back");
const THRESHOLDS = held
  ? { factHit: 0.7, comparison: 0.5, procedure: 0.5, declines: 1.0, falseRefusals: 1 }
  : { factHit: 0.85, comparison: 0.75, procedure: 0.75, declines: 0.8, falseRefusals: 0 };
// A set may be gated at its own fact-hit or comparison rate (the later tuning sets are harder).
const minArg = args.indexOf("--min-fact-hit");
if (minArg >= 0) THRESHOLDS.factHit = Number(args[minArg + 1]);
const minComparison = args.indexOf("--min-comparison");
if (minComparison >= 0) THRESHOLDS.comparison = Number(args[minComparison + 1]);

interface Expected {
  referential: string | null;
  code: string | null;
  section: string | null;
}
interface Item extends Expected {
  id: string;
  q: string;
  kind: string;
  lang: string;
  facts: string[];
  history?: { question: string; answer: string }[];
  alt?: Expected[];
}

const verbose = args.includes("--verbose");
const fileArg = args.indexOf("--file");
const file = resolve(fileArg >= 0 ? args[fileArg + 1]! : "test/fixtures/answers-tune.jsonl");
const items = readJsonl<Item>(file);

const norm = (s: string) => fold(s).replace(/[’']/g, "'").replace(/\s+/g, " ");
const NO_ANSWER = new Set(["decline", "smalltalk"]);

await withOfflineKnowledge(async (kb) => {
  const deps = { retriever: kb.retriever, llm: null };
  const kinds = new Map<string, { n: number; hit: number; r1: number; r5: number }>();
  let declined = 0;
  let toDecline = 0;
  let falseRefusals = 0;
  let inScope = 0;
  let hits = 0;
  let r1 = 0;
  let r5 = 0;
  const failures: string[] = [];
  for (const it of items) {
    const a = await answerQuestion(deps, it.q, { history: it.history ?? [] });
    const k = kinds.get(it.kind) ?? { n: 0, hit: 0, r1: 0, r5: 0 };
    k.n++;
    kinds.set(it.kind, k);
    if (NO_ANSWER.has(it.kind)) {
      toDecline += it.kind === "decline" ? 1 : 0;
      const ok = !a.found && (it.kind === "decline" ? a.intent === "out-of-scope" : a.intent === "smalltalk");
      if (ok) {
        k.hit++;
        if (it.kind === "decline") declined++;
      } else
        failures.push(
          `${it.id} [${it.kind}] NOT ${it.kind === "decline" ? "DECLINED" : "SMALL TALK"}: ${it.q} → ${a.intent} ${a.sources[0]?.referential ?? ""}·${a.sources[0]?.code ?? a.sources[0]?.title ?? ""}`,
        );
      continue;
    }
    inScope++;
    if (!a.found) falseRefusals++;
    const text = norm(a.answer);
    const missing = it.facts.filter((f) => !text.includes(norm(f)));
    const expected = [it, ...(it.alt ?? [])].filter((e) => e.referential);
    const rank = a.sources.findIndex((s) =>
      expected.some(
        (e) =>
          s.referential === e.referential &&
          (e.code ? s.code === e.code : e.section ? norm(s.title).includes(norm(e.section)) : true),
      ),
    );
    if (rank === 0) {
      r1++;
      k.r1++;
    }
    if (rank >= 0) {
      r5++;
      k.r5++;
    }
    if (!missing.length) {
      hits++;
      k.hit++;
    } else
      failures.push(
        `${it.id} [${it.kind}] ${it.q} → missing ${JSON.stringify(missing)}; cited ${a.found ? a.sources.map((s) => `${s.referential}·${s.code ?? s.title.slice(0, 30)}`).join(", ") : `nothing (${a.intent})`}${verbose ? `\n    ${a.answer.replace(/\n/g, "\n    ").slice(0, 900)}` : ""}`,
      );
  }
  const rate = (kind: string) => {
    const k = kinds.get(kind);
    return k ? k.hit / k.n : 1;
  };
  const m = {
    factHit: hits / inScope,
    comparison: rate("comparison"),
    procedure: rate("procedure"),
    declines: toDecline ? declined / toDecline : 1,
    falseRefusals,
  };
  if (verbose) for (const f of failures) console.log(f);
  console.log(`answers: ${items.length} questions (${inScope} to answer) from ${file}`);
  console.log(
    `fact-hit ${m.factHit.toFixed(3)}  recall@1 ${(r1 / inScope).toFixed(3)}  recall@5 ${(r5 / inScope).toFixed(3)}  declined ${declined}/${toDecline}  false refusals ${falseRefusals}/${inScope}`,
  );
  console.log(`fact-hit by kind: ${[...kinds].map(([kind, v]) => `${kind} ${v.hit}/${v.n}`).join(", ")}`);
  const below = (Object.keys(THRESHOLDS) as (keyof typeof THRESHOLDS)[]).filter((key) =>
    key === "falseRefusals" ? m[key] > THRESHOLDS[key] : m[key] < THRESHOLDS[key],
  );
  if (below.length) {
    console.error(
      `answer eval FAILED: ${below.map((b) => `${b} ${Number(m[b]).toFixed(3)} vs ${THRESHOLDS[b]}`).join(", ")}`,
    );
    process.exitCode = 1;
  } else console.log("answer eval passed");
});
