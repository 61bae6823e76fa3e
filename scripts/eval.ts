/**
 * Retrieval quality on test/fixtures/gold.jsonl: recall@1, recall@5, MRR and
 * out-of-scope refusals. Exits 1 below the thresholds (run by `npm test`).
 * Usage: npm run eval [-- --verbose] [-- --file other.jsonl]
 */
import { resolve } from "node:path";
import { fold } from "../src/lib/text.js";
import type { Hit } from "../src/retrieval/retriever.js";
import { readJsonl, withOfflineKnowledge } from "./eval-common.js";

const THRESHOLDS = { recallAt1: 0.85, recallAt5: 0.93, mrr: 0.88, refusals: 1.0, falseRefusals: 0.03 };

interface Expected {
  referential: string | null;
  code: string | null;
  section: string | null;
}
interface Gold extends Expected {
  id: string;
  q: string;
  kind: string;
  lang: string;
  alt?: Expected[];
}

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const fileArg = args.indexOf("--file");
const file = resolve(fileArg >= 0 ? args[fileArg + 1]! : "test/fixtures/gold.jsonl");
const gold = readJsonl<Gold>(file);

// A glossary entry is titled « Glossaire : MLOps » by the RNCP parser and « MLOps » by the generic
// reader (CERTIBOT_PARSERS=generic): the same entry.
const titled = (h: Hit) =>
  h.record.kind === "glossary" && !h.record.title.startsWith("Glossaire")
    ? `Glossaire : ${h.record.title}`
    : h.record.title;
const matches = (h: Hit, e: Expected) =>
  h.record.referential === e.referential &&
  (e.code ? h.record.code === e.code : e.section ? fold(titled(h)).includes(fold(e.section)) : true);

await withOfflineKnowledge(async (kb) => {
  let r1 = 0;
  let r5 = 0;
  let mrr = 0;
  let inScope = 0;
  let oos = 0;
  let refused = 0;
  let falseRefusals = 0;
  const failures: string[] = [];
  const byKind = new Map<string, { n: number; r1: number }>();
  for (const g of gold) {
    const res = await kb.retriever.search(g.q, 5);
    const k = byKind.get(g.kind) ?? { n: 0, r1: 0 };
    k.n++;
    if (g.referential === null) {
      oos++;
      if (!res.found) {
        refused++;
        k.r1++;
      } else failures.push(`${g.id} NOT REFUSED: ${g.q} → ${res.hits[0]?.record.id}`);
    } else {
      inScope++;
      if (!res.found) falseRefusals++;
      const expected = [g, ...(g.alt ?? [])];
      const rank = res.hits.findIndex((h) => expected.some((e) => matches(h, e)));
      if (rank === 0) {
        r1++;
        k.r1++;
      }
      if (rank >= 0) {
        r5++;
        mrr += 1 / (rank + 1);
      }
      if (rank !== 0)
        failures.push(
          `${g.id} rank=${rank < 0 ? "miss" : rank + 1} [${g.kind}] ${g.q} → want ${g.referential}:${g.code ?? g.section} got ${res.found ? res.hits.map((h) => h.record.id.replace(/:section-(.{25}).*/, ":§$1")).join(", ") : `refused (${res.outcome})`}`,
        );
    }
    byKind.set(g.kind, k);
  }
  const m = {
    recallAt1: r1 / inScope,
    recallAt5: r5 / inScope,
    mrr: mrr / inScope,
    refusals: oos ? refused / oos : 1,
    falseRefusals: falseRefusals / inScope,
  };
  if (verbose) for (const f of failures) console.log(f);
  console.log(
    `gold: ${gold.length} questions (${inScope} in scope, ${oos} out of scope/unsafe) from ${file}`,
  );
  console.log(
    `recall@1 ${m.recallAt1.toFixed(3)}  recall@5 ${m.recallAt5.toFixed(3)}  MRR ${m.mrr.toFixed(3)}  refusals ${refused}/${oos}  false refusals ${falseRefusals}/${inScope}`,
  );
  console.log(
    `by kind (top-1 or refusal): ${[...byKind].map(([kind, v]) => `${kind} ${v.r1}/${v.n}`).join(", ")}`,
  );
  const below = (Object.keys(THRESHOLDS) as (keyof typeof THRESHOLDS)[]).filter((key) =>
    key === "falseRefusals" ? m[key] > THRESHOLDS[key] : m[key] < THRESHOLDS[key],
  );
  if (below.length) {
    console.error(
      `eval FAILED: ${below.map((b) => `${b} ${m[b].toFixed(3)} vs ${THRESHOLDS[b]}`).join(", ")}`,
    );
    process.exitCode = 1;
  } else console.log("eval passed");
});
