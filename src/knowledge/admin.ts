import { basename } from "node:path";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { CertibotError } from "../errors.js";
import type { Logger } from "../log.js";
import {
  type KnowledgeBase,
  openKnowledgeBase,
  parserMode,
  saveParsed,
} from "../retrieval/knowledge-base.js";
import { type Referential, ReferentialSchema } from "./catalog.js";
import {
  type DocumentSummary,
  hashBytes,
  type KnowledgeDocument,
  putDocument,
  removeDocument,
  seedShippedDocuments,
  storedDocuments,
} from "./documents.js";
import { identityRecord, readIdentity } from "./identity.js";
import { parseDocument } from "./parse-document.js";
import { sniffFormat } from "./reader/read-document.js";
import { matchCode } from "./reader/structure.js";

export interface AddRequest {
  bytes: Uint8Array;
  fileName: string;
  id?: string;
  title?: string;
  certification?: string;
  rncp?: string;
  aliases?: string[];
  replace?: boolean;
  addedBy: string;
}

export interface AddResult {
  ref: Referential;
  summary: DocumentSummary;
  /** Reading and structuring the file. */
  readMs: number;
  /** Rebuilding the index with it (the other documents come from their cache). */
  rebuildMs: number;
  version: number;
  kb: KnowledgeBase;
}

export function slugId(name: string): string {
  return (
    basename(name)
      .replace(/\.[a-z0-9]{1,5}$/i, "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 60) || "document"
  );
}

/**
 * Adds (or with `replace`, replaces) a document: read and understood first,
 * so a bad file changes nothing; then stored with its bytes (every replica
 * sees it at its next question) and the local index rebuilt.
 */
export async function addKnowledgeDocument(
  deps: { config: Config; db: Db; log?: Logger },
  req: AddRequest,
): Promise<AddResult> {
  const id = req.id ?? slugId(req.fileName);
  if (!/^[a-z0-9-]+$/.test(id))
    throw new CertibotError("USAGE", {
      hint: `identifiant « ${id} » invalide : lettres minuscules, chiffres et tirets seulement.`,
    });
  await seedShippedDocuments(deps.db, deps.config.knowledgeDir);
  const existing = (await storedDocuments(deps.db)).find((d) => d.ref.id === id);
  if (existing && !req.replace) throw new CertibotError("KNOWLEDGE_EXISTS", { hint: `(${id})` });

  const t0 = performance.now();
  const format = sniffFormat(req.bytes, req.fileName);
  const rncp = req.rncp ? req.rncp.replace(/\s+/g, "").toUpperCase().replace(/^(\d)/, "RNCP$1") : undefined;
  const draft: Referential = ReferentialSchema.parse({
    id,
    title: req.title ?? id,
    certification: req.certification,
    rncp,
    file: basename(req.fileName) || `${id}.${format}`,
    parser: "generic",
    codeFamilies: [],
    aliases: req.aliases ?? [],
  });
  const doc: KnowledgeDocument = {
    ref: draft,
    format,
    hash: hashBytes(req.bytes),
    shipped: false,
    addedBy: req.addedBy,
    addedAt: null,
    summary: null,
    bytes: async () => req.bytes,
  };
  const parsed = await parseDocument(doc, "generic");
  // Without --title, the document's first heading names it.
  if (!req.title) {
    const first = parsed.summary.headings.find((h) => h.length >= 8);
    doc.ref = { ...draft, title: first ?? draft.title };
  }
  // Who the document is about, from what the operator typed, its cover and its footers.
  const identity = readIdentity({
    id,
    title: req.title,
    rncp: req.rncp,
    aliases: req.aliases,
    ...parsed.identityText,
  });
  doc.ref = {
    ...doc.ref,
    identity,
    rncp: identity.rncp ?? undefined,
    level: doc.ref.level ?? identity.level ?? undefined,
  };
  const identityPassage = identityRecord(id, identity);
  if (identityPassage) {
    parsed.records.push(identityPassage);
    parsed.summary.records.section = (parsed.summary.records.section ?? 0) + 1;
  }
  // The code families found, so `knowledge list` and the help can say what the titre uses.
  doc.ref.codeFamilies = families(parsed.summary.codes);
  const readMs = performance.now() - t0;
  await saveParsed(deps.config, doc, parserMode(), parsed.records);
  const version = await putDocument(
    deps.db,
    { ref: doc.ref, format, bytes: req.bytes, addedBy: req.addedBy, summary: parsed.summary },
    Boolean(req.replace),
  );
  const t1 = performance.now();
  const kb = await openKnowledgeBase(deps.config, { db: deps.db, log: deps.log });
  return { ref: doc.ref, summary: parsed.summary, readMs, rebuildMs: performance.now() - t1, version, kb };
}

function families(codes: string[]): Referential["codeFamilies"] {
  const byShape = new Map<string, string[]>();
  for (const c of codes) {
    const shape = c.replace(/\d+/g, "n");
    byShape.set(shape, [...(byShape.get(shape) ?? []), c]);
  }
  return [...byShape.values()].map((list) => ({
    pattern: list.length > 1 ? `${list[0]}..${list[list.length - 1]}` : list[0]!,
    // The reader found these codes with matchCode: it knows their kind.
    kind: matchCode(list[0]!)?.kind ?? "competency",
  }));
}

export async function removeKnowledgeDocument(
  deps: { config: Config; db: Db; log?: Logger },
  id: string,
): Promise<{ version: number; rebuildMs: number; kb: KnowledgeBase }> {
  const doc = (await storedDocuments(deps.db)).find((d) => d.ref.id === id);
  if (!doc) throw new CertibotError("KNOWLEDGE_UNKNOWN", { hint: `(${id})` });
  if (doc.shipped)
    throw new CertibotError("USAGE", {
      hint: `${id} est livré avec certibot (knowledge/referentials.yml) : retirez-le de ce fichier, ou remplacez-le avec knowledge add --id ${id} --replace.`,
    });
  if (id === deps.config.defaultReferential)
    throw new CertibotError("USAGE", {
      hint: `${id} est le référentiel par défaut (CERTIBOT_DEFAULT_REFERENTIAL).`,
    });
  const version = await removeDocument(deps.db, id);
  const t = performance.now();
  const kb = await openKnowledgeBase(deps.config, { db: deps.db, log: deps.log });
  return { version, rebuildMs: performance.now() - t, kb };
}
