import { formatInZone, parseAt } from "../jobs/time.js";
import type { IsoDate } from "./types.js";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/**
 * A calendar date typed by a person: "2025-05-05", or the French "05/05/2025".
 * Null for anything else, including impossible dates (2025-02-30).
 */
export function parseDate(text: string): IsoDate | null {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  const iso = DATE.exec(t);
  const fr = FRENCH_DATE.exec(t);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
  else return null;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) return null;
  return toIso(check);
}

function toIso(d: Date): IsoDate {
  return d.toISOString().slice(0, 10);
}

function fromIso(date: IsoDate): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = fromIso(date);
  d.setUTCDate(d.getUTCDate() + days);
  return toIso(d);
}

/** Calendar months; the day is clamped to the month's end (03-31 − 1 month = 02-28). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const d = fromIso(date);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), last));
  return toIso(target);
}

/** Whole days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return Math.round((fromIso(b).getTime() - fromIso(a).getTime()) / 86_400_000);
}

/** The date on a calendar in that zone at an instant. */
export function localDate(at: Date, timezone: string): IsoDate {
  return formatInZone(at, timezone).slice(0, 10);
}

/** The instant a wall-clock time happens on a date in a zone ("09:00" in Paris, DST included). */
export function zonedInstant(date: IsoDate, time: string, timezone: string): Date {
  const at = parseAt(`${date}T${time}`, timezone);
  if (!at) throw new Error(`invalid date/time ${date}T${time}`);
  return at;
}

const MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];
const WEEKDAYS = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];

/** "lundi 5 mai 2025": dates shown to people. */
export function frenchDate(date: IsoDate, withWeekday = true): string {
  const d = fromIso(date);
  const day = d.getUTCDate() === 1 ? "1er" : String(d.getUTCDate());
  const text = `${day} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  return withWeekday ? `${WEEKDAYS[d.getUTCDay()]} ${text}` : text;
}
