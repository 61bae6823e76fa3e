import type { Job } from "../jobs/job.js";
import { membersOf } from "../sessions/store.js";
import { personOf } from "./people.js";
import { entriesOfWeek, minutesByWeek } from "./store.js";
import { type SendContext, veilleJob } from "./tick.js";
import { type VeilleDigestNotice, WEEKLY_TARGET_MINUTES } from "./types.js";
import { weekLabel } from "./weeks.js";

export const VEILLE_DIGEST_JOB = "veille-digest";

/** The week's digest as data: who logged (and how long), who did not, what was shared. */
export async function buildDigest(
  ctx: Omit<SendContext, "notifier" | "at" | "once">,
): Promise<VeilleDigestNotice> {
  const { session, settings, occurrence, deps } = ctx;
  const members = await membersOf(deps.db, session.id);
  const candidates = members.filter((m) => m.role === "candidate");
  const names = new Map(members.flatMap((m) => (m.slackUserId ? [[m.slackUserId, personOf(m).name]] : [])));
  const minutes = new Map(
    (await minutesByWeek(deps.db, session.id, [occurrence.week])).map((r) => [r.slackUserId, r]),
  );
  const logged = candidates
    .flatMap((c) => {
      const r = c.slackUserId ? minutes.get(c.slackUserId) : undefined;
      return r ? [{ ...personOf(c), minutes: r.minutes, entries: r.entries }] : [];
    })
    .sort((a, b) => b.minutes - a.minutes || a.name.localeCompare(b.name, "fr"));
  const missing = candidates
    .filter((c) => !c.slackUserId || !minutes.has(c.slackUserId))
    .map(personOf)
    .sort((a, b) => a.name.localeCompare(b.name, "fr"));
  const shared = (await entriesOfWeek(deps.db, session.id, occurrence.week, { sharedOnly: true })).map(
    (e) => ({
      slackUserId: e.slackUserId,
      name: names.get(e.slackUserId) ?? e.slackUserId,
      title: e.title,
      url: e.url,
      sourceType: e.sourceType,
    }),
  );
  const ids = (role: string) =>
    members.flatMap((m) => (m.role === role && m.slackUserId ? [m.slackUserId] : []));
  const trainers = [...new Set(ids("trainer"))];
  return {
    session,
    week: occurrence.week,
    weekLabel: weekLabel(occurrence.week),
    targetMinutes: WEEKLY_TARGET_MINUTES,
    logged,
    missing,
    shared,
    to: settings.digestTo === "dm" || !session.channelId ? "dm" : "channel",
    channelId: session.channelId,
    recipientIds: trainers.length ? trainers : [...new Set(ids("manager"))],
    late: occurrence.late,
  };
}

export const veilleDigestJob: Job = veilleJob(
  VEILLE_DIGEST_JOB,
  "digest",
  "bilan hebdomadaire de veille (C6) pour les formateurs : qui a fait sa veille, qui non, synthèses partagées (vendredi 17:00 par défaut)",
  async (ctx) => ctx.notifier.veilleDigest(await buildDigest(ctx), ctx.once),
);
