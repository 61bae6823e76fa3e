import type { KnowledgeRecord } from "../knowledge/record.js";
import { fold } from "../lib/text.js";

/** A competency an épreuve evaluates, with the criteria the jury grades it on. */
export interface EpreuveCompetency {
  code: string;
  title: string;
  statement: string;
  activities: string[];
  criteria: string[];
}

/** An épreuve whose evaluation includes a written deliverable, read from the indexed records. */
export interface Epreuve {
  referential: string;
  /** "E3"; for an épreuve without a code, its title's slug ("memoire-professionnel"). */
  code: string;
  title: string;
  /** The record's text on the deliverable, shown as the source of the grid. */
  statement: string;
  competencies: EpreuveCompetency[];
}

// The record says a candidate hands in something written: a report, a mémoire, a documentation.
const WRITTEN = /\b(?:rapport|livrable|m[ée]moire|documentation|dossier|report|deliverable|thesis)\b/i;
const EPREUVE_CODE = /^E\d{1,2}$/;
const NAMED_EPREUVE = /\b(?:m[ée]moire|chef[- ]d.(?:œ|oe)uvre|rapport professionnel|soutenance)\b/i;
const COMPETENCY_CODE = /\b((?:B\d+)?C\d{1,2})\b/g;

const slug = (s: string) =>
  fold(s)
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40);

/** The criteria of a competency: its own, else the scored criterion records that point to it (expert-ia). */
function criteriaOf(c: KnowledgeRecord, criterionRecords: KnowledgeRecord[]): string[] {
  if (c.criteria.length) return c.criteria;
  return criterionRecords
    .filter((r) => r.code !== null && c.code !== null && r.related.includes(c.code))
    .map((r) => r.statement.replace(/\s*\(\d+ points?\)\s*$/i, "").trim());
}

/**
 * Every épreuve with a written deliverable in the records, with the competencies it
 * evaluates: the codes its record relates to (rncp37827's "E3 (C9 … C13)"), else those
 * its text names, else the competencies that point back to it, else — a chef-d'œuvre or
 * a mémoire graded on the whole titre — every competency of its referential.
 */
export function epreuvesFrom(records: readonly KnowledgeRecord[]): Epreuve[] {
  const byRef = new Map<string, KnowledgeRecord[]>();
  for (const r of records) byRef.set(r.referential, [...(byRef.get(r.referential) ?? []), r]);
  const out: Epreuve[] = [];
  for (const [referential, recs] of byRef) {
    const competencies = recs.filter((r) => r.kind === "competency" && r.code);
    if (!competencies.length) continue;
    const criterionRecords = recs.filter((r) => r.kind === "criterion");
    const byCode = new Map(competencies.map((c) => [c.code!, c]));
    const seen = new Set<string>();
    for (const r of recs) {
      const coded = r.code !== null && EPREUVE_CODE.test(r.code);
      const isEpreuve =
        (r.kind === "evaluation" || (r.kind === "section" && (coded || NAMED_EPREUVE.test(r.title)))) &&
        WRITTEN.test(`${r.title}\n${r.statement}\n${r.modality ?? ""}`);
      if (!isEpreuve) continue;
      const code = coded ? r.code! : slug(r.title);
      if (seen.has(code)) continue;
      let codes = r.related.filter((c) => byCode.has(c));
      if (!codes.length)
        codes = [
          ...new Set([...`${r.title} ${r.statement}`.matchAll(COMPETENCY_CODE)].map((m) => m[1]!)),
        ].filter((c) => byCode.has(c));
      if (!codes.length && coded)
        codes = competencies.filter((c) => c.related.includes(r.code!)).map((c) => c.code!);
      if (!codes.length) codes = competencies.map((c) => c.code!);
      seen.add(code);
      out.push({
        referential,
        code,
        title: r.title,
        statement: r.statement,
        competencies: codes.map((c) => {
          const rec = byCode.get(c)!;
          return {
            code: c,
            title: rec.title,
            statement: rec.statement,
            activities: rec.activities,
            criteria: criteriaOf(rec, criterionRecords),
          };
        }),
      });
    }
  }
  return out;
}

/** The épreuve a person names ("E3", "e3", "mémoire") in a referential, if exactly one. */
export function findEpreuve(all: readonly Epreuve[], referential: string, name: string): Epreuve | null {
  const inRef = all.filter((e) => e.referential === referential);
  const key = slug(name);
  const exact = inRef.find((e) => e.code.toLowerCase() === key);
  if (exact) return exact;
  const prefixed = inRef.filter((e) => e.code.toLowerCase().startsWith(key) || slug(e.title).includes(key));
  return prefixed.length === 1 ? prefixed[0]! : null;
}

/**
 * The épreuve a report's title page names ("Épreuve E3", "Assessment E1"), among the
 * referential's: read from the text before the first heading, else the first page.
 */
export function epreuveOnTitlePage(titleText: string, epreuves: readonly Epreuve[]): Epreuve | null {
  const text = fold(titleText);
  const named = /\b(?:epreuve|assessment|evaluation|examen|exam)\s*(?:n°\s*)?[:\-–]?\s*(e\d{1,2})\b/.exec(
    text,
  );
  const code = named?.[1] ?? /\b(e\d{1,2})\b/.exec(text)?.[1];
  if (code) {
    const hit = epreuves.find((e) => e.code.toLowerCase() === code);
    if (hit) return hit;
  }
  const byName = epreuves.filter((e) => !EPREUVE_CODE.test(e.code) && text.includes(e.code.split("-")[0]!));
  return byName.length === 1 ? byName[0]! : null;
}
