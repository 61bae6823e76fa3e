import type { Queryable } from "../db/db.js";
import type { Actor } from "./access.js";
import type { SessionDeps } from "./knowledge.js";
import { allSessions, linkEmail, sessionsOfUser } from "./store.js";
import type { Role, Session } from "./types.js";

/**
 * The sessions feature, by concern: `knowledge.ts` (what it reads from
 * knowledge/), `settings.ts` (create, set), `status.ts` (status per role,
 * deadlines done), `members.ts` (roster, jury, decisions, PV). Permissions
 * are decided in `access.ts` only.
 */
export * from "./knowledge.js";
export * from "./members.js";
export * from "./settings.js";
export * from "./status.js";

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

/** Called when a Slack user's e-mail is known: links roster rows imported by e-mail. */
export function linkSlackUser(db: Queryable, email: string, slackUserId: string): Promise<number> {
  return linkEmail(db, email, slackUserId);
}
