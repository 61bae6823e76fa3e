/**
 * Documents added with `certibot knowledge add`, judged as an operator would:
 * each document of test/fixtures/knowledge is added through the CLI to a
 * fresh data dir, then its questions are asked with `certibot ask --json`.
 * Prints recall@5 (the expected passage among the sources), facts held (every
 * expected fact in the answer), declines, personal data printed, and the
 * shipped gold set's recall with the documents added. Exits 1 below
 * recall@5 0.9, facts 0.7, or on any phone number or e-mail printed.
 *
 * The real published documents (REAC/RE of CDA and DWWM, ../shared/documents)
 * are judged by their own question sets (qa-*.jsonl): recall@5 is an expected
 * referential among the first five sources, facts are groups of alternatives
 * matched as substrings after NFKD accent stripping, lowercasing, ’→' and
 * whitespace collapsing; out_of_scope questions must be declined (found false).
 * They fail below REAL_MIN (set just under what the reader reaches).
 * Usage: npm run eval:knowledge [-- --verbose]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../src/config.js";
import { fold } from "../src/lib/text.js";
import { buildGuidePdf } from "../test/helpers/knowledge-documents.js";
import { runMain } from "../test/helpers/run-main.js";
import { type CliAnswer, PII, type RealQuestion, readJsonl, scoreRealSet } from "./eval-common.js";

interface Question {
  q: string;
  code?: string;
  section?: string;
  facts?: string[];
  found?: boolean;
}
type Answer = CliAnswer;

/** Failing thresholds of the real documents, just under what the reader reaches. */
const REAL_MIN = { recall5: 0.95, facts: 0.7 };

const verbose = process.argv.includes("--verbose");
const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "knowledge");
const dataDir = mkdtempSync(join(tmpdir(), "certibot-eval-knowledge-"));
const realDir = mkdtempSync(join(tmpdir(), "certibot-eval-knowledge-real-"));
const env = { CERTIBOT_DATA_DIR: dataDir, CERTIBOT_LOG_LEVEL: "error", OPENAI_API_KEY: "" };

try {
  writeFileSync(join(dataDir, "referentiel-cda.pdf"), await buildGuidePdf());
  const documents = [
    {
      id: "bac-pro-assp",
      title:
        "Bac pro Accompagnement, soins et services à la personne — périodes de formation en milieu professionnel",
      file: join(FIXTURES, "bac-pro-assp-annexe-ii.md"),
      questions: "bac-pro-assp.questions.jsonl",
    },
    {
      id: "cda-campus",
      title: "Concepteur développeur d'applications — Campus Numérique",
      file: join(dataDir, "referentiel-cda.pdf"),
      questions: "cda-guide.questions.jsonl",
    },
  ];
  const real = [
    {
      id: "cda-reac",
      title: "REAC Concepteur développeur d'applications (CDA)",
      file: join(FIXTURES, "reac-cda-2023.pdf"),
    },
    {
      id: "cda-re",
      title: "RE Concepteur développeur d'applications (CDA)",
      file: join(FIXTURES, "re-cda-2023.pdf"),
    },
    {
      id: "dwwm",
      title: "REAC et RE Développeur web et web mobile (DWWM)",
      file: join(FIXTURES, "reac-re-dwwm-2023.pdf"),
    },
  ];
  let failed = false;
  // The real documents in a knowledge base of their own: the synthetic CDA guide above is another CDA,
  // and an operator indexes one titre's documents once.
  const realEnv = { ...env, CERTIBOT_DATA_DIR: realDir };
  for (const d of documents) {
    const add = await runMain(["knowledge", "add", "--id", d.id, "--title", d.title, d.file], env);
    if (add.code !== 0) throw new Error(`knowledge add ${d.id} failed: ${add.stderr}`);
    console.log(add.stdout.trim().split("\n").slice(-1)[0]);
  }
  for (const d of real) {
    const add = await runMain(["knowledge", "add", "--id", d.id, "--title", d.title, d.file], realEnv);
    if (add.code !== 0) throw new Error(`knowledge add ${d.id} failed: ${add.stderr}`);
    console.log(verbose ? add.stdout.trim() : add.stdout.trim().split("\n").slice(-1)[0]);
  }
  for (const set of ["qa-cda.jsonl", "qa-dwwm.jsonl"]) {
    const score = await scoreRealSet(
      readJsonl<RealQuestion>(join(FIXTURES, set)),
      async (q) => JSON.parse((await runMain(["ask", "--json", q], realEnv)).stdout) as Answer,
      verbose,
    );
    for (const [doc, c] of score.byDoc)
      console.log(
        `  ${doc}: ${c.n} questions — recall@5 ${(c.r5 / c.n).toFixed(3)}, facts ${(c.facts / c.n).toFixed(3)}`,
      );
    const r5 = score.recall5 / score.inScope;
    const f = score.facts / score.inScope;
    console.log(
      `${set}: ${score.inScope + score.oos} questions — recall@5 ${r5.toFixed(3)}, facts ${f.toFixed(3)}, declined ${score.declines}/${score.oos}, personal data printed ${score.pii}`,
    );
    if (r5 < REAL_MIN.recall5 || f < REAL_MIN.facts || score.pii > 0) failed = true;
  }
  for (const d of documents) {
    const qs = readJsonl(join(FIXTURES, d.questions)) as Question[];
    let inScope = 0;
    let recall5 = 0;
    let recall1 = 0;
    let facts = 0;
    let declines = 0;
    let oos = 0;
    let pii = 0;
    for (const q of qs) {
      const r = await runMain(["ask", "--json", q.q], env);
      const a = JSON.parse(r.stdout) as Answer;
      if (PII.test(a.answer) || a.sources.some((s) => PII.test(s.title))) pii++;
      if (q.found === false) {
        oos++;
        if (!a.found || !a.sources.some((s) => s.referential === d.id)) declines++;
        else if (verbose) console.log(`  not declined: ${q.q}`);
        continue;
      }
      inScope++;
      const hit = (s: Answer["sources"][number]) =>
        s.referential === d.id &&
        (q.code ? s.code === q.code : fold(s.title).includes(fold(q.section ?? "")));
      const rank = a.sources.findIndex(hit);
      if (rank === 0) recall1++;
      if (rank >= 0) recall5++;
      const held = (q.facts ?? []).every((f) => fold(a.answer).includes(fold(f)));
      if (held) facts++;
      if (verbose && (rank !== 0 || !held))
        console.log(
          `  ${rank < 0 ? "MISS" : `rank ${rank + 1}`}${held ? "" : " facts missing"}: ${q.q} → ${a.sources
            .map((s) => `${s.referential}·${s.code ?? s.title.slice(0, 40)}`)
            .join(" | ")}`,
        );
    }
    const r5 = recall5 / inScope;
    const f = facts / inScope;
    console.log(
      `${d.id}: ${qs.length} questions — recall@1 ${(recall1 / inScope).toFixed(3)}, recall@5 ${r5.toFixed(3)}, facts ${f.toFixed(3)}, declined ${declines}/${oos}, personal data printed ${pii}`,
    );
    if (r5 < 0.9 || f < 0.7 || pii > 0 || declines < oos) failed = true;
  }
  // The shipped referentials answer as well with the new documents indexed.
  const gold = readJsonl(join(PACKAGE_ROOT, "test", "fixtures", "gold.jsonl")) as {
    q: string;
    referential: string | null;
    code: string | null;
    section: string | null;
  }[];
  let g1 = 0;
  let gn = 0;
  for (const g of gold.filter((x) => x.referential)) {
    gn++;
    const a = JSON.parse((await runMain(["ask", "--json", g.q], env)).stdout) as Answer;
    const s = a.sources[0];
    if (
      s &&
      s.referential === g.referential &&
      (g.code ? s.code === g.code : !g.section || fold(s.title).includes(fold(g.section)))
    )
      g1++;
  }
  console.log(`shipped gold set with the documents added: recall@1 ${(g1 / gn).toFixed(3)} (${g1}/${gn})`);
  if (failed) {
    console.log("eval:knowledge FAILED");
    process.exitCode = 1;
  } else console.log("eval:knowledge passed");
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(realDir, { recursive: true, force: true });
}
