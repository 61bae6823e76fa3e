import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Embeddings } from "@langchain/core/embeddings";
import { z } from "zod";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { CertibotError } from "../errors.js";
import type { Catalog, Referential } from "../knowledge/catalog.js";
import {
  hashBytes,
  type KnowledgeDocument,
  knowledgeVersion,
  seedShippedDocuments,
  shippedDocuments,
  storedDocuments,
} from "../knowledge/documents.js";
import { INGEST_VERSION } from "../knowledge/ingest.js";
import { type ParserMode, parseDocument } from "../knowledge/parse-document.js";
import { type KnowledgeRecord, KnowledgeRecordSchema, recordText } from "../knowledge/record.js";
import { withTitreNames } from "../knowledge/titres.js";
import { fold } from "../lib/text.js";
import type { Logger } from "../log.js";
import { Bm25Index, type Bm25Snapshot, type Bm25Tokens } from "./bm25.js";
import { loadLexicon } from "./lexicon.js";
import { LocalHashEmbeddings } from "./local-embedder.js";
import { bm25Docs, Retriever } from "./retriever.js";
import { readJson } from "./vector-index.js";

const ManifestSchema = z.object({
  version: z.literal(2),
  /** Hash of every document (id, content, catalog entry), the ingest version and the parser mode. */
  key: z.string(),
  source: z.enum(["files", "db"]),
  /** knowledge_version of the database the index was built from (null: files only). */
  knowledgeVersion: z.number().nullable(),
  embedderId: z.string(),
  dims: z.number().int().nonnegative(),
  records: z.number().int(),
  documents: z.array(z.object({ id: z.string(), cache: z.string() })),
  /** Size and mtime of the knowledge files: unchanged, a cold start trusts the index without reading them. */
  stamps: z.record(z.string(), z.string()),
  groups: z.record(z.string(), z.array(z.string())),
  builtAt: z.string(),
  buildMs: z.number(),
});
export type IndexManifest = z.infer<typeof ManifestSchema>;

const DocCacheSchema = z.object({
  records: z.array(KnowledgeRecordSchema),
  tokens: z.array(
    z.object({ title: z.array(z.string()), body: z.array(z.string()), words: z.array(z.string()) }),
  ),
});

export interface KnowledgeBase {
  retriever: Retriever;
  manifest: IndexManifest;
  rebuilt: boolean;
  /** Documents parsed for this build (the others came from their per-document cache). */
  parsed: string[];
  /** Milliseconds spent opening (load or build). */
  ms: number;
}

export interface OpenOptions {
  forceRebuild?: boolean;
  /** An open, migrated database: documents come from it (seeded with the shipped ones). */
  db?: Db;
  log?: Logger;
}

/** Where the embedded PGlite lives (as db.ts says; not imported: a cold `ask` must not load the database code). */
const pgliteDir = (config: Config) => join(config.dataDir, "pg");

/** Size and mtime of referentials.yml and of every file under referentials/. */
async function knowledgeStamps(knowledgeDir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const files = [
    "referentials.yml",
    ...(await readdir(join(knowledgeDir, "referentials")).catch(() => [] as string[])).map(
      (f) => `referentials/${f}`,
    ),
  ];
  await Promise.all(
    files.map(async (f) => {
      const s = await stat(join(knowledgeDir, f)).catch(() => null);
      if (s) out[f] = `${s.size}:${Math.round(s.mtimeMs)}`;
    }),
  );
  return out;
}

const sameStamps = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export function parserMode(): ParserMode {
  return process.env.CERTIBOT_PARSERS === "generic" ? "generic" : "specific";
}

async function makeEmbedder(config: Config): Promise<{ embeddings: Embeddings; id: string }> {
  if (config.embedder.kind === "openai") {
    const { default: OpenAI } = await import("openai");
    const { OpenAICompatibleEmbeddings } = await import("./openai-embedder.js");
    const client = new OpenAI({
      apiKey: config.embedder.apiKey,
      baseURL: config.embedder.baseURL,
      timeout: config.embedder.timeoutMs,
      maxRetries: 1,
    });
    const e = new OpenAICompatibleEmbeddings(client, config.embedder.model);
    return { embeddings: e, id: e.id };
  }
  const e = new LocalHashEmbeddings();
  return { embeddings: e, id: e.id };
}

/** Aliases a titre is recognised by in questions: its own, its RNCP number, its certification's name. */
function withAliases(ref: Referential): Referential {
  if (ref.parser !== "generic") return ref;
  const aliases = new Set(ref.aliases);
  const rncp = /(\d{4,6})/.exec(ref.rncp ?? "")?.[1];
  if (rncp) for (const a of [`rncp ${rncp}`, `rncp${rncp}`, rncp]) aliases.add(a);
  if (ref.certification) aliases.add(ref.certification.replace(/\s*\(.*\)$/, ""));
  // The id as words ("bac-pro-assp" → "bac pro assp"), and the acronym of the titre ("Concepteur
  // développeur d'applications" → "cda"; "Accompagnement, soins et services à la personne" → "assp").
  aliases.add(ref.id.replace(/-/g, " "));
  // The title and its parts ("Concepteur développeur d'applications — Campus Numérique": the titre, the school).
  // Parts naming a kind of document ("Guide du candidat", "Référentiel de compétences") would catch every question.
  const generic =
    /^(?:le |la |les |l')?(?:referentiels?|guides?|livrets?|mode d'emploi|dossiers?|reglements?|fiches?|annexes?|programmes?|brochures?|documents?|titre professionnel|certification)\b/;
  for (const part of ref.title.split(/\s+[—–-]\s+|\s*[:|]\s+/)) {
    const significant = fold(part)
      // A sigle in brackets is already a name; "REAC et RE", "Référentiel …" name the kind of document.
      .replace(/\([^)]*\)/g, " ")
      .replace(
        /^(?:(?:reac|rec|re|rc|referentiels?|guide|livret|et|de|d'|du|des|emploi|activites|competences|evaluation|certification)[\s,]+)+/,
        "",
      )
      .replace(/[^a-z' ]/g, " ")
      .split(/\s+/)
      .map((w) => w.replace(/^[a-z]'/, ""))
      .filter((w) => w.length > 2 && !/^(?:des|les|aux|pour|dans|avec|sur|une|the|and)$/.test(w));
    // The kind of diploma is not part of the acronym: "Bac pro Accompagnement, soins et services à la personne" is ASSP.
    while (
      /^(?:bac|pro|bts|cap|but|titre|professionnel|licence|master|mastere|bachelor|diplome)$/.test(
        significant[0] ?? "",
      )
    )
      significant.shift();
    if (significant.length >= 3 && significant.length <= 6)
      aliases.add(significant.map((w) => w[0]).join(""));
  }
  for (const part of [ref.title, ...ref.title.split(/\s+[—–-]\s+|\s*[:|]\s+/)].map((p) =>
    p.replace(/,/g, ""),
  ))
    if (
      part.length >= 6 &&
      part.length <= 80 &&
      part.split(/\s+/).length <= 10 &&
      !generic.test(fold(part.trim()))
    )
      aliases.add(part.trim());
  return { ...ref, aliases: [...aliases].filter((a) => a.trim().length >= 3) };
}

/** An alias derived for an added document that another referential also answers to names neither: dropped. */
function distinctAliases(refs: Referential[]): Referential[] {
  const owners = new Map<string, Set<string>>();
  for (const r of refs)
    for (const a of [r.id, ...r.aliases]) owners.set(fold(a), (owners.get(fold(a)) ?? new Set()).add(r.id));
  return refs.map((r) =>
    r.parser === "generic" ? { ...r, aliases: r.aliases.filter((a) => owners.get(fold(a))!.size === 1) } : r,
  );
}

function catalogOf(documents: KnowledgeDocument[], groups: Catalog["groups"]): Catalog {
  const ids = new Set(documents.map((d) => d.ref.id));
  return withTitreNames({
    referentials: distinctAliases(documents.map((d) => withAliases(d.ref))),
    groups: Object.fromEntries(
      Object.entries(groups)
        .map(([g, members]) => [g, members.filter((m) => ids.has(m))] as const)
        .filter(([, m]) => m.length > 0),
    ),
  });
}

/** JSON with sorted keys: a catalog entry read back from jsonb has its keys in another order. */
function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

const cacheName = (d: KnowledgeDocument, mode: ParserMode) =>
  `${d.ref.id}-${hashBytes(`${INGEST_VERSION}\0${mode}\0${d.hash}\0${stableJson(d.ref)}`).slice(0, 16)}`;

function corpusKey(documents: KnowledgeDocument[], mode: ParserMode): string {
  return hashBytes(documents.map((d) => cacheName(d, mode)).join("\n"));
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

interface Corpus {
  source: "files" | "db";
  documents: KnowledgeDocument[];
  catalog: Catalog;
  version: number | null;
  close(): Promise<void>;
}

/**
 * Where the documents come from: the given database; a PostgreSQL server
 * (DATABASE_URL); the embedded PGlite when it exists (it is created by the
 * first `knowledge add` or `serve`); else the shipped files alone.
 */
async function openCorpus(config: Config, opts: OpenOptions, groups: Catalog["groups"]): Promise<Corpus> {
  const fromDb = async (db: Db, close: () => Promise<void>): Promise<Corpus> => {
    await seedShippedDocuments(db, config.knowledgeDir);
    const documents = await storedDocuments(db);
    return {
      source: "db",
      documents,
      catalog: catalogOf(documents, groups),
      version: await knowledgeVersion(db),
      close,
    };
  };
  if (opts.db) return fromDb(opts.db, async () => undefined);
  if (config.databaseUrl || existsSync(pgliteDir(config))) {
    const log = opts.log ?? (await import("../log.js")).silentLogger;
    const { openMigratedDb } = await import("../db/db.js");
    const db = await openMigratedDb(config, log);
    try {
      return await fromDb(db, () => db.close());
    } catch (e) {
      await db.close();
      throw e;
    }
  }
  const { documents } = await shippedDocuments(config.knowledgeDir);
  return {
    source: "files",
    documents,
    catalog: catalogOf(documents, groups),
    version: null,
    close: async () => {},
  };
}

/**
 * Opens the knowledge base. The saved index (data/index) is used as is when
 * it matches the corpus and the embedder: one manifest, and per document its
 * records and BM25 tokens, so a cold start reads JSON instead of parsing and
 * tokenizing. Otherwise only the documents that changed are parsed again
 * (per-document cache), and the index is rebuilt from the rest.
 *
 * Without a database at hand (`certibot ask` on the embedded PGlite), the
 * saved index is trusted when it was built from the database and the shipped
 * files are unchanged: only `knowledge add|remove` (which rebuild it) change
 * PGlite's documents, and PGlite is one process at a time.
 */
export async function openKnowledgeBase(config: Config, opts: OpenOptions = {}): Promise<KnowledgeBase> {
  const t0 = performance.now();
  const mode = parserMode();
  const dir = join(config.dataDir, "index");
  const embedder = await makeEmbedder(config);
  const [savedRaw, stamps] = await Promise.all([
    readJson(join(dir, "manifest.json")),
    knowledgeStamps(config.knowledgeDir),
  ]);
  const saved = ManifestSchema.safeParse(savedRaw);

  // Cold start (`certibot ask`): no database at hand and the knowledge files untouched since the index was
  // built. Files-only indexes are trusted while no PGlite exists; database ones while it does: only
  // `knowledge add|remove` change PGlite's documents, they rebuild this index, and PGlite is one process
  // at a time. A server (DATABASE_URL) is always asked for its version.
  if (
    !opts.forceRebuild &&
    !opts.db &&
    !config.databaseUrl &&
    saved.success &&
    saved.data.embedderId === embedder.id &&
    sameStamps(saved.data.stamps, stamps) &&
    (saved.data.source === "db") === existsSync(pgliteDir(config))
  ) {
    const loaded = await loadSaved(config, dir, saved.data, embedder);
    if (loaded) return { ...loaded, rebuilt: false, parsed: [], ms: performance.now() - t0 };
  }

  const shipped = await shippedDocuments(config.knowledgeDir);
  const corpus = await openCorpus(config, opts, shipped.catalog.groups);
  try {
    if (!corpus.catalog.referentials.some((r) => r.id === config.defaultReferential)) {
      throw new CertibotError("UNKNOWN_REFERENTIAL", {
        hint: `CERTIBOT_DEFAULT_REFERENTIAL=${config.defaultReferential} ; connus : ${corpus.catalog.referentials.map((r) => r.id).join(", ")}.`,
      });
    }
    const key = corpusKey(corpus.documents, mode);
    if (
      !opts.forceRebuild &&
      saved.success &&
      saved.data.key === key &&
      saved.data.embedderId === embedder.id
    ) {
      const loaded = await loadSaved(config, dir, saved.data, embedder, corpus.catalog);
      if (loaded) {
        if (!sameStamps(saved.data.stamps, stamps) || saved.data.knowledgeVersion !== corpus.version) {
          // Same corpus, touched files or a new version number: refresh the manifest so the next cold start is fast.
          loaded.manifest = {
            ...saved.data,
            stamps,
            knowledgeVersion: corpus.version,
            source: corpus.source,
          };
          await writeAtomic(join(dir, "manifest.json"), JSON.stringify(loaded.manifest, null, 2));
        }
        return { ...loaded, rebuilt: false, parsed: [], ms: performance.now() - t0 };
      }
    }
    const built = await build(config, dir, corpus, key, mode, embedder, opts.forceRebuild ?? false, stamps);
    return { ...built, rebuilt: true, ms: performance.now() - t0 };
  } finally {
    await corpus.close();
  }
}

/** Reads the saved index; null when any part is missing or corrupt (then it is rebuilt). */
async function loadSaved(
  config: Config,
  dir: string,
  manifest: IndexManifest,
  embedder: { embeddings: Embeddings; id: string },
  catalog?: Catalog,
): Promise<Omit<KnowledgeBase, "rebuilt" | "parsed" | "ms"> | null> {
  // One file per corpus (named by its key, written before the manifest): records, catalog entries, BM25.
  let saved: { records?: unknown; refs?: unknown; bm25?: Bm25Snapshot };
  try {
    saved = JSON.parse(await readFile(join(dir, `corpus-${manifest.key}.json`), "utf8"));
  } catch {
    return null;
  }
  // Trusted after a shape check: records were validated when their document was parsed.
  if (!Array.isArray(saved.records) || !Array.isArray(saved.refs) || !saved.bm25?.postings) return null;
  if (saved.bm25.ids.length !== saved.records.length) return null;
  const records = saved.records as KnowledgeRecord[];
  const refs = saved.refs as Referential[];
  const cat =
    catalog ??
    withTitreNames({
      referentials: distinctAliases(refs.map(withAliases)),
      groups: filterGroups(manifest.groups, refs),
    });
  if (!cat.referentials.some((r) => r.id === config.defaultReferential)) return null;
  const bm25 = new Bm25Index(saved.bm25);
  const retriever = await makeRetriever(config, dir, cat, records, manifest, embedder, bm25);
  return { retriever, manifest };
}

function filterGroups(groups: Catalog["groups"], refs: Referential[]): Catalog["groups"] {
  const ids = new Set(refs.map((r) => r.id));
  return Object.fromEntries(
    Object.entries(groups)
      .map(([g, m]) => [g, m.filter((x) => ids.has(x))] as const)
      .filter(([, m]) => m.length),
  );
}

async function build(
  config: Config,
  dir: string,
  corpus: Corpus,
  key: string,
  mode: ParserMode,
  embedder: { embeddings: Embeddings; id: string },
  force: boolean,
  stamps: Record<string, string>,
): Promise<Omit<KnowledgeBase, "rebuilt" | "ms">> {
  const t0 = performance.now();
  const docsDir = join(dir, "docs");
  await mkdir(docsDir, { recursive: true });
  const records: KnowledgeRecord[] = [];
  const tokens: Bm25Tokens[] = [];
  const entries: IndexManifest["documents"] = [];
  const parsed: string[] = [];
  const ids = new Set<string>();
  for (const d of corpus.documents) {
    const cache = cacheName(d, mode);
    const path = join(docsDir, `${cache}.json`);
    let got = force ? null : DocCacheSchema.safeParse(await readJson(path)).data;
    if (!got) {
      let doc: Awaited<ReturnType<typeof parseDocument>>;
      try {
        doc = await parseDocument(d, mode);
      } catch (e) {
        const err = e instanceof CertibotError ? e : null;
        throw new CertibotError("KNOWLEDGE_INVALID", {
          hint: `${d.ref.id} (${d.ref.file}) : ${err?.userMessage() ?? String(e)}`,
          cause: e,
        });
      }
      got = { records: doc.records, tokens: await writeDocCache(docsDir, d, mode, doc.records) };
      parsed.push(d.ref.id);
    }
    for (const r of got.records) {
      if (ids.has(r.id))
        throw new CertibotError("KNOWLEDGE_INVALID", {
          hint: `identifiant d'enregistrement en double : ${r.id}`,
        });
      ids.add(r.id);
    }
    records.push(...got.records);
    tokens.push(...got.tokens);
    entries.push({ id: d.ref.id, cache });
  }
  const manifest: IndexManifest = {
    version: 2,
    key,
    source: corpus.source,
    knowledgeVersion: corpus.version,
    embedderId: embedder.id,
    dims: 0,
    records: records.length,
    documents: entries,
    stamps,
    groups: corpus.catalog.groups,
    builtAt: new Date().toISOString(),
    buildMs: 0,
  };
  const bm25 = new Bm25Index({ ids: records.map((r) => r.id), tokens });
  const retriever = await makeRetriever(config, dir, corpus.catalog, records, manifest, embedder, bm25);
  await writeAtomic(
    join(dir, `corpus-${key}.json`),
    JSON.stringify({ records, refs: corpus.documents.map((d) => d.ref), bm25: bm25.snapshot() }),
  );
  manifest.buildMs = Math.round(performance.now() - t0);
  await writeAtomic(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  for (const f of await readdir(dir).catch(() => [] as string[]))
    if (/^corpus-.*\.json$/.test(f) && f !== `corpus-${key}.json`) await rm(join(dir, f), { force: true });
  // Caches of documents no longer in the corpus.
  const keep = new Set(entries.map((e) => e.cache));
  for (const f of await readdir(docsDir).catch(() => [] as string[])) {
    const base = f.replace(/\.(vec-.*)?json$/, "").replace(/\.$/, "");
    if (!keep.has(base) && !f.includes(".tmp-")) await rm(join(docsDir, f), { force: true });
  }
  return { retriever, manifest, parsed };
}

/**
 * The retriever over the records. With the local hashing embedder the vector
 * ranking is not fused (see Retriever), so its HNSW index is built only if a
 * search ever asks for it; a real embedding model's vectors are cached per
 * document (data/index/docs/*.vec-*.json) and the index built at open.
 */
async function makeRetriever(
  config: Config,
  dir: string,
  catalog: Catalog,
  records: KnowledgeRecord[],
  manifest: IndexManifest,
  embedder: { embeddings: Embeddings; id: string },
  bm25: Bm25Index,
): Promise<Retriever> {
  const options = {
    defaultReferential: config.defaultReferential,
    bm25,
    lexicon: await loadLexicon(config.knowledgeDir),
  };
  const hnsw = async () => {
    const [{ HNSWLib }, { Document }] = await Promise.all([
      import("@langchain/community/vectorstores/hnswlib"),
      import("@langchain/core/documents"),
    ]);
    const docs = records.map((r) => new Document({ pageContent: recordText(r), metadata: { id: r.id } }));
    return { HNSWLib, docs };
  };
  if (embedder.embeddings instanceof LocalHashEmbeddings) {
    const local = embedder.embeddings;
    const lazy = async () => {
      const { HNSWLib, docs } = await hnsw();
      local.setIdf(LocalHashEmbeddings.fitIdf(docs.map((d) => d.pageContent)));
      const vectors = await local.embedDocuments(docs.map((d) => d.pageContent));
      const store = new HNSWLib(local, { space: "cosine", numDimensions: local.dims });
      await store.addVectors(vectors, docs);
      return store;
    };
    manifest.dims = local.dims;
    return new Retriever(catalog, records, lazy, local, options);
  }
  const { HNSWLib, docs } = await hnsw();
  const vectors: number[][] = [];
  let offset = 0;
  for (const d of manifest.documents) {
    const n = records.slice(offset).findIndex((r) => r.referential !== d.id);
    const count = n < 0 ? records.length - offset : n;
    const path = join(dir, "docs", `${d.cache}.vec-${embedder.id.replace(/[^a-z0-9.-]/gi, "_")}.json`);
    let v = (await readJson(path)) as number[][] | null;
    if (!Array.isArray(v) || v.length !== count) {
      try {
        v = await embedder.embeddings.embedDocuments(
          docs.slice(offset, offset + count).map((x) => x.pageContent),
        );
      } catch (cause) {
        throw new CertibotError("INDEX_UNAVAILABLE", { detail: String(cause), cause });
      }
      await mkdir(join(dir, "docs"), { recursive: true });
      await writeAtomic(path, JSON.stringify(v));
    }
    vectors.push(...v);
    offset += count;
  }
  manifest.dims = vectors[0]?.length ?? 0;
  const store = new HNSWLib(embedder.embeddings, { space: "cosine", numDimensions: manifest.dims });
  await store.addVectors(vectors, docs);
  return new Retriever(catalog, records, store, embedder.embeddings, options);
}

/**
 * The knowledge base of a long-running process (the Slack bot): its
 * retriever is a stable object whose searches first check, with one read of
 * knowledge_version, whether another replica (or the CLI) changed the
 * documents, and if so rebuild from the database before answering.
 */
export class LiveKnowledge {
  private current: KnowledgeBase;
  private checking: Promise<void> | null = null;
  readonly retriever: Retriever;

  private constructor(
    private readonly config: Config,
    private readonly db: Db,
    private readonly log: Logger | undefined,
    kb: KnowledgeBase,
  ) {
    this.current = kb;
    const self = this;
    this.retriever = new Proxy(kb.retriever, {
      get(_target, prop) {
        if (prop === "search")
          return async (...args: Parameters<Retriever["search"]>) => {
            await self.ensureCurrent();
            return self.current.retriever.search(...args);
          };
        const value = Reflect.get(self.current.retriever, prop);
        return typeof value === "function" ? value.bind(self.current.retriever) : value;
      },
    });
  }

  static async open(config: Config, db: Db, log?: Logger): Promise<LiveKnowledge> {
    return new LiveKnowledge(config, db, log, await openKnowledgeBase(config, { db, log }));
  }

  get knowledgeBase(): KnowledgeBase {
    return this.current;
  }

  /** One cheap read; a rebuild only when the version moved. Concurrent callers share one check. */
  ensureCurrent(): Promise<void> {
    this.checking ??= (async () => {
      try {
        const version = await knowledgeVersion(this.db);
        if (version === this.current.manifest.knowledgeVersion) return;
        const t = performance.now();
        this.current = await openKnowledgeBase(this.config, { db: this.db, log: this.log });
        this.log?.info("knowledge reloaded", {
          version,
          records: this.current.retriever.records.length,
          ms: Math.round(performance.now() - t),
        });
      } finally {
        this.checking = null;
      }
    })();
    return this.checking;
  }
}

/** Saves a document's records (and tokens) where the next build looks for them, so it is not parsed twice. */
export async function saveParsed(
  config: Config,
  doc: KnowledgeDocument,
  mode: ParserMode,
  records: KnowledgeRecord[],
): Promise<void> {
  const docsDir = join(config.dataDir, "index", "docs");
  await mkdir(docsDir, { recursive: true });
  await writeDocCache(docsDir, doc, mode, records);
}

/** One document's parsed records and BM25 tokens, cached under its content key; returns the tokens. */
async function writeDocCache(
  docsDir: string,
  doc: KnowledgeDocument,
  mode: ParserMode,
  records: KnowledgeRecord[],
): Promise<Bm25Tokens[]> {
  const tokens = bm25Docs(records).map((d) => Bm25Index.tokenize(d));
  await writeAtomic(
    join(docsDir, `${cacheName(doc, mode)}.json`),
    JSON.stringify({ records, tokens, ref: doc.ref }),
  );
  return tokens;
}
