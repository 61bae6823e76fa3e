/**
 * Report checker speed, measured (not asserted): checks generated 25- and 50-page
 * PDFs (font-size headings, full body pages), a DOCX, and real-tool reports of
 * test/fixtures/reports/ (two-column LaTeX, LibreOffice PDF, pandoc DOCX), several
 * times each in one process, and prints the median time per page once pdf.js is
 * loaded (what a long-running `serve` pays), the first check (which loads it), the
 * cold `certibot check-report --json` time in a new process (what a CLI user pays),
 * and the peak RSS of the checking process. Target: ≤ 50 ms per page, peak RSS ≤ 300 MB.
 * Competency coverage: a 15-page PDF made of the real-tool reports of
 * test/fixtures/report-coverage/ is checked with and without `--epreuve E3` in the same
 * process (épreuves, phrasings and lexicon loaded once, as `serve` does); the difference of
 * the medians is what coverage adds. Target: ≤ 300 ms.
 *
 * The checks run in a plain `node` child on the compiled `dist/` (as `npm start`
 * does): under tsx, pdf.js's in-process worker module is transpiled on import,
 * which alone adds ~250 MB of RSS that production never pays.
 * Usage: npm run build && npm run bench:reports [-- --runs 5]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { loadConfig, PACKAGE_ROOT } from "../src/config.js";
import { CHEF_HEADINGS, makeDocx, makePdf } from "../test/helpers/report-fixtures.js";
import { tempDir } from "../test/helpers/temp.js";

const i = process.argv.indexOf("--runs");
const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
const config = loadConfig(process.env);
const compiled = join(PACKAGE_ROOT, "dist", "reports", "check.js");
if (!existsSync(compiled)) {
  console.error("bench:reports : lancez d'abord `npm run build` (le banc mesure le code compilé).");
  process.exit(1);
}

const dir = await tempDir("certibot-bench-reports-");
try {
  const cases = [
    {
      name: "PDF 25 pages",
      file: join(dir.path, "25.pdf"),
      bytes: (await makePdf({ pages: 25, headings: CHEF_HEADINGS, style: "fontsize" })).bytes,
      deliverable: "chef-doeuvre",
    },
    {
      name: "PDF 50 pages",
      file: join(dir.path, "50.pdf"),
      bytes: (await makePdf({ pages: 50, headings: CHEF_HEADINGS, style: "fontsize" })).bytes,
      deliverable: "memoire-expert-ia",
    },
    {
      name: "DOCX ~25 pages",
      file: join(dir.path, "25.docx"),
      bytes: await makeDocx({ headings: CHEF_HEADINGS, style: "styles", paragraphsPerSection: 45 }),
      deliverable: "chef-doeuvre",
    },
    ...[
      ["LaTeX 2 columns", "latex-2col.pdf"],
      ["LibreOffice PDF", "libreoffice-missing.pdf"],
      ["pandoc DOCX", "pandoc-fr.docx"],
    ].map(([name, f]) => ({
      name: name!,
      file: join(dir.path, f!),
      bytes: new Uint8Array(readFileSync(join(PACKAGE_ROOT, "test", "fixtures", "reports", f!))),
      deliverable: "chef-doeuvre",
    })),
  ];
  for (const c of cases) await writeFile(c.file, c.bytes);

  // 15 pages of real report text: the development set's PDFs, page after page.
  const coverageFile = join(dir.path, "coverage-15.pdf");
  {
    const merged = await PDFDocument.create();
    const sources = ["e3-api-fraude.pdf", "e3-chatbot-rh.pdf", "e3-vision-qualite.pdf"].map((f) =>
      readFileSync(join(PACKAGE_ROOT, "test", "fixtures", "report-coverage", f)),
    );
    for (let i = 0; merged.getPageCount() < 15; i++) {
      const src = await PDFDocument.load(sources[i % sources.length]!);
      for (const page of await merged.copyPages(src, src.getPageIndices()))
        if (merged.getPageCount() < 15) merged.addPage(page);
    }
    await writeFile(coverageFile, await merged.save());
  }

  const child = `
    import { readFileSync } from "node:fs";
    import { resourceUsage } from "node:process";
    const { checkReport } = await import(${JSON.stringify(compiled)});
    const { loadDeliverables } = await import(${JSON.stringify(join(PACKAGE_ROOT, "dist", "reports", "deliverables.js"))});
    const { cases, runs, limits, knowledgeDir, coverageFile } = JSON.parse(process.argv[1]);
    const deliverables = await loadDeliverables(knowledgeDir);
    const out = [];
    for (const c of cases) {
      const bytes = new Uint8Array(readFileSync(c.file));
      const times = [];
      let pages = 1;
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const { verdict } = await checkReport(bytes, { deliverables, deliverableId: c.deliverable, limits });
        times.push(performance.now() - t0);
        pages = verdict.pages ?? 1;
      }
      out.push({ name: c.name, pages, times, size: bytes.byteLength });
    }
    // Coverage: the same 15-page report with and without the competencies of E3, alternately.
    const { coverageSetupFrom } = await import(${JSON.stringify(join(PACKAGE_ROOT, "dist", "reports", "coverage-setup.js"))});
    const { loadKnowledge } = await import(${JSON.stringify(join(PACKAGE_ROOT, "dist", "knowledge", "ingest.js"))});
    const t0 = performance.now();
    const setup = await coverageSetupFrom(knowledgeDir, (await loadKnowledge(knowledgeDir)).records);
    const setupMs = performance.now() - t0;
    const bytes = new Uint8Array(readFileSync(coverageFile));
    const plain = [];
    const withCoverage = [];
    let covered = 0;
    for (let r = 0; r < runs + 1; r++) {
      let t = performance.now();
      await checkReport(bytes, { deliverables, deliverableId: "chef-doeuvre", limits });
      plain.push(performance.now() - t);
      t = performance.now();
      const { verdict } = await checkReport(bytes, {
        deliverables, deliverableId: "chef-doeuvre", limits,
        coverage: { setup, referential: "rncp37827", epreuve: "E3" },
      });
      withCoverage.push(performance.now() - t);
      covered = verdict.coverage.filter((c) => c.covered).length;
    }
    const coverage = { plain: plain.slice(1), withCoverage: withCoverage.slice(1), setupMs, covered };
    // maxRSS is in kilobytes.
    console.log(JSON.stringify({ out, coverage, maxRssMb: resourceUsage().maxRSS / 1024 }));
  `;
  const arg = JSON.stringify({
    cases: cases.map(({ name, file, deliverable }) => ({ name, file, deliverable })),
    runs,
    limits: config.reports,
    knowledgeDir: config.knowledgeDir,
    coverageFile,
  });
  const res = spawnSync(process.execPath, ["--input-type=module", "-e", child, arg], { encoding: "utf8" });
  if (res.status !== 0) {
    console.error(res.stderr);
    process.exit(1);
  }
  const { out, coverage, maxRssMb } = JSON.parse(res.stdout) as {
    out: { name: string; pages: number; times: number[]; size: number }[];
    coverage: { plain: number[]; withCoverage: number[]; setupMs: number; covered: number };
    maxRssMb: number;
  };
  // Cold: one `certibot check-report --json` per case, in a new process each (pdf.js loaded every time).
  const cli = join(PACKAGE_ROOT, "bin", "certibot.js");
  const cold = new Map<string, number>();
  for (const c of cases) {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [cli, "check-report", "--json", "--deliverable", c.deliverable, c.file],
      {
        encoding: "utf8",
        env: { ...process.env, CERTIBOT_LOG_LEVEL: "error" },
      },
    );
    cold.set(c.name, performance.now() - t0);
    if (r.status !== 0) {
      console.error(r.stderr);
      process.exit(1);
    }
  }
  console.log(`runs per case: ${runs}, in one process (the first check of the process loads pdf.js)`);
  for (const c of out) {
    // In-process: the checks after the first, as a long-running `serve` does them.
    const warm = c.times.length > 1 ? c.times.slice(1) : c.times;
    const sorted = [...warm].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `${c.name.padEnd(16)} ${String(c.pages).padStart(3)} pages  in-process ${median.toFixed(0).padStart(5)} ms` +
        `  ${(median / c.pages).toFixed(1).padStart(6)} ms/page  first ${c.times[0]!.toFixed(0).padStart(5)} ms` +
        `  cold CLI ${cold.get(c.name)!.toFixed(0).padStart(5)} ms  (${(c.size / 1024).toFixed(0)} KB)`,
    );
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const added = median(coverage.withCoverage) - median(coverage.plain);
  console.log(
    `coverage (15-page PDF, E3, in process): check ${median(coverage.plain).toFixed(0)} ms, with coverage ${median(coverage.withCoverage).toFixed(0)} ms → adds ${added.toFixed(0)} ms (target ≤ 300 ms); épreuves, phrasings and lexicon loaded once in ${coverage.setupMs.toFixed(0)} ms; ${coverage.covered}/5 competencies shown`,
  );
  console.log(`peak RSS of the checking process: ${maxRssMb.toFixed(0)} MB`);
} finally {
  await dir.cleanup();
}
