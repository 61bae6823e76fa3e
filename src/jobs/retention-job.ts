import type { Job } from "./job.js";
import { formatInZone } from "./time.js";

/** How long what only serves a short purpose is kept (data minimisation). */
export const RETENTION = {
  /** Slack redelivers within minutes; a week is ample for dedupe. */
  inboundEventsDays: 7,
  /** Follow-ups need the recent turns of a thread, not last term's. */
  conversationTurnsDays: 30,
} as const;

const TIMEZONE = "Europe/Paris";

/** Built-in: nightly deletion of event ids and thread turns past their use. */
export const retentionJob: Job = {
  name: "retention",
  description: `efface chaque nuit les identifiants d'événements Slack (> ${RETENTION.inboundEventsDays} j) et les fils de conversation (> ${RETENTION.conversationTurnsDays} j)`,
  cron: "30 3 * * *",
  timezone: TIMEZONE,
  leaseMs: 10 * 60_000,
  occurrenceKey: (at) => formatInZone(at, TIMEZONE).slice(0, 10),
  async run(at, { db, log }) {
    const events = await db.query(
      `delete from inbound_events where state in ('done', 'failed')
        and received_at < $1::timestamptz - make_interval(days => $2) returning 1 as x`,
      [at.toISOString(), RETENTION.inboundEventsDays],
    );
    const turns = await db.query(
      "delete from conversation_turns where created_at < $1::timestamptz - make_interval(days => $2) returning 1 as x",
      [at.toISOString(), RETENTION.conversationTurnsDays],
    );
    log.info("retention", { inboundEvents: events.length, conversationTurns: turns.length });
  },
};
