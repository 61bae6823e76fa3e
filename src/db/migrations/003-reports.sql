-- Report checks: the verdict only (never the file, never its text), for the
-- session views; and the deliverable a candidate picked with /rapport before
-- uploading.

create table report_checks (
  id bigint generated always as identity primary key,
  checked_at timestamptz not null default now(),
  slack_user_id text,
  deliverable text not null,
  format text not null check (format in ('pdf', 'docx')),
  ok boolean not null,
  pages integer,
  pages_approximate boolean not null,
  missing_sections jsonb not null default '[]'
);
create index report_checks_by_user on report_checks (slack_user_id, checked_at desc);

create table report_pending_choice (
  slack_user_id text primary key,
  deliverable text not null,
  chosen_at timestamptz not null default now()
);
