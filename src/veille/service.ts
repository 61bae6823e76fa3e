import type { Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { fold, unwrapSlackLink } from "../lib/text.js";
import { type Actor, allows, requirePermission } from "../sessions/access.js";
import { membersOf } from "../sessions/store.js";
import type { Session } from "../sessions/types.js";
import { FEED_LIMITS, FeedError, type FeedLimits, fetchFeed } from "./feeds.js";
import { checkUrl, requireValidEntry, type VeilleEntryInput } from "./log-entry.js";
import { personOf } from "./people.js";
import { nextPlanned, type SessionVeilleSettings } from "./schedule.js";
import {
  type CandidateVeilleStatus,
  candidateStatus,
  type MinutesRow,
  type SessionVeilleTable,
  STATUS_WEEKS,
  sessionTable,
} from "./status.js";
import {
  deleteFeed,
  feedsOf,
  insertEntry,
  insertFeed,
  minutesByWeek,
  saveSettings,
  settingsOf,
  weeksLoggedBy,
} from "./store.js";
import { MAX_THEME_CHARS, MAX_THEMES, themeOfWeek } from "./themes.js";
import {
  type IsoWeek,
  type VeilleEntry,
  type VeilleFeed,
  type VeilleSettings,
  WEEKLY_TARGET_MINUTES,
  type Weekday,
} from "./types.js";
import { isoWeekOf, lastWeeks } from "./weeks.js";

/** Logs one's own veille in the session, for the ISO week `now` falls in on the session's clock. */
export async function logVeille(
  db: Queryable,
  actor: Actor,
  session: Session,
  input: VeilleEntryInput,
  now: Date,
): Promise<VeilleEntry> {
  await requirePermission(db, session, actor, "log");
  const entry = requireValidEntry(input);
  return insertEntry(db, session.id, actor.id, isoWeekOf(now, session.timezone), entry, now);
}

/** The author's minutes for the entry's week, this entry included: the confirmation states it. */
export async function weekMinutes(db: Queryable, entry: VeilleEntry): Promise<number> {
  const rows = await minutesByWeek(db, entry.sessionId, [entry.isoWeek], entry.slackUserId);
  return rows.reduce((sum, r) => sum + r.minutes, 0);
}

export type VeilleStatusView =
  | { kind: "own"; session: Session; slackUserId: string; status: CandidateVeilleStatus }
  | { kind: "table"; session: Session; table: SessionVeilleTable };

async function ownStatus(db: Queryable, session: Session, slackUserId: string, now: Date) {
  const current = isoWeekOf(now, session.timezone);
  return candidateStatus(await weeksLoggedBy(db, session.id, slackUserId, current), current);
}

/** The per-candidate table, and the minutes it was computed from (this week and the judged ones). */
async function table(
  db: Queryable,
  session: Session,
  now: Date,
  judged: number,
): Promise<{ table: SessionVeilleTable; rows: MinutesRow[] }> {
  const current = isoWeekOf(now, session.timezone);
  const candidates = (await membersOf(db, session.id, "candidate")).map(personOf);
  const rows = await minutesByWeek(db, session.id, lastWeeks(current, judged + 1));
  return { table: sessionTable(candidates, rows, current, judged), rows };
}

/**
 * `/veille status`: a candidate gets their own weeks; managers and trainers
 * the per-candidate table. `of` asks for one person's weeks, which only
 * managers and trainers may see for someone else.
 */
export async function veilleStatus(
  db: Queryable,
  actor: Actor,
  session: Session,
  now: Date,
  opts: { of?: string } = {},
): Promise<VeilleStatusView> {
  if (opts.of && opts.of !== actor.id) {
    await requirePermission(db, session, actor, "view-all");
    return { kind: "own", session, slackUserId: opts.of, status: await ownStatus(db, session, opts.of, now) };
  }
  const roles = await requirePermission(db, session, actor, "view-own");
  if (allows(roles, "view-all") && !opts.of)
    return { kind: "table", session, table: (await table(db, session, now, STATUS_WEEKS)).table };
  return { kind: "own", session, slackUserId: actor.id, status: await ownStatus(db, session, actor.id, now) };
}

const DAYS: Record<string, Weekday> = {
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
};
export const DAY_NAMES = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"] as const;

export const CONFIG_USAGE =
  '/veille config day=lundi time=09:00 theme="IA et RGPD" theme="MLOps" dm=on|off digest-day=vendredi digest-time=17:00 digest=canal|dm grace=48';

function invalid(hint: string): CertibotError {
  return new CertibotError("VEILLE_INVALID", { hint });
}

function parseDay(value: string, key: string): Weekday {
  const day = DAYS[fold(value)];
  if (!day) throw invalid(`${key}=${value} : jour inconnu ; attendu ${DAY_NAMES.join(", ")}.`);
  return day;
}

/** "9h", "09:00", "9h30", "17:45" → "HH:MM". */
function parseTime(value: string, key: string): string {
  const m = /^(\d{1,2})(?:[:h](\d{2})?)?$/i.exec(value.trim());
  const h = m ? Number(m[1]) : Number.NaN;
  const min = m?.[2] ? Number(m[2]) : 0;
  if (!m || h > 23 || min > 59)
    throw invalid(`${key}=${value} : heure invalide ; attendu par exemple 09:00, 9h ou 17h30.`);
  return `${String(h).padStart(2, "0")}:${String(min).padStart(2, "0")}`;
}

function parseOnOff(value: string, key: string): boolean {
  const v = fold(value);
  if (["on", "oui", "yes", "true", "1"].includes(v)) return true;
  if (["off", "non", "no", "false", "0"].includes(v)) return false;
  throw invalid(`${key}=${value} : attendu on ou off.`);
}

const PAIR = /([a-zé-]+)=(?:"([^"]*)"|«\s*([^»]*?)\s*»|“([^”]*)”|(\S*))|(\S+)/gi;

/**
 * Reads `day=lundi time=09:00 theme="…" dm=on …` over the current settings.
 * `theme` may repeat (or hold several themes separated by `;`); the themes
 * given replace the list, `theme=libre` empties it. Throws VEILLE_INVALID
 * naming the first bad setting; nothing is applied then.
 */
export function parseVeilleConfig(text: string, current: VeilleSettings): VeilleSettings {
  const next: VeilleSettings = { ...current, themes: [...current.themes] };
  let themes: string[] | null = null;
  for (const m of text.matchAll(PAIR)) {
    if (m[6]) throw invalid(`« ${m[6]} » n'est pas un réglage (attendu clé=valeur). Usage : ${CONFIG_USAGE}`);
    const key = fold(m[1]!);
    const value = (m[2] ?? m[3] ?? m[4] ?? m[5] ?? "").trim();
    switch (key) {
      case "day":
      case "jour":
        next.reminderDay = parseDay(value, key);
        break;
      case "time":
      case "heure":
        next.reminderTime = parseTime(value, key);
        break;
      case "digest-day":
      case "jour-bilan":
        next.digestDay = parseDay(value, key);
        break;
      case "digest-time":
      case "heure-bilan":
        next.digestTime = parseTime(value, key);
        break;
      case "theme":
      case "themes": {
        themes ??= [];
        if (fold(value) !== "libre" && value) themes.push(...value.split(";").map((t) => t.trim()));
        break;
      }
      case "dm":
        next.dm = parseOnOff(value, key);
        break;
      case "digest":
      case "bilan": {
        const v = fold(value);
        if (v === "canal" || v === "channel") next.digestTo = "channel";
        else if (v === "dm") next.digestTo = "dm";
        else throw invalid(`${key}=${value} : attendu canal ou dm.`);
        break;
      }
      case "grace": {
        const hours = /^(\d{1,3})h?$/i.exec(value);
        if (!hours || Number(hours[1]) > 168)
          throw invalid(`grace=${value} : un nombre d'heures entre 0 et 168 (une semaine).`);
        next.graceHours = Number(hours[1]);
        break;
      }
      default:
        throw invalid(`Réglage inconnu « ${m[1]} ». Usage : ${CONFIG_USAGE}`);
    }
  }
  if (themes) {
    const kept = themes.filter(Boolean);
    if (kept.length > MAX_THEMES) throw invalid(`${kept.length} thèmes : ${MAX_THEMES} au plus.`);
    const long = kept.find((t) => t.length > MAX_THEME_CHARS);
    if (long) throw invalid(`Le thème « ${long.slice(0, 40)}… » dépasse ${MAX_THEME_CHARS} caractères.`);
    next.themes = kept;
  }
  return next;
}

export interface VeilleConfigView {
  session: Session;
  settings: SessionVeilleSettings;
  /** False when only shown (empty command). */
  changed: boolean;
  nextReminder: Date;
  nextDigest: Date;
  themeThisWeek: string | null;
}

/**
 * `/veille config …`: managers change the session's veille settings; with
 * no settings given, any member sees the current ones.
 */
export async function configureVeille(
  db: Queryable,
  actor: Actor,
  session: Session,
  text: string,
  now: Date = new Date(),
): Promise<VeilleConfigView> {
  const blank = !text.trim();
  await requirePermission(db, session, actor, blank ? "view-own" : "change");
  const current = await settingsOf(db, session.id);
  const settings = blank
    ? current
    : await saveSettings(db, session.id, parseVeilleConfig(text, current), actor.id);
  const tz = session.timezone;
  return {
    session,
    settings,
    changed: !blank,
    nextReminder: nextPlanned(settings, "reminder", tz, now),
    nextDigest: nextPlanned(settings, "digest", tz, now),
    themeThisWeek: themeOfWeek(settings.themes, isoWeekOf(now, tz)),
  };
}

export const MAX_FEEDS_PER_SESSION = 20;

/**
 * `/veille source add <url>`: managers add an RSS/Atom feed. It is read once
 * now, so a wrong address is refused at once rather than failing on Monday.
 */
export async function addSource(
  db: Queryable,
  actor: Actor,
  session: Session,
  urlText: string,
  limits: FeedLimits = FEED_LIMITS,
): Promise<{ feed: VeilleFeed; title: string | null; items: number }> {
  await requirePermission(db, session, actor, "change");
  const checked = checkUrl(unwrapSlackLink(urlText));
  if ("error" in checked) throw new CertibotError("VEILLE_SOURCE_INVALID", { hint: checked.error });
  const existing = await feedsOf(db, session.id);
  if (existing.length >= MAX_FEEDS_PER_SESSION)
    throw new CertibotError("VEILLE_SOURCE_INVALID", {
      hint: `La session suit déjà ${existing.length} flux (${MAX_FEEDS_PER_SESSION} au plus) : retirez-en un d'abord.`,
    });
  let parsed: Awaited<ReturnType<typeof fetchFeed>>;
  try {
    parsed = await fetchFeed(checked.url, limits);
  } catch (e) {
    if (!(e instanceof FeedError)) throw e;
    throw new CertibotError("VEILLE_SOURCE_INVALID", {
      hint: `${checked.url} n'a pas pu être lu : ${e.message}. Donnez l'adresse du flux RSS ou Atom lui-même.`,
    });
  }
  const feed = await insertFeed(db, session.id, checked.url, actor.id);
  if (!feed)
    throw new CertibotError("VEILLE_SOURCE_INVALID", {
      hint: `La session « ${session.name} » suit déjà ${checked.url}.`,
    });
  return { feed, title: parsed.title, items: parsed.items.length };
}

/** `/veille source remove <url|numéro>`: the number is the one `source list` shows. */
export async function removeSource(
  db: Queryable,
  actor: Actor,
  session: Session,
  which: string,
): Promise<VeilleFeed> {
  await requirePermission(db, session, actor, "change");
  const feeds = await feedsOf(db, session.id);
  const t = unwrapSlackLink(which.trim());
  const byNumber = /^\d+$/.test(t) ? feeds[Number(t) - 1] : undefined;
  const normalised = (() => {
    const c = checkUrl(t);
    return "url" in c ? c.url : t;
  })();
  const feed = byNumber ?? feeds.find((f) => f.url === normalised || f.url === t);
  if (!feed)
    throw new CertibotError("VEILLE_SOURCE_INVALID", {
      hint: feeds.length
        ? `Aucune source « ${t} » dans la session : /veille source list donne les numéros.`
        : "La session ne suit aucun flux.",
    });
  await deleteFeed(db, session.id, feed.url);
  return feed;
}

export async function listSources(db: Queryable, actor: Actor, session: Session): Promise<VeilleFeed[]> {
  await requirePermission(db, session, actor, "view-own");
  return feedsOf(db, session.id);
}

export interface VeilleSummary {
  currentWeek: IsoWeek;
  targetMinutes: number;
  candidates: number;
  /** Candidates with something logged this week, and at or above the target. */
  loggedThisWeek: number;
  onTargetThisWeek: number;
  /** Last finished week: how many reached the target. */
  lastWeek: { week: IsoWeek; onTarget: number };
  /** Per candidate, over the last 4 finished weeks: compact enough for /session status. */
  table: SessionVeilleTable;
  feeds: number;
  feedsWithProblems: number;
  themeThisWeek: string | null;
  nextReminder: Date;
  nextDigest: Date;
}

export const SUMMARY_WEEKS = 4;

/**
 * The veille block of `/session status` and the App Home. No permission
 * check here: the caller shows it only to those who may see everyone's data.
 */
export async function veilleSummaryForSession(
  db: Queryable,
  session: Session,
  now: Date,
): Promise<VeilleSummary> {
  const { table: t, rows: judgedRows } = await table(db, session, now, SUMMARY_WEEKS);
  const settings = await settingsOf(db, session.id);
  const feeds = await feedsOf(db, session.id);
  const lastWeek = t.judgedWeeks[t.judgedWeeks.length - 1]!;
  const rows = judgedRows.filter((r) => r.week === lastWeek);
  const candidateIds = new Set(t.rows.flatMap((r) => (r.slackUserId ? [r.slackUserId] : [])));
  return {
    currentWeek: t.currentWeek,
    targetMinutes: WEEKLY_TARGET_MINUTES,
    candidates: t.rows.length,
    loggedThisWeek: t.rows.filter((r) => r.thisWeekMinutes > 0).length,
    onTargetThisWeek: t.rows.filter((r) => r.thisWeekMinutes >= WEEKLY_TARGET_MINUTES).length,
    lastWeek: {
      week: lastWeek,
      onTarget: rows.filter((r) => candidateIds.has(r.slackUserId) && r.minutes >= WEEKLY_TARGET_MINUTES)
        .length,
    },
    table: t,
    feeds: feeds.length,
    feedsWithProblems: feeds.filter((f) => f.lastError).length,
    themeThisWeek: themeOfWeek(settings.themes, t.currentWeek),
    nextReminder: nextPlanned(settings, "reminder", session.timezone, now),
    nextDigest: nextPlanned(settings, "digest", session.timezone, now),
  };
}
