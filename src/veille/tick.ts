import { claim, doneKeys, finishClaim } from "../db/job-claims.js";
import type { Job, JobDeps } from "../jobs/job.js";
import type { Notifier, PostOnce } from "../jobs/notifier.js";
import { isTimeZone, utcSlotKey } from "../jobs/time.js";
import { allSessions } from "../sessions/store.js";
import type { Session } from "../sessions/types.js";
import {
  dueVeille,
  type SessionVeilleSettings,
  TICK_MINUTES,
  type VeilleKind,
  type VeilleOccurrence,
} from "./schedule.js";
import { settingsOfSessions } from "./store.js";
import { weekEnd, weekStart } from "./weeks.js";

const VEILLE_TICK_LEASE_MS = 10 * 60_000;
/** One session's message: feeds read and Slack posts, well under this. */
const SEND_LEASE_MS = 5 * 60_000;

export interface SendContext {
  session: Session;
  settings: SessionVeilleSettings;
  occurrence: VeilleOccurrence;
  notifier: Notifier;
  deps: JobDeps;
  at: Date;
  /** The occurrence's key, to carry in the posts; recheck after a re-claim. */
  once: PostOnce;
}

/** Between launch and the end of the session, when those are known: no reminders to a finished cohort. */
export function activeInWeek(session: Session, week: string): boolean {
  const first = session.launch ?? session.sessionStart;
  if (first && weekEnd(week) < first) return false;
  if (session.sessionEnd && weekStart(week) > session.sessionEnd) return false;
  return true;
}

/**
 * One tick of a veille job: for every session, what the pure schedule says is
 * due, each (session, ISO week) claimed under the job's name so replicas and
 * re-runs send it once. An occurrence past its grace is claimed too, logged
 * and recorded as done without sending. A failed send is recorded failed and
 * retried by the next tick while still within its grace; the tick then
 * throws, so the run shows up in `certibot jobs list`.
 */
export async function runVeilleTick(
  jobName: string,
  kind: VeilleKind,
  at: Date,
  deps: JobDeps,
  send: (ctx: SendContext) => Promise<void>,
): Promise<void> {
  const { db, log } = deps;
  const sessions = await allSessions(db);
  const settings = await settingsOfSessions(
    db,
    sessions.map((s) => s.id),
  );
  const failures: string[] = [];
  for (const session of sessions) {
    if (!isTimeZone(session.timezone)) {
      log.warn("veille: session with an unknown time zone", {
        sessionId: session.id,
        timezone: session.timezone,
      });
      continue;
    }
    const own = settings.get(session.id)!;
    const due = dueVeille(own, session.timezone, at).filter(
      (o) => o.kind === kind && activeInWeek(session, o.week),
    );
    const done = await doneKeys(
      db,
      jobName,
      due.map((o) => o.key),
    );
    for (const o of due) {
      if (done.has(o.key)) continue;
      // "Late" says the bot missed it; a session created after the planned time did not miss anything.
      const occurrence = { ...o, late: o.late && session.createdAt <= o.scheduledAt };
      const notifier = deps.notifier;
      if (occurrence.action === "send" && !notifier) {
        failures.push(`${occurrence.key}: Slack n'est pas configuré`);
        continue;
      }
      const claimed = await claim(db, jobName, occurrence.key, {
        scheduledFor: occurrence.scheduledAt,
        leaseMs: deps.config.jobLeaseMs ?? SEND_LEASE_MS,
      });
      if (!claimed.won) continue;
      const finish = (outcome: { status: "done" } | { status: "failed"; error: string }) =>
        finishClaim(db, jobName, occurrence.key, claimed.attempt, outcome);
      if (occurrence.action === "skip" || !notifier) {
        log.warn(`veille ${kind} skipped: past its grace period`, {
          job: jobName,
          key: occurrence.key,
          session: session.name,
          scheduledFor: occurrence.scheduledAt.toISOString(),
          sendUntil: occurrence.sendUntil.toISOString(),
        });
        await finish({ status: "done" });
        continue;
      }
      try {
        const once = { keys: [occurrence.key], recheck: claimed.attempt > 1 };
        await send({ session, settings: own, occurrence, notifier, deps, at, once });
        await finish({ status: "done" });
        log.info(`veille ${kind} sent`, {
          key: occurrence.key,
          session: session.name,
          late: occurrence.late,
        });
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        log.error(`veille ${kind} failed`, { key: occurrence.key, session: session.name, error: e as Error });
        await finish({ status: "failed", error });
        failures.push(`${occurrence.key}: ${error}`);
      }
    }
  }
  if (failures.length) throw new Error(`${failures.length} envoi(s) en échec — ${failures.join(" ; ")}`);
}

/**
 * A veille job: ticks every 15 minutes in UTC (each session's own clock
 * decides what is due), one occurrence per 15-minute slot.
 */
export function veilleJob(
  name: string,
  kind: VeilleKind,
  description: string,
  send: (ctx: SendContext) => Promise<void>,
): Job {
  return {
    name,
    description,
    cron: `*/${TICK_MINUTES} * * * *`,
    timezone: "UTC",
    leaseMs: VEILLE_TICK_LEASE_MS,
    occurrenceKey: (at) => utcSlotKey(at, TICK_MINUTES),
    run: (at, deps) => runVeilleTick(name, kind, at, deps, send),
  };
}
