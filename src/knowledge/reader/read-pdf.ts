import {
  isNumberedHeading,
  layoutHeadingLevels,
  type PdfBox,
  type PdfLayout,
  type PdfLine,
  type PdfPage,
  type PdfRule,
  type PdfSegment,
  runningLines,
  staggered,
} from "../../lib/pdf-layout.js";
import { fold, squash, unhyphenate } from "../../lib/text.js";
import { type Block, isBullet, type ReadDocument, stripBullet } from "./blocks.js";
import { readGrid } from "./pdf-grid.js";

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

/**
 * The text's left edge: the leftmost start three lines share (a number hanging in the margin does not
 * move it; a page of indented lists does not either).
 */
function textEdge(lines: PdfLine[]): number {
  const starts = new Map<number, number>();
  for (const l of lines) {
    const x = Math.round(l.segments[0]!.x0);
    starts.set(x, (starts.get(x) ?? 0) + 1);
  }
  const shared = [...starts].filter(([, n]) => n >= 3).map(([x]) => x);
  return shared.length ? Math.min(...shared) : Math.min(...starts.keys());
}

/** Items opened by indentation under a lead-in: a list going on over a page break goes on with them. */
const INDENTED_ITEMS = new WeakSet<Block>();

/** Joins lines into paragraphs and list items: a bullet starts an item, a wide gap a paragraph. */
function flowBlocks(
  lines: PdfLine[],
  headingLevel: (l: PdfLine) => number,
  out: Block[],
  rightEdge = Number.POSITIVE_INFINITY,
  /** The page's text edge, when the lines are a part of it (a table may cut the page in several). */
  leftEdge?: number,
): void {
  let para: string[] = [];
  let kind: "paragraph" | "item" = "paragraph";
  let lastY: number | null = null;
  let lastSize = 0;
  let lastEnd = 0;
  // Under a lead-in ending with a colon ("Les types d'emplois accessibles sont les suivants :"), lines
  // printed one per item without bullets are the items of its list, until a gap or a heading.
  let listed = false;
  // Items a web page draws bullets for (no glyph in the text) stand indented from the text's left edge.
  const left = leftEdge ?? textEdge(lines);
  // A list going on over a page break goes on with its items (those this rule opened).
  const lastOut = out[out.length - 1];
  let indentedItem = lastOut !== undefined && INDENTED_ITEMS.has(lastOut);
  const sizes = lines.map((l) => l.size).sort((a, b) => a - b);
  const typical = sizes[Math.floor(sizes.length / 2)] ?? 0;
  const flush = () => {
    const text = squash(unhyphenate(para.join(" ")));
    if (text) {
      const block: Block = { kind, text: kind === "item" ? stripBullet(text) : text };
      if (kind === "item" && indentedItem) INDENTED_ITEMS.add(block);
      out.push(block);
    }
    if (text) listed = kind === "paragraph" ? /:$/.test(text) : listed;
    para = [];
    kind = "paragraph";
  };
  for (const l of lines) {
    // A sentence set in bold that introduces a list ("Il permet au jury de s'assurer que le candidat
    // possède :") is the start of its paragraph, not a heading.
    // Set larger than the text around it, it is a heading all the same (« Le cas échéant, prérequis à
    // l'entrée en formation : » on a fiche RNCP).
    const leadIn =
      /:\s*$/.test(l.text) &&
      !/^\s*\d+(?:\.\d+)*\.?\s/.test(l.text) &&
      l.text.trim().split(/\s+/).length >= 7 &&
      l.size <= typical * 1.1;
    const level = leadIn ? 0 : headingLevel(l);
    if (level > 0) {
      flush();
      listed = false;
      indentedItem = false;
      // A title set on two lines ("RÉFÉRENTIEL D'ÉVALUATION DES CERTIFICATS / DE COMPÉTENCES PROFESSIONNELLES")
      // is one heading.
      // Also a short label over its name ("CCP" / "Développer une application sécurisée"), and capitals
      // stacked on a cover ("REFERENTIEL D'EVALUATION" / "DES CERTIFICATS").
      const prev = out[out.length - 1];
      const caps = (t: string) => t === t.toUpperCase() && /\p{Lu}{3}/u.test(t);
      const spacing =
        prev?.kind === "heading" && (prev.text.length <= 4 || (caps(prev.text) && caps(l.text))) ? 2.7 : 1.6;
      if (
        prev?.kind === "heading" &&
        prev.level === level &&
        lastY !== null &&
        lastY - l.y <= l.size * spacing
      )
        prev.text = squash(`${prev.text} ${l.text}`);
      else out.push({ kind: "heading", level, text: squash(l.text) });
      lastY = l.y;
      continue;
    }
    const gap = lastY === null ? 0 : lastY - l.y;
    // A line that stops well short of the text's right edge ends its paragraph when the next opens with a
    // capital: lists printed without bullets (critères de performance, savoirs) are one line per item.
    const endedShort =
      para.length > 0 && lastEnd < rightEdge - Math.max(l.size * 4, 40) && /^\p{Lu}/u.test(l.text);
    // Under a lead-in, an indented line opens an item, and so does the next after one ending « ; » or « . »;
    // the text back at the left edge ends them.
    const indented = l.segments[0]!.x0 > left + l.size * 0.8;
    const prior = out[out.length - 1];
    const last = para[para.length - 1] ?? (prior && prior.kind !== "row" ? prior.text : "");
    const opensIndented =
      indented &&
      !isBullet(l.text) &&
      ((kind === "paragraph" && (para.length ? /:\s*$/.test(last) : listed)) ||
        (indentedItem && /[;.]\s*$/.test(last)));
    if (indentedItem && !indented && !isBullet(l.text)) {
      flush();
      indentedItem = false;
      listed = false;
    }
    if (opensIndented) {
      flush();
      kind = "item";
      indentedItem = true;
    } else if (
      isBullet(l.text) ||
      CODE_START.test(l.text.trim()) ||
      gap > Math.max(l.size, lastSize) * 1.8 ||
      endedShort
    ) {
      const apart = gap > Math.max(l.size, lastSize) * 1.8;
      flush();
      if (apart) listed = false;
      if (isBullet(l.text)) kind = "item";
      else if (listed && endedShort && !apart) kind = "item";
    }
    para.push(l.text);
    lastY = l.y;
    lastSize = l.size;
    lastEnd = l.segments[l.segments.length - 1]!.x1;
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
    .map((s) => squash(unhyphenate(s)))
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
  let lastHadLeft = true;
  const gaps = lines
    .slice(1)
    .map((l, k) => lines[k]!.y - l.y)
    .filter((g) => g > 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const typical = gaps.length >= 4 ? median(gaps) : 0;
  // The gaps between the lines of the band being read: its own spacing says where its rows end.
  let bandGaps: number[] = [];
  const flushBand = () => {
    bandGaps = [];
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
  // Lines across the gutter in a row (a paragraph over both columns) flow together.
  let across: PdfLine[] = [];
  const flushAcross = () => {
    if (across.length) flowBlocks(across, headingLevel, out);
    across = [];
  };
  for (const l of lines) {
    const crossing = l.segments.some((s) => s.x0 < gutter - 2 && s.x1 > gutter + 2);
    const gap = lastY === null ? 0 : lastY - l.y;
    if (crossing) {
      flushBand();
      across.push(l);
      lastY = l.y;
      continue;
    }
    flushAcross();
    const ls = l.segments.filter((s) => s.x1 <= gutter + 2);
    const rs = l.segments.filter((s) => s.x1 > gutter + 2);
    // A new row: a wide gap on both sides, a code opening the left cell of a grid, or both cells
    // starting again on one line after the left one ended or after a cell's padding (a glossary's
    // "Terme | Définition" rows).
    // A stroked border across the gutter between this line and the last one ends a row.
    const ruled =
      lastY !== null &&
      ruleBetween(
        (page.rules ?? []).filter((r) => r.x0 < gutter && r.x1 > gutter),
        lastY,
        l.y,
      );
    const opensRow =
      ruled ||
      (left.length > 0 &&
        ls.length > 0 &&
        (CODE_START.test(ls[0]!.text) ||
          (rs.length > 0 && right.length > 0 && (!lastHadLeft || gap > Math.max(l.size, lastSize) * 1.45))));
    // Cells whose lines interleave (a term centred beside its two-line definition) sit closer than
    // the page's lines do; a gap twice the usual one between them is a row's end.
    const usual = bandGaps.length >= 3 ? median(bandGaps) : typical;
    if (gap > Math.max(l.size, lastSize) * 1.9 || (usual > 0 && gap > usual * 2.2) || opensRow) flushBand();
    else if (left.length || right.length) bandGaps.push(gap);
    if (ls.length) left.push(part(l, ls));
    if (rs.length) right.push(part(l, rs));
    lastY = l.y;
    lastSize = l.size;
    lastHadLeft = ls.length > 0;
  }
  flushBand();
  flushAcross();
}

/**
 * Tables read from glyph positions: a header line of three or more short
 * cells, then lines whose segments fall into the columns that the header's
 * cells name. Column edges are the widest blank channels (x ranges no body
 * segment covers) between two header cells' centres, so centred headers over
 * left-aligned cells still find their column. A row opens where the first
 * column's text starts again after lines without it, or after a wide gap;
 * the table ends at a line whose one segment runs across two column edges.
 */
export interface PdfTable {
  header: string[];
  rows: string[][];
}

type Chunk = { kind: "flow"; lines: PdfLine[] } | { kind: "table"; table: PdfTable };

function headerCandidate(l: PdfLine): boolean {
  return (
    l.segments.length >= 3 &&
    // A header cell ends without a period, unless it is an abbreviation ("Coef.", "Nb.").
    l.segments.every(
      (s) =>
        s.text.length <= 60 &&
        /\p{L}/u.test(s.text) &&
        (!/[.;]$/.test(s.text) || /^\p{L}{1,5}\.$/u.test(s.text)),
    )
  );
}

function columnEdges(header: PdfLine, body: PdfLine[], cellsAlone = true): number[] | null {
  const centres = header.segments.map((s) => (s.x0 + s.x1) / 2);
  // Lines of several cells say where columns are blank; a line of one run may be a cell's text or a
  // note across the table, so it only breaks ties between channels (the fewer it crosses, the better).
  // A one-run line away from the table's left edge, under one header at most, is a cell's text.
  const left = Math.min(...body.flatMap((l) => l.segments.map((s) => s.x0)));
  const inCell = (s: PdfSegment) =>
    s.x0 > left + 10 && centres.filter((c) => c > s.x0 && c < s.x1).length <= 1;
  if (body.filter((l) => l.segments.length >= 2).length < 2) return null;
  const covered = body.flatMap((l) =>
    l.segments.length >= 2 ? l.segments : cellsAlone ? l.segments.filter(inCell) : [],
  );
  const single = body.flatMap((l) => (l.segments.length === 1 ? l.segments : []));
  // Which x (in points) some body segment covers: one pass over the segments.
  const width = Math.ceil(Math.max(...covered.map((s) => s.x1), ...centres)) + 2;
  const taken = new Uint8Array(width + 1);
  for (const s of covered)
    for (let x = Math.max(0, Math.floor(s.x0 - 1)); x <= Math.min(width, Math.ceil(s.x1 + 1)); x++)
      taken[x] = 1;
  const edges: number[] = [];
  for (let i = 0; i + 1 < centres.length; i++) {
    const from = Math.round(centres[i]!);
    const to = Math.round(centres[i + 1]!);
    let best: { start: number; width: number; crossed: number } | null = null;
    let start: number | null = null;
    for (let x = from; x <= to; x++) {
      const blank = !taken[x];
      if (blank && start === null) start = x;
      if ((!blank || x + 1 > to) && start !== null) {
        const width = x - start;
        const mid = start + width / 2;
        const crossed = single.filter((s) => s.x0 < mid && s.x1 > mid).length;
        if (
          width >= 3 &&
          (!best || crossed < best.crossed || (crossed === best.crossed && width > best.width))
        )
          best = { start, width, crossed };
        start = null;
      }
    }
    // No blank channel between two header cells: the body runs across them, they head one column.
    // Cells are set flush left: a column starts where the blank channel ends.
    if (best && best.width >= 3) edges.push(best.start + best.width - 1.5);
  }
  return edges.length >= 1 ? edges : null;
}

/**
 * Column headers set upright above a header line: the runs of turned text whose tops stand in the
 * header's band, grouped into one cell per column (the lines of one header lie side by side).
 */
function uprightHeaders(header: PdfLine, page: PdfPage, used: Set<PdfSegment>): PdfSegment[] {
  const runs = (page.rotated ?? [])
    .filter((r) => r.y >= header.y - header.size && r.y <= header.y + header.size * 9)
    .sort((a, b) => a.x0 - b.x0);
  for (const r of runs) used.add(r);
  const cells: PdfSegment[][] = [];
  for (const r of runs) {
    const last = cells[cells.length - 1];
    if (last && r.x0 - Math.max(...last.map((x) => x.x1)) < r.size * 1.2) last.push(r);
    else cells.push([r]);
  }
  return cells.map((c) => ({
    ...c[0]!,
    x0: Math.min(...c.map((r) => r.x0)),
    x1: Math.max(...c.map((r) => r.x1)),
    // Read top to bottom, the lines follow one another leftwards (bottom to top: rightwards).
    text: [...c]
      .sort((a, b) => b.x0 - a.x0)
      .map((r) => r.text)
      .join(" "),
  }));
}

/**
 * The drawn box a line sits in at x: the smallest holding the middle of its lowercase letters (a
 * baseline sits just above its cell's bottom rule, so the baseline itself may touch the cell below).
 */
function boxAt(l: PdfLine, x: number, boxes: PdfBox[]): PdfBox | null {
  const y = l.y + l.size * 0.3;
  let best: PdfBox | null = null;
  for (const b of boxes) {
    if (b.x0 - 2 > x || b.x1 + 2 < x || b.y0 > y || b.y1 < y) continue;
    if (!best || (b.x1 - b.x0) * (b.y1 - b.y0) < (best.x1 - best.x0) * (best.y1 - best.y0)) best = b;
  }
  return best;
}

/**
 * The boxes a line sits in, one per column. A row opens where most columns' boxes change: a first
 * column shaded line by line (a label's box no taller than its text) or a cell spanning several rows
 * does not cut or join rows on its own.
 */
function rowBoxes(l: PdfLine, xs: number[], boxes: PdfBox[]): (PdfBox | null)[] {
  return xs.map((x) => boxAt(l, x, boxes));
}

function opensRow(now: (PdfBox | null)[], last: (PdfBox | null)[] | null): boolean | null {
  if (!last) return true;
  let changed = 0;
  let same = 0;
  now.forEach((b, k) => {
    const a = last[k];
    if (!b || !a) return;
    if (a === b) same++;
    else changed++;
  });
  return changed + same === 0 ? null : changed > same;
}

function splitTables(lines: PdfLine[], page: PdfPage, used: Set<PdfSegment>): Chunk[] {
  const chunks: Chunk[] = [];
  let flow: PdfLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A header of two cells over a drawn table of three columns or more (its first header cell left
    // empty above the rows' labels: "| PFMP n° 1 | PFMP n° 2").
    if (
      !headerCandidate(line) &&
      !(line.segments.length === 2 && labelledColumns(line, bordersAcross(page, line))) &&
      // The header over a drawn table's rows joined from staggered cells.
      !(line.segments.length >= 2 && JOINED_ROWS.has(lines[i + 1]!))
    ) {
      flow.push(line);
      continue;
    }
    const upright = uprightHeaders(line, page, used);
    const header: PdfLine = upright.length
      ? { ...line, segments: [...line.segments, ...upright].sort((a, b) => a.x0 + a.x1 - b.x0 - b.x1) }
      : line;
    // A header cell set on several lines ("Présentation / d'un projet / réalisé en / amont de la /
    // session"): the short lines just above and below, each run under one of the header's cells.
    const underHeader = (l: PdfLine) =>
      l.segments.every((s) => {
        const c = (s.x0 + s.x1) / 2;
        return (
          s.text.length <= 30 &&
          header.segments.some(
            (h) => c >= h.x0 - 10 && c <= h.x1 + 10 && s.x1 - s.x0 <= (h.x1 - h.x0) * 1.6 + 10,
          )
        );
      });
    const above: PdfLine[] = [];
    for (let k = flow.length - 1; k >= 0; k--) {
      const l = flow[k]!;
      const next = above[0] ?? line;
      if (l.y - next.y > l.size * 1.6 || !underHeader(l)) break;
      above.unshift(l);
    }
    let k = i + 1;
    const below: PdfLine[] = [];
    while (k < lines.length && lines[k]!.segments.length < 4) {
      const l = lines[k]!;
      const prev = below[below.length - 1] ?? line;
      if (prev.y - l.y > l.size * 1.6 || !underHeader(l)) break;
      below.push(l);
      k++;
    }
    // The body: following lines until one runs across two column edges in a single segment.
    // First the lines of several runs place the columns and find where the table ends; then the
    // table's own lines of one run (cells' text) refine the columns.
    const candidates = lines.slice(k, k + 60);
    // Drawn column borders crossing the header, when the table has them, are its columns. The text
    // after a table may leave no blank channel over the next 60 lines (a Chromium table's page): the
    // borders alone place its columns, and the table ends where they end.
    const drawn = drawnEdges(page, header);
    const channels = columnEdges(header, candidates, false);
    const rough = channels ?? drawn;
    // Where its borders stop first: a table drawn just under it shares their x, so the lowest end would run
    // into it (a row spanning columns that cuts one border ends the table early: a known limit).
    const ends =
      !channels && drawn ? drawn.map((x) => drawnBottom(page, x, header.y + header.size * 0.3)) : [];
    const drawnEnd = ends.length && ends.every((e) => e !== null) ? Math.max(...(ends as number[])) : null;
    if (!rough) {
      flow.push(line);
      continue;
    }
    const within = (edges: number[]) => {
      const col = (x: number) => edges.filter((e) => x >= e).length;
      const body: PdfLine[] = [];
      for (const l of candidates) {
        const spans = l.segments.some((s) => col(s.x1 - 2) - col(s.x0) >= 2);
        // Under a drawn table, a line below where its borders end is past it (a callout).
        if (spans || (drawnEnd !== null && l.y < drawnEnd) || headingLike(l, header)) break;
        body.push(l);
      }
      return body;
    };
    const edges = drawn ?? columnEdges(header, within(rough)) ?? rough;
    const col = (x: number) => edges.filter((e) => x >= e).length;
    const body = within(edges);
    if (body.filter((l) => l.segments.length >= 2).length < 2) {
      flow.push(line);
      continue;
    }
    flow.splice(flow.length - above.length, above.length);
    if (flow.length) chunks.push({ kind: "flow", lines: flow });
    flow = [];
    const width = edges.length + 1;
    const headerCells: string[] = Array.from({ length: width }, () => "");
    // Upright headers first (they stand in their own column), then the header's lines top to bottom.
    for (const s of [
      ...upright,
      ...above.flatMap((l) => l.segments),
      ...line.segments,
      ...below.flatMap((l) => l.segments),
    ]) {
      const c = col((s.x0 + s.x1) / 2);
      headerCells[c] = squash(`${headerCells[c]} ${s.text}`);
    }
    const rows: string[][] = [];
    let row: string[] | null = null;
    let lastY: number | null = null;
    let lastHadFirst = true;
    // Drawn cells, when the page has them, say where rows begin and end: a first column's text set in
    // the middle of its row keeps the lines above it.
    const firstX = Math.min(...body.flatMap((l) => l.segments.map((s) => s.x0))) + 1;
    const columnXs = [firstX, ...edges.map((e) => e + 2)];
    let lastBoxes: (PdfBox | null)[] | null = null;
    // Stroked row borders (LibreOffice, Word) say it surest: a row opens below each rule.
    const top = line.y + line.size * 2;
    const bottom = Math.min(...body.map((l) => l.y)) - line.size;
    const rowRules = (page.rules ?? []).filter(
      (r) => r.x0 <= firstX + 3 && r.x1 >= firstX + 20 && r.y < top && r.y > bottom,
    );
    for (const l of body) {
      const boxes = page.boxes?.length ? rowBoxes(l, columnXs, page.boxes) : null;
      const byRules = rowRules.length >= 2 ? lastY === null || ruleBetween(rowRules, lastY, l.y) : null;
      const byBoxes = byRules ?? (boxes ? opensRow(boxes, lastBoxes) : null);
      const cells: string[] = Array.from({ length: width }, () => "");
      for (const s of l.segments) {
        const c = col(s.x0 + 1);
        cells[c] = squash(`${cells[c]} ${s.text}`);
      }
      const hasFirst = cells[0] !== "";
      const gap = lastY === null ? 0 : lastY - l.y;
      const spanning = l.segments.length === 1 && col(l.segments[0]!.x1 - 2) > col(l.segments[0]!.x0);
      const opens =
        byBoxes ?? (gap > l.size * 1.9 || (hasFirst && !lastHadFirst && row !== null && row[0] !== ""));
      lastBoxes = boxes;
      if (!row || spanning || opens) {
        row = Array.from({ length: width }, () => "");
        rows.push(row);
      }
      if (spanning) {
        row[0] = squash(l.text);
        row = null;
      } else
        cells.forEach((c, k) => {
          if (!c) return;
          // A list item inside a cell keeps its own line.
          // A list item, or a line opening with a capital (one competency per line), keeps its own line.
          row![k] = row![k]
            ? isBullet(c) || /^\p{Lu}/u.test(c)
              ? `${row![k]}\n${c}`
              : `${row![k]} ${c}`
            : c;
        });
      lastY = l.y;
      lastHadFirst = hasFirst;
    }
    chunks.push({
      kind: "table",
      table: {
        header: headerCells,
        rows: rows.map((r) => r.map(unhyphenate)).filter((r) => r.some(Boolean)),
      },
    });
    i = k - 1 + body.length;
  }
  if (flow.length) chunks.push({ kind: "flow", lines: flow });
  return chunks;
}

/**
 * The column borders a table draws across its header line, inner ones only (its frame's two sides
 * are not edges between columns), when there are as many columns as the header has cells or fewer.
 */
function drawnEdges(page: PdfPage, header: PdfLine): number[] | null {
  const xs = bordersAcross(page, header);
  const unique = xs.filter((x, i) => i === 0 || x - xs[i - 1]! > 4);
  // A header over all but the rows' labels: every border but the frame's two sides.
  if (header.segments.length === 2 && labelledColumns(header, xs)) {
    const inner = unique.slice(1, -1);
    return inner.length ? inner : null;
  }
  const left = Math.min(...header.segments.map((s) => s.x0));
  const right = Math.max(...header.segments.map((s) => s.x1));
  const inner = unique.filter((x) => x > left && x < right);
  return inner.length >= 2 && inner.length < header.segments.length + 1 ? inner : null;
}

/**
 * The rows of a drawn table whose cells' baselines do not line up, one line each: between two row
 * borders, each column's runs joined into one cell, so that the row reads as a table row rather than
 * as its columns' lines interleaved (« CCP 1 » / « ► Produire des documents… » / « Assurer les » …).
 * Only bands whose lines are staggered are joined: a table whose rows are lines reads well already.
 */
const JOINED_ROWS = new WeakSet<PdfLine>();

function drawnRows(page: PdfPage, lines: PdfLine[]): PdfLine[] {
  const rules = page.rules ?? [];
  if (rules.length < 2 || (page.columns ?? []).length < 3) return lines;
  const ys = [...new Set(rules.map((r) => Math.round(r.y)))].sort((a, b) => b - a);
  const mid = (l: PdfLine) => l.y + l.size * 0.3;
  let out = lines;
  for (let k = 0; k + 1 < ys.length; k++) {
    const [top, bottom] = [ys[k]!, ys[k + 1]!];
    if (top - bottom < 6) continue;
    const xs = bordersSpanning(page, bottom + 2, top - 2);
    if (xs.length < 3) continue;
    const band = out.filter((l) => mid(l) < top && mid(l) > bottom);
    const inside = band.every((l) =>
      l.segments.every((s) => s.x0 >= xs[0]! - 2 && s.x1 <= xs[xs.length - 1]! + 2),
    );
    if (band.length < 2 || !inside || staggered(band) < 1) continue;
    const columnOf = (s: PdfSegment) => xs.findIndex((_, c) => c + 1 < xs.length && s.x0 < xs[c + 1]! - 1);
    const cells = new Map<number, PdfSegment[]>();
    for (const l of band)
      for (const s of l.segments) {
        const c = columnOf(s);
        const cell = cells.get(c);
        if (cell) cell.push(s);
        else cells.set(c, [s]);
      }
    if (cells.size < 2) continue;
    const segments = [...cells.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, segs]) => ({
        ...segs[0]!,
        x0: Math.min(...segs.map((s) => s.x0)),
        x1: Math.max(...segs.map((s) => s.x1)),
        // A cell's list keeps its items apart.
        text: unhyphenate(
          segs.map((s, n) => (n && isBullet(s.text) ? "\n" : n ? " " : "") + squash(s.text)).join(""),
        ),
      }));
    const first = band[0]!;
    const row: PdfLine = {
      ...first,
      size: Math.max(...band.map((l) => l.size)),
      font: band.every((l) => l.font === first.font) ? first.font : null,
      text: segments.map((s) => s.text).join(" "),
      segments,
    };
    JOINED_ROWS.add(row);
    out = out.flatMap((l) => (l === first ? [row] : band.includes(l) ? [] : [l]));
  }
  return out;
}

/**
 * Where a column border drawn across y ends, going down: its pieces (one per cell in a Chromium
 * table) followed while each touches the next.
 */
function drawnBottom(page: PdfPage, x: number, y: number): number | null {
  const pieces = (page.columns ?? []).filter((c) => Math.abs(c.x - x) <= 3).sort((a, b) => b.y1 - a.y1);
  let low: number | null = null;
  for (const c of pieces) {
    if (low === null ? c.y0 <= y && c.y1 >= y : c.y1 >= low - 3 && c.y0 < low) low = c.y0;
  }
  return low;
}

/** The x of the column borders a page draws across a line, left to right. */
function bordersAcross(page: PdfPage, line: PdfLine): number[] {
  const y = line.y + line.size * 0.3;
  return bordersSpanning(page, y, y);
}

/** The x of the column borders a page draws from `bottom` up to `top` at least, left to right. */
function bordersSpanning(page: PdfPage, bottom: number, top: number): number[] {
  return [
    ...new Set((page.columns ?? []).filter((c) => c.y0 <= bottom && c.y1 >= top).map((c) => Math.round(c.x))),
  ].sort((a, b) => a - b);
}

/** Whether one of these rules runs between two baselines (a row's border). */
function ruleBetween(rules: PdfRule[], above: number, below: number): boolean {
  return rules.some((r) => r.y < above - 0.5 && r.y > below + 0.5);
}

/** A short two-cell line whose drawn table has one more column, on the left: its rows' labels. */
function labelledColumns(line: PdfLine, xs: number[]): boolean {
  if (!line.segments.every((s) => s.text.length <= 40 && /\p{L}/u.test(s.text))) return false;
  const left = Math.min(...line.segments.map((s) => s.x0));
  // Three columns: the frame's two sides and two borders between them, one before the first cell.
  return xs.length === 4 && xs.filter((x) => x < left).length === 2;
}

/** A line set larger than the table's header: a heading after the table, not a row of it. */
function headingLike(l: PdfLine, header: PdfLine): boolean {
  return l.size > header.size * 1.15 && l.segments.length === 1;
}

// Empty boxes and circles of Wingdings (0x6F, 0x71, 0x72, 0xA1, 0xA8) and Wingdings 2 (0xA3): a grid's
// cell left unticked. Every other lone symbol glyph is a mark (✓, ☑, ☒).
const EMPTY_BOXES = new Set([0x6f, 0x71, 0x72, 0xa1, 0xa3, 0xa8]);
// Glyphs of symbol fonts (Wingdings, Symbol) come out in the private use area.
const SYMBOLS = /^[\uF000-\uF0FF\s]+$/;

/**
 * Symbol-font glyphs: one set just before text is a bullet (dropped); one
 * standing alone in its place is a mark, a tick in an evaluation grid (✓).
 */
function readSymbols(line: PdfLine): PdfLine {
  const segments: PdfSegment[] = [];
  line.segments.forEach((s, i) => {
    if (!SYMBOLS.test(s.text)) {
      const text = s.text.replace(/[\uF000-\uF0FF]\s*/g, "").trim();
      if (text) segments.push({ ...s, text });
      return;
    }
    const next = line.segments[i + 1];
    if (next && !SYMBOLS.test(next.text) && next.x0 - s.x1 < 24) return;
    segments.push({
      ...s,
      text: s.text
        .replace(/[\uF000-\uF0FF]/g, (g) => (EMPTY_BOXES.has(g.charCodeAt(0) & 0xff) ? "☐" : "✓"))
        .replace(/\s+/g, " ")
        .trim(),
    });
  });
  return { ...line, segments, text: segments.map((s) => s.text).join(" ") };
}

/** The page number a page prints at its foot or head ("3/50", "Page 3"), or null. */
function printedPageNumber(page: PdfPage): number | null {
  for (const l of page.lines) {
    if (l.y > page.height * 0.12 && l.y < page.height * 0.88) continue;
    for (const s of l.segments) {
      const m = /^(?:page\s*)?(\d{1,3})\s*(?:\/|sur|of)\s*\d{1,3}$/i.exec(s.text.trim());
      if (m) return Number(m[1]);
    }
  }
  return null;
}

/**
 * A file may hold several documents (a REAC, then its RE): a new part opens
 * where the printed page numbers start again, or where the orientation turns
 * for good (two pages at least). Running lines are found within each part.
 */
export function documentParts(pages: PdfPage[]): PdfPage[][] {
  const parts: PdfPage[][] = [];
  let last: number | null = null;
  const landscape = (p: PdfPage | undefined) => (p ? p.width > p.height : false);
  pages.forEach((p, i) => {
    const printed = printedPageNumber(p);
    const prev = pages[i - 1];
    const reset = printed !== null && last !== null && printed < last && printed <= 2;
    const turned =
      prev !== undefined && landscape(p) !== landscape(prev) && landscape(pages[i + 1] ?? p) === landscape(p);
    const current = parts[parts.length - 1];
    if (!current || ((reset || turned) && current.length >= 2)) parts.push([p]);
    else current.push(p);
    if (printed !== null) last = printed;
  });
  return parts;
}

/**
 * The identification table a footer repeats (SIGLE | Type de document | Code
 * titre | Millésime | Date…), read once as "label : value" pairs: the
 * document says there what it is, though the footer itself is dropped.
 */
function footerIdentity(page: PdfPage, running: PdfLine[]): string | null {
  const lines = running.filter((l) => l.page === page.number).sort((a, b) => b.y - a.y);
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i]!;
    const values = lines[i + 1]!;
    if (head.segments.length < 3 || values.segments.length < 3) continue;
    if (!head.segments.every((s) => /^\p{L}/u.test(s.text))) continue;
    const pairs: string[] = [];
    for (const h of head.segments) {
      if (/^page$/i.test(h.text)) continue;
      const centre = (h.x0 + h.x1) / 2;
      const v = values.segments.find((s) => s.x0 - 8 <= centre && s.x1 + 8 >= centre);
      if (v) pairs.push(`${h.text} : ${v.text}`);
    }
    if (pairs.length >= 3) return pairs.join(" ; ");
  }
  return null;
}

const SECTION_NUMBER = /^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+(?=\p{L})/u;

/** Blocks of a PDF in reading order, running headers and footers dropped. */
export function pdfBlocks(layout: PdfLayout): ReadDocument {
  let dropped = 0;
  const droppedText = new Set<string>();
  const parts = documentParts(layout.pages);
  const identities = new Map<number, string>();
  const kept = parts.flatMap((part) => {
    const isRunning = runningLines(part);
    const running: PdfLine[] = [];
    const pages = part.map((p) => ({
      page: p,
      lines: p.lines
        .filter((l) => {
          if (!isRunning(l, p)) return true;
          dropped++;
          droppedText.add(l.text);
          running.push(l);
          return false;
        })
        .map(readSymbols)
        .filter((l) => l.segments.length > 0),
    }));
    for (const p of part) {
      const identity = footerIdentity(p, running);
      if (identity) {
        identities.set(part[0]!.number, identity);
        break;
      }
    }
    return pages;
  });
  const allLines = kept.flatMap((k) => k.lines);
  let headingSource: ReadDocument["headingSource"] = "none";
  let headingLevel: (l: PdfLine) => number;
  if (layout.outline.length) {
    const titles = new Map(layout.outline.map((o) => [fold(squash(o.title)), o.depth]));
    // LaTeX's hyperref bookmarks a section by its title, the page prints its number before it.
    headingLevel = (l) =>
      titles.get(fold(squash(l.text))) ?? titles.get(fold(squash(l.text.replace(SECTION_NUMBER, "")))) ?? 0;
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
  // Text set in sizes seen only on the cover page is the cover's, not headings of the whole document.
  if (layout.pages.length > 3) {
    const later = new Set(
      kept.filter((k) => k.page.number > 1).flatMap((k) => k.lines.map((l) => Math.round(l.size * 2) / 2)),
    );
    const inner = headingLevel;
    headingLevel = (l) => (l.page === 1 && !later.has(Math.round(l.size * 2) / 2) ? 0 : inner(l));
  }
  const blocks: Block[] = [];
  let tables = 0;
  // The text's right edge for pages of each width: the median of the pages' widest lines (a page with
  // short lines only does not set it).
  const edgeByWidth = new Map<number, number>();
  for (const w of new Set(kept.map((k) => Math.round(k.page.width)))) {
    const ends = kept
      .filter((k) => Math.round(k.page.width) === w && k.lines.length)
      .map((k) => Math.max(...k.lines.map((l) => l.segments[l.segments.length - 1]!.x1)))
      .sort((a, b) => a - b);
    if (ends.length) edgeByWidth.set(w, ends[Math.floor(ends.length / 2)]!);
  }
  for (const { page, lines } of kept) {
    const identity = identities.get(page.number);
    if (identity) {
      // Level 9: below every heading of the document, so it heads nothing but itself.
      blocks.push({ kind: "heading", level: 9, text: "Identification du document" });
      blocks.push({ kind: "paragraph", text: identity });
    }
    const rightEdge =
      edgeByWidth.get(Math.round(page.width)) ??
      Math.max(0, ...lines.map((l) => l.segments[l.segments.length - 1]!.x1));
    const used = new Set<PdfSegment>();
    const leftEdge = textEdge(lines);
    // A grid with merged cells is read cell by cell; the page's other lines as usual, around it.
    const grid = readGrid(page, lines);
    const chunks = grid
      ? [
          ...splitTables(grid.before, page, used),
          { kind: "grid" as const, blocks: grid.blocks },
          ...splitTables(grid.after, page, used),
        ]
      : splitTables(drawnRows(page, lines), page, used);
    for (const chunk of chunks) {
      if (chunk.kind === "grid") {
        if (!continueGrid(blocks, chunk.blocks)) tables++;
        continue;
      }
      if (chunk.kind === "table") {
        const { header, rows } = chunk.table;
        // A table continued on the next page repeats its header; a first row without its first cell
        // is the end of the row the page break cut.
        // Short lines left between (a header's remnant over several columns) do not break the table.
        let back = blocks.length - 1;
        while (
          back > 0 &&
          blocks[back]!.kind === "paragraph" &&
          (blocks[back] as { text: string }).text.length <= 40
        )
          back--;
        const last = blocks[back];
        const continued =
          last?.kind === "row" && last.header && last.header.join("|") === header.join("|") ? last : null;
        if (!continued) {
          tables++;
          blocks.push({ kind: "row", cells: header });
        }
        rows.forEach((cells, k) => {
          // Its first cell empty, or going on in small letters (« d'entreposage et de transport » after
          // « RNCP41287BC02 Piloter les opérations »): the row the break cut.
          const goesOn = !cells[0] || /^\p{Ll}/u.test(cells[0]);
          if (k === 0 && continued && goesOn && continued.cells.length === cells.length) {
            continued.cells = continued.cells.map((c, i) => squash(`${c} ${cells[i]}`));
            return;
          }
          blocks.push({ kind: "row", cells, header });
        });
        continue;
      }
      const gutter = findGutter({ ...page, lines: chunk.lines });
      if (gutter === null) flowBlocks(chunk.lines, headingLevel, blocks, rightEdge, leftEdge);
      else gutterBlocks(page, chunk.lines, gutter, headingLevel, blocks);
    }
    // Turned text that heads no table (a line up the margin): read as a paragraph of its own.
    const aside = (page.rotated ?? []).filter((r) => !used.has(r));
    if (aside.length) blocks.push({ kind: "paragraph", text: squash(aside.map((r) => r.text).join(" ")) });
  }
  return {
    format: "pdf",
    blocks: mergeSplitParagraphs(blocks),
    pages: layout.pages.length,
    parts: parts.map((part) => [part[0]!.number, part[part.length - 1]!.number] as [number, number]),
    blankPages: layout.pages
      .filter((p) => !p.lines.some((l) => /[\p{L}\p{N}]/u.test(l.text)) && !p.rotated?.length)
      .map((p) => p.number),
    tables,
    headingSource,
    droppedRunning: dropped,
    dropped: [...droppedText],
  };
}

/**
 * A grid continued from the page before: its repeated header is dropped, the row the page break cut
 * (no code opening it) joins the last one, and the cells merged over the break (the activity, the
 * modalities) are the last row's. True when the grid continued one.
 */
function continueGrid(blocks: Block[], grid: Block[]): boolean {
  const header = grid[0]?.kind === "row" ? grid[0].cells : null;
  const last = blocks[blocks.length - 1];
  const previousHeader = [...blocks]
    .reverse()
    .find((b) => b.kind === "row" && b.cells.join("|") === header?.join("|"));
  if (!header || last?.kind !== "row" || !previousHeader || last === previousHeader) {
    blocks.push(...grid);
    return false;
  }
  let previous = last;
  for (const [k, b] of grid.slice(1).entries()) {
    if (b.kind !== "row") {
      blocks.push(...grid.slice(k + 1));
      return true;
    }
    if (k === 0 && !b.cells[0] && !CODE_START.test(b.cells[1] ?? "")) {
      previous.cells = previous.cells.map((c, i) => {
        const more = b.cells[i] ?? "";
        return !more ? c : !c ? more : /^\p{Ll}/u.test(more) ? `${c} ${more}` : `${c}\n${more}`;
      });
      continue;
    }
    const cells = b.cells.map((c, i) =>
      c || !(i === 0 || /modalit/i.test(header[i] ?? "")) ? c : (previous.cells[i] ?? ""),
    );
    previous = { kind: "row", cells };
    blocks.push(previous);
  }
  return true;
}

/** A paragraph cut by a page break continues on the next page: joined when it does not end a sentence. */
function mergeSplitParagraphs(blocks: Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    const prev = out[out.length - 1];
    // A line set apart from its sentence (a page break, or its last words taken for a heading:
    // "… y compris pour la" / "sécurité :") goes on with the paragraph or item it ends.
    if (
      prev &&
      (b.kind === "paragraph" || b.kind === "heading") &&
      (prev.kind === "paragraph" || prev.kind === "item") &&
      (b.kind === "heading" || prev.kind === "paragraph") &&
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
