/**
 * Titres named any way people name them, judged as an operator would: real
 * documents of other titres (test/fixtures/knowledge: the RNCP annexes of
 * two titres professionnels, as PDF and DOCX) and, when present, the three
 * development documents of ../shared/documents are added with
 * `certibot knowledge add --id ID --title "TITLE" FILE`, then every question
 * set is asked through `certibot ask --json`. Per set: recall@5 (a source of
 * an expected document among the five), facts held (every fact group has an
 * alternative in the answer, accents and case aside), out-of-scope and
 * unindexed titres declined, personal data printed. Exits 1 when a set of
 * this directory is below recall@5 0.9 (a question naming a titre must reach
 * its documents), when an out-of-scope question or an unindexed titre is
 * answered, or on personal data printed. Facts are reported against the
 * issue's 0.75: they depend on the reader's structure and on the answer's
 * composition, measured by eval:knowledge.
 * Usage: npx tsx scripts/eval-titres.ts [--verbose] [--no-shared]
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../src/config.js";
import { fold } from "../src/lib/text.js";
import { runMain } from "../test/helpers/run-main.js";
import { readJsonl } from "./eval-common.js";

interface Question {
  id: string;
  question: string;
  type: string;
  expect: { referential: string; code: string | null }[];
  facts: string[][];
}
interface Answer {
  answer: string;
  found: boolean;
  sources: { referential: string; code: string | null; title: string }[];
}

const verbose = process.argv.includes("--verbose");
const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "knowledge");
const SHARED = join(PACKAGE_ROOT, "..", "shared", "documents");
const withShared = !process.argv.includes("--no-shared") && existsSync(join(SHARED, "reac-cda-2023.pdf"));
const dataDir = mkdtempSync(join(tmpdir(), "certibot-eval-titres-"));
const env = { CERTIBOT_DATA_DIR: dataDir, CERTIBOT_LOG_LEVEL: "error", OPENAI_API_KEY: "" };
const PII = /[\w.+-]+@[\w-]+\.[\w.]+|(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}/;
const norm = (s: string) => fold(s.normalize("NFKD")).replace(/\s+/g, " ");

const documents = [
  {
    id: "tsrit",
    title: "Titre professionnel Technicien supérieur en réseaux informatiques et télécommunications (TSRIT)",
    file: join(FIXTURES, "titre-tsrit-2003.pdf"),
  },
  {
    id: "secretaire-comptable",
    title: "Secrétaire comptable — annexe de l'arrêté du 22 décembre 2003",
    file: join(FIXTURES, "titre-secretaire-comptable-2003.docx"),
  },
  ...(withShared
    ? [
        {
          id: "cda-reac",
          title: "REAC Concepteur développeur d'applications (CDA)",
          file: join(SHARED, "reac-cda-2023.pdf"),
        },
        {
          id: "cda-re",
          title: "RE Concepteur développeur d'applications (CDA)",
          file: join(SHARED, "re-cda-2023.pdf"),
        },
        {
          id: "dwwm",
          title: "REAC et RE Développeur web et web mobile (DWWM)",
          file: join(SHARED, "reac-re-dwwm-2023.pdf"),
        },
      ]
    : []),
];
const sets = [
  { name: "tsrit", file: join(FIXTURES, "tsrit.questions.jsonl"), judged: true },
  {
    name: "secretaire-comptable",
    file: join(FIXTURES, "secretaire-comptable.questions.jsonl"),
    judged: true,
  },
  ...(withShared
    ? [
        { name: "titres (cda, dwwm)", file: join(FIXTURES, "titres.questions.jsonl"), judged: true },
        { name: "qa-cda", file: join(SHARED, "qa-cda.jsonl"), judged: false },
        { name: "qa-dwwm", file: join(SHARED, "qa-dwwm.jsonl"), judged: false },
      ]
    : []),
];

try {
  for (const d of documents) {
    const add = await runMain(["knowledge", "add", "--id", d.id, "--title", d.title, d.file], env);
    if (add.code !== 0 && add.code !== 2) throw new Error(`knowledge add ${d.id} failed: ${add.stderr}`);
    const lines = add.stdout.trim().split("\n");
    console.log(`${d.id}: ${lines[1]?.trim()} ; ${lines[lines.length - 1]?.trim()}`);
  }
  let failed = false;
  for (const set of sets) {
    const qs = readJsonl<Question>(set.file);
    let inScope = 0;
    let recall5 = 0;
    let facts = 0;
    let declines = 0;
    let oos = 0;
    let pii = 0;
    for (const q of qs) {
      const r = await runMain(["ask", "--json", q.question], env);
      const a = JSON.parse(r.stdout) as Answer;
      if (PII.test(a.answer) || a.sources.some((s) => PII.test(s.title))) pii++;
      if (q.type === "out_of_scope") {
        oos++;
        if (!a.found) declines++;
        else if (verbose) console.log(`  ${q.id} not declined: ${q.question} → ${a.answer.slice(0, 120)}`);
        continue;
      }
      inScope++;
      const expected = new Set(q.expect.map((e) => e.referential));
      const hit = a.sources.slice(0, 5).some((s) => expected.has(s.referential));
      if (hit) recall5++;
      const text = norm(a.answer);
      const held = q.facts.every((group) => group.some((alt) => text.includes(norm(alt))));
      if (held) facts++;
      if (verbose && (!hit || !held))
        console.log(
          `  ${q.id} ${hit ? "" : "MISS "}${held ? "" : "facts missing "}: ${q.question} → ${a.found ? a.sources.map((s) => `${s.referential}·${s.code ?? s.title.slice(0, 30)}`).join(" | ") : a.answer.slice(0, 160)}`,
        );
    }
    const r5 = inScope ? recall5 / inScope : 1;
    const f = inScope ? facts / inScope : 1;
    console.log(
      `${set.name}: ${qs.length} questions — recall@5 ${r5.toFixed(3)}, facts ${f.toFixed(3)} (${facts}/${inScope}), declined ${declines}/${oos}, personal data printed ${pii}${set.judged ? "" : " (development set, reported)"}`,
    );
    if (set.judged && f < 0.75) console.log(`  facts below the 0.75 target for ${set.name}`);
    if (set.judged && (r5 < 0.9 || declines < oos || pii > 0)) failed = true;
  }
  if (failed) {
    console.log("eval:titres FAILED");
    process.exitCode = 1;
  } else console.log("eval:titres passed");
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
