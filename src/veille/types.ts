import type { Session } from "../sessions/types.js";

/** "2026-W47": an ISO 8601 week, read on the session's clock. */
export type IsoWeek = string;

/** The one-hour-a-week habit C6 asks for. */
export const WEEKLY_TARGET_MINUTES = 60;

export const SOURCE_TYPES = [
  "article",
  "documentation",
  "newsletter",
  "podcast",
  "video",
  "conference",
  "paper",
  "regulation",
  "other",
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const SOURCE_TYPE_LABELS: Record<SourceType, string> = {
  article: "Article ou billet de blog",
  documentation: "Documentation technique",
  newsletter: "Newsletter",
  podcast: "Podcast",
  video: "Vidéo ou webinaire",
  conference: "Conférence ou meetup",
  paper: "Publication scientifique",
  regulation: "Texte réglementaire ou norme",
  other: "Autre",
};

/** The C6 reliability criteria for a source, short enough for a weekly message. */
export const RELIABILITY_CHECKLIST: readonly string[] = [
  "Auteur identifié et compétent sur le sujet",
  "Publication récente (date visible)",
  "Affirmations sourcées, contenu structuré",
  "Accessible et vérifiable ailleurs (au moins une autre source)",
];

export const MAX_TAKEAWAYS = 3;
export const MAX_TITLE_CHARS = 200;
export const MAX_TAKEAWAY_CHARS = 500;

export interface VeilleEntry {
  id: number;
  sessionId: number;
  slackUserId: string;
  isoWeek: IsoWeek;
  minutes: number;
  title: string;
  url: string | null;
  sourceType: SourceType;
  takeaways: string[];
  shared: boolean;
  loggedAt: Date;
}

/** A validated entry, before it is stored. */
export interface NewVeilleEntry {
  minutes: number;
  title: string;
  url: string | null;
  sourceType: SourceType;
  takeaways: string[];
  shared: boolean;
}

/** ISO weekday: 1 = lundi … 7 = dimanche. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface VeilleSettings {
  reminderDay: Weekday;
  /** "HH:MM", session time. */
  reminderTime: string;
  digestDay: Weekday;
  digestTime: string;
  /** Rotated one per ISO week; empty: "libre". */
  themes: string[];
  /** Also remind each candidate by direct message. */
  dm: boolean;
  graceHours: number;
  digestTo: "channel" | "dm";
}

export const DEFAULT_SETTINGS: VeilleSettings = {
  reminderDay: 1,
  reminderTime: "09:00",
  digestDay: 5,
  digestTime: "17:00",
  themes: [],
  dm: false,
  graceHours: 48,
  // Who did or did not log is not for the candidates sharing the channel: trainers get it privately.
  digestTo: "dm",
};

export interface VeilleFeed {
  id: number;
  sessionId: number;
  url: string;
  addedBy: string;
  addedAt: Date;
  lastFetchedAt: Date | null;
  lastError: string | null;
  seenIds: string[];
  lastItemAt: Date | null;
}

export interface FeedItem {
  /** guid/id, else the link, else the title: what "already announced" is matched on. */
  id: string;
  title: string;
  link: string | null;
  published: Date | null;
}

export interface NewFeedItem extends FeedItem {
  feedUrl: string;
  feedTitle: string;
}

export interface FeedProblem {
  url: string;
  /** French, safe to show to managers. */
  problem: string;
}

/** A person as messages name them. */
export interface VeillePerson {
  slackUserId: string | null;
  name: string;
}

/** The Monday message: everything the Slack adapter needs to render and deliver it. */
export interface VeilleReminderNotice {
  session: Session;
  week: IsoWeek;
  /** "semaine du lundi 23 novembre 2026". */
  weekLabel: string;
  /** Null: theme "libre". */
  theme: string | null;
  targetMinutes: number;
  checklist: readonly string[];
  feedItems: NewFeedItem[];
  /** Where to post; null when the session has no channel (then only DMs go out). */
  channelId: string | null;
  /** Candidates to remind by DM (the dm setting, or no channel). */
  dmUserIds: string[];
  /** Sent after downtime, later than planned. */
  late: boolean;
}

export interface DigestRow extends VeillePerson {
  minutes: number;
  entries: number;
}

export interface SharedSynthesis extends VeillePerson {
  title: string;
  url: string | null;
  sourceType: SourceType;
}

/** The Friday digest for trainers. */
export interface VeilleDigestNotice {
  session: Session;
  week: IsoWeek;
  weekLabel: string;
  targetMinutes: number;
  /** Candidates who logged this week, most minutes first. */
  logged: DigestRow[];
  /** Candidates with nothing logged this week. */
  missing: VeillePerson[];
  shared: SharedSynthesis[];
  /** "channel": post in channelId; "dm": to each recipient. Without a channel, DMs. */
  to: "channel" | "dm";
  channelId: string | null;
  /** Trainers, or the managers when the session has no trainer with a Slack id. */
  recipientIds: string[];
  late: boolean;
}

/** Feeds that could not be read before a reminder: for the managers only. */
export interface VeilleFeedProblemsNotice {
  session: Session;
  week: IsoWeek;
  problems: FeedProblem[];
  managerIds: string[];
  /** Used when no manager has a Slack id. */
  channelId: string | null;
}
