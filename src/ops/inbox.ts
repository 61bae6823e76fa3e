import type { Queryable } from "../db/db.js";

export interface InboxStats {
  /** Events received and not finished yet. */
  depth: number;
  /** Age in seconds of the oldest unfinished event; 0 when none. */
  oldestAgeSeconds: number;
}

/**
 * The one place that knows the inbound events table's columns, for the
 * metrics and the backlog alert. Today's table (migration 001) only records
 * event ids for dedupe: an event is "unfinished" nowhere, so the depth is
 * always 0. ADAPT when the durable inbox lands (issue 13): count the rows not
 * yet processed and take the age of the oldest one, e.g.
 *   select count(*)::int as depth,
 *          coalesce(extract(epoch from now() - min(received_at)), 0)::float8 as age
 *     from inbound_events where status <> 'done'
 */
export async function inboxStats(db: Queryable): Promise<InboxStats> {
  const rows = await db.query<{ depth: number; age: number }>(
    `select count(*)::int as depth, coalesce(extract(epoch from now() - min(received_at)), 0)::float8 as age
       from inbound_events where false`,
  );
  return { depth: rows[0]?.depth ?? 0, oldestAgeSeconds: rows[0]?.age ?? 0 };
}
