import { type IsoWeek, WEEKLY_TARGET_MINUTES } from "./types.js";
import { addWeeks, lastWeeks } from "./weeks.js";

/** How many weeks the status views look back, the current one included. */
export const STATUS_WEEKS = 8;

export interface WeekMinutes {
  week: IsoWeek;
  minutes: number;
}

export interface CandidateVeilleStatus {
  currentWeek: IsoWeek;
  /** Oldest first, the current week last; weeks without any entry are 0. */
  weeks: WeekMinutes[];
  /**
   * Consecutive weeks at or above the target, ending with the current week if
   * it already reached it, else with the previous one: a week in progress
   * does not break a streak before it is over.
   */
  streak: number;
  /** Finished weeks of the window below the target (the current week is not judged yet). */
  below: IsoWeek[];
  totalMinutes: number;
  targetMinutes: number;
}

export interface MinutesRow {
  slackUserId: string;
  week: IsoWeek;
  minutes: number;
}

function byWeek(rows: readonly { week: IsoWeek; minutes: number }[]): Map<IsoWeek, number> {
  const out = new Map<IsoWeek, number>();
  for (const r of rows) out.set(r.week, (out.get(r.week) ?? 0) + r.minutes);
  return out;
}

/**
 * One candidate's weeks. The streak may reach back before the window: pass
 * every week the candidate logged (only the window is listed).
 */
export function candidateStatus(
  rows: readonly { week: IsoWeek; minutes: number }[],
  currentWeek: IsoWeek,
  windowWeeks = STATUS_WEEKS,
  target = WEEKLY_TARGET_MINUTES,
): CandidateVeilleStatus {
  const minutes = byWeek(rows);
  const weeks = lastWeeks(currentWeek, windowWeeks).map((week) => ({
    week,
    minutes: minutes.get(week) ?? 0,
  }));
  let streak = (minutes.get(currentWeek) ?? 0) >= target ? 1 : 0;
  // Bounded by what was logged: a streak cannot be longer than the number of weeks with entries.
  for (let w = addWeeks(currentWeek, -1), i = 0; i <= minutes.size; i++, w = addWeeks(w, -1)) {
    if ((minutes.get(w) ?? 0) < target) break;
    streak++;
  }
  return {
    currentWeek,
    weeks,
    streak,
    below: weeks.filter((w) => w.week !== currentWeek && w.minutes < target).map((w) => w.week),
    totalMinutes: weeks.reduce((sum, w) => sum + w.minutes, 0),
    targetMinutes: target,
  };
}

export interface TableRow {
  slackUserId: string | null;
  name: string;
  thisWeekMinutes: number;
  /** Finished weeks of the window at or above the target. */
  weeksOnTarget: number;
  /** How many finished weeks were judged. */
  outOf: number;
}

export interface SessionVeilleTable {
  currentWeek: IsoWeek;
  /** Finished weeks judged, oldest first. */
  judgedWeeks: IsoWeek[];
  rows: TableRow[];
  targetMinutes: number;
}

/**
 * The per-candidate table managers and trainers see: minutes this week, and
 * how many of the last `judged` finished weeks reached the target.
 */
export function sessionTable(
  candidates: readonly { slackUserId: string | null; name: string }[],
  rows: readonly MinutesRow[],
  currentWeek: IsoWeek,
  judged = STATUS_WEEKS,
  target = WEEKLY_TARGET_MINUTES,
): SessionVeilleTable {
  const judgedWeeks = lastWeeks(currentWeek, judged + 1).slice(0, judged);
  const perUser = new Map<string, Map<IsoWeek, number>>();
  for (const r of rows) {
    const m = perUser.get(r.slackUserId) ?? new Map<IsoWeek, number>();
    m.set(r.week, (m.get(r.week) ?? 0) + r.minutes);
    perUser.set(r.slackUserId, m);
  }
  return {
    currentWeek,
    judgedWeeks,
    targetMinutes: target,
    rows: candidates.map((c) => {
      const m = (c.slackUserId && perUser.get(c.slackUserId)) || new Map<IsoWeek, number>();
      return {
        slackUserId: c.slackUserId,
        name: c.name,
        thisWeekMinutes: m.get(currentWeek) ?? 0,
        weeksOnTarget: judgedWeeks.filter((w) => (m.get(w) ?? 0) >= target).length,
        outOf: judgedWeeks.length,
      };
    }),
  };
}
