import type { PdfLine, PdfPage, PdfRule, PdfSegment } from "../../lib/pdf-layout.js";
import { squash, unhyphenate } from "../../lib/text.js";
import { type Block, isBullet } from "./blocks.js";

/**
 * A table with merged cells, read from its stroked rules: the four-column
 * grid of a référentiel de certification (activité | compétence |
 * modalités | critères), where an activity's cell spans several competence
 * rows and the modalities' cell the whole bloc. Each column's own rules cut
 * it into cells (pdfplumber reads drawn tables the same way); a row is the
 * band between two consecutive rules, and a merged cell gives its text to
 * every row it spans. Lines read row by row would interleave the columns.
 */
export interface Grid {
  /** The page's lines above the table and below it, read as the rest of the page. */
  before: PdfLine[];
  after: PdfLine[];
  blocks: Block[];
}

const near = (a: number, b: number) => Math.abs(a - b) <= 3;
const CAPITALS = /^[\p{Lu}\p{N}'’ -]{4,}?(?=\s+\p{Ll}|\s*\n|\s*$)/u;

/** Column edges: where the rules begin and end, merged when a few points apart. */
function edgesOf(rules: PdfRule[]): number[] {
  const xs = rules.flatMap((r) => [r.x0, r.x1]).sort((a, b) => a - b);
  const edges: number[] = [];
  for (const x of xs) if (!edges.length || !near(edges[edges.length - 1]!, x)) edges.push(x);
  return edges;
}

/** Mostly capitals: a header cell ("RÉFÉRENTIEL DE COMPÉTENCES", "MODALITÉS D'ÉVALUATION"). */
const upper = (s: string) => {
  const letters = s.replace(/[^\p{L}]/gu, "");
  return letters.length >= 4 && letters.replace(/\P{Lu}/gu, "").length >= letters.length * 0.7;
};

export function readGrid(page: PdfPage, lines: PdfLine[]): Grid | null {
  const rules = page.rules ?? [];
  if (rules.length < 4) return null;
  const edges = edgesOf(rules);
  const columns = edges.length - 1;
  const left = edges[0]!;
  const right = edges[edges.length - 1]!;
  const full = (r: PdfRule) => near(r.x0, left) && near(r.x1, right);
  // Merged cells are what the row reading cannot follow: without a partial rule it does. A merged
  // cell's rule stops at a column edge and starts or ends at the table's (rules of two tables on one
  // page, or of a frame around a table, do not).
  const partial = rules.filter((r) => !full(r));
  if (columns < 3 || columns > 8 || !partial.some((r) => near(r.x0, left) || near(r.x1, right))) return null;
  const colOf = (x: number) => {
    for (let c = 0; c < columns; c++) if (x < edges[c + 1]! - 1) return c;
    return columns - 1;
  };
  const crosses = (s: PdfSegment) => colOf(s.x0 + 1) !== colOf(s.x1 - 1);
  // Bands between consecutive rules, top first.
  const ys = [...new Set(rules.map((r) => Math.round(r.y * 2) / 2))].sort((a, b) => b - a);
  const mid = (s: PdfSegment) => s.y + s.size * 0.3;
  const bandOf = (y: number) => ys.findIndex((top, k) => k + 1 < ys.length && y < top && y > ys[k + 1]!);
  const inTable = (l: PdfLine) => l.segments.every((s) => s.x0 >= left - 2 && s.x1 <= right + 2);
  const bandSegments = (k: number) =>
    lines.filter((l) => l.y < ys[k]! && l.y > ys[k + 1]! && inTable(l)).flatMap((l) => l.segments);
  // A header band: capitals in several of its columns (a bloc's title across the table has one).
  const isHeader = (k: number) => {
    if (k + 1 >= ys.length) return false;
    const segs = bandSegments(k);
    const cols = new Set(segs.filter((s) => upper(s.text)).map((s) => colOf((s.x0 + s.x1) / 2)));
    // A header cell may span columns ("RÉFÉRENTIEL D'ÉVALUATION" over modalités and critères).
    return segs.length > 0 && cols.size >= Math.min(2, columns - 1);
  };
  // The table starts at the band of its header.
  const headerBand = ys.findIndex((_, k) => isHeader(k));
  const top = ys[headerBand]!;
  const bottom = ys[ys.length - 1]!;
  const before = lines.filter((l) => mid(l.segments[0]!) >= top);
  const after = lines.filter((l) => mid(l.segments[0]!) <= bottom);
  const body = lines.filter((l) => mid(l.segments[0]!) < top && mid(l.segments[0]!) > bottom);
  if (body.some((l) => !inTable(l))) return null;

  // Each column's own cells: cut where a rule crosses the column's middle.
  const cuts = Array.from({ length: columns }, (_, c) => {
    const x = (edges[c]! + edges[c + 1]!) / 2;
    return ys.filter((y) => rules.some((r) => Math.round(r.y * 2) / 2 === y && r.x0 <= x && r.x1 >= x));
  });
  const cellOf = (c: number, y: number) =>
    cuts[c]!.findIndex((t, k) => k + 1 < cuts[c]!.length && y < t && y > cuts[c]![k + 1]!);
  const text = new Map<string, string[]>();
  const spanning = new Map<number, string[]>();
  for (const l of body) {
    const band = bandOf(mid(l.segments[0]!));
    if (l.segments.some(crosses) && l.segments.length === 1) {
      spanning.set(band, [...(spanning.get(band) ?? []), l.text]);
      continue;
    }
    for (const s of l.segments) {
      const c = colOf(s.x0 + 1);
      const key = `${c}:${cellOf(c, mid(s))}`;
      const cell = text.get(key) ?? [];
      const last = cell[cell.length - 1];
      // Lines of one cell: a bullet or a capital opening a new item keeps its own line.
      if (last !== undefined && !isBullet(s.text) && !/^\p{Lu}/u.test(s.text))
        cell[cell.length - 1] = `${last} ${s.text}`;
      else cell.push(s.text);
      text.set(key, cell);
    }
  }
  const cellText = (c: number, y: number) => unhyphenate((text.get(`${c}:${cellOf(c, y)}`) ?? []).join("\n"));

  // The header's names: the capitals opening each column's cell in its last header band
  // ("RÉFÉRENTIEL D'ACTIVITÉS", not the explanation under it; "MODALITÉS D'ÉVALUATION" under the
  // "RÉFÉRENTIEL D'ÉVALUATION" that spans two columns).
  let k = headerBand;
  while (isHeader(k + 1)) k++;
  const header = Array.from({ length: columns }, (_, c) => {
    for (let b = k; b >= headerBand; b--) {
      const name = CAPITALS.exec(cellText(c, (ys[b]! + ys[b + 1]!) / 2))?.[0];
      if (name) return squash(name);
    }
    return "";
  });
  const blocks: Block[] = [];
  let last = "";
  for (k++; k + 1 < ys.length; k++) {
    const y = (ys[k]! + ys[k + 1]!) / 2;
    if (spanning.has(k)) {
      blocks.push({ kind: "paragraph", text: squash(spanning.get(k)!.join(" ")) });
      last = "";
      continue;
    }
    const cells = Array.from({ length: columns }, (_, c) => cellText(c, y));
    const key = cells.join("|");
    // A band no column's rule cuts differently from the one before adds nothing.
    if (!cells.some(Boolean) || key === last) continue;
    if (blocks[blocks.length - 1]?.kind !== "row") blocks.push({ kind: "row", cells: [...header] });
    blocks.push({ kind: "row", cells });
    last = key;
  }
  return blocks.some((b) => b.kind === "row") ? { before, after, blocks } : null;
}
