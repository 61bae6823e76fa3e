import type { Notifier } from "../jobs/notifier.js";
import type { Metrics } from "./metrics.js";

/** The jobs' notifier, counting what was delivered (alerts, reminders, digests) in the metrics. */
export function countingNotifier(inner: Notifier, metrics: Metrics): Notifier {
  const counted =
    <T>(kind: string, send: (notice: T) => Promise<void>) =>
    async (notice: T) => {
      await send(notice);
      metrics.notifications.inc({ kind });
    };
  return {
    deadlineAlerts: counted("deadline-alert", (n) => inner.deadlineAlerts(n)),
    veilleReminder: counted("veille-reminder", (n) => inner.veilleReminder(n)),
    veilleDigest: counted("veille-digest", (n) => inner.veilleDigest(n)),
    veilleFeedProblems: counted("feed-problems", (n) => inner.veilleFeedProblems(n)),
    // Counted by the alert runner itself (it knows when a post is the one that counts).
    ...(inner.opsAlert ? { opsAlert: (n) => inner.opsAlert!(n) } : {}),
  };
}
