/**
 * Competency coverage, judged on the development set of test/fixtures/report-coverage/
 * (real-tool reports and hand-written labels, made by scripts/make-coverage-fixtures.sh)
 * through the CLI contract: `certibot check-report --json --referential R --epreuve E FILE`
 * (the épreuve left to the title page for the reports labelled `titlePage`). Prints labels
 * right, trap competencies reported not covered, and quotes found in the report's text as
 * read by another reader (mammoth for DOCX, pdf.js's raw text for PDF). Exits 1 below
 * labels 0.85, traps 0.8, or on any quote not in the report.
 * Usage: npm run eval:coverage [-- --verbose] [-- --dir other/set]
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import mammoth from "mammoth";
import { PACKAGE_ROOT } from "../src/config.js";
import { openPdf } from "../src/lib/pdf-layout.js";
import { runMain } from "../test/helpers/run-main.js";
import { tempDir } from "../test/helpers/temp.js";

interface Label {
  covered: boolean;
  reason?: "trap" | "absent";
  why?: string;
}
interface Entry {
  file: string;
  referential: string;
  epreuve: string;
  titlePage?: boolean;
  labels: Record<string, Label>;
}
interface Coverage {
  code: string;
  covered: boolean;
  mentionedOnly: boolean;
  evidence: { page: number | null; section: string | null; quote: string }[];
  mentions?: { page: number | null; quote: string }[];
}

const verbose = process.argv.includes("--verbose");
const d = process.argv.indexOf("--dir");
const dir = d >= 0 ? process.argv[d + 1]! : join(PACKAGE_ROOT, "test", "fixtures", "report-coverage");
const { reports } = JSON.parse(readFileSync(join(dir, "labels.json"), "utf8")) as { reports: Entry[] };

/** Letters and digits only: line breaks, spacing and apostrophes differ between readers, words do not. */
const bare = (s: string) =>
  s
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}]+/gu, "")
    .toLowerCase();

async function otherReaderText(file: string): Promise<string> {
  const bytes = readFileSync(file);
  if (file.endsWith(".docx")) return (await mammoth.extractRawText({ buffer: bytes })).value;
  const doc = await (await openPdf(bytes)).promise;
  let text = "";
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const it of content.items) if ("str" in it) text += it.str;
  }
  await doc.destroy();
  return text;
}

const data = await tempDir("certibot-eval-coverage-");
let labels = 0;
let right = 0;
let traps = 0;
let trapsRight = 0;
let quotes = 0;
let quotesFound = 0;
try {
  const env = {
    CERTIBOT_DATA_DIR: data.path,
    CERTIBOT_KNOWLEDGE_DIR: join(PACKAGE_ROOT, "knowledge"),
    CERTIBOT_LOG_LEVEL: "error",
  };
  for (const r of reports) {
    const file = join(dir, r.file);
    const args = ["check-report", "--json", "--referential", r.referential];
    if (!r.titlePage) args.push("--epreuve", r.epreuve);
    const run = await runMain([...args, file], env);
    const out = JSON.parse(run.stdout) as { coverage?: Coverage[]; epreuve?: { code: string } };
    if (run.code !== 0 || !out.coverage) {
      console.log(`${r.file}: no coverage (exit ${run.code}) ${run.stderr.trim()}`);
      labels += Object.keys(r.labels).length;
      continue;
    }
    if (out.epreuve?.code !== r.epreuve)
      console.log(`${r.file}: épreuve ${out.epreuve?.code} ≠ ${r.epreuve}`);
    const text = bare(await otherReaderText(file));
    for (const [code, label] of Object.entries(r.labels)) {
      labels++;
      const got = out.coverage.find((c) => c.code === code);
      const ok = got !== undefined && got.covered === label.covered;
      if (ok) right++;
      if (label.reason === "trap") {
        traps++;
        if (got && !got.covered) trapsRight++;
      }
      if (verbose && got)
        for (const e of got.evidence) console.log(`      p.${e.page} ${e.section}: ${e.quote}`);
      if (verbose || !ok)
        console.log(
          `${ok ? "  " : "✗ "}${r.file} ${code}: expected ${label.covered ? "covered" : `not (${label.reason}: ${label.why})`}, got ${got ? (got.covered ? "covered" : got.mentionedOnly ? "mentioned only" : "not found") : "nothing"}`,
        );
      for (const e of [...(got?.evidence ?? []), ...(got?.mentions ?? [])]) {
        quotes++;
        if (text.includes(bare(e.quote))) quotesFound++;
        else console.log(`✗ quote not in ${r.file}: ${e.quote}`);
      }
    }
  }
} finally {
  await data.cleanup();
}

const rate = (a: number, b: number) => (b ? a / b : 1);
const labelsRate = rate(right, labels);
const trapsRate = rate(trapsRight, traps);
console.log(
  `coverage: labels right ${right}/${labels} = ${labelsRate.toFixed(3)} (≥ 0.85); traps not covered ${trapsRight}/${traps} = ${trapsRate.toFixed(3)} (≥ 0.8); quotes found ${quotesFound}/${quotes}`,
);
if (labelsRate < 0.85 || trapsRate < 0.8 || quotesFound < quotes) process.exit(1);
