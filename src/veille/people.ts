import type { Queryable } from "../db/db.js";
import { membersOf } from "../sessions/store.js";
import type { Member, Role } from "../sessions/types.js";
import type { VeillePerson } from "./types.js";

/** "Prénom Nom" as the roster has it; the Slack id only when the roster has no name. */
export function personOf(m: Member): VeillePerson {
  return { slackUserId: m.slackUserId, name: `${m.prenom} ${m.nom}`.trim() || m.slackUserId || "(sans nom)" };
}

/** The Slack ids of a role's members; people not yet linked to Slack cannot be messaged. */
export async function slackIdsOf(db: Queryable, sessionId: number, role: Role): Promise<string[]> {
  return (await membersOf(db, sessionId, role)).flatMap((m) => (m.slackUserId ? [m.slackUserId] : []));
}
