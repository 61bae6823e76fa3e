import { readFileSync, writeFileSync } from "node:fs";
import { readDocument } from "../src/knowledge/reader/read-document.js";
import { structure } from "../src/knowledge/reader/structure.js";
import { buildGuideDocx, buildGuidePdf } from "../test/helpers/knowledge-documents.js";

const pdf = await buildGuidePdf();
writeFileSync("/tmp/kn/guide.pdf", pdf);
writeFileSync("/tmp/kn/guide.docx", await buildGuideDocx());
for (const f of ["/tmp/kn/guide.pdf", "/tmp/kn/guide.docx"]) {
  const t = performance.now();
  const r = await readDocument(new Uint8Array(readFileSync(f)), f);
  console.log(
    f,
    r.pages,
    r.headingSource,
    r.droppedRunning,
    r.masked,
    Math.round(performance.now() - t),
    "ms",
  );
  for (const b of r.blocks) console.log("  ", JSON.stringify(b).slice(0, 200));
  for (const rec of structure("x", r.blocks))
    console.log(
      " R",
      rec.kind,
      rec.code,
      "|",
      rec.title.slice(0, 70),
      "| bloc:",
      rec.bloc?.slice(0, 30),
      "| crit:",
      rec.criteria.length,
      "|",
      rec.statement.slice(0, 80).replace(/\n/g, " / "),
    );
}
