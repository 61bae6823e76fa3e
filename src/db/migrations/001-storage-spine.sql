-- Storage spine: job occurrence claims, inbound event dedupe, heartbeat,
-- Q&A log and feedback. Accepted by PostgreSQL 15 and PGlite (18).

-- One row per occurrence of a scheduled job, whichever replica ran it.
create table job_runs (
  job_name text not null,
  occurrence_key text not null,
  status text not null check (status in ('running', 'done', 'failed')),
  attempts integer not null default 1 check (attempts >= 1),
  scheduled_for timestamptz not null,
  started_at timestamptz not null default now(),
  -- Past this, a 'running' row is a crashed run that may be claimed again.
  lease_until timestamptz not null,
  finished_at timestamptz,
  error text,
  claimed_by text not null,
  primary key (job_name, occurrence_key)
);
create index job_runs_by_start on job_runs (job_name, started_at desc);

-- Slack redelivers events; the first insert wins, later deliveries are dropped.
create table inbound_events (
  event_id text primary key,
  received_at timestamptz not null default now()
);
create index inbound_events_by_age on inbound_events (received_at);

-- Written by the built-in heartbeat job: proves the scheduler runs somewhere.
create table heartbeats (
  occurrence_key text primary key,
  ran_at timestamptz not null default now(),
  ran_by text not null
);

-- One row per answer given. The question is kept as a hash unless
-- CERTIBOT_STORE_QUESTIONS=text; Slack ids are personal data (see
-- deleteSlackUserData).
create table qa_log (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  slack_team_id text,
  slack_channel_id text,
  slack_user_id text,
  question_hash text not null,
  question_text text,
  lang text not null check (lang in ('fr', 'en')),
  referentials text[] not null default '{}',
  codes text[] not null default '{}',
  mode text not null,
  found boolean not null,
  latency_ms integer not null check (latency_ms >= 0)
);
create index qa_log_by_user on qa_log (slack_user_id) where slack_user_id is not null;
create index qa_log_by_date on qa_log (created_at);

-- Thumbs up/down on an answer; one vote per user and answer, which they may change.
create table feedback (
  id bigint generated always as identity primary key,
  qa_id bigint not null references qa_log (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  slack_team_id text,
  slack_user_id text not null,
  vote text not null check (vote in ('up', 'down')),
  comment text,
  unique (qa_id, slack_user_id)
);
create index feedback_by_user on feedback (slack_user_id);
