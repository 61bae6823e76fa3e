import { claim, finishClaim, type JobRun } from "../db/job-claims.js";
import { withLogScope } from "../log.js";
import type { Job, JobDeps } from "./job.js";

export type OccurrenceOutcome =
  | { status: "done"; key: string; attempt: number }
  | { status: "failed"; key: string; attempt: number; error: string }
  /** Another claim holds it: already done, or running and not stale. */
  | { status: "skipped"; key: string; run: JobRun };

/**
 * Runs the occurrence of `job` that `at` belongs to, if this process wins
 * its claim, and records how it ended. A job that throws is recorded as
 * failed (and may be claimed again); it never throws to the caller, except
 * when the database itself cannot be reached to claim.
 */
export async function runOccurrence(job: Job, at: Date, deps: JobDeps): Promise<OccurrenceOutcome> {
  const outcome = await withLogScope({ job: job.name, occurrence: job.occurrenceKey(at) }, () =>
    runClaimed(job, at, deps),
  );
  deps.metrics?.jobRuns.inc({ job: job.name, outcome: outcome.status });
  return outcome;
}

async function runClaimed(job: Job, at: Date, deps: JobDeps): Promise<OccurrenceOutcome> {
  const key = job.occurrenceKey(at);
  const claimed = await claim(deps.db, job.name, key, {
    scheduledFor: at,
    leaseMs: deps.config.jobLeaseMs ?? job.leaseMs,
  });
  if (!claimed.won) return { status: "skipped", key, run: claimed.run };
  const { attempt } = claimed;
  let error: string | null = null;
  try {
    await job.run(at, deps);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    deps.log.error("job failed", { job: job.name, key, attempt, error: e as Error });
  }
  const outcome = error === null ? { status: "done" as const } : { status: "failed" as const, error };
  const recorded = await finishClaim(deps.db, job.name, key, attempt, outcome);
  // The lease ran out and another process claimed it meanwhile: its outcome stands.
  if (!recorded) deps.log.warn("job outcome not recorded: claim lost", { job: job.name, key, attempt });
  return error === null ? { status: "done", key, attempt } : { status: "failed", key, attempt, error };
}
