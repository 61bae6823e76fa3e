import type { Queryable } from "./db.js";
import { CLAIMANT } from "./job-claims.js";

/**
 * The durable inbox of Slack events. A row is written before Slack gets its
 * 2xx, so an acknowledged event always exists here; its state says how far
 * its handling went: received → processing (under a lease the handler
 * renews) → done or failed. The payload is kept only until then.
 */
export type InboxState = "received" | "processing" | "done" | "failed";

export interface ClaimedEvent {
  eventId: string;
  /** 1 for the first handling; more after a retry or a takeover. */
  attempt: number;
  payload: Record<string, unknown>;
}

const ms = (n: number) => `${Math.max(0, Math.round(n))} milliseconds`;

/**
 * Stores an inbound event; true when this delivery is the first of its id.
 * Exactly one delivery of an id gets true, even when replicas receive
 * redeliveries concurrently: the primary key decides, not a prior read.
 */
export async function storeEvent(
  db: Queryable,
  eventId: string,
  payload: Record<string, unknown>,
): Promise<boolean> {
  const rows = await db.query(
    `insert into inbound_events (event_id, state, payload, next_attempt_at)
     values ($1, 'received', $2::jsonb, now())
     on conflict (event_id) do nothing returning 1 as first`,
    [eventId, JSON.stringify(payload)],
  );
  return rows.length === 1;
}

/** Pending events whose turn has come: received and due, or processing past their lease (a dead replica's). */
const CLAIMABLE = `(state = 'received' and next_attempt_at <= now())
  or (state = 'processing' and lease_until <= now())`;

interface ClaimRow {
  [key: string]: unknown;
  event_id: string;
  attempts: number;
  payload: Record<string, unknown>;
}
const toClaimed = (r: ClaimRow): ClaimedEvent => ({
  eventId: r.event_id,
  attempt: r.attempts,
  payload: r.payload,
});

/** Takes one event (the one just stored, normally) if it is claimable. Exactly one caller wins. */
export async function claimEvent(
  db: Queryable,
  eventId: string,
  leaseMs: number,
): Promise<ClaimedEvent | null> {
  const rows = await db.query<ClaimRow>(
    `update inbound_events
        set state = 'processing', attempts = attempts + 1, lease_until = now() + $2::interval, claimed_by = $3
      where event_id = $1 and (${CLAIMABLE})
      returning event_id, attempts, payload`,
    [eventId, ms(leaseMs), CLAIMANT],
  );
  return rows[0] ? toClaimed(rows[0]) : null;
}

/**
 * Takes up to `limit` claimable events, oldest first: those whose retry time
 * came, and those a dead replica left past their lease. Replicas sweeping at
 * once never take the same row (skip locked).
 */
export async function claimDueEvents(
  db: Queryable,
  limit: number,
  leaseMs: number,
  /** Events this process is handling itself: a late lease renewal is not a takeover. */
  exclude: readonly string[] = [],
): Promise<ClaimedEvent[]> {
  if (limit <= 0) return [];
  const rows = await db.query<ClaimRow>(
    `update inbound_events
        set state = 'processing', attempts = attempts + 1, lease_until = now() + $2::interval, claimed_by = $3
      where event_id in (
        select event_id from inbound_events
         where state in ('received', 'processing') and (${CLAIMABLE}) and event_id <> all($4::text[])
         order by received_at limit $1 for update skip locked)
        and (${CLAIMABLE})
      returning event_id, attempts, payload`,
    [limit, ms(leaseMs), CLAIMANT, exclude],
  );
  return rows.map(toClaimed);
}

/** Extends the lease of an event still being handled; false when this attempt no longer holds it. */
export async function renewEventLease(
  db: Queryable,
  eventId: string,
  attempt: number,
  leaseMs: number,
): Promise<boolean> {
  const rows = await db.query(
    `update inbound_events set lease_until = now() + $3::interval
      where event_id = $1 and attempts = $2 and state = 'processing' returning 1 as ok`,
    [eventId, attempt, ms(leaseMs)],
  );
  return rows.length === 1;
}

const MAX_ERROR_CHARS = 500;

/**
 * Records how an attempt ended: done or failed for good (the payload, which
 * holds the user's text, is erased), or back to received for a retry after
 * `retryInMs`. Only the attempt holding the event can; false otherwise.
 */
export async function finishEvent(
  db: Queryable,
  eventId: string,
  attempt: number,
  outcome:
    | { state: "done" }
    | { state: "failed"; error: string }
    | { state: "retry"; error: string; retryInMs: number },
): Promise<boolean> {
  const rows =
    outcome.state === "retry"
      ? await db.query(
          `update inbound_events
              set state = 'received', next_attempt_at = now() + $3::interval, lease_until = null, error = $4
            where event_id = $1 and attempts = $2 and state = 'processing' returning 1 as ok`,
          [eventId, attempt, ms(outcome.retryInMs), outcome.error.slice(0, MAX_ERROR_CHARS)],
        )
      : await db.query(
          `update inbound_events
              set state = $3, payload = null, finished_at = now(), lease_until = null, next_attempt_at = null,
                  error = $4
            where event_id = $1 and attempts = $2 and state = 'processing' returning 1 as ok`,
          [
            eventId,
            attempt,
            outcome.state,
            outcome.state === "failed" ? outcome.error.slice(0, MAX_ERROR_CHARS) : null,
          ],
        );
  return rows.length === 1;
}

export interface InboxCounts {
  received: number;
  processing: number;
  done: number;
  failed: number;
}

/** How many events are in each state (operators, tests, benchmarks). */
export async function inboxCounts(db: Queryable): Promise<InboxCounts> {
  const rows = await db.query<{ state: InboxState; n: number }>(
    "select state, count(*)::int8 as n from inbound_events group by state",
  );
  const counts: InboxCounts = { received: 0, processing: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

export interface InboxStats {
  /** Events received and not finished yet. */
  depth: number;
  /** Age in seconds of the oldest unfinished event; 0 when none. */
  oldestAgeSeconds: number;
}

/** The backlog: events not finished yet and the age of the oldest (metrics, the backlog alert). */
export async function inboxStats(db: Queryable): Promise<InboxStats> {
  const rows = await db.query<{ depth: number; age: number }>(
    `select count(*)::int as depth, coalesce(extract(epoch from now() - min(received_at)), 0)::float8 as age
       from inbound_events where state in ('received', 'processing')`,
  );
  return { depth: rows[0]?.depth ?? 0, oldestAgeSeconds: rows[0]?.age ?? 0 };
}
