import type { Config } from "../config.js";
import type { Queryable } from "../db/db.js";
import { inboxStats } from "../db/inbound-events.js";
import { claim, doneKeys, finishClaim } from "../db/job-claims.js";
import type { Job, JobDeps } from "../jobs/job.js";
import { utcSlotKey } from "../jobs/time.js";

export type OpsAlertName = "fallback-rate" | "error-rate" | "downvote-ratio" | "jobs" | "inbox-backlog";

export interface AlertEvaluation {
  alert: OpsAlertName;
  firing: boolean;
  /** What was measured, in French, for the message (counts only, no user, no text). */
  detail: string;
}

/** What the ops channel is told: an alert started, or resolved. */
export interface OpsAlertNotice {
  channelId: string;
  alert: OpsAlertName;
  state: "firing" | "resolved";
  since: Date;
  detail: string;
}

export const ALERT_TITLES: Record<OpsAlertName, string> = {
  "fallback-rate": "Taux de repli du LLM",
  "error-rate": "Taux d'erreurs internes",
  "downvote-ratio": "Part des 👎",
  jobs: "Tâches planifiées en échec ou en retard",
  "inbox-backlog": "Événements Slack en attente",
};

const pct = (x: number) => `${Math.round(x * 100)} %`;

/**
 * Measures each alert's condition over the configured window, from the
 * database (so every replica sees the same numbers): LLM fallbacks, internal
 * errors against questions, 👎 against votes, failed or stale job runs, and
 * the inbox backlog.
 */
export async function evaluateAlerts(db: Queryable, config: Config): Promise<AlertEvaluation[]> {
  const a = config.ops.alerts;
  const w = a.windowMinutes;
  const [qa] = await db.query<{ fallback: number; llm: number; total: number }>(
    `select count(*) filter (where mode = 'fallback')::int as fallback,
            count(*) filter (where mode in ('llm', 'fallback'))::int as llm,
            count(*)::int as total
       from qa_log where created_at > now() - make_interval(mins => $1::int)`,
    [w],
  );
  const [errors] = await db.query<{ n: number }>(
    "select count(*)::int as n from ops_errors where at > now() - make_interval(mins => $1::int)",
    [w],
  );
  const [votes] = await db.query<{ down: number; total: number }>(
    `select count(*) filter (where vote = 'down')::int as down, count(*)::int as total
       from feedback where updated_at > now() - make_interval(mins => $1::int)`,
    [w],
  );
  const jobs = await db.query<{ job_name: string; status: string; stale: boolean }>(
    `select job_name, status, (status = 'running' and lease_until <= now()) as stale from job_runs
      where (status = 'failed' and finished_at > now() - make_interval(mins => $1::int))
         or (status = 'running' and lease_until <= now())
      order by job_name`,
    [w],
  );
  const inbox = await inboxStats(db);
  const fallback = qa?.llm ? qa.fallback / qa.llm : 0;
  const errorTotal = (errors?.n ?? 0) + (qa?.total ?? 0);
  const errorRate = errorTotal ? (errors?.n ?? 0) / errorTotal : 0;
  const down = votes?.total ? votes.down / votes.total : 0;
  const failedJobs = [...new Set(jobs.map((j) => `${j.job_name} (${j.stale ? "en retard" : "échec"})`))];
  return [
    {
      alert: "fallback-rate",
      firing: (qa?.llm ?? 0) >= a.minSamples && fallback > a.fallbackRate,
      detail: `${qa?.fallback ?? 0} repli(s) sur ${qa?.llm ?? 0} réponse(s) LLM en ${w} min (${pct(fallback)}, seuil ${pct(a.fallbackRate)})`,
    },
    {
      alert: "error-rate",
      firing: errorTotal >= a.minSamples && errorRate > a.errorRate,
      detail: `${errors?.n ?? 0} erreur(s) pour ${qa?.total ?? 0} question(s) en ${w} min (${pct(errorRate)}, seuil ${pct(a.errorRate)})`,
    },
    {
      alert: "downvote-ratio",
      firing: (votes?.total ?? 0) >= a.minSamples && down > a.downvoteRatio,
      detail: `${votes?.down ?? 0} 👎 sur ${votes?.total ?? 0} avis en ${w} min (${pct(down)}, seuil ${pct(a.downvoteRatio)})`,
    },
    {
      alert: "jobs",
      firing: failedJobs.length > 0,
      detail: failedJobs.length ? failedJobs.join(", ") : "aucune tâche en échec ni en retard",
    },
    {
      alert: "inbox-backlog",
      firing: inbox.depth > a.inboxDepth || inbox.oldestAgeSeconds > a.inboxAgeSeconds,
      detail: `${inbox.depth} événement(s) en attente, le plus ancien depuis ${Math.round(inbox.oldestAgeSeconds)} s (seuils ${a.inboxDepth}, ${a.inboxAgeSeconds} s)`,
    },
  ];
}

const CLAIM_JOB = "ops-alert";

/**
 * Evaluates the alerts, records start and resolve transitions (a guarded
 * update: one replica makes each), then posts each transition's message once
 * across replicas through an occurrence claim keyed by alert, kind and
 * episode start. A failed post is retried at the next evaluation. After a
 * resolve, the same alert may only start again after the cool-down.
 */
export async function runOpsAlerts(
  deps: JobDeps,
): Promise<{ evaluations: AlertEvaluation[]; posted: OpsAlertNotice[] }> {
  const { db, config, log, notifier, metrics } = deps;
  const a = config.ops.alerts;
  const evaluations = await evaluateAlerts(db, config);
  for (const e of evaluations) {
    metrics?.opsAlertsFiring.set({ alert: e.alert }, e.firing ? 1 : 0);
    if (e.firing) {
      await db.query(
        `insert into ops_alerts (alert, firing, since, detail) values ($1, true, now(), $2)
         on conflict (alert) do update set firing = true, since = now(), resolved_at = null, detail = excluded.detail
          where not ops_alerts.firing
            and (ops_alerts.resolved_at is null or ops_alerts.resolved_at <= now() - make_interval(mins => $3::int))`,
        [e.alert, e.detail, a.cooldownMinutes],
      );
    } else {
      await db.query(
        "update ops_alerts set firing = false, resolved_at = now(), detail = $2 where alert = $1 and firing",
        [e.alert, e.detail],
      );
    }
  }
  const posted: OpsAlertNotice[] = [];
  if (!a.channelId || !notifier?.opsAlert) return { evaluations, posted };
  const rows = await db.query<{ alert: OpsAlertName; firing: boolean; since: Date; detail: string | null }>(
    "select alert, firing, since, detail from ops_alerts where firing or resolved_at is not null",
  );
  const wanted = rows.map((r) => ({
    key: `${r.alert}:${r.firing ? "start" : "resolve"}:${r.since.toISOString()}`,
    notice: {
      channelId: a.channelId!,
      alert: r.alert,
      state: r.firing ? ("firing" as const) : ("resolved" as const),
      since: r.since,
      detail: r.detail ?? "",
    },
  }));
  const done = await doneKeys(
    db,
    CLAIM_JOB,
    wanted.map((w) => w.key),
  );
  for (const { key, notice } of wanted.filter((w) => !done.has(w.key))) {
    const claimed = await claim(db, CLAIM_JOB, key, { scheduledFor: new Date(), leaseMs: 60_000 });
    if (!claimed.won) continue;
    try {
      await notifier.opsAlert(notice);
      metrics?.notifications.inc({ kind: "ops-alert" });
      await finishClaim(db, CLAIM_JOB, key, claimed.attempt, { status: "done" });
      posted.push(notice);
    } catch (e) {
      log.error("ops alert not posted", { alert: notice.alert, error: e as Error });
      await finishClaim(db, CLAIM_JOB, key, claimed.attempt, { status: "failed", error: String(e) });
    }
  }
  return { evaluations, posted };
}

/** Built-in: evaluates the operator alerts every 5 minutes (one replica per tick). */
export const opsAlertsJob: Job = {
  name: "ops-alerts",
  description: "surveille repli LLM, erreurs, 👎, tâches et file d'événements ; prévient OPS_CHANNEL_ID",
  cron: "*/5 * * * *",
  timezone: "Europe/Paris",
  leaseMs: 2 * 60_000,
  occurrenceKey: (at) => utcSlotKey(at, 5),
  async run(_at, deps) {
    await runOpsAlerts(deps);
  },
};
