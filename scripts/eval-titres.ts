/**
 * Titres named any way people name them, judged as an operator would: real
 * documents of other titres (test/fixtures/knowledge: the RNCP annexes of
 * two titres professionnels, as PDF and DOCX) and, when present, the three
 * development documents of ../shared/documents (whose own question sets
 * eval:knowledge scores) are added with
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
import { runMain } from "../test/helpers/run-main.js";
import { type CliAnswer, type RealQuestion, readJsonl, scoreRealSet } from "./eval-common.js";

const verbose = process.argv.includes("--verbose");
const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "knowledge");
const SHARED = join(PACKAGE_ROOT, "..", "shared", "documents");
const withShared = !process.argv.includes("--no-shared") && existsSync(join(SHARED, "reac-cda-2023.pdf"));
const dataDir = mkdtempSync(join(tmpdir(), "certibot-eval-titres-"));
const env = { CERTIBOT_DATA_DIR: dataDir, CERTIBOT_LOG_LEVEL: "error", OPENAI_API_KEY: "" };

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
  { name: "tsrit", file: join(FIXTURES, "tsrit.questions.jsonl") },
  {
    name: "secretaire-comptable",
    file: join(FIXTURES, "secretaire-comptable.questions.jsonl"),
  },
  ...(withShared
    ? [
        // qa-cda and qa-dwwm are scored by eval:knowledge on the same documents.
        { name: "titres (cda, dwwm)", file: join(FIXTURES, "titres.questions.jsonl") },
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
    const score = await scoreRealSet(
      readJsonl<RealQuestion>(set.file),
      async (q) => JSON.parse((await runMain(["ask", "--json", q], env)).stdout) as CliAnswer,
      verbose,
    );
    const { inScope, facts, declines, oos, pii } = score;
    const r5 = inScope ? score.recall5 / inScope : 1;
    const f = inScope ? facts / inScope : 1;
    console.log(
      `${set.name}: ${inScope + oos} questions — recall@5 ${r5.toFixed(3)}, facts ${f.toFixed(3)} (${facts}/${inScope}), declined ${declines}/${oos}, personal data printed ${pii}`,
    );
    if (f < 0.75) console.log(`  facts below the 0.75 target for ${set.name}`);
    if (r5 < 0.9 || declines < oos || pii > 0) failed = true;
  }
  if (failed) {
    console.log("eval:titres FAILED");
    process.exitCode = 1;
  } else console.log("eval:titres passed");
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
