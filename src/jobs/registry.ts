import { createTask, validate } from "node-cron";
import { opsAlertsJob } from "../ops/alerts.js";
import { sessionAlertsJob } from "../sessions/alert-job.js";
import { VEILLE_JOBS } from "../veille/jobs.js";
import { heartbeatJob } from "./heartbeat-job.js";
import type { Job } from "./job.js";
import { retentionJob } from "./retention-job.js";
import { isTimeZone } from "./time.js";

/** Every job the bot knows. Features add theirs here. */
export const BUILTIN_JOBS: readonly Job[] = [
  heartbeatJob,
  retentionJob,
  sessionAlertsJob,
  ...VEILLE_JOBS,
  opsAlertsJob,
];

const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** A checked set of jobs: a bad name, cron or zone fails at start, not at the first tick. */
export class JobRegistry {
  readonly #jobs = new Map<string, Job>();

  constructor(jobs: readonly Job[] = BUILTIN_JOBS) {
    for (const job of jobs) {
      if (!NAME.test(job.name)) throw new Error(`job name must be kebab-case: ${job.name}`);
      if (this.#jobs.has(job.name)) throw new Error(`two jobs named ${job.name}`);
      if (!validate(job.cron)) throw new Error(`job ${job.name}: invalid cron expression ${job.cron}`);
      if (!isTimeZone(job.timezone)) throw new Error(`job ${job.name}: unknown time zone ${job.timezone}`);
      if (!(job.leaseMs > 0)) throw new Error(`job ${job.name}: leaseMs must be positive`);
      this.#jobs.set(job.name, job);
    }
  }

  get(name: string): Job | undefined {
    return this.#jobs.get(name);
  }

  all(): Job[] {
    return [...this.#jobs.values()];
  }
}

/** The next `count` times the job is due, from now, as node-cron itself computes them. */
export function nextRuns(job: Job, count: number): Date[] {
  // A task that is never started: only used for its schedule arithmetic.
  const task = createTask(job.cron, () => {}, { timezone: job.timezone });
  try {
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}
