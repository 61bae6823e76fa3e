import { heartbeatJob } from "./jobs/heartbeat-job.js";
import type { Job } from "./jobs/job.js";
import { retentionJob } from "./jobs/retention-job.js";
import { opsAlertsJob } from "./ops/alerts.js";
import { sessionAlertsJob } from "./sessions/alert-job.js";
import { VEILLE_JOBS } from "./veille/jobs.js";

/**
 * Every job the bot runs, assembled at the composition root (the bot's start
 * and the `jobs` command both take this list): features add theirs here, so
 * `src/jobs/` (registry, runner, scheduler) imports no feature.
 */
export const ALL_JOBS: readonly Job[] = [
  heartbeatJob,
  retentionJob,
  sessionAlertsJob,
  ...VEILLE_JOBS,
  opsAlertsJob,
];
