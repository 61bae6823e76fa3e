import JSZip from "jszip";
import { CertibotError } from "../errors.js";
import type { ExtractedHeading, ExtractedReport } from "./types.js";

/** Words per page of a typical report page (12 pt, single spacing, some figures). */
const WORDS_PER_PAGE = 400;

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

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-f]+|#[0-9]+);/gi, (_, e: string) =>
    e[0] === "#"
      ? String.fromCodePoint(
          e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)),
        )
      : XML_ENTITIES[e.toLowerCase()]!,
  );
}

// Word writes style ids in the UI language: Heading1 (English), Titre1 (French),
// berschrift1 (German), Ttulo1 (Spanish); the style's name stays "heading 1".
const HEADING_STYLE = /^(?:heading|titre|title|[uü]?berschrift|t[ií]tulo|titolo|kop)\s*[1-9]$/i;

interface Paragraph {
  text: string;
  styleId: string | null;
  bold: boolean;
  pageBreaksBefore: number;
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
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
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
  const documentXml = await read("word/document.xml");
  if (documentXml === null)
    throw new CertibotError("REPORT_UNSUPPORTED", { detail: "zip without word/document.xml" });
  if (signal.aborted) throw new CertibotError("REPORT_TIMEOUT");
  const stylesXml = (await read("word/styles.xml")) ?? "";
  const appXml = (await read("docProps/app.xml")) ?? "";
  const coreXml = (await read("docProps/core.xml")) ?? "";

  // Style id → is a heading, by id or by name ("heading 1" whatever the id).
  const headingStyles = new Set<string>();
  for (const m of stylesXml.matchAll(/<w:style\b[^>]*w:styleId="([^"]+)"[^>]*>([\s\S]*?)<\/w:style>/g)) {
    const name = /<w:name w:val="([^"]+)"/.exec(m[2]!)?.[1] ?? "";
    if (HEADING_STYLE.test(m[1]!) || HEADING_STYLE.test(name) || /^heading \d$/i.test(name))
      headingStyles.add(m[1]!);
  }

  const paragraphs: Paragraph[] = [];
  let breaks = 0;
  let words = 0;
  for (const m of documentXml.matchAll(/<w:p\b[^>]*?(?:\/>|>([\s\S]*?)<\/w:p>)/g)) {
    const body = m[1] ?? "";
    const pageBreaksBefore = breaks;
    breaks += (body.match(/<w:lastRenderedPageBreak\/>|<w:br [^>]*w:type="page"/g) ?? []).length;
    const text = unescapeXml(
      [...body.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:tab\/>/g)].map((t) => t[1] ?? " ").join(""),
    )
      .replace(/\s+/g, " ")
      .trim();
    if (!text) continue;
    words += text.split(" ").length;
    const styleId = /<w:pStyle w:val="([^"]+)"/.exec(body)?.[1] ?? null;
    const runs = [...body.matchAll(/<w:r\b[^>]*>([\s\S]*?)<\/w:r>/g)].filter((r) => /<w:t[\s>]/.test(r[1]!));
    const bold = runs.length > 0 && runs.every((r) => /<w:b(?:\s+w:val="(?:1|true|on)")?\s*\/>/.test(r[1]!));
    paragraphs.push({ text, styleId, bold, pageBreaksBefore });
  }

  const hints: string[] = [];
  const pagesTag = /<Pages>(\d+)<\/Pages>/.exec(appXml);
  const hasRenderedBreaks = documentXml.includes("<w:lastRenderedPageBreak/>");
  const pageOf = (p: Paragraph) => (hasRenderedBreaks ? p.pageBreaksBefore + 1 : null);

  let headings: ExtractedHeading[] = paragraphs
    .filter((p) => p.styleId !== null && headingStyles.has(p.styleId))
    .map((p) => ({ text: p.text, page: pageOf(p) }));
  let headingSource: ExtractedReport["headingSource"] = headings.length ? "styles" : "none";
  if (!headings.length) {
    headings = paragraphs
      .filter((p) => p.bold && p.text.length <= 120 && !/[.;,]$/.test(p.text))
      .map((p) => ({ text: p.text, page: pageOf(p) }));
    headingSource = headings.length ? "bold" : "none";
    hints.push(
      "Accessibilité : utilisez les styles de titre de Word (Titre 1, Titre 2…) plutôt que du texte en gras : ils donnent la structure du document et son sommaire.",
    );
  }
  if (!/<dc:title>[^<]+<\/dc:title>/.test(coreXml))
    hints.push("Accessibilité : ajoutez un titre au document (Fichier › Informations › Propriétés).");

  let pages: number;
  let pagesApproximate: boolean;
  if (pagesTag && Number(pagesTag[1]) > 0) {
    pages = Number(pagesTag[1]);
    // Word writes this count at save time; other tools may not update it.
    pagesApproximate = false;
  } else {
    pages = Math.max(breaks + 1, Math.ceil(words / WORDS_PER_PAGE), 1);
    pagesApproximate = true;
    hints.push(
      "Nombre de pages estimé d'après le volume de texte (le fichier n'indique pas son nombre de pages) : vérifiez-le sur l'export PDF.",
    );
  }
  return {
    format: "docx",
    pages,
    pagesApproximate,
    headings,
    headingSource,
    textExtracted: words > 0,
    hints,
  };
}
