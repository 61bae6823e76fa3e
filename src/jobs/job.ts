import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import type { Logger } from "../log.js";
import type { Metrics } from "../ops/metrics.js";
import type { Notifier } from "./notifier.js";

/** What a job gets to do its work; features widen this as they add jobs. */
export interface JobDeps {
  db: Db;
  config: Config;
  log: Logger;
  /** How jobs reach people; absent when Slack is not configured (jobs that need it fail clearly). */
  notifier?: Notifier;
  /** Job runs by outcome; absent outside the long-running bot. */
  metrics?: Metrics;
}

/**
 * A scheduled job. Every replica ticks it; the occurrence key decides which
 * ticks are the same occurrence, and only one replica runs each occurrence.
 */
export interface Job {
  /** kebab-case, stable: stored with every run. */
  name: string;
  /** French, shown by `certibot jobs list`. */
  description: string;
  /** node-cron expression (5 fields, or 6 with seconds first). */
  cron: string;
  /** IANA zone the cron expression is read in, e.g. Europe/Paris. */
  timezone: string;
  /**
   * Names the occurrence a time belongs to. Must give the same key for every
   * replica's tick of one occurrence, and for the time an operator passes to
   * `jobs run --at` to catch it up.
   */
  occurrenceKey(at: Date): string;
  /** How long a run may take; a claim still running after this is stale and may be re-run. */
  leaseMs: number;
  run(at: Date, deps: JobDeps): Promise<void>;
}
