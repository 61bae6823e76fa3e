-- Certification sessions: milestones, members and their roles, deadlines
-- marked done, jury decisions. Deadlines themselves are computed from
-- knowledge/deadlines.yml and the milestones, never stored.

create table sessions (
  id bigint generated always as identity primary key,
  -- What people type: "dev-ia-2023". Unique, lower case.
  name text not null unique,
  referential text not null,
  agate text,
  channel_id text,
  timezone text not null default 'Europe/Paris',
  launch date,
  prairie_end date,
  session_start date,
  session_end date,
  -- reports-to-jury is due this many days before the session starts.
  reports_lead_days integer not null default 1 check (reports_lead_days between 0 and 60),
  created_by text not null,
  created_at timestamptz not null default now()
);
create index sessions_by_channel on sessions (channel_id) where channel_id is not null;

-- One row per person and role in a session. A person is linked to Slack by
-- id, or by e-mail until they first use the bot. Only what the PV and the
-- jury check need is kept.
create table session_members (
  id bigint generated always as identity primary key,
  session_id bigint not null references sessions (id) on delete cascade,
  role text not null check (role in ('manager', 'trainer', 'candidate', 'jury', 'project-team')),
  slack_user_id text,
  email text,
  nom text not null default '',
  prenom text not null default '',
  -- Folded "nom prenom": what a roster re-import matches on.
  name_key text not null,
  -- Jury only: the guide asks for professionals with 2+ years of experience.
  professional boolean,
  years_experience integer,
  added_by text not null,
  added_at timestamptz not null default now()
);
create unique index session_members_unique_name on session_members (session_id, role, name_key);
create index session_members_by_user on session_members (slack_user_id) where slack_user_id is not null;
create index session_members_by_email on session_members (lower(email)) where email is not null;

create table session_deadlines_done (
  session_id bigint not null references sessions (id) on delete cascade,
  deadline_id text not null,
  done_by text not null,
  done_at timestamptz not null default now(),
  primary key (session_id, deadline_id)
);

create table session_decisions (
  session_id bigint not null references sessions (id) on delete cascade,
  member_id bigint not null references session_members (id) on delete cascade,
  decision text not null check (decision in ('admis', 'refuse', 'absent')),
  comment text,
  decided_by text not null,
  decided_at timestamptz not null default now(),
  primary key (session_id, member_id)
);
