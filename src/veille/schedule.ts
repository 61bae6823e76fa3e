import { zonedInstant } from "../sessions/dates.js";
import type { IsoWeek, VeilleSettings } from "./types.js";
import { addWeeks, dayOfWeek, isoWeekOf, weekBounds } from "./weeks.js";

export type VeilleKind = "reminder" | "digest";

/** How often the jobs tick: a message sent within one tick of its time is on time. */
export const TICK_MINUTES = 15;
const TICK_MS = TICK_MINUTES * 60_000;

export interface VeilleOccurrence {
  kind: VeilleKind;
  week: IsoWeek;
  /** `session:<id>:<isoWeek>`: what the claim is taken on, per job. */
  key: string;
  /** The planned instant: the configured day and time, on the session's clock. */
  scheduledAt: Date;
  /** "send": still worth sending; "skip": too late, record it and move on. */
  action: "send" | "skip";
  /** Sent more than one tick after its time (after downtime). */
  late: boolean;
  /** The last instant it may be sent: its time plus the grace, never past its week. */
  sendUntil: Date;
}

export interface SessionVeilleSettings extends VeilleSettings {
  sessionId: number;
}

export function veilleKey(sessionId: number, week: IsoWeek): string {
  return `session:${sessionId}:${week}`;
}

/** When this week's reminder or digest is planned, DST included. */
export function plannedAt(settings: VeilleSettings, kind: VeilleKind, week: IsoWeek, timezone: string): Date {
  const [day, time] =
    kind === "reminder"
      ? [settings.reminderDay, settings.reminderTime]
      : [settings.digestDay, settings.digestTime];
  return zonedInstant(dayOfWeek(week, day), time, timezone);
}

/**
 * The reminder and digest occurrences that have come due by `now`, for the
 * current ISO week and the previous one (so one missed across a week-end is
 * still seen, and skipped). Pure: the caller claims each key, sends the
 * "send" ones and records the "skip" ones, and claims already taken are
 * simply not won again.
 *
 * The grace rule: a missed message is still sent once while `now` is within
 * `graceHours` of its time (at least one tick) and still in its week;
 * after that it is skipped, because last week's reminder or digest would
 * only confuse.
 */
export function dueVeille(settings: SessionVeilleSettings, timezone: string, now: Date): VeilleOccurrence[] {
  const current = isoWeekOf(now, timezone);
  const out: VeilleOccurrence[] = [];
  for (const kind of ["reminder", "digest"] as const) {
    for (const week of [addWeeks(current, -1), current]) {
      const scheduledAt = plannedAt(settings, kind, week, timezone);
      if (scheduledAt > now) continue;
      const graceMs = Math.max(settings.graceHours * 3_600_000, TICK_MS);
      const { end } = weekBounds(week, timezone);
      const sendUntil = new Date(Math.min(scheduledAt.getTime() + graceMs, end.getTime()));
      const action = now < sendUntil ? "send" : "skip";
      out.push({
        kind,
        week,
        key: veilleKey(settings.sessionId, week),
        scheduledAt,
        action,
        late: action === "send" && now.getTime() - scheduledAt.getTime() >= TICK_MS,
        sendUntil,
      });
    }
  }
  return out;
}

/** The next time a reminder or digest is planned after `now`. */
export function nextPlanned(settings: VeilleSettings, kind: VeilleKind, timezone: string, now: Date): Date {
  const week = isoWeekOf(now, timezone);
  const thisWeek = plannedAt(settings, kind, week, timezone);
  return thisWeek > now ? thisWeek : plannedAt(settings, kind, addWeeks(week, 1), timezone);
}
