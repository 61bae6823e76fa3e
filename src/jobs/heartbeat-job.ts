import { CLAIMANT } from "../db/job-claims.js";
import type { Job } from "./job.js";
import { utcSlotKey } from "./time.js";

const EVERY_MINUTES = 5;

/**
 * Built-in: one row per 5-minute slot, so an operator can see the scheduler
 * runs somewhere (and where), and `jobs` commands always have a job to show.
 */
export const heartbeatJob: Job = {
  name: "heartbeat",
  description: `écrit une ligne de présence toutes les ${EVERY_MINUTES} minutes (table heartbeats, 7 jours gardés)`,
  cron: `*/${EVERY_MINUTES} * * * *`,
  timezone: "Europe/Paris",
  leaseMs: 60_000,
  occurrenceKey: (at) => utcSlotKey(at, EVERY_MINUTES),
  async run(at, { db }) {
    await db.transaction(async (tx) => {
      await tx.query(
        `insert into heartbeats (occurrence_key, ran_by) values ($1, $2)
         on conflict (occurrence_key) do update set ran_at = now(), ran_by = excluded.ran_by`,
        [utcSlotKey(at, EVERY_MINUTES), CLAIMANT],
      );
      await tx.query("delete from heartbeats where ran_at < now() - interval '7 days'");
    });
  },
};
