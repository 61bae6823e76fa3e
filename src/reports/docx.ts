import type JSZip from "jszip";
import { CertibotError } from "../errors.js";
import {
  charWidth,
  type DocxStyles,
  type Numbering,
  type ResolvedStyle,
  readNumbering,
  readStyles,
  runFormat,
  spacingOf,
} from "./docx-styles.js";
import {
  attr,
  child,
  children,
  descendants,
  intAttr,
  parseXml,
  textOf,
  toggle,
  type XNode,
} from "./docx-xml.js";
import { CAPTION, SUBSECTION } from "./heading-shapes.js";
import type { ExtractedHeading, ExtractedReport } from "./types.js";

/**
 * Sums the uncompressed sizes the zip's central directory declares, before any
 * inflation: a zip bomb is refused without being expanded.
 */
function declaredUncompressedSize(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (view.getUint32(i, true) !== 0x06054b50) continue;
    const count = view.getUint16(i + 10, true);
    let p = view.getUint32(i + 16, true);
    let total = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > bytes.length || view.getUint32(p, true) !== 0x02014b50) return null;
      total += view.getUint32(p + 24, true);
      p += 46 + view.getUint16(p + 28, true) + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    }
    return total;
  }
  return null;
}

/** Inflates one entry, stopping as soon as it passes the budget (sizes in the directory may lie). */
async function readEntry(zip: JSZip, name: string, budget: { left: number }): Promise<string | null> {
  const file = zip.file(name);
  if (!file) return null;
  const chunks: Buffer[] = [];
  // jszip's stream (readable-stream 2) is not async iterable: events it is.
  const stream = file.nodeStream("nodebuffer") as NodeJS.ReadableStream & { destroy?: () => void };
  await new Promise<void>((resolve, reject) => {
    stream.on("data", (chunk: Buffer) => {
      budget.left -= chunk.length;
      if (budget.left < 0) {
        stream.pause();
        stream.destroy?.();
        reject(new CertibotError("REPORT_TOO_COMPLEX", { detail: `${name} exceeds the inflate budget` }));
        return;
      }
      chunks.push(chunk);
    });
    stream.on("error", reject);
    stream.on("end", () => resolve());
  });
  return Buffer.concat(chunks).toString("utf8");
}

// A table of contents entry typed by hand or left by a TOC field: "Introduction ..... 3", "Introduction<tab>3".
const TOC_ENTRY = /(?:\.{3,}|…+|(?:\s?\.\s){3,}|_{3,}|\t)\s*\d+$/;
const EMU_PER_POINT = 12_700;

interface Paragraph {
  text: string;
  label: string | null;
  level: number | null;
  style: ResolvedStyle;
  /** Every character of text is bold. */
  bold: boolean;
  /** Font size of the text, in points (the largest run). */
  size: number;
  chars: number;
  list: "bullet" | "numbered" | null;
  inTable: boolean;
  inToc: boolean;
  /** Page where the paragraph starts: from breaks Word recorded at its last layout, and from our layout estimate. */
  renderedPage: number;
  estimatedPage: number;
}

interface Field {
  instr: string;
  result: boolean;
}

interface Page {
  width: number;
  height: number;
}

/**
 * Walks the body in document order, reading each paragraph's text (runs, tabs, breaks,
 * field results but not field codes), its style and numbering, and laying the document
 * out roughly (line heights, images, tables, page and section breaks) to estimate pages.
 */
class BodyReader {
  readonly paragraphs: Paragraph[] = [];
  words = 0;
  images = 0;
  /** Hard page starts: page breaks, "page break before", section breaks that start a page. */
  hardBreaks = 0;
  renderedBreaks = 0;
  private fields: Field[] = [];
  private estPage = 1;
  private y = 0;
  private started = false;

  constructor(
    private readonly styles: DocxStyles,
    private readonly numbering: Numbering,
    private readonly page: Page,
  ) {}

  get estimatedPages(): number {
    return this.estPage;
  }

  private advance(h: number) {
    this.y += h;
    while (this.y > this.page.height) {
      this.estPage++;
      this.y -= this.page.height;
    }
  }

  private hardBreak() {
    if (!this.started) return;
    this.hardBreaks++;
    this.estPage++;
    this.y = 0;
  }

  /** Block-level content (body, cell, sdtContent…); returns its height. */
  blocks(node: XNode, widthFactor: number, inTable: boolean, inToc: boolean, top: boolean): number {
    let h = 0;
    for (const c of children(node)) {
      switch (c.localName) {
        case "p":
          h += this.paragraph(c, widthFactor, inTable, inToc, top);
          break;
        case "tbl": {
          for (const tr of descendantsRows(c)) {
            const cells = children(tr, "tc");
            let row = 0;
            for (const tc of cells)
              row = Math.max(
                row,
                this.blocks(tc, widthFactor / Math.max(1, cells.length), true, inToc, false),
              );
            if (top) this.advance(row);
            h += row;
          }
          break;
        }
        case "sdt": {
          const gallery = attr(child(child(child(c, "sdtPr"), "docPartObj"), "docPartGallery"), "val") ?? "";
          h += this.blocks(
            child(c, "sdtContent") ?? c,
            widthFactor,
            inTable,
            inToc || /table of contents/i.test(gallery),
            top,
          );
          break;
        }
        case "customXml":
        case "ins":
        case "moveTo":
          h += this.blocks(c, widthFactor, inTable, inToc, top);
          break;
        default:
          break;
      }
    }
    return h;
  }

  private paragraph(
    p: XNode,
    widthFactor: number,
    inTable: boolean,
    inTocBlock: boolean,
    top: boolean,
  ): number {
    const pPr = child(p, "pPr");
    const styleId = attr(child(pPr, "pStyle"), "val");
    const style = this.styles.resolve(styleId);
    const numPr = child(pPr, "numPr");
    const numId = attr(child(numPr, "numId"), "val") ?? style.numId;
    const ilvl = intAttr(child(numPr, "ilvl")) ?? style.ilvl ?? 0;
    const ownOutline = intAttr(child(pPr, "outlineLvl"));
    const level = ownOutline !== null ? (ownOutline <= 8 ? ownOutline + 1 : null) : style.level;
    const pageBreakBefore = toggle(child(pPr, "pageBreakBefore")) ?? style.pageBreakBefore;
    if (top && pageBreakBefore) this.hardBreak();

    const acc = {
      text: "",
      boldChars: 0,
      chars: 0,
      size: 0,
      imageHeight: 0,
      breaksAfter: 0,
      font: null as string | null,
      inToc: inTocBlock || this.fields.some(isTocField),
      renderedPage: 0,
      estimatedPage: 0,
    };
    const mark = () => {
      if (!acc.renderedPage) {
        acc.renderedPage = this.renderedBreaks + 1;
        acc.estimatedPage = this.estPage;
      }
    };
    const walk = (n: XNode, run: { bold: boolean; size: number; font: string | null } | null) => {
      for (const c of children(n)) {
        switch (c.localName) {
          case "r": {
            const rPr = child(c, "rPr");
            const own = runFormat(rPr);
            const rs = this.styles.resolveRun(attr(child(rPr, "rStyle"), "val"));
            walk(c, {
              bold: own.bold ?? rs.bold ?? style.bold ?? false,
              size: own.size ?? rs.size ?? style.size ?? 11,
              font: own.font ?? rs.font ?? style.font,
            });
            break;
          }
          case "t": {
            const f = this.fields.at(-1);
            if (f && !f.result) break;
            const t = textOf(c);
            acc.text += t;
            const n = t.replace(/\s/g, "").length;
            if (n) {
              mark();
              acc.chars += n;
              if (run?.bold) acc.boldChars += n;
              acc.size = Math.max(acc.size, run?.size ?? 0);
              acc.font ??= run?.font ?? null;
            }
            if (this.fields.some(isTocField)) acc.inToc = true;
            break;
          }
          case "instrText": {
            const f = this.fields.at(-1);
            if (f) f.instr += textOf(c);
            if (f && isTocField(f)) acc.inToc = true;
            break;
          }
          case "fldChar": {
            const type = attr(c, "fldCharType");
            if (type === "begin") this.fields.push({ instr: "", result: false });
            else if (type === "separate") {
              const f = this.fields.at(-1);
              if (f) f.result = true;
            } else if (type === "end") {
              const f = this.fields.pop();
              if (f && isTocField(f)) acc.inToc = true;
            }
            break;
          }
          case "fldSimple": {
            const f = { instr: attr(c, "instr") ?? "", result: true };
            if (isTocField(f)) acc.inToc = true;
            this.fields.push(f);
            walk(c, run);
            this.fields.pop();
            break;
          }
          case "tab":
          case "ptab":
            acc.text += "\t";
            break;
          case "br":
          case "cr":
            if (attr(c, "type") === "page" && top) {
              // Before any text the paragraph starts on the new page; after some, what follows does.
              if (acc.chars === 0) this.hardBreak();
              else acc.breaksAfter++;
            } else acc.text += " ";
            break;
          case "lastRenderedPageBreak":
            this.renderedBreaks++;
            break;
          case "noBreakHyphen":
            acc.text += "-";
            break;
          case "sym":
            acc.text += " ";
            break;
          case "drawing":
          case "pict":
          case "object": {
            this.images++;
            const extent = descendants(c, "extent")[0];
            const cy = intAttr(extent, "cy");
            acc.imageHeight += cy !== null ? cy / EMU_PER_POINT : 150;
            break;
          }
          case "AlternateContent": {
            // Word gives a drawing twice (a modern Choice, a VML Fallback): read the first only.
            const choice = child(c, "Choice") ?? child(c, "Fallback");
            if (choice) walk(choice, run);
            break;
          }
          case "del":
          case "moveFrom":
          case "rPr":
          case "pPr":
          case "delText":
          case "footnoteReference":
          case "endnoteReference":
          case "commentReference":
            break;
          default:
            // hyperlink, smartTag, ins, sdt, sdtContent, customXml, bdo, dir, moveTo…
            walk(c, run);
        }
      }
    };
    walk(p, null);
    mark();

    const text = acc.text.replace(/[\s\u00a0\u202f]+/g, " ").trim();
    const label = numId && numId !== "0" ? this.numbering.label(numId, ilvl) : null;
    const list = numId && numId !== "0" ? (label === null ? "bullet" : "numbered") : null;
    if (text) this.words += text.split(" ").filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
    const size = acc.size || style.size || 11;
    const para: Paragraph = {
      text,
      label,
      level,
      style,
      bold: acc.chars > 0 && acc.boldChars === acc.chars,
      size,
      chars: acc.chars,
      list,
      inTable,
      inToc: acc.inToc || style.toc || TOC_ENTRY.test(acc.text.trim()),
      renderedPage: acc.renderedPage,
      estimatedPage: acc.estimatedPage,
    };
    if (text) this.paragraphs.push(para);
    if (text || acc.imageHeight) this.started = true;

    // Rough layout: lines of text at ~0.48 em a character, line height from the style, spacing, images.
    const sp = spacingOf(pPr);
    const line = sp.line ?? style.line;
    const lineHeight = line && "exact" in line ? line.exact : 1.17 * size * (line?.multiple ?? 1);
    const perLine = Math.max(8, (this.page.width * widthFactor) / (charWidth(acc.font ?? style.font) * size));
    const lines = acc.chars ? Math.ceil((acc.text.length || 1) / perLine) : acc.imageHeight ? 0 : 1;
    const h =
      (sp.before ?? style.before ?? 0) +
      (sp.after ?? style.after ?? 0) +
      lines * lineHeight +
      Math.min(acc.imageHeight, this.page.height);
    if (top) this.advance(h);
    if (top) for (let k = 0; k < acc.breaksAfter; k++) this.hardBreak();

    // A section break ending this paragraph starts a new page unless it is continuous.
    const sectPr = child(pPr, "sectPr");
    if (sectPr && top) {
      const type = attr(child(sectPr, "type"), "val") ?? "nextPage";
      if (type !== "continuous") this.hardBreak();
    }
    return h;
  }
}

function descendantsRows(tbl: XNode): XNode[] {
  const rows: XNode[] = [];
  for (const c of children(tbl)) {
    if (c.localName === "tr") rows.push(c);
    else if (c.localName === "sdt" || c.localName === "customXml")
      rows.push(...descendantsRows(child(c, "sdtContent") ?? c));
  }
  return rows;
}

function isTocField(f: Field): boolean {
  return /^\s*TOC\b/i.test(f.instr);
}

function pageGeometry(body: XNode | null): Page {
  const sectPr = body ? (children(body, "sectPr").at(-1) ?? null) : null;
  const pgSz = child(sectPr, "pgSz");
  const pgMar = child(sectPr, "pgMar");
  const w = (intAttr(pgSz, "w") ?? 11_906) / 20;
  const h = (intAttr(pgSz, "h") ?? 16_838) / 20;
  const m = (k: string, d: number) => Math.abs(intAttr(pgMar, k) ?? d) / 20;
  return {
    width: Math.max(100, w - m("left", 1417) - m("right", 1417)),
    // Widows, orphans and headings kept with the next paragraph leave some room unused.
    height: Math.max(100, (h - m("top", 1417) - m("bottom", 1417)) * 0.95),
  };
}

/** `docProps/app.xml` values, when the file has them. */
function appProperties(root: XNode | null): {
  pages: number | null;
  words: number | null;
  application: string;
} {
  const num = (name: string) => {
    const n = root ? child(root, name) : null;
    if (!n) return null;
    const v = Number.parseInt(textOf(n).trim(), 10);
    return Number.isFinite(v) ? v : null;
  };
  return {
    pages: num("Pages"),
    words: num("Words"),
    application: root
      ? textOf(child(root, "Application") ?? root)
          .trim()
          .slice(0, 80)
      : "",
  };
}

/**
 * Whether the saved page count agrees with the content: at least one page per hard break,
 * a word count close to the one saved with it, close to the pages Word last laid out, and
 * within a factor of our layout estimate. pandoc and python-docx copy their template's
 * `<Pages>1</Pages>`; it fails these checks on any real report.
 */
export function savedPagesAgree(
  saved: { pages: number; words: number | null },
  content: { words: number; hardPages: number; renderedPages: number | null; estimatedPages: number },
): boolean {
  const { pages } = saved;
  if (pages < content.hardPages) return false;
  if (saved.words !== null && Math.abs(saved.words - content.words) > Math.max(50, 0.2 * content.words))
    return false;
  if (content.renderedPages !== null && Math.abs(pages - content.renderedPages) > Math.max(1, 0.1 * pages))
    return false;
  const e = content.estimatedPages;
  return pages >= e / 2 - 1 && pages <= e * 2 + 1;
}

async function parsePart(
  read: (name: string) => Promise<string | null>,
  name: string,
): Promise<XNode | null> {
  const xml = await read(name);
  return xml === null ? null : parseXml(xml, name);
}

export async function extractDocx(
  bytes: Uint8Array,
  limits: { maxUncompressedBytes: number },
  signal: AbortSignal,
): Promise<ExtractedReport> {
  const declared = declaredUncompressedSize(bytes);
  if (declared === null)
    throw new CertibotError("REPORT_CORRUPT", { detail: "zip central directory unreadable" });
  if (declared > limits.maxUncompressedBytes)
    throw new CertibotError("REPORT_TOO_COMPLEX", { detail: `declared uncompressed size ${declared}` });
  let zip: JSZip;
  try {
    // Loaded on the first .docx, not at every start (most processes never read one).
    const { default: Zip } = await import("jszip");
    zip = await Zip.loadAsync(bytes, { checkCRC32: false });
  } catch (e) {
    throw new CertibotError("REPORT_CORRUPT", { detail: String(e), cause: e });
  }
  const budget = { left: limits.maxUncompressedBytes };
  const read = async (name: string) => {
    try {
      return await readEntry(zip, name, budget);
    } catch (e) {
      if (e instanceof CertibotError) throw e;
      throw new CertibotError("REPORT_CORRUPT", { detail: `${name}: ${String(e)}`, cause: e });
    }
  };
  const document = await parsePart(read, "word/document.xml");
  if (document === null)
    throw new CertibotError("REPORT_UNSUPPORTED", { detail: "zip without word/document.xml" });
  if (signal.aborted) throw new CertibotError("REPORT_TIMEOUT");
  const styles = readStyles(await parsePart(read, "word/styles.xml"));
  const numbering = readNumbering(await parsePart(read, "word/numbering.xml"));
  const app = appProperties(await parsePart(read, "docProps/app.xml").catch(() => null));
  const core = await parsePart(read, "docProps/core.xml").catch(() => null);
  if (signal.aborted) throw new CertibotError("REPORT_TIMEOUT");

  const body = child(document, "body");
  const reader = new BodyReader(styles, numbering, pageGeometry(body));
  if (body) reader.blocks(body, 1, false, false, true);
  const paragraphs = reader.paragraphs;
  const hints: string[] = [];

  // Pages: the saved count when the content agrees with it, else what Word last laid out, else our estimate.
  const renderedPages = reader.renderedBreaks > 0 ? reader.renderedBreaks + 1 : null;
  const content = {
    words: reader.words,
    hardPages: reader.hardBreaks + 1,
    renderedPages,
    estimatedPages: Math.max(reader.estimatedPages, reader.hardBreaks + 1),
  };
  let pages: number;
  let pagesApproximate = true;
  let pagesSource: ExtractedReport["pagesSource"];
  if (
    app.pages !== null &&
    app.pages > 0 &&
    savedPagesAgree({ pages: app.pages, words: app.words }, content)
  ) {
    pages = app.pages;
    pagesApproximate = false;
    pagesSource = "app.xml";
  } else if (
    renderedPages !== null &&
    savedPagesAgree({ pages: renderedPages, words: null }, { ...content, renderedPages: null })
  ) {
    // Word records where each page started at its last layout: exact unless another tool edited the file since.
    pages = renderedPages;
    pagesApproximate = false;
    pagesSource = "rendered";
  } else {
    pages = content.estimatedPages;
    pagesSource = "estimate";
  }
  if (pagesApproximate)
    hints.push(
      app.pages !== null && app.pages > 0
        ? `Nombre de pages estimé d'après le contenu : le fichier indique ${app.pages} page${app.pages > 1 ? "s" : ""}, ce qui ne correspond pas à son contenu (compteur non mis à jour par l'outil qui l'a produit). Vérifiez-le sur l'export PDF.`
        : "Nombre de pages estimé d'après le contenu (le fichier n'indique pas son nombre de pages) : vérifiez-le sur l'export PDF.",
    );
  const useRendered = renderedPages !== null && pagesSource !== "estimate";
  const pageOf = (p: Paragraph) => Math.min(pages, useRendered ? p.renderedPage : p.estimatedPage);

  // Headings: an outline level (heading styles by name, custom styles with an outline level,
  // direct w:outlineLvl), else direct formatting (bold, or larger than the body) on a short line.
  const bodySize = mostCommonSize(paragraphs);
  const shaped = (p: Paragraph) =>
    p.text.length >= 2 &&
    p.text.length <= 150 &&
    p.text.split(" ").length <= 16 &&
    !/[.;,:!?]$/.test(p.text) &&
    /^[\p{L}\p{N}]/u.test(p.text);
  const styled = paragraphs.filter((p) => !p.inToc && p.level !== null);
  const formatted = paragraphs.filter(
    (p) =>
      !p.inToc &&
      p.level === null &&
      !p.style.title &&
      !p.style.caption &&
      !CAPTION.test(p.text) &&
      !p.inTable &&
      p.list !== "bullet" &&
      shaped(p) &&
      (p.bold || p.size >= bodySize * 1.15 || SUBSECTION.test(p.text)),
  );
  // A cover title set by hand (larger than every styled heading, before the first one) is not a section.
  const firstStyled = styled[0] ? paragraphs.indexOf(styled[0]) : paragraphs.length;
  const largestStyled = Math.max(0, ...styled.map((p) => p.size));
  const cover = formatted.filter(
    (p) => styled.length && paragraphs.indexOf(p) < firstStyled && p.size > largestStyled + 0.5,
  );
  const chosen = new Set([...styled, ...formatted.filter((p) => !cover.includes(p))]);
  const headings: ExtractedHeading[] = paragraphs
    .filter((p) => chosen.has(p))
    .map((p) => ({
      text: p.label && !p.text.startsWith(p.label.trim()) ? `${p.label.trim()} ${p.text}` : p.text,
      page: pageOf(p),
      ...(p.level !== null ? { level: p.level } : {}),
    }));
  const headingSource: ExtractedReport["headingSource"] = styled.length
    ? "styles"
    : formatted.length
      ? "bold"
      : "none";
  if (!styled.length && paragraphs.length)
    hints.push(
      "Accessibilité : utilisez les styles de titre de Word (Titre 1, Titre 2…) plutôt que du texte en gras : ils donnent la structure du document et son sommaire.",
    );
  if (!(core && descendants(core, "title").some((t) => textOf(t).trim())))
    hints.push("Accessibilité : ajoutez un titre au document (Fichier › Informations › Propriétés).");

  const textExtracted = reader.words >= 20 || (reader.words > 0 && reader.images === 0);
  return {
    format: "docx",
    pages,
    pagesApproximate,
    pagesSource,
    headings,
    headingSource,
    textExtracted,
    hints,
    body: paragraphs
      .filter((p) => !p.inToc)
      .map((p) => ({ text: p.text, page: pageOf(p), heading: chosen.has(p) })),
  };
}

function mostCommonSize(paragraphs: Paragraph[]): number {
  const bySize = new Map<number, number>();
  for (const p of paragraphs) if (p.level === null) bySize.set(p.size, (bySize.get(p.size) ?? 0) + p.chars);
  return [...bySize.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 11;
}
