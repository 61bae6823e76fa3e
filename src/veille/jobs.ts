import type { Job } from "../jobs/job.js";
import { veilleDigestJob } from "./digest-job.js";
import { veilleReminderJob } from "./reminder-job.js";

/** The veille feature's scheduled jobs, for the registry. */
export const VEILLE_JOBS: readonly Job[] = [veilleReminderJob, veilleDigestJob];
