import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { homeView, SUGGESTED_PROMPTS } from "../../views/home-view.js";

/** Home tab: publish the view. Messages tab: offer the suggested prompts. */
export function appHomeOpened(deps: SlackDeps) {
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
    await client.views.publish({ user_id: event.user, view: homeView(deps.answering.retriever.records) });
  };
}
