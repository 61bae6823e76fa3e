import type { Queryable } from "./db.js";

/**
 * Records an inbound event id and says whether it had already been seen.
 * Exactly one delivery of an id gets false, even when replicas receive
 * redeliveries concurrently: the primary key decides, not a prior read.
 *
 *   if (await seenEvent(db, event.event_id)) return; // a redelivery
 */
export async function seenEvent(db: Queryable, eventId: string): Promise<boolean> {
  const rows = await db.query(
    "insert into inbound_events (event_id) values ($1) on conflict (event_id) do nothing returning 1 as first",
    [eventId],
  );
  return rows.length === 0;
}
