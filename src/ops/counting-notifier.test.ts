import { describe, expect, it } from "vitest";
import { RecordingNotifier } from "../../test/helpers/recording-notifier.js";
import type { DeadlineAlertNotice } from "../sessions/alerts.js";
import type { VeilleDigestNotice, VeilleReminderNotice } from "../veille/types.js";
import { countingNotifier } from "./counting-notifier.js";
import { Metrics } from "./metrics.js";

describe("countingNotifier", () => {
  it("counts what was delivered, by kind, and not what failed", async () => {
    const metrics = new Metrics({ processMetrics: false });
    const inner = new RecordingNotifier();
    const n = countingNotifier(inner, metrics);
    const alert = {} as DeadlineAlertNotice;
    await n.deadlineAlerts(alert);
    inner.failAlerts = true;
    await expect(n.deadlineAlerts(alert)).rejects.toThrow("slack down");
    await n.veilleReminder({} as VeilleReminderNotice);
    await n.veilleDigest({} as VeilleDigestNotice);
    await n.veilleDigest({} as VeilleDigestNotice);
    expect(inner.alerts).toHaveLength(1);
    const counts = Object.fromEntries(
      (await metrics.notifications.get()).values.map((v) => [v.labels.kind, v.value]),
    );
    expect(counts).toEqual({ "deadline-alert": 1, "veille-reminder": 1, "veille-digest": 2 });
    expect(n.opsAlert).toBeUndefined();
  });
});

describe("countingNotifier passes the post-once keys through", () => {
  it("hands every notice's keys to the notifier it wraps", async () => {
    const seen: unknown[] = [];
    const record = async (_n: unknown, once?: unknown) => {
      seen.push(once);
    };
    const n = countingNotifier(
      { deadlineAlerts: record, veilleReminder: record, veilleDigest: record, veilleFeedProblems: record },
      new Metrics({ processMetrics: false }),
    );
    const once = { keys: ["k1"], recheck: true };
    await n.deadlineAlerts({} as DeadlineAlertNotice, once);
    await n.veilleReminder({} as VeilleReminderNotice, once);
    await n.veilleDigest({} as VeilleDigestNotice, once);
    expect(seen).toEqual([once, once, once]);
  });
});
