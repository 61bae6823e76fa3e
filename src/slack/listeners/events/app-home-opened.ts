import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { sessionStatus, visibleSessions } from "../../../sessions/service.js";
import type { SlackDeps } from "../../deps.js";
import { actorOf, linkByEmail, sessionDepsFor, veilleBlocksFor } from "../../sessions.js";
import { homeView, SUGGESTED_PROMPTS } from "../../views/home-view.js";
import { sessionStatusBlocks } from "../../views/session-blocks.js";

/** Sessions shown on the Home tab: the nearest ones, compact, for the viewer's role. */
const HOME_SESSIONS = 3;

async function sessionsSection(deps: SlackDeps, userId: string, now: Date): Promise<KnownBlock[]> {
  const { sessions, deliverables } = await sessionDepsFor(deps);
  const actor = actorOf(deps, userId);
  const visible = (await visibleSessions(sessions, actor)).slice(0, HOME_SESSIONS);
  const blocks: KnownBlock[] = [];
  for (const { session } of visible) {
    const st = await sessionStatus(sessions, actor, session, now, deliverables);
    blocks.push(...sessionStatusBlocks(st, { compact: true }));
    blocks.push(...(await veilleBlocksFor(deps, userId, st, now, true)));
    blocks.push({ type: "divider" });
  }
  return blocks;
}

/** Home tab: publish the view (with the viewer's sessions). Messages tab: offer the suggested prompts. */
export function appHomeOpened(deps: SlackDeps, now: () => Date = () => new Date()) {
  return async ({ event, client }: SlackEventMiddlewareArgs<"app_home_opened"> & AllMiddlewareArgs) => {
    if (event.tab === "messages") {
      await client.assistant.threads
        .setSuggestedPrompts({
          channel_id: event.channel,
          title: "Exemples de questions",
          prompts: [...SUGGESTED_PROMPTS],
        })
        .catch((e) => deps.log.warn("suggested prompts failed", { error: e as Error }));
      return;
    }
    // The Home tab must show even if the sessions part fails.
    const sessions = await linkByEmail(deps, client, event.user)
      .then(() => sessionsSection(deps, event.user, now()))
      .catch((e) => {
        deps.log.error("home sessions failed", { error: e as Error });
        return [];
      });
    const titles = await sessionDepsFor(deps)
      .then((d) => d.sessions.knowledge.referentials)
      .catch(() => []);
    await client.views.publish({
      user_id: event.user,
      view: homeView(deps.answering.retriever.records, sessions, titles),
    });
  };
}
