// Builds an image-only PDF (what a scanner or "print to image" gives) from page PNGs: node report-fixture-scan.mjs out.pdf p1.png p2.png …
import { readFileSync, writeFileSync } from "node:fs";
import { PDFDocument } from "pdf-lib";

const [out, ...pngs] = process.argv.slice(2);
const doc = await PDFDocument.create();
for (const file of pngs) {
  const image = await doc.embedPng(readFileSync(file));
  const page = doc.addPage([595, 842]);
  page.drawImage(image, { x: 0, y: 0, width: 595, height: 842 });
}
writeFileSync(out, await doc.save({ useObjectStreams: true }));
