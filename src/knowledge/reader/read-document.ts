import { CertibotError } from "../../errors.js";
import { PdfReadError, readPdfLayout } from "../../lib/pdf-layout.js";
import type { DocumentFormat, ReadDocument } from "./blocks.js";
import { type MaskCounts, Masker, maskBlocks } from "./personal-data.js";
import { docxBlocks } from "./read-docx.js";
import { pdfBlocks } from "./read-pdf.js";
import { textBlocks } from "./read-text.js";

/** The format from the bytes (PDF and zip magic numbers, valid UTF-8 text), never from the name alone. */
export function sniffFormat(bytes: Uint8Array, name = ""): DocumentFormat {
  const head = Buffer.from(bytes.subarray(0, 8)).toString("latin1");
  if (head.startsWith("%PDF-")) return "pdf";
  if (head.startsWith("PK\u0003\u0004")) {
    if (Buffer.from(bytes).includes("word/document.xml")) return "docx";
    throw new CertibotError("KNOWLEDGE_UNREADABLE", {
      hint: "archive zip qui n'est pas un document Word (.docx)",
    });
  }
  if (!bytes.length) throw new CertibotError("KNOWLEDGE_UNREADABLE", { hint: "le fichier est vide" });
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new CertibotError("KNOWLEDGE_UNREADABLE", {
      hint: "format inconnu : attendu un PDF, un .docx, ou du texte/Markdown en UTF-8",
    });
  }
  // Binary content that happens to decode (NULs, control characters) is not text.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text.slice(0, 4096)))
    throw new CertibotError("KNOWLEDGE_UNREADABLE", {
      hint: "format inconnu : attendu un PDF, un .docx, ou du texte/Markdown en UTF-8",
    });
  return /\.(md|markdown)$/i.test(name) || /^#{1,6}\s/m.test(text) ? "md" : "txt";
}

export interface DocumentReading extends ReadDocument {
  masked: MaskCounts;
  chars: number;
  /** Masks more text of the same document (records of a layout-specific parser) into the same counts. */
  masker: Masker;
}

/**
 * Reads any supported document into blocks, with phone numbers and e-mail
 * addresses masked. Throws KNOWLEDGE_UNREADABLE with a one-line reason for
 * empty, encrypted, scanned (no text) or unknown files.
 */
export async function readDocument(bytes: Uint8Array, name = ""): Promise<DocumentReading> {
  const format = sniffFormat(bytes, name);
  let read: ReadDocument;
  let chars: number;
  if (format === "pdf") {
    let layout: Awaited<ReturnType<typeof readPdfLayout>>;
    try {
      layout = await readPdfLayout(bytes);
    } catch (e) {
      if (e instanceof PdfReadError)
        throw new CertibotError("KNOWLEDGE_UNREADABLE", {
          hint:
            e.reason === "encrypted"
              ? "le PDF est protégé par un mot de passe"
              : "le PDF est endommagé ou incomplet",
          cause: e,
        });
      throw e;
    }
    if (layout.chars < 20)
      throw new CertibotError("KNOWLEDGE_UNREADABLE", {
        hint: "le PDF ne contient pas de texte (document scanné ?) : exportez-le depuis le traitement de texte",
      });
    read = pdfBlocks(layout);
    chars = layout.chars;
  } else if (format === "docx") {
    try {
      read = await docxBlocks(bytes);
    } catch (e) {
      throw new CertibotError("KNOWLEDGE_UNREADABLE", { hint: "le document Word est endommagé", cause: e });
    }
    chars = read.blocks.reduce((s, b) => s + (b.kind === "row" ? b.cells.join("").length : b.text.length), 0);
  } else {
    const text = new TextDecoder().decode(bytes);
    read = textBlocks(text, format);
    chars = text.trim().length;
  }
  if (!read.blocks.length || chars < 20)
    throw new CertibotError("KNOWLEDGE_UNREADABLE", { hint: "le document ne contient pas de texte" });
  const masker = new Masker();
  // Footers dropped as running lines are never output; their numbers and addresses are counted all the same.
  for (const line of read.dropped) masker.mask(line);
  maskBlocks(read.blocks, masker);
  return { ...read, masked: masker.counts, chars, masker };
}
