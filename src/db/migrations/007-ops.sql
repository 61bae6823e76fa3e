-- Running it in production: per-user rate-limit counters shared by replicas,
-- internal errors counted for the operator alerts (no text, no user), and the
-- state of each operator alert (firing or not, since when).

-- One row per (user, kind, fixed window); the retention job deletes old windows.
create table rate_limit_windows (
  slack_user_id text not null,
  kind text not null,
  window_start timestamptz not null,
  hits integer not null default 1,
  primary key (slack_user_id, kind, window_start)
);
create index rate_limit_windows_by_start on rate_limit_windows (window_start);

-- One row per internal error an adapter reported (the error rate alert); its
-- code only, never a message, a user or a text.
create table ops_errors (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  code text not null
);
create index ops_errors_by_at on ops_errors (at);

-- The state of each operator alert. The messages themselves are occurrence
-- claims in job_runs (job 'ops-alert', key '<alert>:start|resolve:<since>'),
-- so each is posted once across replicas.
create table ops_alerts (
  alert text primary key,
  firing boolean not null default false,
  since timestamptz not null default now(),
  resolved_at timestamptz,
  detail text
);
