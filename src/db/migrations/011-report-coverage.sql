-- Competency coverage of a checked report: the épreuve and, per competency, whether
-- the report shows it, only mentions it, or not, with how many of its criteria the
-- evidence meets. Never a quote or any other text of the report. Erased with the row
-- (privacy forget-user, retention job).

alter table report_checks add column epreuve text;
alter table report_checks add column coverage jsonb not null default '[]';
