import type { Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { type Actor, requirePermission } from "../sessions/access.js";
import type { Session } from "../sessions/types.js";

/**
 * `/session erase @user`: a manager of the session (or an administrator) may
 * erase a candidate of that session. Throws NOT_ALLOWED or SESSION_INVALID
 * with a French hint; returns the candidate's name for the confirmation.
 */
export async function candidateToErase(
  db: Queryable,
  session: Session,
  actor: Actor,
  slackUserId: string,
): Promise<{ nom: string; prenom: string }> {
  await requirePermission(db, session, actor, "change");
  const [row] = await db.query<{ nom: string; prenom: string }>(
    "select nom, prenom from session_members where session_id = $1 and slack_user_id = $2 and role = 'candidate'",
    [session.id, slackUserId],
  );
  if (!row)
    throw new CertibotError("SESSION_INVALID", {
      hint: `<@${slackUserId}> n'est pas candidat·e de la session « ${session.name} ».`,
    });
  return row;
}
