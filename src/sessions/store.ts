import type { Queryable } from "../db/db.js";
import { fold, squash } from "../lib/text.js";
import type { Decision, DecisionRecord, DoneRecord, Member, Role, Session } from "./types.js";

// Dates as text: a `date` must not become a Date at midnight in the server's zone.
const sessionColumns = (
  t = "",
) => `${t}id, ${t}name, ${t}referential, ${t}agate, ${t}channel_id, ${t}timezone,
  to_char(${t}launch, 'YYYY-MM-DD') as launch, to_char(${t}prairie_end, 'YYYY-MM-DD') as prairie_end,
  to_char(${t}session_start, 'YYYY-MM-DD') as session_start, to_char(${t}session_end, 'YYYY-MM-DD') as session_end,
  ${t}reports_lead_days, ${t}created_by, ${t}created_at`;
const SESSION_COLUMNS = sessionColumns();

interface SessionRow {
  [key: string]: unknown;
  id: number;
  name: string;
  referential: string;
  agate: string | null;
  channel_id: string | null;
  timezone: string;
  launch: string | null;
  prairie_end: string | null;
  session_start: string | null;
  session_end: string | null;
  reports_lead_days: number;
  created_by: string;
  created_at: Date;
}

function toSession(r: SessionRow): Session {
  return {
    id: Number(r.id),
    name: r.name,
    referential: r.referential,
    agate: r.agate,
    channelId: r.channel_id,
    timezone: r.timezone,
    launch: r.launch,
    prairieEnd: r.prairie_end,
    sessionStart: r.session_start,
    sessionEnd: r.session_end,
    reportsLeadDays: r.reports_lead_days,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** What a roster re-import and `jury remove "Nom Prénom"` match people on. */
export function nameKey(nom: string, prenom: string): string {
  return squash(fold(`${nom} ${prenom}`).replace(/[^a-z0-9 ]+/g, " "));
}

/** What a session is made of, before the database gives it an id. */
export type SessionFields = Omit<Session, "id" | "createdBy" | "createdAt">;

/** The settable columns, in the order both insert and update bind them. */
const fieldParams = (s: SessionFields) => [
  s.referential,
  s.agate,
  s.channelId,
  s.timezone,
  s.launch,
  s.prairieEnd,
  s.sessionStart,
  s.sessionEnd,
  s.reportsLeadDays,
];

/** Null when the name is taken. */
export async function insertSession(
  db: Queryable,
  s: SessionFields,
  createdBy: string,
): Promise<Session | null> {
  const rows = await db.query<SessionRow>(
    `insert into sessions (name, referential, agate, channel_id, timezone, launch, prairie_end, session_start,
                           session_end, reports_lead_days, created_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (name) do nothing
     returning ${SESSION_COLUMNS}`,
    [s.name, ...fieldParams(s), createdBy],
  );
  return rows[0] ? toSession(rows[0]) : null;
}

export async function updateSession(db: Queryable, id: number, s: SessionFields): Promise<Session> {
  const rows = await db.query<SessionRow>(
    `update sessions set referential = $2, agate = $3, channel_id = $4, timezone = $5, launch = $6,
            prairie_end = $7, session_start = $8, session_end = $9, reports_lead_days = $10
      where id = $1 returning ${SESSION_COLUMNS}`,
    [id, ...fieldParams(s)],
  );
  if (!rows[0]) throw new Error(`session ${id} vanished while updating`);
  return toSession(rows[0]);
}

export async function sessionByName(db: Queryable, name: string): Promise<Session | null> {
  const rows = await db.query<SessionRow>(`select ${SESSION_COLUMNS} from sessions where name = $1`, [name]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function sessionById(db: Queryable, id: number): Promise<Session | null> {
  const rows = await db.query<SessionRow>(`select ${SESSION_COLUMNS} from sessions where id = $1`, [id]);
  return rows[0] ? toSession(rows[0]) : null;
}

export async function sessionsInChannel(db: Queryable, channelId: string): Promise<Session[]> {
  const rows = await db.query<SessionRow>(
    `select ${SESSION_COLUMNS} from sessions where channel_id = $1 order by session_start nulls last, name`,
    [channelId],
  );
  return rows.map(toSession);
}

export async function allSessions(db: Queryable): Promise<Session[]> {
  const rows = await db.query<SessionRow>(
    `select ${SESSION_COLUMNS} from sessions order by session_start nulls last, name`,
  );
  return rows.map(toSession);
}

/** The sessions a Slack user belongs to, with their roles in each. */
export async function sessionsOfUser(
  db: Queryable,
  slackUserId: string,
): Promise<Array<{ session: Session; roles: Role[] }>> {
  const rows = await db.query<SessionRow & { roles: Role[] }>(
    `select ${sessionColumns("s.")},
            array_agg(distinct m.role order by m.role) as roles
       from sessions s join session_members m on m.session_id = s.id
      where m.slack_user_id = $1
      group by s.id
      order by s.session_start nulls last, s.name`,
    [slackUserId],
  );
  return rows.map((r) => ({ session: toSession(r), roles: r.roles }));
}

const MEMBER_COLUMNS =
  "id, session_id, role, slack_user_id, email, nom, prenom, professional, years_experience";

interface MemberRow {
  [key: string]: unknown;
  id: number;
  session_id: number;
  role: Role;
  slack_user_id: string | null;
  email: string | null;
  nom: string;
  prenom: string;
  professional: boolean | null;
  years_experience: number | null;
}

function toMember(r: MemberRow): Member {
  return {
    id: Number(r.id),
    sessionId: Number(r.session_id),
    role: r.role,
    slackUserId: r.slack_user_id,
    email: r.email,
    nom: r.nom,
    prenom: r.prenom,
    professional: r.professional,
    yearsExperience: r.years_experience,
  };
}

export async function membersOf(db: Queryable, sessionId: number, role?: Role): Promise<Member[]> {
  const rows = await db.query<MemberRow>(
    `select ${MEMBER_COLUMNS} from session_members
      where session_id = $1 and ($2::text is null or role = $2) order by role, name_key, id`,
    [sessionId, role ?? null],
  );
  return rows.map(toMember);
}

export async function rolesIn(db: Queryable, sessionId: number, slackUserId: string): Promise<Role[]> {
  const rows = await db.query<{ role: Role }>(
    "select distinct role from session_members where session_id = $1 and slack_user_id = $2 order by role",
    [sessionId, slackUserId],
  );
  return rows.map((r) => r.role);
}

export interface NewMember {
  role: Role;
  slackUserId: string | null;
  email: string | null;
  nom: string;
  prenom: string;
  professional?: boolean | null;
  yearsExperience?: number | null;
}

/**
 * Adds a person in a role, or updates them if someone with the same name (or
 * Slack id) already holds it. A person known only by Slack id is keyed by it.
 */
export async function upsertMember(
  db: Queryable,
  sessionId: number,
  m: NewMember,
  addedBy: string,
): Promise<{ member: Member; created: boolean }> {
  const key = nameKey(m.nom, m.prenom) || `slack:${m.slackUserId ?? m.email ?? ""}`;
  // The same person may come back under another key: added by mention (no name) then
  // imported from the roster with their e-mail, or with a corrected spelling.
  const same = await db.query<{ id: number; name_key: string }>(
    `select id, name_key from session_members
      where session_id = $1 and role = $2
        and (($3::text is not null and slack_user_id = $3) or ($4::text is not null and lower(email) = lower($4)))
      order by id limit 1`,
    [sessionId, m.role, m.slackUserId, m.email],
  );
  const known = same[0];
  const taken = known
    ? await db.query(
        "select 1 as x from session_members where session_id = $1 and role = $2 and name_key = $3 and id <> $4",
        [sessionId, m.role, key, known.id],
      )
    : [];
  if (known && !taken.length) {
    // Keep a real name over an empty one (a later mention carries no name).
    const rows = await db.query<MemberRow>(
      `update session_members
          set slack_user_id = coalesce($2, slack_user_id), email = coalesce($3, email),
              nom = case when $6 then $4 else nom end, prenom = case when $6 then $5 else prenom end,
              name_key = case when $6 then $7 else name_key end,
              professional = coalesce($8, professional), years_experience = coalesce($9, years_experience)
        where id = $1
        returning ${MEMBER_COLUMNS}`,
      [
        known.id,
        m.slackUserId,
        m.email,
        m.nom,
        m.prenom,
        !key.startsWith("slack:"),
        key,
        m.professional ?? null,
        m.yearsExperience ?? null,
      ],
    );
    return { member: toMember(rows[0]!), created: false };
  }
  const rows = await db.query<MemberRow & { created: boolean }>(
    `insert into session_members (session_id, role, slack_user_id, email, nom, prenom, name_key, professional,
                                  years_experience, added_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (session_id, role, name_key) do update
        set slack_user_id = coalesce(excluded.slack_user_id, session_members.slack_user_id),
            email = coalesce(excluded.email, session_members.email),
            nom = excluded.nom, prenom = excluded.prenom,
            professional = coalesce(excluded.professional, session_members.professional),
            years_experience = coalesce(excluded.years_experience, session_members.years_experience)
     returning ${MEMBER_COLUMNS}, (xmax = 0) as created`,
    [
      sessionId,
      m.role,
      m.slackUserId,
      m.email,
      m.nom,
      m.prenom,
      key,
      m.professional ?? null,
      m.yearsExperience ?? null,
      addedBy,
    ],
  );
  const row = rows[0]!;
  return { member: toMember(row), created: row.created };
}

export async function deleteMember(db: Queryable, memberId: number): Promise<void> {
  await db.query("delete from session_members where id = $1", [memberId]);
}

/**
 * Links rows known by e-mail to the Slack user who owns that address, so a
 * roster imported from a spreadsheet finds its people when they first come.
 */
export async function linkEmail(db: Queryable, email: string, slackUserId: string): Promise<number> {
  const rows = await db.query(
    `update session_members set slack_user_id = $2
      where lower(email) = lower($1) and slack_user_id is null returning id`,
    [email, slackUserId],
  );
  return rows.length;
}

export async function markDone(
  db: Queryable,
  sessionId: number,
  deadlineId: string,
  doneBy: string,
): Promise<DoneRecord> {
  const rows = await db.query<{ deadline_id: string; done_by: string; done_at: Date }>(
    `insert into session_deadlines_done (session_id, deadline_id, done_by) values ($1, $2, $3)
     on conflict (session_id, deadline_id) do update set deadline_id = excluded.deadline_id
     returning deadline_id, done_by, done_at`,
    [sessionId, deadlineId, doneBy],
  );
  const r = rows[0]!;
  return { deadlineId: r.deadline_id, doneBy: r.done_by, doneAt: r.done_at };
}

export async function doneOf(db: Queryable, sessionId: number): Promise<Map<string, DoneRecord>> {
  const rows = await db.query<{ deadline_id: string; done_by: string; done_at: Date }>(
    "select deadline_id, done_by, done_at from session_deadlines_done where session_id = $1",
    [sessionId],
  );
  return new Map(
    rows.map((r) => [r.deadline_id, { deadlineId: r.deadline_id, doneBy: r.done_by, doneAt: r.done_at }]),
  );
}

export async function setDecision(
  db: Queryable,
  sessionId: number,
  memberId: number,
  decision: Decision,
  comment: string | null,
  decidedBy: string,
): Promise<void> {
  await db.query(
    `insert into session_decisions (session_id, member_id, decision, comment, decided_by) values ($1, $2, $3, $4, $5)
     on conflict (session_id, member_id) do update
        set decision = excluded.decision, comment = excluded.comment, decided_by = excluded.decided_by,
            decided_at = now()`,
    [sessionId, memberId, decision, comment, decidedBy],
  );
}

export async function decisionsOf(db: Queryable, sessionId: number): Promise<Map<number, DecisionRecord>> {
  const rows = await db.query<{
    member_id: number;
    decision: Decision;
    comment: string | null;
    decided_by: string;
    decided_at: Date;
  }>(
    "select member_id, decision, comment, decided_by, decided_at from session_decisions where session_id = $1",
    [sessionId],
  );
  return new Map(
    rows.map((r) => [
      Number(r.member_id),
      {
        memberId: Number(r.member_id),
        decision: r.decision,
        comment: r.comment,
        decidedBy: r.decided_by,
        decidedAt: r.decided_at,
      },
    ]),
  );
}

/** The latest verdict per deliverable for each of these Slack users. */
export async function latestReportChecks(
  db: Queryable,
  slackUserIds: readonly string[],
): Promise<Array<{ slackUserId: string; deliverable: string; ok: boolean; checkedAt: Date }>> {
  if (!slackUserIds.length) return [];
  const rows = await db.query<{ slack_user_id: string; deliverable: string; ok: boolean; checked_at: Date }>(
    `select distinct on (slack_user_id, deliverable) slack_user_id, deliverable, ok, checked_at
       from report_checks where slack_user_id = any($1::text[])
      order by slack_user_id, deliverable, id desc`,
    [slackUserIds],
  );
  return rows.map((r) => ({
    slackUserId: r.slack_user_id,
    deliverable: r.deliverable,
    ok: r.ok,
    checkedAt: r.checked_at,
  }));
}
