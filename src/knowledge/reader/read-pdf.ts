import {
  isNumberedHeading,
  layoutHeadingLevels,
  type PdfLayout,
  type PdfLine,
  type PdfPage,
  type PdfSegment,
  runningLines,
} from "../../lib/pdf-layout.js";
import { fold, squash } from "../../lib/text.js";
import { type Block, isBullet, type ReadDocument, stripBullet } from "./blocks.js";

/**
 * A vertical gutter of a page: an x no segment crosses, with text on both
 * sides on several lines. Pages with one are read band by band (XY cut): a
 * band's left and right parts are cells of a row (a competency | criteria
 * grid), or two columns read one after the other.
 */
function findGutter(page: PdfPage): number | null {
  const segs = page.lines.flatMap((l) => l.segments);
  if (segs.length < 6) return null;
  let best: { x: number; crossing: number; balance: number } | null = null;
  for (let x = page.width * 0.2; x <= page.width * 0.75; x += 4) {
    let crossing = 0;
    let left = 0;
    let right = 0;
    for (const s of segs) {
      if (s.x0 < x - 2 && s.x1 > x + 2) crossing++;
      else if (s.x1 <= x + 2) left++;
      else right++;
    }
    if (left < 3 || right < 3) continue;
    const balance = Math.min(left, right);
    if (!best || crossing < best.crossing || (crossing === best.crossing && balance > best.balance))
      best = { x, crossing, balance };
  }
  // Full-width lines (headings, a paragraph across) may cross it; most lines must not.
  if (!best || best.crossing > segs.length * 0.25) return null;
  // Right-hand segments must be more than stray page numbers or short labels.
  const rightLines = page.lines.filter((l) => l.segments.some((s) => s.x0 >= best.x - 2)).length;
  return rightLines >= 3 ? best.x : null;
}

const CODE_START =
  /^(?:RNCP\s?\d{4,6}\s?BC\s?\d{1,2}|B\d{1,2}\s?Cr?\s?\d{1,2}|CP\s?\d{1,2}|[CAE]\s?\d{1,2}(?:\.\d{1,2}){0,2}|bloc\s+(?:de\s+comp[ée]tences?\s+)?(?:n°\s*)?\d|comp[ée]tence\s+(?:n°\s*)?\d|activit[ée]\s+(?:type\s+)?(?:n°\s*)?\d|[ée]preuve\s+(?:n°\s*)?\d)\b/i;

interface Cell {
  lines: PdfLine[];
}

/** Joins lines into paragraphs and list items: a bullet starts an item, a wide gap a paragraph. */
function flowBlocks(lines: PdfLine[], headingLevel: (l: PdfLine) => number, out: Block[]): void {
  let para: string[] = [];
  let kind: "paragraph" | "item" = "paragraph";
  let lastY: number | null = null;
  let lastSize = 0;
  const flush = () => {
    const text = squash(para.join(" ").replace(/(\p{L})- (\p{Ll})/gu, "$1$2"));
    if (text) out.push({ kind, text: kind === "item" ? stripBullet(text) : text });
    para = [];
    kind = "paragraph";
  };
  for (const l of lines) {
    const level = headingLevel(l);
    if (level > 0) {
      flush();
      out.push({ kind: "heading", level, text: squash(l.text) });
      lastY = l.y;
      continue;
    }
    const gap = lastY === null ? 0 : lastY - l.y;
    if (isBullet(l.text) || CODE_START.test(l.text.trim()) || gap > Math.max(l.size, lastSize) * 1.8) {
      flush();
      if (isBullet(l.text)) kind = "item";
    }
    para.push(l.text);
    lastY = l.y;
    lastSize = l.size;
  }
  flush();
}

function cellText(cell: Cell): string {
  const parts: string[] = [];
  for (const l of cell.lines) {
    if (isBullet(l.text) && parts.length) parts.push(`\n${l.text}`);
    else parts.push(l.text);
  }
  return parts
    .join(" ")
    .split("\n")
    .map((s) => squash(s.replace(/(\p{L})- (\p{Ll})/gu, "$1$2")))
    .filter(Boolean)
    .join("\n");
}

/** A page with a gutter: bands cut where no text runs across both sides, each band a row or two columns. */
function gutterBlocks(
  page: PdfPage,
  lines: PdfLine[],
  gutter: number,
  headingLevel: (l: PdfLine) => number,
  out: Block[],
): void {
  let left: PdfLine[] = [];
  let right: PdfLine[] = [];
  let lastY: number | null = null;
  let lastSize = 0;
  const flushBand = () => {
    if (left.length && right.length) {
      const l = cellText({ lines: left });
      const r = cellText({ lines: right });
      out.push({ kind: "row", cells: [l, r] });
    } else {
      flowBlocks([...left, ...right], headingLevel, out);
    }
    left = [];
    right = [];
  };
  const part = (l: PdfLine, segs: PdfSegment[]): PdfLine => ({
    ...l,
    segments: segs,
    text: segs.map((s) => s.text).join(" "),
  });
  for (const l of lines) {
    const crossing = l.segments.some((s) => s.x0 < gutter - 2 && s.x1 > gutter + 2);
    const gap = lastY === null ? 0 : lastY - l.y;
    if (crossing) {
      flushBand();
      flowBlocks([l], headingLevel, out);
      lastY = l.y;
      continue;
    }
    const ls = l.segments.filter((s) => s.x1 <= gutter + 2);
    const rs = l.segments.filter((s) => s.x1 > gutter + 2);
    // A new row: a wide gap on both sides, or a code opening the left cell of a grid.
    const opensRow = ls.length > 0 && CODE_START.test(ls[0]!.text) && left.length > 0;
    if (gap > Math.max(l.size, lastSize) * 1.9 || opensRow) flushBand();
    if (ls.length) left.push(part(l, ls));
    if (rs.length) right.push(part(l, rs));
    lastY = l.y;
    lastSize = l.size;
  }
  flushBand();
  void page;
}

/** Blocks of a PDF in reading order, running headers and footers dropped. */
export function pdfBlocks(layout: PdfLayout): ReadDocument {
  const isRunning = runningLines(layout.pages);
  let dropped = 0;
  const droppedText = new Set<string>();
  const kept = layout.pages.map((p) => ({
    page: p,
    lines: p.lines.filter((l) => {
      const running = isRunning(l, p);
      if (running) {
        dropped++;
        droppedText.add(l.text);
      }
      return !running;
    }),
  }));
  const allLines = kept.flatMap((k) => k.lines);
  let headingSource: ReadDocument["headingSource"] = "none";
  let headingLevel: (l: PdfLine) => number;
  if (layout.outline.length) {
    const titles = new Map(layout.outline.map((o) => [fold(squash(o.title)), o.depth]));
    headingLevel = (l) => titles.get(fold(squash(l.text))) ?? 0;
    headingSource = "outline";
  } else {
    const byLayout = layoutHeadingLevels(allLines);
    if (allLines.some((l) => byLayout(l) > 0)) {
      headingLevel = byLayout;
      headingSource = "layout";
    } else {
      headingLevel = (l) => (isNumberedHeading(l.text) ? (l.text.match(/\./g)?.length ?? 0) + 1 : 0);
      headingSource = allLines.some((l) => headingLevel(l) > 0) ? "numbering" : "none";
    }
  }
  const blocks: Block[] = [];
  for (const { page, lines } of kept) {
    const gutter = findGutter({ ...page, lines });
    if (gutter === null) flowBlocks(lines, headingLevel, blocks);
    else gutterBlocks(page, lines, gutter, headingLevel, blocks);
  }
  return {
    format: "pdf",
    blocks: mergeSplitParagraphs(blocks),
    pages: layout.pages.length,
    headingSource,
    droppedRunning: dropped,
    dropped: [...droppedText],
  };
}

/** A paragraph cut by a page break continues on the next page: joined when it does not end a sentence. */
function mergeSplitParagraphs(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    if (
      prev &&
      b.kind === "paragraph" &&
      prev.kind === "paragraph" &&
      !/[.:;!?»)]$/.test(prev.text) &&
      /^\p{Ll}/u.test(b.text)
    ) {
      prev.text = `${prev.text} ${b.text}`;
      continue;
    }
    out.push(b);
  }
  return out;
}
