import { squash } from "../lib/text.js";
import type { DocumentSummary, KnowledgeDocument } from "./documents.js";
import { type IdentityInput, identityRecord, identityTexts } from "./identity.js";
import { parseAivancityTable } from "./parse-aivancity.js";
import { parseExpertInterleaved } from "./parse-expert.js";
import { parseMarkdownSections } from "./parse-markdown.js";
import { parseRncpTable } from "./parse-rncp.js";
import type { Block } from "./reader/blocks.js";
import { isTransversalCompetency } from "./reader/certification.js";
import { readDocument } from "./reader/read-document.js";
import { structure } from "./reader/structure.js";
import { type KnowledgeRecord, KnowledgeRecordSchema, makeRecord } from "./record.js";

/** `generic`: every document through the one structure-aware reader (CERTIBOT_PARSERS=generic). */
export type ParserMode = "specific" | "generic";

const SPECIFIC: Record<string, (id: string, source: string) => KnowledgeRecord[]> = {
  "rncp-table": parseRncpTable,
  "aivancity-table": parseAivancityTable,
  "expert-interleaved": parseExpertInterleaved,
  "markdown-sections": parseMarkdownSections,
};

export interface ParsedDocument {
  records: KnowledgeRecord[];
  summary: DocumentSummary;
  /** The cover and every line (footers included), for the titre's identity. */
  identityText: Required<Pick<IdentityInput, "head" | "lines">>;
}

/** Paragraphs in passages of about 1,200 characters: what is indexed when no structure could be read. */
function plainSections(referential: string, blocks: Block[]): KnowledgeRecord[] {
  const texts = blocks.map((b) => (b.kind === "row" ? b.cells.join(" — ") : b.text));
  const out: KnowledgeRecord[] = [];
  let buf: string[] = [];
  const flush = () => {
    if (!buf.length) return;
    const body = buf.join("\n");
    const title = `Passage ${out.length + 1} — ${squash(body).split(" ").slice(0, 8).join(" ")}`;
    out.push(makeRecord({ referential, kind: "section", code: null, title, statement: body }));
    buf = [];
  };
  for (const t of texts) {
    buf.push(t);
    if (buf.join(" ").length > 1200) flush();
  }
  flush();
  return out.map((r, i) => ({ ...r, id: `${referential}:passage-${i + 1}` }));
}

/**
 * Records of one document: the layout-specific parser its catalog entry
 * names (shipped documents), unless `mode` is generic, else the generic
 * reader and structurer. Also says what was understood, for `knowledge show`.
 */
export async function parseDocument(doc: KnowledgeDocument, mode: ParserMode): Promise<ParsedDocument> {
  const bytes = await doc.bytes();
  const reading = await readDocument(bytes, doc.ref.file);
  const headings = reading.blocks
    .filter((b) => b.kind === "heading")
    .map((b) => (b as { text: string }).text);
  const specific = mode === "specific" ? SPECIFIC[doc.ref.parser] : undefined;
  let records: KnowledgeRecord[];
  if (specific) records = specific(doc.ref.id, new TextDecoder().decode(bytes));
  else records = structure(doc.ref.id, reading.blocks);
  const structured = records.some((r) => r.code) || headings.length > 0;
  if (!records.length || !structured) records = plainSections(doc.ref.id, reading.blocks);
  // The blocks were masked one by one; a number a layout cut over two lines ("Tél. 01 40 /
  // 69 37 12") is whole again in its record, and a layout-specific parser reads the raw text.
  const m = reading.masker;
  for (const r of records) {
    r.title = m.mask(r.title);
    r.statement = m.mask(r.statement);
    r.criteria = r.criteria.map((c) => m.mask(c));
    r.activities = r.activities.map((c) => m.mask(c));
    r.modality = r.modality === null ? null : m.mask(r.modality);
  }
  reading.masked = m.counts;
  // An added document's titre identity (read by `knowledge add`) is a passage too.
  const identity = !specific && doc.ref.identity ? identityRecord(doc.ref.id, doc.ref.identity) : null;
  if (identity) records.push(identity);
  for (const r of records) KnowledgeRecordSchema.parse(r);
  const byKind: Record<string, number> = {};
  for (const r of records) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  return {
    records,
    identityText: identityTexts(reading.blocks, reading.dropped),
    summary: {
      records: byKind,
      headings: headings.slice(0, 200),
      codes: [...new Set(records.map((r) => r.code).filter((c): c is string => Boolean(c)))],
      masked: reading.masked,
      pages: reading.pages,
      headingSource: specific ? `parser ${doc.ref.parser}` : reading.headingSource,
      droppedRunning: reading.droppedRunning,
      structured,
      parts: reading.parts,
      tables: reading.tables,
      blankPages: reading.blankPages,
      structure: {
        activities: records.filter((r) => r.kind === "activity").length,
        competencies: records.filter((r) => r.kind === "competency" && !isTransversalCompetency(r)).length,
        transversal: records.filter(isTransversalCompetency).length,
        criteria: records.reduce((n, r) => n + r.criteria.length, 0),
        evaluations: records.filter((r) => r.kind === "evaluation").length,
        glossary: records.filter((r) => r.kind === "glossary").length,
      },
    },
  };
}
