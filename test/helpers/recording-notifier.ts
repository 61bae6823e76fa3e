import { setTimeout as sleep } from "node:timers/promises";
import type { Notifier } from "../../src/jobs/notifier.js";
import type { DeadlineAlertNotice } from "../../src/sessions/alerts.js";
import type { Session } from "../../src/sessions/types.js";
import type {
  VeilleDigestNotice,
  VeilleFeedProblemsNotice,
  VeilleReminderNotice,
} from "../../src/veille/types.js";

/** A double of the jobs' Notifier port: records what would be posted, fails on demand. */
export class RecordingNotifier implements Notifier {
  readonly alerts: DeadlineAlertNotice[] = [];
  readonly reminders: VeilleReminderNotice[] = [];
  readonly digests: VeilleDigestNotice[] = [];
  readonly problems: VeilleFeedProblemsNotice[] = [];
  /** Deadline alerts fail while set. */
  failAlerts = false;
  /** The next n reminders fail. */
  failNextReminders = 0;

  async deadlineAlerts(n: DeadlineAlertNotice): Promise<void> {
    // Yield first, so concurrent replicas really interleave around their claims.
    await sleep(5);
    if (this.failAlerts) throw new Error("slack down");
    this.alerts.push(n);
  }
  async veilleReminder(n: VeilleReminderNotice): Promise<void> {
    await sleep(20);
    if (this.failNextReminders > 0) {
      this.failNextReminders--;
      throw new Error("Slack indisponible");
    }
    this.reminders.push(n);
  }
  async veilleDigest(n: VeilleDigestNotice): Promise<void> {
    this.digests.push(n);
  }
  async veilleFeedProblems(n: VeilleFeedProblemsNotice): Promise<void> {
    this.problems.push(n);
  }
  remindersOf(s: Session): VeilleReminderNotice[] {
    return this.reminders.filter((n) => n.session.id === s.id);
  }
}
