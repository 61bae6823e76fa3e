import type { OpsAlertNotice } from "../ops/alerts.js";
import type { DeadlineAlertNotice } from "../sessions/alerts.js";
import type { VeilleDigestNotice, VeilleFeedProblemsNotice, VeilleReminderNotice } from "../veille/types.js";

/**
 * What scheduled jobs say to people, in the features' own terms. The Slack
 * adapter implements it (Block Kit, channels, DMs); jobs stay free of Slack.
 * Each method throws when the message could not be delivered, so the job's
 * claim is recorded as failed and the occurrence is retried.
 */
export interface Notifier {
  deadlineAlerts(notice: DeadlineAlertNotice): Promise<void>;
  /** The weekly veille reminder: in the session channel, and by DM to candidates when asked. */
  veilleReminder(notice: VeilleReminderNotice): Promise<void>;
  /** The weekly veille digest for trainers: in the channel or by DM. */
  veilleDigest(notice: VeilleDigestNotice): Promise<void>;
  /** Feeds that could not be read before a reminder, to the managers. */
  veilleFeedProblems(notice: VeilleFeedProblemsNotice): Promise<void>;
  /** An operator alert started or resolved, to the ops channel (optional: test doubles may leave it out). */
  opsAlert?(notice: OpsAlertNotice): Promise<void>;
}
