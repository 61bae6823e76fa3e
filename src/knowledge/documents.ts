import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Db, Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { type Catalog, loadCatalog, type Referential, ReferentialSchema } from "./catalog.js";
import type { DocumentFormat } from "./reader/blocks.js";

/** A document of the corpus as the index needs it: its catalog entry and content hash (bytes on demand). */
export interface KnowledgeDocument {
  ref: Referential;
  format: DocumentFormat;
  hash: string;
  shipped: boolean;
  addedBy: string | null;
  addedAt: string | null;
  summary: DocumentSummary | null;
  bytes(): Promise<Uint8Array>;
}

/** What `knowledge add` understood, kept with the document for `knowledge list` and `show`. */
export const DocumentSummarySchema = z.object({
  records: z.record(z.string(), z.number()),
  headings: z.array(z.string()),
  codes: z.array(z.string()),
  masked: z.object({ phones: z.number(), emails: z.number() }),
  pages: z.number().nullable(),
  headingSource: z.string(),
  droppedRunning: z.number(),
  structured: z.boolean(),
  /** What the reader understood (absent from summaries stored before it said so). */
  parts: z.array(z.tuple([z.number(), z.number()])).optional(),
  tables: z.number().optional(),
  blankPages: z.array(z.number()).optional(),
  structure: z
    .object({
      activities: z.number(),
      competencies: z.number(),
      transversal: z.number(),
      criteria: z.number(),
      evaluations: z.number(),
      glossary: z.number(),
    })
    .optional(),
});
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const hashBytes = (bytes: Uint8Array | string) =>
  createHash("sha256").update(bytes).digest("hex").slice(0, 24);

const formatOf = (file: string): DocumentFormat => (/\.md$/i.test(file) ? "md" : "txt");

/** The shipped referentials (knowledge/referentials.yml) as documents read from disk. */
export async function shippedDocuments(
  knowledgeDir: string,
): Promise<{ catalog: Catalog; documents: KnowledgeDocument[] }> {
  const catalog = await loadCatalog(knowledgeDir);
  const documents: KnowledgeDocument[] = [];
  for (const ref of catalog.referentials) {
    const path = join(knowledgeDir, "referentials", ref.file);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (cause) {
      throw new CertibotError("KNOWLEDGE_MISSING", { hint: `${ref.id} : ${path} illisible.`, cause });
    }
    documents.push({
      ref,
      format: formatOf(ref.file),
      hash: hashBytes(bytes),
      shipped: true,
      addedBy: null,
      addedAt: null,
      summary: null,
      bytes: async () => bytes,
    });
  }
  return { catalog, documents };
}

type DocRow = {
  id: string;
  meta: unknown;
  format: DocumentFormat;
  file_name: string;
  content_hash: string;
  shipped: boolean;
  added_by: string | null;
  added_at: Date;
  summary: unknown;
};

function sameJson(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(norm)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => x.localeCompare(y))
              .map(([k, x]) => [k, norm(x)]),
          )
        : v;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export async function knowledgeVersion(db: Queryable): Promise<number> {
  const rows = await db.query<{ version: number }>("select version from knowledge_version where id = 1");
  return Number(rows[0]?.version ?? 0);
}

async function bump(tx: Queryable): Promise<number> {
  const rows = await tx.query<{ version: number }>(
    "update knowledge_version set version = version + 1, changed_at = now() where id = 1 returning version",
  );
  return Number(rows[0]!.version);
}

/** Every document stored, without their bytes (fetched on demand, only when a document must be parsed). */
export async function storedDocuments(db: Db): Promise<KnowledgeDocument[]> {
  const rows = await db.query<DocRow>(
    "select id, meta, format, file_name, content_hash, shipped, added_by, added_at, summary from knowledge_documents order by shipped desc, added_at, id",
  );
  return rows.map((r) => ({
    ref: ReferentialSchema.parse(r.meta),
    format: r.format,
    hash: r.content_hash,
    shipped: r.shipped,
    addedBy: r.added_by,
    addedAt: r.added_at instanceof Date ? r.added_at.toISOString() : String(r.added_at),
    summary: DocumentSummarySchema.safeParse(r.summary).data ?? null,
    bytes: async () => {
      const got = await db.query<{ content: Uint8Array }>(
        "select content from knowledge_documents where id = $1",
        [r.id],
      );
      if (!got[0]) throw new CertibotError("KNOWLEDGE_UNKNOWN", { hint: r.id });
      return got[0].content;
    },
  }));
}

/**
 * Seeds (or updates) the shipped referentials from knowledge/: run after the
 * migrations by every process that opens the database. A shipped document
 * whose file or catalog entry changed is rewritten; the version moves only
 * when something did.
 */
export async function seedShippedDocuments(db: Db, knowledgeDir: string): Promise<boolean> {
  const { documents } = await shippedDocuments(knowledgeDir);
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(7311924066612)");
    const existing = new Map(
      (
        await tx.query<{ id: string; content_hash: string; meta: unknown; shipped: boolean }>(
          "select id, content_hash, meta, shipped from knowledge_documents",
        )
      ).map((r) => [r.id, r]),
    );
    let changed = false;
    for (const d of documents) {
      const row = existing.get(d.ref.id);
      if (row && !row.shipped) continue; // an operator replaced it: theirs wins
      if (row && row.content_hash === d.hash && sameJson(row.meta, d.ref)) continue;
      await tx.query(
        `insert into knowledge_documents (id, meta, format, file_name, content, content_hash, shipped)
         values ($1, $2, $3, $4, $5, $6, true)
         on conflict (id) do update set meta = excluded.meta, format = excluded.format, file_name = excluded.file_name,
           content = excluded.content, content_hash = excluded.content_hash, added_at = now()`,
        [d.ref.id, JSON.stringify(d.ref), d.format, d.ref.file, await d.bytes(), d.hash],
      );
      changed = true;
    }
    if (changed) await bump(tx);
    return changed;
  });
}

export interface NewDocument {
  ref: Referential;
  format: DocumentFormat;
  bytes: Uint8Array;
  addedBy: string;
  summary: DocumentSummary;
}

/** Adds a document (or replaces one with `replace`); returns the new knowledge version. */
export async function putDocument(db: Db, doc: NewDocument, replace: boolean): Promise<number> {
  return db.transaction(async (tx) => {
    const exists = await tx.query("select 1 from knowledge_documents where id = $1 for update", [doc.ref.id]);
    if (exists.length && !replace) throw new CertibotError("KNOWLEDGE_EXISTS", { hint: `(${doc.ref.id})` });
    await tx.query(
      `insert into knowledge_documents (id, meta, format, file_name, content, content_hash, shipped, added_by, summary)
       values ($1, $2, $3, $4, $5, $6, false, $7, $8)
       on conflict (id) do update set meta = excluded.meta, format = excluded.format, file_name = excluded.file_name,
         content = excluded.content, content_hash = excluded.content_hash, shipped = false,
         added_by = excluded.added_by, added_at = now(), summary = excluded.summary`,
      [
        doc.ref.id,
        JSON.stringify(doc.ref),
        doc.format,
        doc.ref.file,
        doc.bytes,
        hashBytes(doc.bytes),
        doc.addedBy,
        JSON.stringify(doc.summary),
      ],
    );
    return bump(tx);
  });
}

export async function removeDocument(db: Db, id: string): Promise<number> {
  return db.transaction(async (tx) => {
    const gone = await tx.query("delete from knowledge_documents where id = $1 returning id", [id]);
    if (!gone.length) throw new CertibotError("KNOWLEDGE_UNKNOWN", { hint: `(${id})` });
    return bump(tx);
  });
}

/** RGPD erasure: documents a Slack user added stay (they are the school's), their author becomes « effacé ». */
export async function forgetDocumentAuthor(tx: Queryable, userId: string): Promise<number> {
  const rows = await tx.query(
    "update knowledge_documents set added_by = 'effacé' where added_by = $1 returning id",
    [`slack:${userId}`],
  );
  return rows.length;
}
