import type { DeadlineAlertNotice } from "../sessions/alerts.js";

/**
 * What scheduled jobs say to people, in the features' own terms. The Slack
 * adapter implements it (Block Kit, channels, DMs); jobs stay free of Slack.
 * Each method throws when the message could not be delivered, so the job's
 * claim is recorded as failed and the occurrence is retried.
 */
export interface Notifier {
  deadlineAlerts(notice: DeadlineAlertNotice): Promise<void>;
}
