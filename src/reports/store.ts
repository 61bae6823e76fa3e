import type { Queryable } from "../db/db.js";
import type { ReportVerdict } from "./check.js";

/** Per competency, what is kept of a coverage: the verdict and counts, never a quote. */
export interface StoredCompetency {
  code: string;
  covered: boolean;
  mentionedOnly: boolean;
  criteriaMet: number;
  criteria: number;
}

/**
 * Stores a verdict (who, which deliverable and épreuve, when, pass/fail, missing sections,
 * pages, per-competency coverage): never the file nor any of its text.
 */
export async function recordReportCheck(
  db: Queryable,
  slackUserId: string | null,
  v: ReportVerdict,
): Promise<void> {
  const coverage: StoredCompetency[] = (v.coverage ?? []).map((c) => ({
    code: c.code,
    covered: c.covered,
    mentionedOnly: c.mentionedOnly,
    criteriaMet: c.criteria.filter((k) => k.met).length,
    criteria: c.criteria.length,
  }));
  await db.query(
    `insert into report_checks (slack_user_id, deliverable, format, ok, pages, pages_approximate, missing_sections, epreuve, coverage)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      slackUserId,
      v.deliverable,
      v.format,
      v.ok,
      v.pages,
      v.pagesApproximate,
      JSON.stringify(v.missing),
      v.epreuve ? `${v.epreuve.referential}:${v.epreuve.code}` : null,
      JSON.stringify(coverage),
    ],
  );
}

export interface StoredReportCheck {
  checkedAt: Date;
  deliverable: string;
  ok: boolean;
  pages: number | null;
  missing: string[];
  /** "rncp37827:E3" when the competencies of an épreuve were looked for. */
  epreuve: string | null;
  coverage: StoredCompetency[];
}

export async function reportChecksOf(db: Queryable, slackUserId: string): Promise<StoredReportCheck[]> {
  const rows = await db.query<{
    checked_at: Date;
    deliverable: string;
    ok: boolean;
    pages: number | null;
    missing_sections: string[];
    epreuve: string | null;
    coverage: StoredCompetency[];
  }>(
    "select checked_at, deliverable, ok, pages, missing_sections, epreuve, coverage from report_checks where slack_user_id = $1 order by id",
    [slackUserId],
  );
  return rows.map((r) => ({
    checkedAt: r.checked_at,
    deliverable: r.deliverable,
    ok: r.ok,
    pages: r.pages,
    missing: r.missing_sections,
    epreuve: r.epreuve,
    coverage: r.coverage,
  }));
}

/** Remembers the deliverable picked in /rapport for the user's next upload. */
export async function setPendingDeliverable(
  db: Queryable,
  slackUserId: string,
  deliverable: string,
): Promise<void> {
  await db.query(
    `insert into report_pending_choice (slack_user_id, deliverable) values ($1, $2)
     on conflict (slack_user_id) do update set deliverable = excluded.deliverable, chosen_at = now()`,
    [slackUserId, deliverable],
  );
}

/** The pending choice, consumed by the upload it applies to; choices older than a day are ignored. */
export async function takePendingDeliverable(db: Queryable, slackUserId: string): Promise<string | null> {
  const rows = await db.query<{ deliverable: string }>(
    `delete from report_pending_choice where slack_user_id = $1
     returning deliverable, chosen_at > now() - interval '1 day' as fresh`,
    [slackUserId],
  );
  const row = rows[0] as { deliverable: string; fresh?: boolean } | undefined;
  return row?.fresh ? row.deliverable : null;
}
