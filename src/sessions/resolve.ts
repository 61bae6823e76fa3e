import type { Queryable } from "../db/db.js";
import { CertibotError } from "../errors.js";
import type { Actor } from "./access.js";
import { allSessions, sessionByName, sessionsInChannel, sessionsOfUser } from "./store.js";
import type { Session } from "./types.js";

/** Session names are typed in commands: short, lower case, no spaces. */
export const SESSION_NAME = /^[a-z0-9][a-z0-9_-]{1,39}$/;

export function normaliseSessionName(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * The session a command is about: the one named; else the one bound to the
 * channel it was typed in; else the only one the person belongs to.
 */
export async function resolveSession(
  db: Queryable,
  name: string | null,
  where: { channelId?: string | null; actor: Actor },
): Promise<Session> {
  if (name) {
    const session = await sessionByName(db, normaliseSessionName(name));
    if (session) return session;
    // Only administrators learn every session's name; others see their own.
    const known = where.actor.admin
      ? (await allSessions(db)).map((s) => s.name)
      : (await sessionsOfUser(db, where.actor.id)).map((m) => m.session.name);
    throw new CertibotError("SESSION_UNKNOWN", {
      hint: `« ${name} » n'existe pas. ${known.length ? `Vos sessions : ${known.join(", ")}.` : "Aucune session à votre nom (/session list)."}`,
    });
  }
  if (where.channelId) {
    const here = await sessionsInChannel(db, where.channelId);
    if (here.length === 1) return here[0]!;
    if (here.length > 1)
      throw new CertibotError("SESSION_INVALID", {
        hint: `Plusieurs sessions utilisent ce canal : précisez laquelle (${here.map((s) => s.name).join(", ")}).`,
      });
  }
  const mine = await sessionsOfUser(db, where.actor.id);
  if (mine.length === 1) return mine[0]!.session;
  const all = await allSessions(db);
  if (all.length === 1 && where.actor.admin) return all[0]!;
  if (!all.length)
    throw new CertibotError("SESSION_UNKNOWN", {
      hint: "Aucune session n'a encore été créée : /session create <nom> (responsables de session).",
    });
  const names = (mine.length ? mine.map((m) => m.session) : where.actor.admin ? all : []).map((s) => s.name);
  if (!names.length)
    throw new CertibotError("SESSION_UNKNOWN", {
      hint: "Vous ne faites partie d'aucune session : demandez à votre responsable de session de vous y ajouter.",
    });
  throw new CertibotError("SESSION_INVALID", {
    hint: `Précisez la session (${names.join(", ")}), ou lancez la commande dans le canal de la session.`,
  });
}
