-- A rate-limit hit is taken once per event, not once per attempt: a retried
-- or taken-over event finds its first decision here and reuses it. No user
-- id: the key is the Slack event id (and file id for a report), nothing more.
create table rate_limit_hits (
  hit_key text not null,
  kind text not null,
  allowed boolean not null,
  -- Refused: until when (the wait quoted again by a retry).
  retry_until timestamptz,
  taken_at timestamptz not null default now(),
  primary key (hit_key, kind)
);
create index rate_limit_hits_by_taken on rate_limit_hits (taken_at);
