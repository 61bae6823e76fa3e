import { ALL_JOBS } from "../../all-jobs.js";
import { openMigratedDb } from "../../db/db.js";
import { type JobRun, recentRuns, runsNeedingAttention } from "../../db/job-claims.js";
import type { Job } from "../../jobs/job.js";
import type { Notifier } from "../../jobs/notifier.js";
import { JobRegistry, nextRuns } from "../../jobs/registry.js";
import { runOccurrence } from "../../jobs/runner.js";
import { formatInZone, parseAt } from "../../jobs/time.js";
import type { Handler } from "../command-tree.js";
import { type CliContext, println, usage } from "../context.js";

function plural(n: number, word: string): string {
  return `${n} ${word}${n > 1 ? "s" : ""}`;
}

/** The zone `jobs list` shows every time in. */
const DISPLAY_TZ = "Europe/Paris";

function describeRun(run: JobRun, tz: string): string {
  const at = (d: Date) => `${formatInZone(d, tz, true)} (${tz})`;
  const tries = plural(run.attempts, "tentative");
  if (run.status === "done") return `réussie le ${at(run.finishedAt ?? run.startedAt)}, ${tries}`;
  if (run.status === "failed")
    return `échec le ${at(run.finishedAt ?? run.startedAt)}, ${tries} : ${run.error ?? "erreur inconnue"}`;
  if (run.stale)
    return `bloquée : lancée le ${at(run.startedAt)} par ${run.claimedBy}, sans fin enregistrée (${tries}) ; à relancer`;
  return `en cours depuis le ${at(run.startedAt)} sur ${run.claimedBy} (${tries})`;
}

function runJson(run: JobRun | undefined) {
  if (!run) return null;
  return {
    occurrenceKey: run.occurrenceKey,
    status: run.stale ? "stale" : run.status,
    attempts: run.attempts,
    scheduledFor: run.scheduledFor.toISOString(),
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    error: run.error,
    claimedBy: run.claimedBy,
  };
}

async function list(registry: JobRegistry, json: boolean, ctx: CliContext): Promise<number> {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const jobs = await Promise.all(
      registry.all().map(async (job) => {
        const [[last], attention] = await Promise.all([
          recentRuns(db, job.name, 1),
          runsNeedingAttention(db, job.name),
        ]);
        return { job, next: nextRuns(job, 1)[0] ?? null, last, attention };
      }),
    );
    if (json) {
      const out = jobs.map(({ job, next, last, attention }) => ({
        name: job.name,
        description: job.description,
        cron: job.cron,
        timezone: job.timezone,
        nextRun: next?.toISOString() ?? null,
        lastRun: runJson(last),
        needsAttention: attention.map((r) => runJson(r)),
      }));
      println(ctx.stdout, JSON.stringify({ jobs: out }));
      return 0;
    }
    if (!jobs.length) println(ctx.stdout, "Aucune tâche planifiée.");
    // Every time shown in one zone (the sessions' default), whatever zone a job's cron runs in.
    const tz = DISPLAY_TZ;
    for (const { job, next, last, attention } of jobs) {
      println(ctx.stdout, `${job.name} — ${job.description}`);
      println(ctx.stdout, `  planification : ${job.cron} (${job.timezone})`);
      println(ctx.stdout, `  prochaine exécution : ${next ? `${formatInZone(next, tz)} (${tz})` : "aucune"}`);
      println(
        ctx.stdout,
        `  dernière exécution : ${last ? `${last.occurrenceKey} — ${describeRun(last, tz)}` : "jamais"}`,
      );
      if (attention.length) {
        println(ctx.stdout, "  à reprendre (certibot jobs run <tâche> --at <date>) :");
        for (const r of attention) println(ctx.stdout, `    ${r.occurrenceKey} — ${describeRun(r, tz)}`);
      }
    }
    return 0;
  } finally {
    await db.close();
  }
}

/**
 * With a bot token, a job run by hand posts through Slack (at SLACK_API_URL
 * when set) exactly as the scheduler would. Bolt is loaded only then.
 */
async function notifierFor(ctx: CliContext): Promise<Notifier | undefined> {
  if (!ctx.config.slack.botToken) return undefined;
  const { createSlackNotifier, notifierClient } = await import("../../slack/notifier.js");
  return createSlackNotifier(notifierClient(ctx.config.slack), ctx.log);
}

async function runOne(job: Job, at: Date, ctx: CliContext): Promise<number> {
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const notifier = await notifierFor(ctx);
    const outcome = await runOccurrence(job, at, { db, config: ctx.config, log: ctx.log, notifier });
    const label = `${job.name} ${outcome.key}`;
    switch (outcome.status) {
      case "done":
        println(ctx.stdout, `${label} : exécutée (tentative ${outcome.attempt}).`);
        return 0;
      case "failed":
        println(ctx.stderr, `${label} : échec (tentative ${outcome.attempt}) : ${outcome.error}`);
        return 1;
      case "skipped": {
        const run = outcome.run;
        if (run.status === "done") {
          println(ctx.stdout, `${label} : déjà exécutée — ${describeRun(run, job.timezone)} ; rien à faire.`);
          return 0;
        }
        // Another process holds it: not a failure (a cron wrapper must not alarm), it runs there.
        println(
          ctx.stdout,
          `${label} : déjà prise par un autre processus — ${describeRun(run, job.timezone)} ; rien à faire ici (reprise possible après ${formatInZone(run.leaseUntil, job.timezone, true)} (${job.timezone}) si elle ne se termine pas).`,
        );
        return 0;
      }
    }
  } finally {
    await db.close();
  }
}

/** `certibot jobs list` over a given set of jobs (the bot's own by default). */
export function createListHandler(jobs: readonly Job[] = ALL_JOBS): Handler {
  return ({ opts }, ctx) => list(new JobRegistry(jobs), opts.json === true, ctx);
}

/** `certibot jobs run <job> [--at <date>]` over a given set of jobs (the bot's own by default). */
export function createRunHandler(jobs: readonly Job[] = ALL_JOBS): Handler {
  return async ({ args, opts }, ctx) => {
    const registry = new JobRegistry(jobs);
    const name = args[0]!;
    const job = registry.get(name);
    if (!job) {
      const known = registry.all().map((j) => j.name);
      throw usage(`tâche inconnue « ${name} » ; tâches connues : ${known.join(", ") || "aucune"}.`);
    }
    const atText = opts.at;
    let at = new Date();
    if (typeof atText === "string") {
      const parsed = parseAt(atText, job.timezone);
      if (!parsed)
        throw usage(
          `date invalide « ${atText} » : attendu une date ISO 8601, par ex. 2026-06-02T09:00 (heure de ${job.timezone}) ou 2026-06-02T07:00Z.`,
        );
      // Running a future occurrence now would use up its claim: the real
      // run would then be skipped at its time.
      if (parsed.getTime() > Date.now() + 60_000)
        throw usage(`« ${atText} » est dans le futur : la tâche s'exécutera d'elle-même à l'heure prévue.`);
      at = parsed;
    }
    return runOne(job, at, ctx);
  };
}

export const listHandler = createListHandler();
export const runHandler = createRunHandler();
