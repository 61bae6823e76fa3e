-- Knowledge documents (issue 12): every referential the bot answers from,
-- shipped or added by an operator, with its bytes, so every replica indexes
-- the same corpus. The shipped ones are seeded by the application right after
-- the migrations run (their files live in knowledge/).
create table knowledge_documents (
  id text primary key,
  -- The catalog entry: title, certification, rncp, aliases, qualifiers, code families, parser.
  meta jsonb not null,
  format text not null check (format in ('pdf', 'docx', 'md', 'txt')),
  file_name text not null,
  content bytea not null,
  content_hash text not null,
  shipped boolean not null default false,
  added_by text,
  added_at timestamptz not null default now(),
  -- What was understood at add time (records by kind, headings, codes, masked counts, timings).
  summary jsonb not null default '{}'::jsonb
);

-- One row: bumped by every add, replace and remove, so replicas notice with one cheap read.
create table knowledge_version (
  id smallint primary key check (id = 1),
  version bigint not null,
  changed_at timestamptz not null default now()
);
insert into knowledge_version (id, version) values (1, 0);
