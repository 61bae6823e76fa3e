/**
 * Report checker speed, measured (not asserted): checks generated 25- and 50-page
 * PDFs (font-size headings, full body pages) and a DOCX, several times each, and
 * prints the median time per page and the process's peak RSS.
 * Target: ≤ 50 ms per page, peak RSS ≤ 300 MB.
 * Usage: npm run bench:reports [-- --runs 5]
 */
import { resourceUsage } from "node:process";
import { loadConfig } from "../src/config.js";
import { checkReport } from "../src/reports/check.js";
import { loadDeliverables } from "../src/reports/deliverables.js";
import { CHEF_HEADINGS, makeDocx, makePdf } from "../test/helpers/report-fixtures.js";

const i = process.argv.indexOf("--runs");
const runs = i >= 0 ? Number(process.argv[i + 1]) : 5;
const config = loadConfig(process.env);
const deliverables = await loadDeliverables(config.knowledgeDir);

const cases: { name: string; bytes: Uint8Array; deliverable: string }[] = [
  {
    name: "PDF 25 pages",
    bytes: (await makePdf({ pages: 25, headings: CHEF_HEADINGS, style: "fontsize" })).bytes,
    deliverable: "chef-doeuvre",
  },
  {
    name: "PDF 50 pages",
    bytes: (await makePdf({ pages: 50, headings: CHEF_HEADINGS, style: "fontsize" })).bytes,
    deliverable: "memoire-expert-ia",
  },
  {
    name: "DOCX ~25 pages",
    bytes: await makeDocx({ headings: CHEF_HEADINGS, style: "styles", paragraphsPerSection: 45 }),
    deliverable: "chef-doeuvre",
  },
];

// Fixture generation (pdf-lib, docx) has its own peak: sample RSS while checking only.
const rssBefore = process.memoryUsage().rss;
let rssDuringChecks = 0;
const sampler = setInterval(() => {
  rssDuringChecks = Math.max(rssDuringChecks, process.memoryUsage().rss);
}, 5);
console.log(`runs per case: ${runs}`);
for (const c of cases) {
  const times: number[] = [];
  let pages = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const { verdict } = await checkReport(c.bytes, {
      deliverables,
      deliverableId: c.deliverable,
      limits: config.reports,
    });
    times.push(performance.now() - t0);
    pages = verdict.pages ?? 1;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  console.log(
    `${c.name.padEnd(16)} ${String(pages).padStart(3)} pages  median ${median.toFixed(0).padStart(5)} ms` +
      `  ${(median / pages).toFixed(1).padStart(6)} ms/page  slowest ${times[times.length - 1]!.toFixed(0)} ms` +
      `  (${(c.bytes.byteLength / 1024).toFixed(0)} KB)`,
  );
}
clearInterval(sampler);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
console.log(
  `RSS before checks ${mb(rssBefore)}, max sampled during checks ${mb(rssDuringChecks)}; ` +
    // maxRSS is in kilobytes and includes the fixture generation.
    `process peak RSS ${mb(resourceUsage().maxRSS * 1024)}`,
);
