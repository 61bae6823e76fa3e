import type { Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { rolesIn } from "./store.js";
import type { Role, Session } from "./types.js";

/**
 * Who is asking. Slack users come with their id; the CLI is run by an
 * operator on the server and acts as an administrator.
 */
export interface Actor {
  id: string;
  /** In ADMIN_USER_IDS, or the CLI: manager of every session, may create sessions. */
  admin: boolean;
}

export const CLI_ACTOR: Actor = { id: "cli", admin: true };

export function actorFor(slackUserId: string, adminUserIds: readonly string[]): Actor {
  return { id: slackUserId, admin: adminUserIds.includes(slackUserId) };
}

/**
 * Every permission in one place. `change` is anything that alters a session
 * (milestones, roster, jury, decisions, deadlines done, veille settings);
 * `view-all` is seeing everyone's data (roster with PV ids, all report checks,
 * everyone's veille); `view-own` is a candidate's own view; `log` is logging
 * one's own veille.
 */
export type Permission = "change" | "view-all" | "view-own" | "log";

const GRANTS: Record<Permission, readonly Role[]> = {
  change: ["manager"],
  "view-all": ["manager", "trainer"],
  "view-own": ["manager", "trainer", "candidate", "jury", "project-team"],
  log: ["manager", "trainer", "candidate"],
};

export function allows(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => GRANTS[permission].includes(r));
}

/** The actor's roles in the session; an administrator is a manager everywhere. */
export async function rolesOf(db: Queryable, session: Session, actor: Actor): Promise<Role[]> {
  const roles = actor.id === CLI_ACTOR.id ? [] : await rolesIn(db, session.id, actor.id);
  return actor.admin && !roles.includes("manager") ? ["manager", ...roles] : roles;
}

const REFUSALS: Record<Permission, string> = {
  change: "seuls les responsables de la session peuvent la modifier",
  "view-all":
    "seuls les responsables et les formateurs de la session voient les données de tous les candidats",
  "view-own": "vous ne faites pas partie de cette session",
  log: "seuls les membres de la session (apprenants, formateurs, responsables) y consignent une veille",
};

/** Throws NOT_ALLOWED, with the session named, unless the actor may; returns their roles. */
export async function requirePermission(
  db: Queryable,
  session: Session,
  actor: Actor,
  permission: Permission,
): Promise<Role[]> {
  const roles = await rolesOf(db, session, actor);
  if (!allows(roles, permission))
    throw new CertibotError("NOT_ALLOWED", {
      hint: `Session « ${session.name} » : ${REFUSALS[permission]}.`,
    });
  return roles;
}

/** Creating a session: administrators, and anyone already managing one. */
export async function canCreateSession(db: Queryable, actor: Actor): Promise<boolean> {
  if (actor.admin) return true;
  const rows = await db.query(
    "select 1 as x from session_members where slack_user_id = $1 and role = 'manager' limit 1",
    [actor.id],
  );
  return rows.length > 0;
}

/**
 * Whose view a person gets, from their roles in the session: managers see
 * everything; trainers what concerns trainers and everyone's progress;
 * candidates their own obligations (what they hand in and when, their
 * verdicts, their veille); jury and project team what names them.
 */
export type Viewer = "manager" | "trainer" | "candidate" | "member";

export function viewerOf(roles: readonly Role[]): Viewer {
  if (roles.includes("manager")) return "manager";
  if (roles.includes("trainer")) return "trainer";
  if (roles.includes("candidate")) return "candidate";
  return "member";
}

/**
 * Whether a deadline of the guide is shown to this viewer as theirs. The
 * deadlines are the session managers' tasks: a trainer sees those they are
 * notified of, jury and project team those naming their role; a candidate
 * sees none as a task (their own hand-in is shown as their deliverables).
 */
export function deadlineShown(
  viewer: Viewer,
  roles: readonly Role[],
  deadline: { notify: readonly Role[] },
): boolean {
  switch (viewer) {
    case "manager":
      return true;
    case "trainer":
      return deadline.notify.includes("trainer");
    case "candidate":
      return false;
    case "member":
      return roles.some((r) => deadline.notify.includes(r));
  }
}
