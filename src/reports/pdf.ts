import { CertibotError } from "../errors.js";
import type { ExtractedHeading, ExtractedReport } from "./types.js";

interface Line {
  page: number;
  y: number;
  text: string;
  size: number;
  /** The font of every non-blank run on the line, or null when runs mix fonts (inline emphasis). */
  font: string | null;
}

// Loaded on use: pdf.js is large and only this command needs it.
async function pdfjs() {
  return import("pdfjs-dist/legacy/build/pdf.mjs");
}

const NUMBERED =
  /^(?:(?:partie|part|chapitre|chapter)\s+(?:[0-9]+|[IVXLC]+)\b|[0-9]+(?:\.[0-9]+)*\.?\s|[IVXLC]+[.)\-–—]\s)/i;

// A table of contents entry: "Introduction ........ 3". It names sections but is not where they start.
const TOC_ENTRY = /(?:\.{3,}|…+|(?:\s?\.\s){3,}|_{3,})\s*\d+$/;

function isHeadingShaped(text: string): boolean {
  const t = text.trim();
  if (TOC_ENTRY.test(t)) return false;
  // Headings are short, do not end like a sentence, and start with a letter or a number.
  return (
    t.length >= 3 &&
    t.length <= 120 &&
    t.split(/\s+/).length <= 14 &&
    !/[.;,]$/.test(t) &&
    /^[\p{L}0-9]/u.test(t)
  );
}

/**
 * Reads page count, headings (outline, else text layout, else numbered lines) and
 * accessibility facts from a PDF. Throws a coded CertibotError for anything unreadable.
 */
export async function extractPdf(bytes: Uint8Array, signal: AbortSignal): Promise<ExtractedReport> {
  const { getDocument } = await pdfjs();
  // pdf.js takes ownership of (and detaches) the buffer it is given: pass a copy.
  const task = getDocument({
    data: bytes.slice(),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
    useWasm: false,
  });
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

    const lines: Line[] = [];
    let chars = 0;
    for (let p = 1; p <= pages; p++) {
      if (signal.aborted) throw new CertibotError("REPORT_TIMEOUT");
      const page = await doc.getPage(p);
      const content = await page.getTextContent();
      const byY = new Map<number, { text: string; size: number; fonts: Set<string> }>();
      for (const item of content.items) {
        if (!("str" in item)) continue;
        const y = Math.round(item.transform[5]);
        const size = Math.hypot(item.transform[2], item.transform[3]);
        const line = byY.get(y) ?? { text: "", size: 0, fonts: new Set<string>() };
        line.text += item.str;
        if (item.str.trim()) {
          line.size = Math.max(line.size, size);
          line.fonts.add(item.fontName);
          chars += item.str.trim().length;
        }
        byY.set(y, line);
      }
      for (const [y, l] of [...byY.entries()].sort((a, b) => b[0] - a[0])) {
        const text = l.text.replace(/\s+/g, " ").trim();
        if (!text) continue;
        lines.push({ page: p, y, text, size: l.size, font: l.fonts.size === 1 ? [...l.fonts][0]! : null });
      }
      page.cleanup();
    }
    const textExtracted = chars >= 20;

    let headings: ExtractedHeading[] = [];
    let headingSource: ExtractedReport["headingSource"] = "none";
    const outline = await doc.getOutline().catch(() => null);
    if (outline?.length) {
      const flat: ExtractedHeading[] = [];
      const walk = async (items: typeof outline) => {
        for (const it of items) {
          flat.push({ text: it.title, page: await outlinePage(doc, it.dest) });
          if (it.items?.length) await walk(it.items);
        }
      };
      await walk(outline);
      headings = flat;
      headingSource = "outline";
    } else if (textExtracted) {
      headings = layoutHeadings(lines);
      headingSource = headings.length ? "layout" : "none";
      if (!headings.length) {
        headings = lines.filter((l) => NUMBERED.test(l.text) && isHeadingShaped(l.text));
        headingSource = headings.length ? "numbered" : "none";
      }
      hints.push(
        "Accessibilité : le PDF n'a pas de signets ; exportez-le avec « créer des signets à partir des titres ».",
      );
    }
    if (!textExtracted)
      hints.push(
        "Le texte du PDF n'a pas pu être lu (document scanné ou converti en images ?) : les sections ne peuvent pas être vérifiées. Exportez le PDF depuis votre traitement de texte.",
      );
    await doc.destroy();
    return {
      format: "pdf",
      pages,
      pagesApproximate: false,
      headings: headings.map((h) => ({ text: h.text, page: h.page })),
      headingSource,
      textExtracted,
      hints,
    };
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

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

/**
 * Headings from layout: lines set in a larger font than the body, or entirely in
 * another font of body size (bold), that are shaped like a heading. A phrase in a
 * body paragraph shares the body font (or mixes fonts), so it never counts.
 */
function layoutHeadings(lines: Line[]): Line[] {
  const bySize = new Map<number, number>();
  const byFont = new Map<string, number>();
  for (const l of lines) {
    const s = Math.round(l.size * 2) / 2;
    bySize.set(s, (bySize.get(s) ?? 0) + l.text.length);
    if (l.font) byFont.set(l.font, (byFont.get(l.font) ?? 0) + l.text.length);
  }
  const bodySize = [...bySize.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const bodyFont = [...byFont.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return lines.filter((l) => {
    if (!isHeadingShaped(l.text)) return false;
    if (l.size >= bodySize * 1.15) return true;
    return l.font !== null && l.font !== bodyFont && l.size >= bodySize * 0.95;
  });
}
