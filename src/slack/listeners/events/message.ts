import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { recentTurns } from "../../../answering/conversations.js";
import type { SlackDeps } from "../../deps.js";
import { inboxOf } from "../../inbox.js";
import { addKnowledgeFromDm, channelDefaults, KNOWLEDGE_ADD } from "../../knowledge-files.js";
import { checkUploadedReports, type SlackFile } from "../../report-files.js";
import { answerInDirectMessage, answerInThread, cleanQuestion, conversationId } from "../../respond.js";
import { canConfigure } from "../commands/certibot-command.js";

/**
 * Direct messages (the Messages tab) are all answered, streamed. In channels,
 * a message in a thread the bot already answers in is a follow-up, unless the
 * channel asked for mentions only. Edits, deletions, bot posts (ours
 * included) and messages that mention the bot (app_mention handles those)
 * are ignored. Files shared in a DM are checked as reports (in channels, only
 * when the message mentions the bot: app_mention handles those).
 */
export function message(deps: SlackDeps) {
  return async ({
    event,
    client,
    body,
    context,
  }: SlackEventMiddlewareArgs<"message"> & AllMiddlewareArgs) => {
    if (event.subtype === "file_share") {
      const e = event as typeof event & { files?: SlackFile[]; user?: string; text?: string };
      if (e.channel_type !== "im" || !e.user || e.user === context.botUserId || !e.files?.length) return;
      if (KNOWLEDGE_ADD.test(e.text ?? "")) {
        await addKnowledgeFromDm(deps, {
          client,
          channel: e.channel,
          threadTs: e.thread_ts ?? e.ts,
          user: e.user,
          files: e.files,
          text: e.text ?? "",
          isAdmin: await canConfigure(deps, client, e.user),
        });
        return;
      }
      await checkUploadedReports(deps, {
        client,
        channel: e.channel,
        threadTs: e.thread_ts ?? e.ts,
        user: e.user,
        files: e.files,
        text: e.text ?? "",
        inbox: inboxOf(context),
      });
      return;
    }
    if (event.subtype !== undefined) return;
    if (event.bot_id || !event.user || event.user === context.botUserId) return;
    const text = event.text ?? "";
    const team = (body as { team_id?: string }).team_id ?? null;
    const base = {
      client,
      channel: event.channel,
      messageTs: event.ts,
      user: event.user,
      team,
      inbox: inboxOf(context),
    };

    if (event.channel_type === "im") {
      const question = cleanQuestion(text);
      if (!question) return;
      await answerInDirectMessage(deps, { ...base, threadTs: event.thread_ts ?? event.ts, question });
      return;
    }
    if (!event.thread_ts || (context.botUserId && text.includes(`<@${context.botUserId}>`))) return;
    // The thread's turns say whether the bot follows it, and are the follow-up's context.
    const history = await recentTurns(deps.db, conversationId(event.channel, event.thread_ts));
    if (!history.length) return;
    const settings = await channelDefaults(deps.db, event.channel);
    if (settings.mentionsOnly) return;
    const question = cleanQuestion(text);
    if (!question) return;
    await answerInThread(deps, {
      ...base,
      threadTs: event.thread_ts,
      question,
      known: { history, settings },
    });
  };
}
