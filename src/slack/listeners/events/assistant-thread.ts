import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { setThreadContext } from "../../../answering/conversations.js";
import type { SlackDeps } from "../../deps.js";
import { conversationId } from "../../respond.js";
import { SUGGESTED_PROMPTS } from "../../views/home-view.js";

type ThreadEvent = SlackEventMiddlewareArgs<
  "assistant_thread_started" | "assistant_thread_context_changed"
>["event"];

/** Stores the channel the user is viewing for this thread (ids only), when Slack says. */
async function remember(deps: SlackDeps, event: ThreadEvent): Promise<void> {
  const t = event.assistant_thread;
  const viewed = t.context?.channel_id;
  if (viewed) await setThreadContext(deps.db, conversationId(t.channel_id, t.thread_ts), viewed);
}

/** A new thread in the agent container: its context, and suggested prompts for this thread. */
export function assistantThreadStarted(deps: SlackDeps) {
  return async ({
    event,
    client,
  }: SlackEventMiddlewareArgs<"assistant_thread_started"> & AllMiddlewareArgs) => {
    await remember(deps, event);
    const t = event.assistant_thread;
    await client.assistant.threads
      .setSuggestedPrompts({
        channel_id: t.channel_id,
        thread_ts: t.thread_ts,
        title: "Exemples de questions",
        prompts: [...SUGGESTED_PROMPTS],
      })
      .catch((e) => deps.log.warn("suggested prompts failed", { error: e as Error }));
  };
}

/** The user moved to another channel with the thread open: that channel now sets its defaults. */
export function assistantThreadContextChanged(deps: SlackDeps) {
  return async ({
    event,
  }: SlackEventMiddlewareArgs<"assistant_thread_context_changed"> & AllMiddlewareArgs) => {
    await remember(deps, event);
  };
}
