import type { Job } from "../jobs/job.js";
import { type FeedLimits, feedLimitsFor, refreshFeeds } from "./feeds.js";
import { slackIdsOf } from "./people.js";
import { themeOfWeek } from "./themes.js";
import { type SendContext, veilleJob } from "./tick.js";
import { RELIABILITY_CHECKLIST, type VeilleReminderNotice, WEEKLY_TARGET_MINUTES } from "./types.js";
import { weekLabel } from "./weeks.js";

export const VEILLE_REMINDER_JOB = "veille-reminder";

export interface VeilleReminderOptions {
  feedLimits?: FeedLimits;
}

/**
 * One session's reminder: its feeds read first (a broken one is reported to
 * the managers, never holds the reminder back), then the message. Feed items
 * count as announced only once the reminder went out.
 */
async function sendReminder(ctx: SendContext, feedLimits: FeedLimits): Promise<void> {
  const { session, settings, occurrence, notifier, deps, at, once } = ctx;
  const feeds = await refreshFeeds(deps.db, session.id, at, deps.log, feedLimits);
  const candidates = await slackIdsOf(deps.db, session.id, "candidate");
  const notice: VeilleReminderNotice = {
    session,
    week: occurrence.week,
    weekLabel: weekLabel(occurrence.week),
    theme: themeOfWeek(settings.themes, occurrence.week),
    targetMinutes: WEEKLY_TARGET_MINUTES,
    checklist: RELIABILITY_CHECKLIST,
    feedItems: feeds.items,
    channelId: session.channelId,
    dmUserIds: settings.dm || !session.channelId ? candidates : [],
    late: occurrence.late,
  };
  await notifier.veilleReminder(notice, once);
  // Posted: failing to remember the announced items must not fail the claim (a retry would post twice).
  await feeds
    .commit()
    .catch((e) =>
      deps.log.error("veille feed state not saved", { session: session.name, error: e as Error }),
    );
  if (!feeds.problems.length) return;
  // The reminder is out: a failure here must not fail the claim, or the retry would post it twice.
  try {
    await notifier.veilleFeedProblems(
      {
        session,
        week: occurrence.week,
        problems: feeds.problems,
        managerIds: await slackIdsOf(deps.db, session.id, "manager"),
        channelId: session.channelId,
      },
      { keys: once.keys.map((k) => `${k}:feeds`), recheck: once.recheck },
    );
  } catch (e) {
    deps.log.error("veille feed problems not delivered", { session: session.name, error: e as Error });
  }
}

export function createVeilleReminderJob(opts: VeilleReminderOptions = {}): Job {
  return veilleJob(
    VEILLE_REMINDER_JOB,
    "reminder",
    "rappel hebdomadaire de veille (C6) à chaque session, au jour et à l'heure réglés (lundi 09:00 par défaut)",
    (ctx) => sendReminder(ctx, opts.feedLimits ?? feedLimitsFor(ctx.deps.config)),
  );
}

export const veilleReminderJob: Job = createVeilleReminderJob();
