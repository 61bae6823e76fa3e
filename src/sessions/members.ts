import type { Queryable } from "../db/db.js";
import { type Actor, requirePermission } from "./access.js";
import { type JuryIssue, juryOfMembers } from "./jury.js";
import { invalid, type SessionDeps } from "./knowledge.js";
import { buildPv, type Pv } from "./pv.js";
import { parseRoster, withPvIds } from "./roster.js";
import { decisionsOf, deleteMember, membersOf, nameKey, setDecision, upsertMember } from "./store.js";
import type { Decision, Member, Role, Session } from "./types.js";

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
