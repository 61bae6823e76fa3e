import { CertibotError } from "../errors.js";
import {
  bodyStyle,
  isHeadingShaped as isShaped,
  openPdf,
  preloadPdfjs,
  readOutline,
  recurringEdgeKeys,
  runningKey,
} from "../lib/pdf-layout.js";
import { CAPTION, SUBSECTION } from "./heading-shapes.js";
import { normalizeHeading } from "./matching.js";
import type { ExtractedHeading, ExtractedReport } from "./types.js";

interface Line {
  page: number;
  y: number;
  text: string;
  size: number;
  /** The font of every non-blank run on the line, or null when runs mix fonts (inline emphasis). */
  font: string | null;
  /** 0 or 1 for the columns of a two-column page, -1 for a line spanning both; 0 on one-column pages. */
  col: number;
  /** Near the top or bottom edge of the page, where running headers and footers sit. */
  edge: boolean;
}

interface Item {
  x: number;
  y: number;
  w: number;
  size: number;
  font: string;
  str: string;
}

/**
 * Loads pdf.js and its worker ahead of the first report (about 0.9 s): a long-running
 * `serve` calls it at start, so no candidate waits for it. The loader is the shared one
 * (src/lib/pdf-layout.ts), so knowledge documents read later find it loaded too.
 */
export async function preloadPdfReader(): Promise<void> {
  await preloadPdfjs();
}

const NUMBERED =
  /^(?:(?:partie|part|chapitre|chapter)\s+(?:[0-9]+|[IVXLC]+)\b|[0-9]+(?:\.[0-9]+)*\.?\s|[IVXLC]+[.)\-–—]\s)/i;

// Shaped like a heading (src/lib/pdf-layout.ts), and not a caption.
const isHeadingShaped = (text: string) => isShaped(text, CAPTION);

/**
 * Reads page count, headings (outline, else text layout, else numbered lines) and
 * accessibility facts from a PDF. Throws a coded CertibotError for anything unreadable.
 */
export async function extractPdf(bytes: Uint8Array, signal: AbortSignal): Promise<ExtractedReport> {
  // pdf.js takes ownership of (and detaches) the buffer it is given: openPdf passes a copy.
  const task = await openPdf(bytes);
  const onAbort = () => void task.destroy();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    let doc: Awaited<typeof task.promise>;
    try {
      doc = await task.promise;
    } catch (e) {
      const name = (e as { name?: string })?.name;
      if (name === "PasswordException")
        throw new CertibotError("REPORT_ENCRYPTED", { detail: String(e), cause: e });
      throw new CertibotError("REPORT_CORRUPT", { detail: String(e), cause: e });
    }
    const pages = doc.numPages;
    const hints: string[] = [];
    const meta = await doc.getMetadata().catch(() => null);
    const info = (meta?.info ?? {}) as { Title?: string; Language?: string };
    if (!info.Title?.trim()) hints.push("Accessibilité : ajoutez un titre au document (propriétés du PDF).");
    if (!info.Language?.trim())
      hints.push("Accessibilité : indiquez la langue du document (par exemple fr-FR) dans ses propriétés.");
    const markInfo = await doc.getMarkInfo().catch(() => null);
    if (!markInfo?.Marked)
      hints.push("Accessibilité : le PDF n'est pas balisé ; exportez-le en « PDF balisé / accessible ».");

    const pageLines: Line[][] = [];
    let chars = 0;
    let pagesWithText = 0;
    for (let p = 1; p <= pages; p++) {
      if (signal.aborted) throw new CertibotError("REPORT_TIMEOUT");
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const items: Item[] = [];
      let pageChars = 0;
      for (const item of content.items) {
        if (!("str" in item) || !item.str.trim()) continue;
        const size = Math.hypot(item.transform[2], item.transform[3]) || Math.abs(item.height) || 1;
        items.push({
          x: item.transform[4] - x0,
          y: item.transform[5] - y0,
          w: Math.max(0, item.width),
          size,
          font: item.fontName,
          str: fixLigatures(item.str),
        });
        pageChars += item.str.replace(/\s/g, "").length;
      }
      chars += pageChars;
      if (pageChars >= 100) pagesWithText++;
      pageLines.push(readingOrder(items, p, x1 - x0, y1 - y0));
      page.cleanup();
    }
    const lines = dropRunningHeaders(pageLines);
    // A scan (or a PDF of pictures of text) may carry a few words: a page number, a stamp.
    const textExtracted = chars >= 20 && pagesWithText >= Math.max(1, Math.ceil(pages * 0.4));

    let headings: ExtractedHeading[] = [];
    let headingSource: ExtractedReport["headingSource"] = "none";
    const outline = await readOutline(doc);
    if (outline.length) {
      const flat: ExtractedHeading[] = outline.map((o) => ({ text: o.title, page: o.page }));
      headings = flat;
      headingSource = "outline";
      // Bookmarks may be partial (LibreOffice leaves out some levels): headings seen in the layout complete them.
      if (textExtracted) {
        const known = new Set(flat.map((h) => normalizeHeading(h.text)));
        headings.push(...layoutHeadings(lines).filter((h) => !known.has(normalizeHeading(h.text))));
      }
    } else if (textExtracted) {
      headings = layoutHeadings(lines);
      headingSource = headings.length ? "layout" : "none";
      if (!headings.length) {
        headings = lines.filter((l) => NUMBERED.test(l.text) && isHeadingShaped(l.text));
        headingSource = headings.length ? "numbered" : "none";
      } else {
        // Sub-sections set like the body but numbered "2.3 Titre" are headings too.
        const known = new Set(headings.map((h) => `${h.page}:${h.text}`));
        headings.push(
          ...lines.filter(
            (l) => SUBSECTION.test(l.text) && isHeadingShaped(l.text) && !known.has(`${l.page}:${l.text}`),
          ),
        );
        headings.sort((a, b) => (a.page ?? 0) - (b.page ?? 0));
      }
      hints.push(
        "Accessibilité : le PDF n'a pas de signets ; exportez-le avec « créer des signets à partir des titres ».",
      );
    }
    await doc.destroy();
    const headingKeys = new Set(headings.map((h) => `${h.page}:${normalizeHeading(h.text)}`));
    const body = textExtracted
      ? lines.map((l) => ({
          text: l.text,
          page: l.page,
          heading: headingKeys.has(`${l.page}:${normalizeHeading(l.text)}`),
        }))
      : [];
    return {
      format: "pdf",
      pages,
      pagesApproximate: false,
      pagesSource: "pdf",
      headings: headings.map((h) => ({ text: h.text, page: h.page })),
      headingSource,
      textExtracted,
      hints,
      body,
    };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

// TeX fonts without a Unicode map leave ligatures at their code points: Cork (T1) 0x1B–0x1F, OT1 0x0B–0x0F.
const LIGATURES: Record<string, string> = {
  "\u001b": "ff",
  "\u001c": "fi",
  "\u001d": "fl",
  "\u001e": "ffi",
  "\u001f": "ffl",
  "\u000b": "ff",
  "\u000c": "fi",
  "\u000d": "fl",
  "\u000e": "ffi",
  "\u000f": "ffl",
};
function fixLigatures(s: string): string {
  return s.replace(/[\u000b-\u000f\u001b-\u001f]/g, (c) => LIGATURES[c] ?? c).normalize("NFKC");
}

/**
 * A vertical gutter splitting the page in two columns: a band near the middle that almost no
 * text crosses while both sides hold a good share of the text. Null on one-column pages.
 */
function findGutter(all: Item[], width: number, height: number): number | null {
  // Running headers and centred page numbers cross the gutter: leave the page edges out.
  const items = all.filter((it) => it.y < height * 0.92 && it.y > height * 0.08);
  if (items.length < 20) return null;
  const lo = Math.floor(width * 0.3);
  const hi = Math.ceil(width * 0.7);
  const cover = new Array<number>(hi - lo + 1).fill(0);
  for (const it of items) {
    const a = Math.max(lo, Math.floor(it.x));
    const b = Math.min(hi, Math.ceil(it.x + it.w));
    for (let x = a; x <= b; x++) cover[x - lo]!++;
  }
  const limit = Math.max(2, items.length * 0.04);
  let best: [number, number] | null = null;
  for (let i = 0; i < cover.length; ) {
    if (cover[i]! > limit) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < cover.length && cover[j + 1]! <= limit) j++;
    if (!best || j - i > best[1] - best[0]) best = [i, j];
    i = j + 1;
  }
  if (!best || best[1] - best[0] < 4) return null;
  const gutter = lo + (best[0] + best[1]) / 2;
  let left = 0;
  let right = 0;
  for (const it of items) {
    if (it.x + it.w <= gutter) left += it.str.length;
    else if (it.x >= gutter) right += it.str.length;
  }
  const total = left + right;
  return total && left / total >= 0.2 && right / total >= 0.2 ? gutter : null;
}

/**
 * The page's lines in reading order: on a two-column page, the left column top to bottom,
 * then the right one, with lines spanning both (title, abstract, wide figures) read where they sit.
 */
function readingOrder(items: Item[], page: number, width: number, height: number): Line[] {
  const gutter = findGutter(items, width, height);
  const colOf = (it: Item) =>
    gutter === null ? 0 : it.x + it.w <= gutter + 1 ? 0 : it.x >= gutter - 1 ? 1 : -1;
  const groups = new Map<number, Item[]>();
  for (const it of items) {
    const c = colOf(it);
    groups.set(c, [...(groups.get(c) ?? []), it]);
  }
  const lines: Line[] = [];
  for (const [col, group] of groups) {
    group.sort((a, b) => b.y - a.y || a.x - b.x);
    let current: Item[] = [];
    const flush = () => {
      if (!current.length) return;
      current.sort((a, b) => a.x - b.x);
      let text = "";
      let end = Number.NEGATIVE_INFINITY;
      const fonts = new Set<string>();
      let size = 0;
      for (const it of current) {
        const gap = it.x - end;
        if (text && gap > it.size * 0.12 && !/\s$/.test(text) && !/^\s/.test(it.str)) text += " ";
        text += it.str;
        end = Math.max(end, it.x + it.w);
        fonts.add(it.font);
        size = Math.max(size, it.size);
      }
      const y = current[0]!.y;
      text = text.replace(/\s+/g, " ").trim();
      if (text)
        lines.push({
          page,
          y,
          text,
          size,
          font: fonts.size === 1 ? [...fonts][0]! : null,
          col,
          edge: y > height * 0.9 || y < height * 0.1,
        });
      current = [];
    };
    for (const it of group) {
      const ref = current[0];
      if (ref && Math.abs(ref.y - it.y) > Math.max(ref.size, it.size) * 0.5) flush();
      current.push(it);
    }
    flush();
  }
  if (gutter === null) return lines.sort((a, b) => b.y - a.y);
  // Bands between spanning lines; in each band, the left column then the right one.
  const spans = lines.filter((l) => l.col === -1).map((l) => l.y);
  const band = (l: Line) => spans.filter((y) => y > l.y + 0.1).length;
  const rank = (l: Line) => (l.col === -1 ? 0 : l.col + 1);
  return lines.sort((a, b) => band(a) - band(b) || rank(a) - rank(b) || b.y - a.y);
}

/** Drops running headers and footers: the same line (digits aside) at a page edge on many pages. */
function dropRunningHeaders(pages: Line[][]): Line[] {
  // On 40 % of the pages, or on three: a chapter's running head repeats only over its chapter.
  const min = Math.min(3, Math.max(2, Math.ceil(pages.length * 0.4)));
  const recurring = recurringEdgeKeys(
    pages.map((page) => page.filter((l) => l.edge).map((l) => l.text)),
    min,
  );
  return pages.flat().filter((l) => !(l.edge && recurring.has(runningKey(l.text))));
}

/**
 * Headings from layout: lines set in a larger font than the body, or entirely in
 * another font of body size (bold), that are shaped like a heading. A phrase in a
 * body paragraph shares the body font (or mixes fonts), so it never counts. A heading
 * that wraps is joined (a hyphen at the end of its first line is dropped).
 */
function layoutHeadings(all: Line[]): Line[] {
  // A table of contents without leader dots (LaTeX's bold chapter entries): a page where many
  // lines end with a page number. Those lines name sections but are not where they start.
  const endsWithPage = (l: Line) => /\S\s+\d{1,3}$/.test(l.text);
  const perPage = new Map<number, { n: number; total: number }>();
  for (const l of all) {
    const c = perPage.get(l.page) ?? { n: 0, total: 0 };
    c.total++;
    if (endsWithPage(l)) c.n++;
    perPage.set(l.page, c);
  }
  const tocPage = (p: number) => {
    const c = perPage.get(p);
    return Boolean(c && c.n >= 4 && c.n >= c.total * 0.3);
  };
  const lines = all.filter((l) => !(tocPage(l.page) && endsWithPage(l)));
  const { size: bodySize, font: bodyFont } = bodyStyle(lines);
  const styled = (l: Line) =>
    l.size >= bodySize * 1.15 || (l.font !== null && l.font !== bodyFont && l.size >= bodySize * 0.95);
  const joined: Line[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!styled(l)) continue;
    let text = l.text;
    let last = l;
    // Continuation lines: same page and column, same size and font, right below.
    const start = i;
    for (let j = start + 1; j < lines.length && j <= start + 3; j++) {
      const n = lines[j]!;
      const close =
        n.page === last.page &&
        n.col === last.col &&
        Math.abs(n.size - last.size) < 0.5 &&
        n.font === l.font &&
        last.y - n.y > 0 &&
        last.y - n.y <= last.size * 1.8;
      if (!close || /[.;:!?]$/.test(text)) break;
      text =
        /\p{L}-$/u.test(text) && /^\p{Ll}/u.test(n.text) ? text.slice(0, -1) + n.text : `${text} ${n.text}`;
      last = n;
      i = j;
    }
    if (isHeadingShaped(text)) joined.push({ ...l, text });
  }
  // A cover page's title, set larger than any heading after page 1, names the project, not a section.
  const later = joined.filter((l) => l.page > 1).map((l) => l.size);
  if (!later.length) return joined;
  const largest = Math.max(...later);
  const cover = joined.filter((l) => l.page === 1 && l.size > largest + 0.5);
  return cover.length <= 2 ? joined.filter((l) => !cover.includes(l)) : joined;
}
