import { claim, doneKeys, finishClaim, releaseLock, takeLock } from "../db/job-claims.js";
import { CertibotError, isCertibotError } from "../errors.js";
import type { Job, JobDeps } from "../jobs/job.js";
import { utcSlotKey } from "../jobs/time.js";
import { type DeadlineAlertNotice, type DueAlert, dueAlerts } from "./alerts.js";
import { computeDeadlines, loadDeadlineRules } from "./deadlines.js";
import { allSessions, doneOf, membersOf } from "./store.js";
import type { DeadlineRule, Session } from "./types.js";

const EVERY_MINUTES = 15;
/** One alert (session, deadline, stage) is one claim: sent once, whatever replica or tick. */
export const ALERT_CLAIM = "session-alert";
/**
 * One run at a time per session: overlapping runs (replicas, or a slow run
 * still going at the next slot) would otherwise each claim part of the
 * session's due alerts and post them in two messages.
 */
export const SESSION_LOCK = "session-alert-lock";
const LATE_AFTER_MS = 60 * 60_000;
/** One session's alert post, well under this (CERTIBOT_JOB_LEASE_S overrides). */
const ALERT_LEASE_MS = 5 * 60_000;

let cachedRules: { dir: string; rules: Promise<DeadlineRule[]> } | null = null;
function rulesFor(knowledgeDir: string): Promise<DeadlineRule[]> {
  if (cachedRules?.dir !== knowledgeDir) {
    const rules = loadDeadlineRules(knowledgeDir);
    // A file being fixed must be read again at the next tick, not stay failed until a restart.
    rules.catch(() => {
      if (cachedRules?.rules === rules) cachedRules = null;
    });
    cachedRules = { dir: knowledgeDir, rules };
  }
  return cachedRules.rules;
}

/**
 * Sends what is due for one session, unless another run is at it (it posts
 * them; what falls due for this slot alone goes at the next tick). Returns
 * how many alerts went out.
 */
async function alertSession(
  session: Session,
  rules: DeadlineRule[],
  at: Date,
  deps: JobDeps,
): Promise<number> {
  const leaseMs = deps.config.jobLeaseMs ?? ALERT_LEASE_MS;
  const held = await takeLock(deps.db, SESSION_LOCK, String(session.id), leaseMs);
  if (held === null) {
    deps.log.info("deadline alerts: another run is posting this session's", { session: session.name });
    return 0;
  }
  try {
    return await alertSessionHeld(session, rules, at, deps);
  } finally {
    await releaseLock(deps.db, SESSION_LOCK, String(session.id), held);
  }
}

async function alertSessionHeld(
  session: Session,
  rules: DeadlineRule[],
  at: Date,
  deps: JobDeps,
): Promise<number> {
  const { db, notifier, log } = deps;
  const { deadlines } = computeDeadlines(session, rules, session.reportsLeadDays);
  const due = dueAlerts(session, deadlines, await doneOf(db, session.id), at);
  if (!due.length) return 0;
  if (!notifier)
    throw new CertibotError("CONFIG_INVALID", {
      hint: "Slack n'est pas configuré (SLACK_BOT_TOKEN) : les alertes ne peuvent pas être envoyées.",
    });
  const won: Array<{ alert: DueAlert; key: string; attempt: number }> = [];
  // A stage stays current for days (J-7 until J-1): most ticks find its alert already sent.
  const done = await doneKeys(
    db,
    ALERT_CLAIM,
    due.map((a) => `${session.id}/${a.key}`),
  );
  for (const alert of due) {
    const key = `${session.id}/${alert.key}`;
    if (done.has(key)) continue;
    const c = await claim(db, ALERT_CLAIM, key, {
      scheduledFor: alert.at,
      leaseMs: deps.config.jobLeaseMs ?? ALERT_LEASE_MS,
    });
    if (c.won) won.push({ alert, key, attempt: c.attempt });
  }
  if (!won.length) return 0;
  const members = await membersOf(db, session.id);
  const idsOf = (role: string) =>
    members.filter((m) => m.role === role && m.slackUserId).map((m) => m.slackUserId!);
  const concerned = new Set(won.flatMap((w) => w.alert.deadline.notify));
  const mentionIds = [...new Set([...idsOf("manager"), ...[...concerned].flatMap((r) => idsOf(r))])];
  const notice: DeadlineAlertNotice = {
    session,
    alerts: won.map((w) => w.alert),
    // Late means the bot missed it: not a session created after the stage's time.
    late: won.some(
      (w) =>
        at.getTime() - w.alert.at.getTime() > LATE_AFTER_MS &&
        session.createdAt.getTime() <= w.alert.at.getTime(),
    ),
    mentionIds,
    managerIds: idsOf("manager"),
  };
  try {
    // A re-claimed alert (failed, or left running by a dead process) may be in Slack already.
    await notifier.deadlineAlerts(notice, {
      keys: won.map((w) => w.key),
      recheck: won.some((w) => w.attempt > 1),
    });
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    for (const w of won) await finishClaim(db, ALERT_CLAIM, w.key, w.attempt, { status: "failed", error });
    throw e;
  }
  for (const w of won) await finishClaim(db, ALERT_CLAIM, w.key, w.attempt, { status: "done" });
  log.info("deadline alerts sent", { session: session.name, alerts: won.map((w) => w.alert.key) });
  return won.length;
}

/**
 * Every 15 minutes: each session's deadline alerts that came due (J-7, J-1,
 * J0 at 09:00 session time, then daily while overdue). A failed post leaves
 * its alerts claimable again, so the next tick retries them.
 */
export const sessionAlertsJob: Job = {
  name: "session-alerts",
  description:
    "alertes des échéances de session (J-7, J-1, J0 à 9 h, puis chaque jour en retard) dans le canal de la session",
  cron: `*/${EVERY_MINUTES} * * * *`,
  timezone: "Europe/Paris",
  leaseMs: 5 * 60_000,
  occurrenceKey: (at) => utcSlotKey(at, EVERY_MINUTES),
  async run(at, deps) {
    const sessions = await allSessions(deps.db);
    if (!sessions.length) return;
    const rules = await rulesFor(deps.config.knowledgeDir);
    const failures: string[] = [];
    for (const session of sessions) {
      try {
        await alertSession(session, rules, at, deps);
      } catch (e) {
        failures.push(
          `${session.name}: ${isCertibotError(e) ? e.userMessage("fr") : e instanceof Error ? e.message : String(e)}`,
        );
        deps.log.error("deadline alerts failed", { session: session.name, error: e as Error });
      }
    }
    if (failures.length)
      throw new Error(`alertes non envoyées (reprises au prochain passage) — ${failures.join(" ; ")}`);
  },
};
