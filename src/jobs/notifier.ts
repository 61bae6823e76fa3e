import type { OpsAlertNotice } from "../ops/alerts.js";
import type { DeadlineAlertNotice } from "../sessions/alerts.js";
import type { VeilleDigestNotice, VeilleFeedProblemsNotice, VeilleReminderNotice } from "../veille/types.js";

/**
 * Makes a post crash-safe: the message carries its keys (in Slack, message
 * metadata); a run taking over a claim whose earlier attempt may have posted
 * (then died before recording it) looks for them first and posts only what is
 * missing, so a scheduled message is never sent twice.
 */
export interface PostOnce {
  /** One key per message; for deadline alerts, one per alert, in the order of notice.alerts. */
  keys: string[];
  /** An earlier attempt of this claim may have posted: look before posting. */
  recheck: boolean;
}

/**
 * What scheduled jobs say to people, in the features' own terms. The Slack
 * adapter implements it (Block Kit, channels, DMs); jobs stay free of Slack.
 * Each method throws when the message could not be delivered, so the job's
 * claim is recorded as failed and the occurrence is retried.
 */
export interface Notifier {
  deadlineAlerts(notice: DeadlineAlertNotice, once?: PostOnce): Promise<void>;
  /** The weekly veille reminder: in the session channel, and by DM to candidates when asked. */
  veilleReminder(notice: VeilleReminderNotice, once?: PostOnce): Promise<void>;
  /** The weekly veille digest for trainers: in the channel or by DM. */
  veilleDigest(notice: VeilleDigestNotice, once?: PostOnce): Promise<void>;
  /** Feeds that could not be read before a reminder, to the managers. */
  veilleFeedProblems(notice: VeilleFeedProblemsNotice, once?: PostOnce): Promise<void>;
  /** An operator alert started or resolved, to the ops channel (optional: test doubles may leave it out). */
  opsAlert?(notice: OpsAlertNotice): Promise<void>;
}
