import type { KnownBlock } from "@slack/types";
import type { WebClient } from "@slack/web-api";
import { type Actor, actorFor } from "../sessions/access.js";
import {
  type EmailResolver,
  linkSlackUser,
  loadSessionKnowledge,
  type SessionDeliverable,
  type SessionDeps,
} from "../sessions/service.js";
import type { SessionStatus } from "../sessions/status.js";
import { sessionsOfUser } from "../sessions/store.js";
import { veilleStatus, veilleSummaryForSession } from "../veille/service.js";
import type { SlackDeps } from "./deps.js";
import { deliverablesFor } from "./report-files.js";
import { ownVeilleBlocks, veilleSummaryBlocks } from "./views/veille-blocks.js";

const cache = new WeakMap<
  SlackDeps,
  Promise<{ sessions: SessionDeps; deliverables: SessionDeliverable[] }>
>();

/** The sessions feature's dependencies, loaded once per app from knowledge/. */
export function sessionDepsFor(
  deps: SlackDeps,
): Promise<{ sessions: SessionDeps; deliverables: SessionDeliverable[] }> {
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
                title: r.title,
                certification: r.certification ?? r.title,
                rncp: r.rncp ?? null,
              })) ?? fromFiles,
          }),
        },
        deliverables,
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

/**
 * The veille part of a session's status, for its viewer: the session summary
 * for managers and trainers, one's own weeks for a candidate, nothing for the
 * others. Composed here so neither feature depends on the other.
 */
export async function veilleBlocksFor(
  deps: SlackDeps,
  userId: string,
  st: SessionStatus,
  now: Date,
  compact: boolean,
): Promise<KnownBlock[]> {
  const s = st.session;
  if (st.all) return veilleSummaryBlocks(await veilleSummaryForSession(deps.db, s, now), s.timezone, compact);
  if (st.viewer === "candidate") {
    const view = await veilleStatus(deps.db, actorOf(deps, userId), s, now);
    return view.kind === "own" ? ownVeilleBlocks(view.status) : [];
  }
  return [];
}
