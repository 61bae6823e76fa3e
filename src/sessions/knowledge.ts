import type { Db } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { loadCatalog } from "../knowledge/catalog.js";
import { seedShippedDocuments, storedDocuments } from "../knowledge/documents.js";
import { loadDeadlineRules } from "./deadlines.js";
import type { DeadlineRule } from "./types.js";

/** A written deliverable a candidate hands in (from knowledge/deliverables.yml). */
export interface SessionDeliverable {
  id: string;
  title: string;
  /** The referential the rule comes from (the guide for rncp37827's reports). */
  referential: string;
}

/** What the sessions feature reads from knowledge/, loaded once at start. */
export interface SessionKnowledge {
  rules: DeadlineRule[];
  referentials: Array<{ id: string; title: string; certification: string; rncp: string | null }>;
  defaultReferential: string;
}

export interface SessionDeps {
  db: Db;
  knowledge: SessionKnowledge;
}

export async function loadSessionKnowledge(
  knowledgeDir: string,
  defaultReferential: string,
  db?: Db,
): Promise<SessionKnowledge> {
  const [rules, catalog] = await Promise.all([loadDeadlineRules(knowledgeDir), loadCatalog(knowledgeDir)]);
  // With the database, the referentials added with `knowledge add` too.
  const refs = db
    ? await seedShippedDocuments(db, knowledgeDir).then(async () =>
        (await storedDocuments(db)).map((d) => d.ref),
      )
    : catalog.referentials;
  return {
    rules,
    referentials: refs.map((r) => ({
      id: r.id,
      title: r.title,
      certification: r.certification ?? r.title,
      rncp: r.rncp ?? null,
    })),
    defaultReferential,
  };
}

/** The certification a referential belongs to, as people name it ("Développeur en intelligence artificielle (Simplon)"). */
export function certificationOf(knowledge: SessionKnowledge, referential: string): string {
  return knowledge.referentials.find((r) => r.id === referential)?.certification ?? referential;
}

/**
 * The deliverables of a session: those whose rule comes from a referential of
 * the same certification (rncp37827 sessions hand in the guide's reports, not
 * the expert-ia mémoire).
 */
export function deliverablesOfSession<D extends SessionDeliverable>(
  knowledge: SessionKnowledge,
  referential: string,
  deliverables: readonly D[],
): D[] {
  const certification = certificationOf(knowledge, referential);
  return deliverables.filter(
    (d) => d.referential === referential || certificationOf(knowledge, d.referential) === certification,
  );
}

export const invalid = (hint: string) => new CertibotError("SESSION_INVALID", { hint });
