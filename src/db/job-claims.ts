import { hostname } from "node:os";
import type { Queryable } from "./db.js";

export type RunStatus = "running" | "done" | "failed";

export interface JobRun {
  jobName: string;
  occurrenceKey: string;
  status: RunStatus;
  attempts: number;
  scheduledFor: Date;
  startedAt: Date;
  leaseUntil: Date;
  finishedAt: Date | null;
  error: string | null;
  claimedBy: string;
  /** Still 'running' past its lease: the process that claimed it died or hung. */
  stale: boolean;
}

export type ClaimResult = { won: true; attempt: number } | { won: false; run: JobRun };

const COLUMNS = `job_name, occurrence_key, status, attempts, scheduled_for, started_at, lease_until,
  finished_at, error, claimed_by, (status = 'running' and lease_until <= now()) as stale`;

interface JobRunRow {
  [key: string]: unknown;
  job_name: string;
  occurrence_key: string;
  status: RunStatus;
  attempts: number;
  scheduled_for: Date;
  started_at: Date;
  lease_until: Date;
  finished_at: Date | null;
  error: string | null;
  claimed_by: string;
  stale: boolean;
}

function toRun(r: JobRunRow): JobRun {
  return {
    jobName: r.job_name,
    occurrenceKey: r.occurrence_key,
    status: r.status,
    attempts: r.attempts,
    scheduledFor: r.scheduled_for,
    startedAt: r.started_at,
    leaseUntil: r.lease_until,
    finishedAt: r.finished_at,
    error: r.error,
    claimedBy: r.claimed_by,
    stale: r.stale,
  };
}

/** Who holds a claim, for operators reading `jobs list`. */
export const CLAIMANT = `${hostname()}:${process.pid}`;

const MAX_ERROR_CHARS = 2_000;

/**
 * Takes the right to run one occurrence of a job. Exactly one caller wins,
 * across processes: the first insert, or later the one re-claiming a failed
 * run or a stale one (running past its lease). A done occurrence is never
 * claimed again. All times are the database's, so replica clocks don't matter.
 */
export async function claim(
  db: Queryable,
  jobName: string,
  occurrenceKey: string,
  opts: { scheduledFor: Date; leaseMs: number },
): Promise<ClaimResult> {
  const lease = `${Math.max(0, Math.round(opts.leaseMs))} milliseconds`;
  const inserted = await db.query<{ attempts: number }>(
    `insert into job_runs (job_name, occurrence_key, status, scheduled_for, lease_until, claimed_by)
     values ($1, $2, 'running', $3, now() + $4::interval, $5)
     on conflict (job_name, occurrence_key) do nothing
     returning attempts`,
    [jobName, occurrenceKey, opts.scheduledFor, lease, CLAIMANT],
  );
  if (inserted[0]) return { won: true, attempt: inserted[0].attempts };
  // Concurrent re-claimers queue on the row lock; the losers then re-check the
  // condition against the winner's row, which no longer matches.
  const reclaimed = await db.query<{ attempts: number }>(
    `update job_runs
        set status = 'running', attempts = attempts + 1, started_at = now(),
            lease_until = now() + $3::interval, finished_at = null, error = null, claimed_by = $4
      where job_name = $1 and occurrence_key = $2
        and (status = 'failed' or (status = 'running' and lease_until <= now()))
      returning attempts`,
    [jobName, occurrenceKey, lease, CLAIMANT],
  );
  if (reclaimed[0]) return { won: true, attempt: reclaimed[0].attempts };
  const run = await getRun(db, jobName, occurrenceKey);
  if (!run) throw new Error(`job run ${jobName}/${occurrenceKey} vanished while claiming`);
  return { won: false, run };
}

/**
 * Takes a lock that is released rather than done: held by one caller at a
 * time (under a lease, in case it dies), then free again for the next one.
 * Kept in job_runs beside the claims, under its own name. Returns the
 * holder's attempt (to release it with), or null when someone holds it.
 */
export async function takeLock(
  db: Queryable,
  name: string,
  key: string,
  leaseMs: number,
): Promise<number | null> {
  const lease = `${Math.max(0, Math.round(leaseMs))} milliseconds`;
  const rows = await db.query<{ attempts: number }>(
    `insert into job_runs (job_name, occurrence_key, status, scheduled_for, lease_until, claimed_by)
     values ($1, $2, 'running', now(), now() + $3::interval, $4)
     on conflict (job_name, occurrence_key) do update
        set status = 'running', attempts = job_runs.attempts + 1, started_at = now(), scheduled_for = now(),
            lease_until = excluded.lease_until, finished_at = null, error = null, claimed_by = excluded.claimed_by
      where job_runs.status <> 'running' or job_runs.lease_until <= now()
     returning attempts`,
    [name, key, lease, CLAIMANT],
  );
  return rows[0]?.attempts ?? null;
}

/** Frees a lock taken with takeLock (only by its holder: a lock lost to a takeover stays the taker's). */
export async function releaseLock(db: Queryable, name: string, key: string, attempt: number): Promise<void> {
  await finishClaim(db, name, key, attempt, { status: "done" });
}

/**
 * Records how an attempt ended. Only the attempt that holds the claim can:
 * a run that outlived its lease and was claimed again elsewhere gets false.
 */
export async function finishClaim(
  db: Queryable,
  jobName: string,
  occurrenceKey: string,
  attempt: number,
  outcome: { status: "done" } | { status: "failed"; error: string },
): Promise<boolean> {
  const rows = await db.query(
    `update job_runs set status = $4, finished_at = now(), error = $5
      where job_name = $1 and occurrence_key = $2 and attempts = $3 and status = 'running'
      returning 1 as ok`,
    [
      jobName,
      occurrenceKey,
      attempt,
      outcome.status,
      outcome.status === "failed" ? outcome.error.slice(0, MAX_ERROR_CHARS) : null,
    ],
  );
  return rows.length === 1;
}

/**
 * Of these occurrences, the ones already done. Jobs that look at the same
 * occurrences at every tick skip them with this one query; claiming a done
 * occurrence would only fail, after three.
 */
export async function doneKeys(
  db: Queryable,
  jobName: string,
  keys: readonly string[],
): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const rows = await db.query<{ occurrence_key: string }>(
    "select occurrence_key from job_runs where job_name = $1 and occurrence_key = any($2::text[]) and status = 'done'",
    [jobName, keys],
  );
  return new Set(rows.map((r) => r.occurrence_key));
}

export async function getRun(db: Queryable, jobName: string, occurrenceKey: string): Promise<JobRun | null> {
  const rows = await db.query<JobRunRow>(
    `select ${COLUMNS} from job_runs where job_name = $1 and occurrence_key = $2`,
    [jobName, occurrenceKey],
  );
  return rows[0] ? toRun(rows[0]) : null;
}

/** The most recent runs of a job, newest first. */
export async function recentRuns(db: Queryable, jobName: string, limit = 1): Promise<JobRun[]> {
  const rows = await db.query<JobRunRow>(
    `select ${COLUMNS} from job_runs where job_name = $1 order by started_at desc, occurrence_key desc limit $2`,
    [jobName, limit],
  );
  return rows.map(toRun);
}

/** Occurrences an operator should look at: failed, or running past their lease. */
export async function runsNeedingAttention(db: Queryable, jobName: string, limit = 10): Promise<JobRun[]> {
  const rows = await db.query<JobRunRow>(
    `select ${COLUMNS} from job_runs
      where job_name = $1 and (status = 'failed' or (status = 'running' and lease_until <= now()))
      order by scheduled_for desc limit $2`,
    [jobName, limit],
  );
  return rows.map(toRun);
}
