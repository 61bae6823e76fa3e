import type { Queryable } from "../db/db.js";
import type { SessionVeilleSettings } from "./schedule.js";
import {
  DEFAULT_SETTINGS,
  type IsoWeek,
  type NewVeilleEntry,
  type SourceType,
  type VeilleEntry,
  type VeilleFeed,
  type VeilleSettings,
  type Weekday,
} from "./types.js";

const ENTRY_COLUMNS =
  "id, session_id, slack_user_id, iso_week, minutes, title, url, source_type, takeaways, shared, logged_at";

interface EntryRow {
  [key: string]: unknown;
  id: number;
  session_id: number;
  slack_user_id: string;
  iso_week: string;
  minutes: number;
  title: string;
  url: string | null;
  source_type: SourceType;
  takeaways: string[];
  shared: boolean;
  logged_at: Date;
}

function toEntry(r: EntryRow): VeilleEntry {
  return {
    id: Number(r.id),
    sessionId: Number(r.session_id),
    slackUserId: r.slack_user_id,
    isoWeek: r.iso_week,
    minutes: r.minutes,
    title: r.title,
    url: r.url,
    sourceType: r.source_type,
    takeaways: r.takeaways,
    shared: r.shared,
    loggedAt: r.logged_at,
  };
}

export async function insertEntry(
  db: Queryable,
  sessionId: number,
  slackUserId: string,
  week: IsoWeek,
  e: NewVeilleEntry,
  loggedAt: Date,
): Promise<VeilleEntry> {
  const rows = await db.query<EntryRow>(
    `insert into veille_entries (session_id, slack_user_id, iso_week, minutes, title, url, source_type, takeaways,
                                 shared, logged_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${ENTRY_COLUMNS}`,
    [
      sessionId,
      slackUserId,
      week,
      e.minutes,
      e.title,
      e.url,
      e.sourceType,
      JSON.stringify(e.takeaways),
      e.shared,
      loggedAt,
    ],
  );
  return toEntry(rows[0]!);
}

/** Minutes per person and week for the weeks given (a person with nothing logged has no row). */
export async function minutesByWeek(
  db: Queryable,
  sessionId: number,
  weeks: readonly IsoWeek[],
  slackUserId?: string,
): Promise<Array<{ slackUserId: string; week: IsoWeek; minutes: number; entries: number }>> {
  const rows = await db.query<{ slack_user_id: string; iso_week: string; minutes: number; entries: number }>(
    `select slack_user_id, iso_week, sum(minutes)::integer as minutes, count(*)::integer as entries
       from veille_entries
      where session_id = $1 and iso_week = any($2::text[]) and ($3::text is null or slack_user_id = $3)
      group by slack_user_id, iso_week order by slack_user_id, iso_week`,
    [sessionId, weeks, slackUserId ?? null],
  );
  return rows.map((r) => ({
    slackUserId: r.slack_user_id,
    week: r.iso_week,
    minutes: r.minutes,
    entries: r.entries,
  }));
}

/** Every week a person logged in a session, up to `upTo`: the streak may reach past any window. */
export async function weeksLoggedBy(
  db: Queryable,
  sessionId: number,
  slackUserId: string,
  upTo: IsoWeek,
): Promise<Array<{ week: IsoWeek; minutes: number }>> {
  const rows = await db.query<{ iso_week: string; minutes: number }>(
    `select iso_week, sum(minutes)::integer as minutes from veille_entries
      where session_id = $1 and slack_user_id = $2 and iso_week <= $3
      group by iso_week order by iso_week`,
    [sessionId, slackUserId, upTo],
  );
  return rows.map((r) => ({ week: r.iso_week, minutes: r.minutes }));
}

export async function entriesOfWeek(
  db: Queryable,
  sessionId: number,
  week: IsoWeek,
  opts: { sharedOnly?: boolean } = {},
): Promise<VeilleEntry[]> {
  const rows = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from veille_entries
      where session_id = $1 and iso_week = $2 and ($3::boolean is false or shared)
      order by logged_at, id`,
    [sessionId, week, opts.sharedOnly ?? false],
  );
  return rows.map(toEntry);
}

interface SettingsRow {
  [key: string]: unknown;
  reminder_day: number;
  reminder_time: string;
  digest_day: number;
  digest_time: string;
  themes: string[];
  dm: boolean;
  grace_hours: number;
  digest_to: "channel" | "dm";
}

function toSettings(sessionId: number, r: SettingsRow | undefined): SessionVeilleSettings {
  if (!r) return { sessionId, ...DEFAULT_SETTINGS, themes: [] };
  return {
    sessionId,
    reminderDay: r.reminder_day as Weekday,
    reminderTime: r.reminder_time,
    digestDay: r.digest_day as Weekday,
    digestTime: r.digest_time,
    themes: r.themes,
    dm: r.dm,
    graceHours: r.grace_hours,
    digestTo: r.digest_to,
  };
}

const SETTINGS_COLUMNS =
  "session_id, reminder_day, reminder_time, digest_day, digest_time, themes, dm, grace_hours, digest_to";

export async function settingsOf(db: Queryable, sessionId: number): Promise<SessionVeilleSettings> {
  const rows = await db.query<SettingsRow>(
    `select ${SETTINGS_COLUMNS} from veille_settings where session_id = $1`,
    [sessionId],
  );
  return toSettings(sessionId, rows[0]);
}

/** Every session's settings, defaults for those never configured: one query per tick. */
export async function settingsOfSessions(
  db: Queryable,
  sessionIds: readonly number[],
): Promise<Map<number, SessionVeilleSettings>> {
  const rows = await db.query<SettingsRow & { session_id: number }>(
    `select ${SETTINGS_COLUMNS} from veille_settings where session_id = any($1::bigint[])`,
    [sessionIds],
  );
  const found = new Map(rows.map((r) => [Number(r.session_id), r]));
  return new Map(sessionIds.map((id) => [id, toSettings(id, found.get(id))]));
}

export async function saveSettings(
  db: Queryable,
  sessionId: number,
  s: VeilleSettings,
  updatedBy: string,
): Promise<SessionVeilleSettings> {
  const rows = await db.query<SettingsRow>(
    `insert into veille_settings (session_id, reminder_day, reminder_time, digest_day, digest_time, themes, dm,
                                  grace_hours, digest_to, updated_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (session_id) do update
        set reminder_day = excluded.reminder_day, reminder_time = excluded.reminder_time,
            digest_day = excluded.digest_day, digest_time = excluded.digest_time, themes = excluded.themes,
            dm = excluded.dm, grace_hours = excluded.grace_hours, digest_to = excluded.digest_to,
            updated_by = excluded.updated_by, updated_at = now()
     returning ${SETTINGS_COLUMNS}`,
    [
      sessionId,
      s.reminderDay,
      s.reminderTime,
      s.digestDay,
      s.digestTime,
      s.themes,
      s.dm,
      s.graceHours,
      s.digestTo,
      updatedBy,
    ],
  );
  return toSettings(sessionId, rows[0]);
}

const FEED_COLUMNS =
  "id, session_id, url, added_by, added_at, last_fetched_at, last_error, seen_ids, last_item_at";

interface FeedRow {
  [key: string]: unknown;
  id: number;
  session_id: number;
  url: string;
  added_by: string;
  added_at: Date;
  last_fetched_at: Date | null;
  last_error: string | null;
  seen_ids: string[];
  last_item_at: Date | null;
}

function toFeed(r: FeedRow): VeilleFeed {
  return {
    id: Number(r.id),
    sessionId: Number(r.session_id),
    url: r.url,
    addedBy: r.added_by,
    addedAt: r.added_at,
    lastFetchedAt: r.last_fetched_at,
    lastError: r.last_error,
    seenIds: r.seen_ids,
    lastItemAt: r.last_item_at,
  };
}

/** Null when the session already has this address. */
export async function insertFeed(
  db: Queryable,
  sessionId: number,
  url: string,
  addedBy: string,
): Promise<VeilleFeed | null> {
  const rows = await db.query<FeedRow>(
    `insert into veille_feeds (session_id, url, added_by) values ($1, $2, $3)
     on conflict (session_id, url) do nothing returning ${FEED_COLUMNS}`,
    [sessionId, url, addedBy],
  );
  return rows[0] ? toFeed(rows[0]) : null;
}

export async function deleteFeed(db: Queryable, sessionId: number, url: string): Promise<boolean> {
  const rows = await db.query("delete from veille_feeds where session_id = $1 and url = $2 returning id", [
    sessionId,
    url,
  ]);
  return rows.length > 0;
}

export async function feedsOf(db: Queryable, sessionId: number): Promise<VeilleFeed[]> {
  const rows = await db.query<FeedRow>(
    `select ${FEED_COLUMNS} from veille_feeds where session_id = $1 order by added_at, id`,
    [sessionId],
  );
  return rows.map(toFeed);
}

/** What one fetch learnt: an error (the rest kept), or the ids now announced. */
export async function recordFeedFetch(
  db: Queryable,
  feedId: number,
  at: Date,
  result: { error: string } | { seenIds: readonly string[]; lastItemAt: Date | null },
): Promise<void> {
  if ("error" in result) {
    await db.query("update veille_feeds set last_fetched_at = $2, last_error = $3 where id = $1", [
      feedId,
      at,
      result.error,
    ]);
    return;
  }
  await db.query(
    `update veille_feeds set last_fetched_at = $2, last_error = null, seen_ids = $3,
            last_item_at = greatest(last_item_at, $4::timestamptz)
      where id = $1`,
    [feedId, at, result.seenIds, result.lastItemAt],
  );
}

/**
 * RGPD erasure of one Slack user's veille: their entries go; where their id
 * only records who changed a setting or added a source, it is blanked.
 * Returns how many entries were deleted.
 */
export async function deleteVeilleDataOf(db: Queryable, slackUserId: string): Promise<number> {
  const rows = await db.query("delete from veille_entries where slack_user_id = $1 returning id", [
    slackUserId,
  ]);
  await db.query("update veille_settings set updated_by = 'effacé' where updated_by = $1", [slackUserId]);
  await db.query("update veille_feeds set added_by = 'effacé' where added_by = $1", [slackUserId]);
  return rows.length;
}
