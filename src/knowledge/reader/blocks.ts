/**
 * What every reader (PDF, DOCX, Markdown/text) turns a document into, before
 * any record is made: headings with their level, paragraphs, list items and
 * table rows, in reading order. The structurer works on these only, so one
 * generic routine understands every format.
 */
export type Block =
  | { kind: "heading"; level: number; text: string }
  | { kind: "paragraph"; text: string }
  | { kind: "item"; text: string }
  | {
      kind: "row";
      cells: string[] /** The table's header cells, one per column, when it has one. */;
      header?: string[];
    };

export type DocumentFormat = "pdf" | "docx" | "md" | "txt";

export interface ReadDocument {
  format: DocumentFormat;
  blocks: Block[];
  /** Pages (PDF) when known. */
  pages: number | null;
  /** Documents the file holds (a REAC then its RE), as their first and last pages (PDF). */
  parts?: [number, number][];
  /** Pages without any text, skipped (separator pages, or images the reader cannot read). */
  blankPages?: number[];
  /** Tables read with their header row (PDF). */
  tables?: number;
  /** Where headings came from, shown by `knowledge show`. */
  headingSource: "outline" | "layout" | "styles" | "markup" | "numbering" | "none";
  /** Lines dropped as running headers and footers (PDF). */
  droppedRunning: number;
  /** Text of the lines dropped (once each). */
  dropped: string[];
}

const BULLET = /^\s*(?:[-•●▪◦❑✓✔➢►*–]|\(?[a-z]\)|\d{1,2}[).])\s+/;

export function isBullet(text: string): boolean {
  return BULLET.test(text);
}

export function stripBullet(text: string): string {
  return text.replace(/^\s*(?:[-•●▪◦❑✓✔➢►*–])\s+/, "").trim();
}
