import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { inboxOf } from "../../inbox.js";
import { checkUploadedReports, type SlackFile } from "../../report-files.js";
import { answerInThread, cleanQuestion } from "../../respond.js";

/**
 * @certibot in a channel: answer in the mention's thread (starting one if needed);
 * files attached to the mention are checked as reports.
 */
export function appMention(deps: SlackDeps) {
  return async ({
    event,
    client,
    body,
    context,
  }: SlackEventMiddlewareArgs<"app_mention"> & AllMiddlewareArgs) => {
    if (event.bot_id || !event.user) return;
    const files = (event as { files?: SlackFile[] }).files;
    const question = cleanQuestion(event.text);
    if (files?.length) {
      await checkUploadedReports(deps, {
        client,
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        user: event.user,
        files,
        text: question,
        inbox: inboxOf(context),
      });
      return;
    }
    await answerInThread(deps, {
      client,
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
      messageTs: event.ts,
      user: event.user,
      team: (body as { team_id?: string }).team_id ?? null,
      question: question || "aide",
      inbox: inboxOf(context),
    });
  };
}
