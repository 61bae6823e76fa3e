import { addDays, daysBetween, frenchDate, localDate, zonedInstant } from "../sessions/dates.js";
import type { IsoDate } from "../sessions/types.js";
import type { IsoWeek, Weekday } from "./types.js";

const WEEK = /^(\d{4})-W(\d{2})$/;

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(date: IsoDate): Weekday {
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (d === 0 ? 7 : d) as Weekday;
}

/** The ISO week a calendar date belongs to (the week's Thursday decides its year). */
export function isoWeekOfDate(date: IsoDate): IsoWeek {
  const thursday = addDays(date, 4 - weekdayOf(date));
  const year = Number(thursday.slice(0, 4));
  const jan1 = `${year}-01-01`;
  const week = Math.floor(daysBetween(jan1, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week of an instant, on a calendar in that zone. */
export function isoWeekOf(at: Date, timezone: string): IsoWeek {
  return isoWeekOfDate(localDate(at, timezone));
}

export function parseIsoWeek(text: string): IsoWeek | null {
  const m = WEEK.exec(text.trim());
  if (!m) return null;
  const week = Number(m[2]);
  if (week < 1) return null;
  const w = `${m[1]}-W${m[2]}`;
  // W53 exists only in some years: the round trip through its Monday says so.
  return isoWeekOfDate(weekStart(w)) === w ? w : null;
}

/** The Monday of an ISO week. */
export function weekStart(week: IsoWeek): IsoDate {
  const m = WEEK.exec(week);
  if (!m) throw new Error(`not an ISO week: ${week}`);
  const jan4 = `${m[1]}-01-04`;
  const mondayOfWeek1 = addDays(jan4, 1 - weekdayOf(jan4));
  return addDays(mondayOfWeek1, (Number(m[2]) - 1) * 7);
}

/** The Sunday of an ISO week. */
export function weekEnd(week: IsoWeek): IsoDate {
  return addDays(weekStart(week), 6);
}

/** A date of the week by ISO weekday. */
export function dayOfWeek(week: IsoWeek, day: Weekday): IsoDate {
  return addDays(weekStart(week), day - 1);
}

/** The instants the week begins and ends on the zone's clock (Monday 00:00 to the next Monday 00:00). */
export function weekBounds(week: IsoWeek, timezone: string): { start: Date; end: Date } {
  const monday = weekStart(week);
  return {
    start: zonedInstant(monday, "00:00", timezone),
    end: zonedInstant(addDays(monday, 7), "00:00", timezone),
  };
}

export function addWeeks(week: IsoWeek, n: number): IsoWeek {
  return isoWeekOfDate(addDays(weekStart(week), 7 * n));
}

/** The `count` weeks ending with `week`, oldest first. */
export function lastWeeks(week: IsoWeek, count: number): IsoWeek[] {
  return Array.from({ length: count }, (_, i) => addWeeks(week, i - count + 1));
}

/** Weeks since the Monday 1969-12-29 (ISO week 1970-W01): a stable index for rotations. */
export function weekIndex(week: IsoWeek): number {
  return Math.round(daysBetween("1969-12-29", weekStart(week)) / 7);
}

/** "semaine du lundi 23 novembre 2026". */
export function weekLabel(week: IsoWeek): string {
  return `semaine du ${frenchDate(weekStart(week))}`;
}
