import type { Config } from "../config.js";
import type { Job } from "./job.js";
import { formatInZone } from "./time.js";

const TIMEZONE = "Europe/Paris";

/** What the nightly run deletes: table, date column, days kept (0 keeps everything of that kind). */
function plan(
  config: Config,
): { kind: string; table: string; column: string; days: number; where?: string }[] {
  const r = config.ops.retentionDays;
  return [
    // Only finished events: one still received or processing is work a replica will take over.
    {
      kind: "inboundEvents",
      table: "inbound_events",
      column: "received_at",
      days: r.inboundEvents,
      where: "state in ('done', 'failed')",
    },
    {
      kind: "conversationTurns",
      table: "conversation_turns",
      column: "created_at",
      days: r.conversationTurns,
    },
    // The channel viewed for an assistant thread goes with the thread's turns.
    { kind: "threadContexts", table: "thread_contexts", column: "updated_at", days: r.conversationTurns },
    // Feedback goes with its answer (on delete cascade).
    { kind: "qaLog", table: "qa_log", column: "created_at", days: r.qaLog },
    { kind: "reportChecks", table: "report_checks", column: "checked_at", days: r.reportChecks },
    { kind: "veilleEntries", table: "veille_entries", column: "logged_at", days: r.veilleEntries },
    // Operational rows: a rate-limit window is useless after a day, error counts after the alert windows.
    { kind: "rateLimitWindows", table: "rate_limit_windows", column: "window_start", days: 1 },
    { kind: "rateLimitHits", table: "rate_limit_hits", column: "taken_at", days: 1 },
    { kind: "opsErrors", table: "ops_errors", column: "at", days: 30 },
  ];
}

/** Built-in: nightly deletion of what is past its retention, per kind of data. */
export const retentionJob: Job = {
  name: "retention",
  description:
    "efface chaque nuit ce qui dépasse sa durée de conservation (CERTIBOT_RETENTION_* : événements Slack, fils, questions, rapports, veille)",
  cron: "30 3 * * *",
  timezone: TIMEZONE,
  leaseMs: 10 * 60_000,
  occurrenceKey: (at) => formatInZone(at, TIMEZONE).slice(0, 10),
  async run(at, { db, log, config }) {
    const deleted: Record<string, number> = {};
    for (const p of plan(config)) {
      if (p.days <= 0) continue;
      const rows = await db.query(
        `delete from ${p.table} where ${p.where ?? "true"} and ${p.column} < $1::timestamptz - make_interval(days => $2) returning 1 as x`,
        [at.toISOString(), p.days],
      );
      deleted[p.kind] = rows.length;
    }
    log.info("retention", deleted);
  },
};
