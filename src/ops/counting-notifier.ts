import type { Notifier, PostOnce } from "../jobs/notifier.js";
import type { Metrics } from "./metrics.js";

/** The jobs' notifier, counting what was delivered (alerts, reminders, digests) in the metrics. */
export function countingNotifier(inner: Notifier, metrics: Metrics): Notifier {
  // The post-once keys go through: without them a re-run after a crash could post twice.
  const counted =
    <T>(kind: string, send: (notice: T, once?: PostOnce) => Promise<void>) =>
    async (notice: T, once?: PostOnce) => {
      await send(notice, once);
      metrics.notifications.inc({ kind });
    };
  return {
    deadlineAlerts: counted("deadline-alert", (n, o) => inner.deadlineAlerts(n, o)),
    veilleReminder: counted("veille-reminder", (n, o) => inner.veilleReminder(n, o)),
    veilleDigest: counted("veille-digest", (n, o) => inner.veilleDigest(n, o)),
    veilleFeedProblems: counted("feed-problems", (n, o) => inner.veilleFeedProblems(n, o)),
    // Counted by the alert runner itself (it knows when a post is the one that counts).
    ...(inner.opsAlert ? { opsAlert: (n) => inner.opsAlert!(n) } : {}),
  };
}
