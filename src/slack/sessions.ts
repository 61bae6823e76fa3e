import type { WebClient } from "@slack/web-api";
import { type Actor, actorFor } from "../sessions/access.js";
import {
  type EmailResolver,
  linkSlackUser,
  loadSessionKnowledge,
  type SessionDeps,
} from "../sessions/service.js";
import { sessionsOfUser } from "../sessions/store.js";
import type { SlackDeps } from "./deps.js";
import { deliverablesFor } from "./report-files.js";

const cache = new WeakMap<SlackDeps, Promise<{ sessions: SessionDeps; deliverableIds: string[] }>>();

/** The sessions feature's dependencies, loaded once per app from knowledge/. */
export function sessionDepsFor(
  deps: SlackDeps,
): Promise<{ sessions: SessionDeps; deliverableIds: string[] }> {
  let p = cache.get(deps);
  if (!p) {
    p = Promise.all([
      loadSessionKnowledge(deps.config.knowledgeDir, deps.config.defaultReferential),
      deliverablesFor(deps),
    ]).then(([knowledge, deliverables]) => {
      const fromFiles = knowledge.referentials;
      return {
        // Referentials as the live index knows them: a titre added since start can name a session.
        sessions: {
          db: deps.db,
          knowledge: Object.defineProperty(knowledge, "referentials", {
            get: () =>
              deps.knowledge?.retriever.catalog.referentials.map((r) => ({
                id: r.id,
                certification: r.certification ?? r.title,
                rncp: r.rncp ?? null,
              })) ?? fromFiles,
          }),
        },
        deliverableIds: deliverables.map((d) => d.id),
      };
    });
    p.catch(() => cache.delete(deps));
    cache.set(deps, p);
  }
  return p;
}

export function actorOf(deps: SlackDeps, userId: string): Actor {
  return actorFor(userId, deps.config.adminUserIds);
}

// Users whose e-mail was already looked at by this process.
const linked = new Set<string>();

/**
 * Links a Slack user to roster rows imported with their e-mail, the first
 * time they use a session feature. Needs users:read.email; without it
 * nothing is linked and people are added by mention instead.
 */
export async function linkByEmail(deps: SlackDeps, client: WebClient, userId: string): Promise<void> {
  if (linked.has(userId)) return;
  linked.add(userId);
  if ((await sessionsOfUser(deps.db, userId)).length) return;
  const info = await client.users.info({ user: userId }).catch(() => null);
  const email = info?.user?.profile?.email;
  if (!email) return;
  const n = await linkSlackUser(deps.db, email, userId);
  if (n) deps.log.info("slack user linked to roster by e-mail", { user: userId, rows: n });
}

/** users.lookupByEmail, for roster imports: unknown addresses stay unlinked. */
export function emailResolver(client: WebClient): EmailResolver {
  return async (email) => {
    const r = await client.users.lookupByEmail({ email }).catch(() => null);
    return r?.user?.id ?? null;
  };
}
