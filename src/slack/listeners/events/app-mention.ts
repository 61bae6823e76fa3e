import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { answerInThread, cleanQuestion } from "../../respond.js";

/** @certibot in a channel: answer in the mention's thread (starting one if needed). */
export function appMention(deps: SlackDeps) {
  return async ({ event, client, body }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs) => {
    if (event.bot_id || !event.user) return;
    const question = cleanQuestion(event.text);
    await answerInThread(deps, {
      client,
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
      messageTs: event.ts,
      user: event.user,
      team: (body as { team_id?: string }).team_id ?? null,
      question: question || "aide",
    });
  };
}
