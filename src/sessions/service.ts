import type { Db, Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { isTimeZone } from "../jobs/time.js";
import { loadCatalog } from "../knowledge/catalog.js";
import { seedShippedDocuments, storedDocuments } from "../knowledge/documents.js";
import { type Actor, canCreateSession, requirePermission } from "./access.js";
import { daysBetween, localDate, parseDate } from "./dates.js";
import { computeDeadlines, loadDeadlineRules, milestoneProblem } from "./deadlines.js";
import { type JuryIssue, juryOfMembers } from "./jury.js";
import { buildPv, type Pv } from "./pv.js";
import { normaliseSessionName, SESSION_NAME } from "./resolve.js";
import { AGATE, parseRoster, withPvIds } from "./roster.js";
import {
  allSessions,
  decisionsOf,
  deleteMember,
  doneOf,
  insertSession,
  latestReportChecks,
  linkEmail,
  markDone,
  membersOf,
  nameKey,
  type SessionFields,
  sessionsOfUser,
  setDecision,
  updateSession,
  upsertMember,
} from "./store.js";
import type {
  Deadline,
  DeadlineRule,
  Decision,
  DoneRecord,
  IsoDate,
  Member,
  Milestone,
  Role,
  Session,
} from "./types.js";

/** What the sessions feature reads from knowledge/, loaded once at start. */
export interface SessionKnowledge {
  rules: DeadlineRule[];
  referentials: Array<{ id: string; certification: string; rncp: string | null }>;
  defaultReferential: string;
}

export interface SessionDeps {
  db: Db;
  knowledge: SessionKnowledge;
}

export async function loadSessionKnowledge(
  knowledgeDir: string,
  defaultReferential: string,
  db?: Db,
): Promise<SessionKnowledge> {
  const [rules, catalog] = await Promise.all([loadDeadlineRules(knowledgeDir), loadCatalog(knowledgeDir)]);
  // With the database, the referentials added with `knowledge add` too.
  const refs = db
    ? await seedShippedDocuments(db, knowledgeDir).then(async () =>
        (await storedDocuments(db)).map((d) => d.ref),
      )
    : catalog.referentials;
  return {
    rules,
    referentials: refs.map((r) => ({
      id: r.id,
      certification: r.certification ?? r.title,
      rncp: r.rncp ?? null,
    })),
    defaultReferential,
  };
}

const invalid = (hint: string) => new CertibotError("SESSION_INVALID", { hint });

/** The settings `create` and `set` accept, with their French names. */
const SETTING_KEYS: Record<string, keyof SessionFields> = {
  launch: "launch",
  lancement: "launch",
  "prairie-end": "prairieEnd",
  "fin-prairie": "prairieEnd",
  "session-start": "sessionStart",
  "debut-session": "sessionStart",
  "début-session": "sessionStart",
  "session-end": "sessionEnd",
  "fin-session": "sessionEnd",
  channel: "channelId",
  canal: "channelId",
  agate: "agate",
  referential: "referential",
  referentiel: "referential",
  référentiel: "referential",
  tz: "timezone",
  fuseau: "timezone",
  timezone: "timezone",
  "reports-lead": "reportsLeadDays",
  "remise-rapports": "reportsLeadDays",
};

export const SETTINGS_HELP =
  "lancement=AAAA-MM-JJ fin-prairie=… debut-session=… fin-session=… canal=#canal agate=3006 referentiel=rncp37827 fuseau=Europe/Paris remise-rapports=<jours avant la session>";

/** A Slack channel as typed: <#C123|nom>, C123, or the channel the command came from ("ici"). */
/** A public or private channel id; a DM (D…) is not a session channel. */
const isChannelId = (id: string | null): id is string => !!id && /^[CG][A-Z0-9]+$/.test(id);

function parseChannel(value: string, here: string | null): string | null {
  if (/^(ici|here)$/i.test(value)) {
    if (!isChannelId(here))
      throw invalid("canal=ici : lancez la commande dans le canal de la session, pas en message direct.");
    return here;
  }
  if (/^(aucun|none|-)$/i.test(value)) return null;
  const m = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(value) ?? /^([CG][A-Z0-9]{6,})$/.exec(value);
  if (!m)
    throw invalid(
      `canal invalide « ${value} » : choisissez-le avec #, par exemple canal=#promo-ia, ou canal=ici.`,
    );
  return m[1]!;
}

/** Applies `key=value` settings to a session's fields, checking each and the milestones' order. */
export function applySettings(
  base: SessionFields,
  settings: ReadonlyMap<string, string>,
  knowledge: SessionKnowledge,
  here: string | null,
): SessionFields {
  const next: SessionFields = { ...base };
  for (const [rawKey, value] of settings) {
    const key = SETTING_KEYS[rawKey.toLowerCase()];
    if (!key) throw invalid(`réglage inconnu « ${rawKey} ». Réglages : ${SETTINGS_HELP}`);
    switch (key) {
      case "launch":
      case "prairieEnd":
      case "sessionStart":
      case "sessionEnd": {
        if (/^(aucune?|none|-)$/i.test(value)) {
          next[key] = null;
          break;
        }
        const date = parseDate(value);
        if (!date)
          throw invalid(
            `date invalide pour ${rawKey} : « ${value} » ; attendu AAAA-MM-JJ (ex. 2025-05-05) ou JJ/MM/AAAA.`,
          );
        next[key] = date;
        break;
      }
      case "channelId":
        next.channelId = parseChannel(value, here);
        break;
      case "agate":
        if (!AGATE.test(value))
          throw invalid(`code agate invalide « ${value} » : lettres et chiffres seulement (ex. 3006).`);
        next.agate = value;
        break;
      case "referential":
        if (!knowledge.referentials.some((r) => r.id === value))
          throw invalid(
            `référentiel inconnu « ${value} » ; référentiels : ${knowledge.referentials.map((r) => r.id).join(", ")}.`,
          );
        next.referential = value;
        break;
      case "timezone":
        if (!isTimeZone(value) || !value.includes("/"))
          throw invalid(`fuseau horaire inconnu « ${value} » ; attendu un fuseau IANA, ex. Europe/Paris.`);
        next.timezone = value;
        break;
      case "reportsLeadDays": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 60)
          throw invalid(`remise-rapports attend un nombre de jours entre 0 et 60, pas « ${value} ».`);
        next.reportsLeadDays = n;
        break;
      }
      case "name":
        break;
    }
  }
  const problem = milestoneProblem(next);
  if (problem) throw invalid(problem);
  return next;
}

export function sessionFields(s: Session): SessionFields {
  return {
    name: s.name,
    referential: s.referential,
    agate: s.agate,
    channelId: s.channelId,
    timezone: s.timezone,
    launch: s.launch,
    prairieEnd: s.prairieEnd,
    sessionStart: s.sessionStart,
    sessionEnd: s.sessionEnd,
    reportsLeadDays: s.reportsLeadDays,
  };
}

export async function createSession(
  deps: SessionDeps,
  actor: Actor,
  name: string,
  settings: ReadonlyMap<string, string>,
  here: string | null,
): Promise<Session> {
  if (!(await canCreateSession(deps.db, actor)))
    throw new CertibotError("NOT_ALLOWED", {
      hint: "Seuls les administrateurs (ADMIN_USER_IDS) et les responsables de session créent des sessions.",
    });
  const clean = normaliseSessionName(name);
  if (!SESSION_NAME.test(clean))
    throw invalid(
      `nom de session invalide « ${name} » : 2 à 40 caractères, lettres, chiffres, - ou _ (ex. dev-ia-2023).`,
    );
  const base: SessionFields = {
    name: clean,
    referential: deps.knowledge.defaultReferential,
    agate: null,
    channelId: isChannelId(here) ? here : null,
    timezone: "Europe/Paris",
    launch: null,
    prairieEnd: null,
    sessionStart: null,
    sessionEnd: null,
    reportsLeadDays: 1,
  };
  const fields = applySettings(base, settings, deps.knowledge, here);
  return deps.db.transaction(async (tx) => {
    const session = await insertSession(tx, fields, actor.id);
    if (!session)
      throw invalid(`la session « ${clean} » existe déjà ; modifiez-la avec /session set ${clean} …`);
    if (actor.id !== "cli")
      await upsertMember(
        tx,
        session.id,
        { role: "manager", slackUserId: actor.id, email: null, nom: "", prenom: "" },
        actor.id,
      );
    return session;
  });
}

export async function changeSession(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  settings: ReadonlyMap<string, string>,
  here: string | null,
): Promise<Session> {
  await requirePermission(deps.db, session, actor, "change");
  if (!settings.size) throw invalid(`rien à changer ; réglages : ${SETTINGS_HELP}`);
  return updateSession(
    deps.db,
    session.id,
    applySettings(sessionFields(session), settings, deps.knowledge, here),
  );
}

/** The sessions a person may look at: all of them for administrators. */
export async function visibleSessions(
  deps: SessionDeps,
  actor: Actor,
): Promise<Array<{ session: Session; roles: Role[] }>> {
  if (actor.admin) {
    const mine = new Map((await sessionsOfUser(deps.db, actor.id)).map((m) => [m.session.id, m.roles]));
    return (await allSessions(deps.db)).map((s) => ({
      session: s,
      roles: [...new Set<Role>(["manager", ...(mine.get(s.id) ?? [])])],
    }));
  }
  return sessionsOfUser(deps.db, actor.id);
}

export function sessionDeadlines(session: Session, knowledge: SessionKnowledge) {
  return computeDeadlines(session, knowledge.rules, session.reportsLeadDays);
}

export type DeadlineState =
  | { kind: "done"; done: DoneRecord }
  | { kind: "upcoming"; daysLeft: number }
  | { kind: "today" }
  | { kind: "overdue"; daysLate: number };

export interface StatusDeadline {
  deadline: Deadline;
  state: DeadlineState;
}

export interface StatusMilestone {
  milestone: Milestone;
  date: IsoDate | null;
  /** Days from today (negative: past). */
  days: number | null;
}

export interface ReportSummary {
  deliverable: string;
  ok: number;
  failing: number;
  notChecked: number;
}

/** What `/session status` shows; `own` is the candidate's view, `all` the staff's. */
export interface SessionStatus {
  session: Session;
  roles: Role[];
  today: IsoDate;
  milestones: StatusMilestone[];
  deadlines: StatusDeadline[];
  /** Deadlines that need a milestone not set yet. */
  missingMilestones: Milestone[];
  all: {
    candidates: number;
    trainers: number;
    managers: number;
    reports: ReportSummary[];
    jury: { members: Member[]; issues: JuryIssue[] };
  } | null;
  own: {
    reports: Array<{ deliverable: string; ok: boolean; checkedAt: Date }>;
  } | null;
}

function stateOf(d: Deadline, done: Map<string, DoneRecord>, today: IsoDate): DeadlineState {
  const record = done.get(d.id);
  if (record) return { kind: "done", done: record };
  const left = daysBetween(today, d.due);
  if (left > 0) return { kind: "upcoming", daysLeft: left };
  if (left === 0) return { kind: "today" };
  return { kind: "overdue", daysLate: -left };
}

export async function sessionStatus(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  now: Date,
  deliverableIds: readonly string[],
): Promise<SessionStatus> {
  const roles = await requirePermission(deps.db, session, actor, "view-own");
  const staff = roles.includes("manager") || roles.includes("trainer");
  const today = localDate(now, session.timezone);
  const { deadlines, missing } = sessionDeadlines(session, deps.knowledge);
  const done = await doneOf(deps.db, session.id);
  const milestones = (["launch", "prairieEnd", "sessionStart", "sessionEnd"] as const).map((m) => ({
    milestone: m,
    date: session[m],
    days: session[m] ? daysBetween(today, session[m]!) : null,
  }));
  const shown = staff ? deadlines : deadlines.filter((d) => d.candidates);
  const status: SessionStatus = {
    session,
    roles,
    today,
    milestones,
    deadlines: shown.map((d) => ({ deadline: d, state: stateOf(d, done, today) })),
    missingMilestones: [...new Set(missing.map((r) => r.anchor))],
    all: null,
    own: null,
  };
  if (staff) {
    const members = await membersOf(deps.db, session.id);
    const candidates = members.filter((m) => m.role === "candidate");
    const ids = candidates.map((c) => c.slackUserId).filter((x): x is string => !!x);
    const checks = await latestReportChecks(deps.db, ids);
    const reports = deliverableIds.map((deliverable) => {
      const of = checks.filter((c) => c.deliverable === deliverable);
      const ok = of.filter((c) => c.ok).length;
      return { deliverable, ok, failing: of.length - ok, notChecked: candidates.length - of.length };
    });
    status.all = {
      candidates: candidates.length,
      trainers: members.filter((m) => m.role === "trainer").length,
      managers: members.filter((m) => m.role === "manager").length,
      reports,
      jury: juryOfMembers(members),
    };
  } else {
    const checks = await latestReportChecks(deps.db, [actor.id]);
    status.own = {
      reports: checks.map(({ deliverable, ok, checkedAt }) => ({ deliverable, ok, checkedAt })),
    };
  }
  return status;
}

export async function markDeadlineDone(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  deadlineId: string,
): Promise<{ deadline: Deadline | null; done: DoneRecord }> {
  await requirePermission(deps.db, session, actor, "change");
  const rule = deps.knowledge.rules.find((r) => r.id === deadlineId.trim().toLowerCase());
  if (!rule)
    throw invalid(
      `échéance inconnue « ${deadlineId} » ; échéances : ${deps.knowledge.rules.map((r) => r.id).join(", ")}.`,
    );
  const done = await markDone(deps.db, session.id, rule.id, actor.id);
  const deadline = sessionDeadlines(session, deps.knowledge).deadlines.find((d) => d.id === rule.id) ?? null;
  return { deadline, done };
}

/** Resolves e-mail addresses to Slack ids (users.lookupByEmail); null when unknown. */
export type EmailResolver = (email: string) => Promise<string | null>;

export interface RosterImport {
  added: number;
  updated: number;
  /** People linked to their Slack account through their e-mail. */
  linked: number;
  byRole: Partial<Record<Role, number>>;
}

export async function importRoster(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  csv: string,
  resolveEmail: EmailResolver | null,
): Promise<RosterImport> {
  await requirePermission(deps.db, session, actor, "change");
  const rows = parseRoster(csv);
  // Look-ups happen before the transaction: a slow Slack must not hold locks.
  const ids = new Map<string, string>();
  if (resolveEmail)
    for (const r of rows)
      if (r.email) {
        const id = await resolveEmail(r.email).catch(() => null);
        if (id) ids.set(r.email, id);
      }
  return deps.db.transaction(async (tx) => {
    const result: RosterImport = { added: 0, updated: 0, linked: 0, byRole: {} };
    for (const r of rows) {
      const slackUserId = r.email ? (ids.get(r.email) ?? null) : null;
      const { created } = await upsertMember(
        tx,
        session.id,
        { role: r.role, slackUserId, email: r.email, nom: r.nom, prenom: r.prenom },
        actor.id,
      );
      if (created) result.added++;
      else result.updated++;
      if (slackUserId) result.linked++;
      result.byRole[r.role] = (result.byRole[r.role] ?? 0) + 1;
    }
    return result;
  });
}

export interface RosterEntry {
  member: Member;
  pvId: string | null;
  position: number;
}

export async function rosterOf(deps: SessionDeps, actor: Actor, session: Session): Promise<RosterEntry[]> {
  await requirePermission(deps.db, session, actor, "view-all");
  return candidatesWithIds(deps.db, session);
}

async function candidatesWithIds(db: Queryable, session: Session): Promise<RosterEntry[]> {
  const candidates = await membersOf(db, session.id, "candidate");
  return withPvIds(
    session.agate ?? "",
    candidates.map((m) => ({ nom: m.nom, prenom: m.prenom, member: m })),
  ).map((c) => ({ member: c.member, position: c.position, pvId: session.agate ? c.pvId : null }));
}

/** Someone named in a command: a Slack mention, or "Prénom Nom" / "Nom Prénom". */
export type PersonRef = { slackUserId: string } | { name: string };

export function parsePersonRef(text: string): PersonRef {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text.trim());
  return m ? { slackUserId: m[1]! } : { name: text.trim() };
}

function splitName(name: string): { nom: string; prenom: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { nom: parts[0] ?? "", prenom: "" };
  // "Prénom Nom" as people usually type it; the last word is the nom.
  return { prenom: parts.slice(0, -1).join(" "), nom: parts.at(-1)! };
}

function findMember(members: readonly Member[], ref: PersonRef): Member | undefined {
  if ("slackUserId" in ref) return members.find((m) => m.slackUserId === ref.slackUserId);
  const words = nameKey(ref.name, "").split(" ").sort().join(" ");
  return members.find((m) => nameKey(m.nom, m.prenom).split(" ").sort().join(" ") === words);
}

export async function addJuryMember(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  ref: PersonRef,
  opts: { years: number | null; professional: boolean; email: string | null },
): Promise<{ member: Member; members: Member[]; issues: JuryIssue[] }> {
  await requirePermission(deps.db, session, actor, "change");
  if (opts.years !== null && (!Number.isInteger(opts.years) || opts.years < 0 || opts.years > 60))
    throw invalid("annees attend un nombre entier d'années d'expérience (ex. annees=5).");
  const name = "name" in ref ? splitName(ref.name) : { nom: "", prenom: "" };
  if ("name" in ref && !name.prenom)
    throw invalid(
      `indiquez le prénom et le nom (« Prénom Nom ») ou mentionnez la personne (@…), pas « ${ref.name} ».`,
    );
  const { member } = await upsertMember(
    deps.db,
    session.id,
    {
      role: "jury",
      slackUserId: "slackUserId" in ref ? ref.slackUserId : null,
      email: opts.email,
      ...name,
      professional: opts.professional,
      yearsExperience: opts.years,
    },
    actor.id,
  );
  return { member, ...juryOfMembers(await membersOf(deps.db, session.id)) };
}

export async function removeMember(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  role: Role,
  ref: PersonRef,
): Promise<Member> {
  await requirePermission(deps.db, session, actor, "change");
  const member = findMember(await membersOf(deps.db, session.id, role), ref);
  if (!member) throw invalid(`personne introuvable parmi les membres « ${role} » de la session.`);
  await deleteMember(deps.db, member.id);
  return member;
}

export async function addMember(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  role: Role,
  slackUserId: string,
): Promise<Member> {
  await requirePermission(deps.db, session, actor, "change");
  const { member } = await upsertMember(
    deps.db,
    session.id,
    { role, slackUserId, email: null, nom: "", prenom: "" },
    actor.id,
  );
  return member;
}

export async function juryOf(deps: SessionDeps, actor: Actor, session: Session) {
  await requirePermission(deps.db, session, actor, "view-all");
  return juryOfMembers(await membersOf(deps.db, session.id));
}

export async function recordDecision(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  candidate: string,
  decision: Decision,
  comment: string | null,
): Promise<{ entry: RosterEntry; warning: string | null }> {
  await requirePermission(deps.db, session, actor, "change");
  const entry = findCandidate(await candidatesWithIds(deps.db, session), candidate);
  const text = comment?.trim() || null;
  await setDecision(deps.db, session.id, entry.member.id, decision, text, actor.id);
  const warning =
    decision === "refuse" && !text
      ? "Le commentaire est obligatoire en cas de refus : ajoutez-le (/session decision … refusé <commentaire>), sinon le PV le signalera."
      : null;
  return { entry, warning };
}

/** `roster remove`: by PV id, "Prénom Nom" or mention; the PV positions of the others follow. */
export async function removeCandidate(
  deps: SessionDeps,
  actor: Actor,
  session: Session,
  who: string,
): Promise<RosterEntry> {
  await requirePermission(deps.db, session, actor, "change");
  const entry = findCandidate(await candidatesWithIds(deps.db, session), who);
  await deleteMember(deps.db, entry.member.id);
  return entry;
}

function findCandidate(roster: readonly RosterEntry[], who: string): RosterEntry {
  const byPv = roster.find((e) => e.pvId && e.pvId.toLowerCase() === who.trim().toLowerCase());
  const member = byPv
    ? byPv.member
    : findMember(
        roster.map((r) => r.member),
        parsePersonRef(who),
      );
  const entry = roster.find((e) => e.member === member);
  if (!entry)
    throw invalid(
      `candidat introuvable « ${who} » : indiquez son identifiant PV (ex. ${roster[0]?.pvId ?? "3006-ND-08"}), « Prénom Nom » ou @mention.`,
    );
  return entry;
}

export async function exportPv(deps: SessionDeps, actor: Actor, session: Session): Promise<Pv> {
  await requirePermission(deps.db, session, actor, "change");
  const roster = await candidatesWithIds(deps.db, session);
  const decisions = await decisionsOf(deps.db, session.id);
  const ref = deps.knowledge.referentials.find((r) => r.id === session.referential);
  return buildPv(
    session,
    { name: ref?.certification ?? session.referential, rncp: ref?.rncp ?? null },
    roster.map((e) => ({ member: e.member, pvId: e.pvId, decision: decisions.get(e.member.id) ?? null })),
  );
}

/** Called when a Slack user's e-mail is known: links roster rows imported by e-mail. */
export function linkSlackUser(db: Queryable, email: string, slackUserId: string): Promise<number> {
  return linkEmail(db, email, slackUserId);
}
