-- The channel a user was viewing when they opened or moved an assistant thread
-- (Slack's assistant_thread_started / assistant_thread_context_changed): it
-- picks the thread's default referential. Only ids; deleted with the thread's
-- turns (retention job).

create table thread_contexts (
  conversation_id text primary key,
  context_channel_id text not null,
  updated_at timestamptz not null default now()
);
create index thread_contexts_by_age on thread_contexts (updated_at);
