-- Q&A context kept by certibot itself: the last turns of each Slack thread
-- (follow-ups are answered with them), and per-channel defaults.

create table conversation_turns (
  conversation_id text not null,
  turn integer not null,
  created_at timestamptz not null default now(),
  slack_user_id text,
  question text not null,
  answer text not null,
  primary key (conversation_id, turn)
);
create index conversation_turns_by_user on conversation_turns (slack_user_id) where slack_user_id is not null;
create index conversation_turns_by_age on conversation_turns (created_at);

create table channel_settings (
  channel_id text primary key,
  default_referential text,
  -- off: any message in a thread the bot answers in is a follow-up.
  mentions_only boolean not null default false,
  updated_by text not null,
  updated_at timestamptz not null default now()
);
