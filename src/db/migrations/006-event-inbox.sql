-- The durable inbox: an inbound Slack event is acknowledged only once its row
-- exists, and the row says how far its handling got. received → processing
-- (a lease, renewed while it runs) → done or failed. A processing row past its
-- lease belongs to a replica that died: any replica takes it over. Rows from
-- before this migration were handled already: they become 'done'.
alter table inbound_events
  add column state text not null default 'done' check (state in ('received', 'processing', 'done', 'failed')),
  -- The envelope as Bolt needs it to dispatch (no blocks): cleared once done or failed.
  add column payload jsonb,
  add column attempts integer not null default 0 check (attempts >= 0),
  add column next_attempt_at timestamptz,
  add column lease_until timestamptz,
  add column claimed_by text,
  add column finished_at timestamptz,
  add column error text;

-- Only the unfinished rows are ever scanned for work: a small partial index.
create index inbound_events_pending on inbound_events (received_at) where state in ('received', 'processing');
