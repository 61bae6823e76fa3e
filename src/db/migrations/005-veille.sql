-- Weekly veille (C6): what candidates logged, each session's reminder and
-- digest settings, and the RSS/Atom sources read before the reminder. Only
-- what the status views and the digest need is kept: no notes beyond the
-- 1–3 takeaways the candidate chose to write, no reading history.

create table veille_entries (
  id bigint generated always as identity primary key,
  session_id bigint not null references sessions (id) on delete cascade,
  slack_user_id text not null,
  -- "2026-W47", in the session's time zone at logging time.
  iso_week text not null check (iso_week ~ '^[0-9]{4}-W[0-9]{2}$'),
  minutes integer not null check (minutes between 1 and 1440),
  title text not null check (char_length(title) between 1 and 200),
  url text check (url is null or url ~* '^https?://'),
  source_type text not null check (source_type in
    ('article', 'documentation', 'newsletter', 'podcast', 'video', 'conference', 'paper', 'regulation', 'other')),
  takeaways jsonb not null default '[]',
  -- Posted to the session channel as a synthesis, and listed in the digest.
  shared boolean not null default false,
  logged_at timestamptz not null default now()
);
create index veille_entries_by_week on veille_entries (session_id, iso_week);
create index veille_entries_by_user on veille_entries (slack_user_id);

-- One row per session once someone changes a default; no row means defaults.
create table veille_settings (
  session_id bigint primary key references sessions (id) on delete cascade,
  -- ISO weekday: 1 = Monday … 7 = Sunday; times are wall-clock in the session's zone.
  reminder_day smallint not null default 1 check (reminder_day between 1 and 7),
  reminder_time text not null default '09:00' check (reminder_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  digest_day smallint not null default 5 check (digest_day between 1 and 7),
  digest_time text not null default '17:00' check (digest_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- Rotated one per ISO week; empty means "libre".
  themes text[] not null default '{}',
  -- Also remind each candidate by direct message.
  dm boolean not null default false,
  -- A reminder or digest missed by downtime is still sent this long after its time (never past its week).
  grace_hours integer not null default 48 check (grace_hours between 0 and 168),
  digest_to text not null default 'dm' check (digest_to in ('channel', 'dm')),
  updated_by text not null,
  updated_at timestamptz not null default now()
);

create table veille_feeds (
  id bigint generated always as identity primary key,
  session_id bigint not null references sessions (id) on delete cascade,
  url text not null check (url ~* '^https?://'),
  added_by text not null,
  added_at timestamptz not null default now(),
  last_fetched_at timestamptz,
  last_error text,
  -- Item ids already announced (bounded by the application), and the newest item date seen.
  seen_ids text[] not null default '{}',
  last_item_at timestamptz,
  unique (session_id, url)
);
