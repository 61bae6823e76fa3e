/**
 * PDF text with its layout, through pdf.js: positioned text segments, lines,
 * running headers and footers, and headings (from the outline, else from
 * font size or weight). Shared by every reader of PDFs: the knowledge reader
 * reads through `readPdfLayout`; the report checker (src/reports/pdf.ts) keeps its
 * own line building (columns, ligatures) but loads pdf.js, reads bookmarks, finds
 * running headers and tells heading-shaped lines with the functions below.
 */

/** A run of text on one baseline, with no wide gap inside. */
export interface PdfSegment {
  page: number;
  x0: number;
  x1: number;
  /** Baseline, from the bottom of the page (pdf.js coordinates). */
  y: number;
  size: number;
  font: string;
  text: string;
}

/** One baseline of a page: its segments left to right. */
export interface PdfLine {
  page: number;
  y: number;
  size: number;
  /** The font of every non-blank run of the line, or null when runs mix fonts. */
  font: string | null;
  text: string;
  segments: PdfSegment[];
}

export interface PdfPage {
  number: number;
  width: number;
  height: number;
  lines: PdfLine[];
  /**
   * Rectangles the page draws or clips to (table cells, their borders), in page coordinates; read only
   * on pages whose lines look like a table's (three runs or more on one line, away from the edges).
   */
  boxes?: PdfBox[];
  /**
   * Horizontal rules the page strokes (a table's row borders, as LibreOffice and Word draw them), read
   * with `boxes`.
   */
  rules?: PdfRule[];
  /** Vertical rules (a table's column borders), read with `boxes`. */
  columns?: PdfColumnRule[];
  /** Text turned a quarter, each run as the strip it covers (y: its top), left out of `lines`. */
  rotated?: PdfSegment[];
}

export interface PdfBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PdfRule {
  x0: number;
  x1: number;
  y: number;
}

export interface PdfColumnRule {
  x: number;
  y0: number;
  y1: number;
}

export interface PdfLayout {
  pages: PdfPage[];
  /** Outline (bookmark) titles with their depth, when the PDF has one. */
  outline: { title: string; depth: number; page: number | null }[];
  /** Characters of text found: a scanned PDF has (almost) none. */
  chars: number;
}

export class PdfReadError extends Error {
  constructor(
    readonly reason: "encrypted" | "corrupt",
    cause: unknown,
  ) {
    super(String(cause));
  }
}

type Pdfjs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
/** An open PDF document, as pdf.js gives it. */
export type PdfDocument = Awaited<ReturnType<Pdfjs["getDocument"]>["promise"]>;

// Loaded on use: pdf.js is large. Its worker module runs in this thread ("fake worker"):
// loaded once with it, then reused by every read of the process.
// A plain string, so TypeScript does not look for the worker's (absent) type declarations.
const WORKER_MODULE: string = "pdfjs-dist/legacy/build/pdf.worker.mjs";
let loading: Promise<Pdfjs> | null = null;
function pdfjs(): Promise<Pdfjs> {
  loading ??= (async () => {
    const [lib, worker] = await Promise.all([
      import("pdfjs-dist/legacy/build/pdf.mjs"),
      import(WORKER_MODULE) as Promise<unknown>,
    ]);
    const g = globalThis as { pdfjsWorker?: unknown };
    g.pdfjsWorker ??= worker;
    return lib;
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/**
 * Loads pdf.js and its worker ahead of the first PDF (about 0.9 s): a long-running
 * `serve` calls it at start, so no one waits for it.
 */
export async function preloadPdfjs(): Promise<void> {
  await pdfjs();
}

/** Starts reading a PDF with the options every reader uses (no eval, no fonts, no WebAssembly). */
export async function openPdf(bytes: Uint8Array) {
  const { getDocument } = await pdfjs();
  return getDocument({
    data: new Uint8Array(bytes), // a copy: pdf.js detaches the buffer it is given, and refuses Buffers
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
    useWasm: false,
  });
}

/** Reads every page's text with positions. Throws PdfReadError for encrypted or unreadable files. */
export async function readPdfLayout(bytes: Uint8Array, signal?: AbortSignal): Promise<PdfLayout> {
  const task = await openPdf(bytes);
  const onAbort = () => void task.destroy();
  signal?.addEventListener("abort", onAbort, { once: true });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (e) {
    signal?.removeEventListener("abort", onAbort);
    const name = (e as { name?: string })?.name;
    throw new PdfReadError(name === "PasswordException" ? "encrypted" : "corrupt", e);
  }
  try {
    const pages: PdfPage[] = [];
    let chars = 0;
    for (let p = 1; p <= doc.numPages; p++) {
      if (signal?.aborted) throw new PdfReadError("corrupt", "aborted");
      const page = await doc.getPage(p);
      const [, , width, height] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const segments: PdfSegment[] = [];
      const rotated: PdfSegment[] = [];
      for (const item of content.items) {
        // Blank items (pdf.js bridges gaps with them) never join two runs: a grid's columns stay apart.
        if (!("str" in item) || !item.str.trim()) continue;
        const [a, b] = item.transform as number[];
        if (Math.abs(b!) > Math.abs(a!)) {
          // Text turned a quarter (a table's column header set upright): kept apart, as the strip
          // of the page its glyphs cover, top first.
          const size = Math.abs(b!);
          const tx = item.transform[4] as number;
          const ty = item.transform[5] as number;
          const down = b! < 0;
          rotated.push({
            page: p,
            x0: down ? tx : tx - size,
            x1: down ? tx + size : tx,
            y: down ? ty : ty + item.width,
            size,
            font: item.fontName,
            text: item.str.replace(/\s+/g, " ").trim(),
          });
          chars += item.str.trim().length;
          continue;
        }
        const size = Math.hypot(item.transform[2], item.transform[3]) || Math.abs(item.transform[0]);
        const x0 = item.transform[4];
        const y = item.transform[5];
        const x1 = x0 + (item.width || item.str.length * size * 0.5);
        const last = segments[segments.length - 1];
        // Runs of one segment: same baseline, and the gap is less than about two spaces (a table's
        // duration cell and the detail cell beside it, 1.2 em apart, stay two segments).
        if (last && Math.abs(last.y - y) <= size * 0.3 && x0 - last.x1 < size * 0.9 && x0 >= last.x0) {
          const gap = x0 - last.x1 > size * 0.15 && !/\s$/.test(last.text) && !/^\s/.test(item.str);
          last.text += (gap ? " " : "") + item.str;
          last.x1 = Math.max(last.x1, x1);
          last.size = Math.max(last.size, size);
          if (last.font !== item.fontName) last.font = "mixed";
        } else {
          segments.push({ page: p, x0, x1, y, size, font: item.fontName, text: item.str });
        }
        chars += item.str.trim().length;
      }
      const lines = toLines(p, segments);
      // Only where a table may be: a line of three runs or more away from the page's edges (footer
      // tables stand there on every page, and reading a page's drawing costs about as much as its text).
      // A table continued from the page before may have two columns of text on this one.
      const inside = lines.filter((l) => l.y > height * 0.12 && l.y < height * 0.88);
      const tabular =
        inside.some((l) => l.segments.length >= 3) ||
        inside.filter((l) => l.segments.length >= 2).length >= 3 ||
        staggered(inside) >= 3;
      const drawn = tabular ? await pageDrawing(page, width, height) : undefined;
      pages.push({
        number: p,
        width,
        height,
        lines,
        ...(drawn ? { boxes: drawn.boxes, rules: drawn.rules, columns: drawn.columns } : {}),
        ...(rotated.length ? { rotated } : {}),
      });
      page.cleanup();
    }
    const outline = (await readOutline(doc)).map((o) => ({ ...o, title: o.title.trim() }));
    return { pages, outline, chars };
  } finally {
    signal?.removeEventListener("abort", onAbort);
    await doc.destroy();
  }
}

/**
 * Pairs of neighbouring one-run lines side by side rather than one under the other: the cells of a
 * two-column table whose baselines do not line up (a cell's text set top, the other's list set with its
 * own spacing), each cell's line a few points above or below its neighbour's.
 */
export function staggered(lines: PdfLine[]): number {
  let n = 0;
  for (let i = 0; i + 1 < lines.length; i++) {
    const a = lines[i]!;
    const b = lines[i + 1]!;
    if (a.segments.length !== 1 || b.segments.length !== 1) continue;
    const [sa, sb] = [a.segments[0]!, b.segments[0]!];
    const apart = sa.x1 < sb.x0 - 4 || sb.x1 < sa.x0 - 4;
    if (apart && Math.abs(a.y - b.y) < Math.max(a.size, b.size) * 0.75) n++;
  }
  return n;
}

type PdfPageProxy = Awaited<ReturnType<PdfDocument["getPage"]>>;

/**
 * The rectangles a page paints or clips to, from its operator list: each path's bounding box (pdf.js
 * gives it with the path) through the current transformation matrix. Word and LibreOffice draw a
 * table's cells this way; whole-page frames and hairlines are left out.
 */
async function pageDrawing(
  page: PdfPageProxy,
  width: number,
  height: number,
): Promise<{ boxes: PdfBox[]; rules: PdfRule[]; columns: PdfColumnRule[] }> {
  const { OPS } = await pdfjs();
  const ops = await page.getOperatorList();
  const boxes: PdfBox[] = [];
  const rules: PdfRule[] = [];
  const columns: PdfColumnRule[] = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  const stack: number[][] = [];
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? ctm;
    else if (fn === OPS.transform) {
      const [a, b, c, d, e, f] = ops.argsArray[i] as number[];
      const m = ctm;
      ctm = [
        m[0]! * a! + m[2]! * b!,
        m[1]! * a! + m[3]! * b!,
        m[0]! * c! + m[2]! * d!,
        m[1]! * c! + m[3]! * d!,
        m[0]! * e! + m[2]! * f! + m[4]!,
        m[1]! * e! + m[3]! * f! + m[5]!,
      ];
    } else if (fn === OPS.constructPath) {
      const minMax = (ops.argsArray[i] as unknown[])[2] as ArrayLike<number> | null;
      if (!minMax) continue;
      const px = (x: number, y: number) => ctm[0]! * x + ctm[2]! * y + ctm[4]!;
      const py = (x: number, y: number) => ctm[1]! * x + ctm[3]! * y + ctm[5]!;
      const xs = [px(minMax[0]!, minMax[1]!), px(minMax[2]!, minMax[3]!)];
      const ys = [py(minMax[0]!, minMax[1]!), py(minMax[2]!, minMax[3]!)];
      const box = { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
      const w = box.x1 - box.x0;
      const h = box.y1 - box.y0;
      if (w >= 6 && h >= 6 && (w < width * 0.95 || h < height * 0.9)) boxes.push(box);
      else if (w >= 6 && h < 2.5) rules.push({ x0: box.x0, x1: box.x1, y: (box.y0 + box.y1) / 2 });
      else if (h >= 6 && w < 2.5) columns.push({ x: (box.x0 + box.x1) / 2, y0: box.y0, y1: box.y1 });
    }
  }
  return { boxes, rules, columns };
}

function toLines(page: number, segments: PdfSegment[]): PdfLine[] {
  const sorted = [...segments].sort((a, b) => b.y - a.y || a.x0 - b.x0);
  const lines: PdfLine[] = [];
  for (const s of sorted) {
    s.text = s.text.replace(/\s+/g, " ").trim();
    if (!s.text) continue;
    const last = lines[lines.length - 1];
    if (last && Math.abs(last.y - s.y) <= Math.max(1.5, s.size * 0.25)) last.segments.push(s);
    else lines.push({ page, y: s.y, size: 0, font: null, text: "", segments: [s] });
  }
  for (const l of lines) {
    l.segments.sort((a, b) => a.x0 - b.x0);
    l.text = l.segments.map((s) => s.text).join(" ");
    l.size = Math.max(...l.segments.map((s) => s.size));
    const fonts = new Set(l.segments.map((s) => s.font));
    l.font = fonts.size === 1 && !fonts.has("mixed") ? [...fonts][0]! : null;
  }
  return lines;
}

/** The outline (bookmarks) in reading order, titles as written, depth 1 at the top; empty without one. */
export async function readOutline(
  doc: PdfDocument,
): Promise<{ title: string; depth: number; page: number | null }[]> {
  const outline: { title: string; depth: number; page: number | null }[] = [];
  const items = await doc.getOutline().catch(() => null);
  const walk = async (list: NonNullable<typeof items>, depth: number) => {
    for (const it of list) {
      outline.push({ title: it.title, depth, page: await outlinePage(doc, it.dest) });
      if (it.items?.length) await walk(it.items, depth + 1);
    }
  };
  if (items?.length) await walk(items, 1);
  return outline;
}

/** The page (from 1) a bookmark's destination points to, or null. */
async function outlinePage(
  doc: { getDestination(id: string): Promise<unknown[] | null>; getPageIndex(ref: unknown): Promise<number> },
  dest: unknown,
): Promise<number | null> {
  try {
    const explicit = typeof dest === "string" ? await doc.getDestination(dest) : (dest as unknown[] | null);
    const ref = explicit?.[0];
    if (ref == null) return null;
    if (typeof ref === "number") return ref + 1;
    return (await doc.getPageIndex(ref)) + 1;
  } catch {
    return null;
  }
}

/** Same text once digits are ignored: "Page 3 / 10" and "Page 4 / 10" are one running footer. */
export const runningKey = (text: string) =>
  text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();

/**
 * The texts (as running keys) that stand at a page edge on at least `minPages` pages.
 * `edgeTexts` holds, for each page, the texts of the lines at its top or bottom edge.
 */
export function recurringEdgeKeys(edgeTexts: readonly (readonly string[])[], minPages: number): Set<string> {
  const counts = new Map<string, number>();
  for (const texts of edgeTexts)
    for (const k of new Set(texts.map(runningKey))) counts.set(k, (counts.get(k) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= minPages).map(([k]) => k));
}

/**
 * Running headers and footers: lines in the top or bottom eighth of the page
 * whose text (digits aside) recurs on most pages, and bare page numbers.
 * Returns the keys to drop; `isRunning` tells whether a line is one.
 */
export function runningLines(pages: PdfPage[]): (line: PdfLine, page: PdfPage) => boolean {
  const margin = (l: PdfLine, p: PdfPage) => l.y > p.height * 0.88 || l.y < p.height * 0.12;
  const min = Math.max(2, Math.ceil(pages.length * 0.5));
  const recurring = recurringEdgeKeys(
    pages.map((p) => p.lines.filter((l) => margin(l, p)).map((l) => l.text)),
    min,
  );
  return (l, p) => {
    if (!margin(l, p)) return false;
    if (/^(?:page\s*)?#(?:\s*(?:\/|sur|of)\s*#)?$/i.test(runningKey(l.text))) return true;
    return pages.length >= 2 && recurring.has(runningKey(l.text));
  };
}

const NUMBERED =
  /^(?:(?:partie|part|chapitre|chapter|section)\s+(?:[0-9]+|[IVXLC]+)\b|[0-9]+(?:\.[0-9]+)*\.?\s|[IVXLC]+[.)\-–—]\s)/i;
// A table of contents entry: "Introduction ........ 3". It names sections but is not where they start.
/** A sommaire's line: its title, a leader (dots, an ellipsis, underscores), its page. */
export const TOC_ENTRY = /(?:\.{3,}|…+|(?:\s?\.\s){3,}|_{3,})\s*\d+$/;

/**
 * A line shaped like a heading: short, not ending like a sentence, not a table of
 * contents entry, nor anything `not` matches (the report checker leaves captions out).
 */
export function isHeadingShaped(text: string, not?: RegExp): boolean {
  const t = text.trim();
  if (TOC_ENTRY.test(t) || not?.test(t)) return false;
  // Headings are short, do not end like a sentence, and start with a letter or a number.
  return (
    t.length >= 3 &&
    t.length <= 120 &&
    t.split(/\s+/).length <= 14 &&
    !/[.;,]$/.test(t) &&
    /^[\p{L}0-9]/u.test(t)
  );
}

export function isNumberedHeading(text: string): boolean {
  return NUMBERED.test(text) && isHeadingShaped(text);
}

type StyledLine = { size: number; font: string | null; text: string };

/** Characters of text per size (rounded to half points) and per font, over the lines `counted` keeps. */
function textBy(lines: readonly StyledLine[], counted: (l: StyledLine) => boolean = () => true) {
  const bySize = new Map<number, number>();
  const byFont = new Map<string, number>();
  for (const l of lines) {
    if (!counted(l)) continue;
    const s = Math.round(l.size * 2) / 2;
    bySize.set(s, (bySize.get(s) ?? 0) + l.text.length);
    if (l.font) byFont.set(l.font, (byFont.get(l.font) ?? 0) + l.text.length);
  }
  return { bySize, byFont };
}

/** The body's size and font: those carrying most of the text. */
export function bodyStyle(lines: readonly StyledLine[]): {
  size: number;
  font: string | null;
} {
  const { bySize, byFont } = textBy(lines);
  return {
    size: [...bySize.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0,
    font: [...byFont.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
  };
}

/**
 * Heading level of a line from layout, or 0 for body text: lines set larger
 * than the body (level by size, biggest first), or entirely in another font
 * at body size (bold), shaped like a heading. A phrase inside a paragraph
 * shares the body font (or mixes fonts), so it never counts.
 */
export function layoutHeadingLevels(lines: PdfLine[]): (line: PdfLine) => number {
  const body = bodyStyle(lines);
  // A font carrying a good share of the text is a body font too: a web page printed sets its prose in
  // one font and its long tables in another (the fiche RNCP's blocs), neither is a heading's bold.
  // So is a size: its prose set larger than its tables is not all headings.
  // Short labels do not make their font or size a body's (bold labels in a REAC's tables).
  const total = lines.reduce((n, l) => n + l.text.length, 0);
  const { bySize, byFont } = textBy(lines, (l) => l.text.length >= 40);
  const bodyFonts = new Set([...byFont].filter(([, n]) => n >= total * 0.2).map(([f]) => f));
  const bodySizes = new Set([...bySize].filter(([, n]) => n >= total * 0.2).map(([s]) => s));
  const larger = [
    ...new Set(
      lines
        .filter((l) => l.size >= body.size * 1.15 && isHeadingShaped(l.text))
        .map((l) => Math.round(l.size * 2) / 2)
        .filter((s) => !bodySizes.has(s)),
    ),
  ].sort((a, b) => b - a);
  return (l) => {
    if (!isHeadingShaped(l.text)) return 0;
    const s = Math.round(l.size * 2) / 2;
    if (l.size >= body.size * 1.15 && !bodySizes.has(s)) return Math.min(larger.indexOf(s) + 1, 5) || 1;
    if (l.font !== null && !bodyFonts.has(l.font) && l.font !== body.font && l.size >= body.size * 0.95)
      return larger.length + 1;
    return 0;
  };
}
