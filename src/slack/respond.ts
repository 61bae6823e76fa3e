import type { WebClient } from "@slack/web-api";
import { type AnswerDetails, answerQuestion, answerQuestionStreaming } from "../answering/answer.js";
import { appendTurn, type ChannelSettings, recentTurns } from "../answering/conversations.js";
import type { ChatTurn } from "../answering/llm.js";
import { logAnswer, type SlackIds } from "../db/qa-log.js";
import { rateLimitedText } from "../ops/limits.js";
import type { SlackDeps } from "./deps.js";
import { type InboxContext, LeaseLostError } from "./inbox.js";
import { channelDefaults } from "./knowledge-files.js";
import { keyMetadata, postedPayloads } from "./post-once.js";
import { replyWithError } from "./reply-error.js";
import { isTransient } from "./transient.js";
import { answerBlocks, answerMessages } from "./views/answer-blocks.js";

export interface QuestionInThread {
  client: WebClient;
  channel: string;
  /** Thread to answer in (the mention's own ts when it starts one). */
  threadTs: string;
  /** The message asking, for the "working on it" reaction. */
  messageTs: string;
  user: string;
  team: string | null;
  question: string;
  /** Already read by the caller (a follow-up checks both before answering): not read again. */
  known?: { history: ChatTurn[]; settings: ChannelSettings };
  /** The inbox event being handled: its id keys the answer's messages, so a takeover never posts them twice. */
  inbox?: InboxContext;
}

/**
 * Parts of this event's answer already in the thread (an earlier attempt
 * posted them, then died before recording it), and whether it is complete.
 */
async function answeredParts(q: QuestionInThread): Promise<{ parts: Set<number>; complete: boolean }> {
  const parts = new Set<number>();
  let complete = false;
  if (!q.inbox?.recheck) return { parts, complete };
  for (const p of await postedPayloads(q.client, { channel: q.channel, threadTs: q.threadTs })) {
    if (p.key !== q.inbox.eventId) continue;
    const part = Number(p.part ?? 1);
    parts.add(part);
    if (part === Number(p.of ?? 1)) complete = true;
  }
  return { parts, complete };
}

/** Mentions of users, channels and the bot itself removed from a message text. */
export function cleanQuestion(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, " ")
    .replace(/<#[A-Z0-9]+(\|([^>]*))?>/g, "#$2")
    .replace(/<(https?:[^|>]+)(\|[^>]*)?>/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

export const conversationId = (channel: string, threadTs: string) => `slack:${channel}:${threadTs}`;

/**
 * Counts a question against the user's rate limit; the friendly refusal (with
 * the wait) when over it, else null.
 */
export async function questionRefusal(deps: SlackDeps, user: string): Promise<string | null> {
  const d = await deps.ops.rate(user, "question");
  return d.allowed ? null : rateLimitedText("question", d.retryAfterSeconds);
}

/** Logs an answer given in Slack (and counts it in the metrics); returns the Q&A id the feedback buttons carry. */
export function logSlackAnswer(deps: SlackDeps, a: AnswerDetails, slack: SlackIds): Promise<number> {
  deps.ops.metrics.answered(a, "slack");
  // What was answered, never the text: mode, outcome, timing, codes.
  deps.log.info("question answered", {
    mode: a.mode,
    found: a.found,
    latencyMs: Math.round(a.latencyMs),
    codes: a.sources.flatMap((s) => (s.code ? [s.code] : [])),
  });
  return logAnswer(deps.db, deps.config.storeQuestions, {
    question: a.question,
    lang: a.lang,
    referentials: a.sources.map((s) => s.referential),
    codes: a.sources.flatMap((s) => (s.code ? [s.code] : [])),
    mode: a.mode,
    found: a.found,
    latencyMs: a.latencyMs,
    slack,
  });
}

async function logAndRemember(deps: SlackDeps, q: QuestionInThread, a: AnswerDetails): Promise<number> {
  const qaId = await logSlackAnswer(deps, a, { teamId: q.team, channelId: q.channel, userId: q.user });
  await appendTurn(deps.db, conversationId(q.channel, q.threadTs), {
    question: q.question,
    answer: a.answer,
    slackUserId: q.user,
  });
  return qaId;
}

/** Posts an answer (split over several messages when long) in the thread. */
export async function postAnswer(
  client: WebClient,
  channel: string,
  threadTs: string,
  a: AnswerDetails,
  qaId: number,
  once?: { key: string; posted: Set<number>; beforePost?: () => Promise<void> },
) {
  const messages = answerMessages(a.answer);
  for (const [i, sections] of messages.entries()) {
    if (once?.posted.has(i + 1)) continue;
    await once?.beforePost?.();
    const last = i === messages.length - 1;
    const blocks = last
      ? answerBlocks(a, sections, { qaId: String(qaId), question: a.question }, false)
      : answerBlocks(
          { ...a, found: false, alsoIn: [] },
          sections,
          { qaId: null, question: a.question },
          true,
        );
    await client.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: sections.join("\n\n").slice(0, 3_000),
      blocks,
      ...(once ? { metadata: keyMetadata(once.key, { part: i + 1, of: messages.length }) } : {}),
    });
  }
}

/**
 * A question asked by mention or in a thread the bot follows: 👀 while it
 * works, then the answer in the thread with its sources and feedback buttons.
 */
export async function answerInThread(deps: SlackDeps, q: QuestionInThread): Promise<void> {
  const refusal = await questionRefusal(deps, q.user);
  if (refusal) {
    await q.client.chat.postMessage({ channel: q.channel, thread_ts: q.threadTs, text: refusal });
    return;
  }
  const react = (name: "add" | "remove") =>
    q.client.reactions[name]({ channel: q.channel, timestamp: q.messageTs, name: "eyes" }).catch((e) =>
      deps.log.warn("reaction failed", { error: e as Error }),
    );
  await react("add");
  try {
    const done = await answeredParts(q);
    if (done.complete) {
      deps.log.info("answer already posted by an earlier attempt", { eventId: q.inbox?.eventId });
      return;
    }
    const history = q.known?.history ?? (await recentTurns(deps.db, conversationId(q.channel, q.threadTs)));
    const settings = q.known?.settings ?? (await channelDefaults(deps.db, q.channel));
    const a = await answerQuestion(deps.answering, q.question, {
      history,
      defaultReferential: settings.defaultReferential ?? undefined,
    });
    const qaId = await logAndRemember(deps, q, a);
    const once = q.inbox
      ? { key: q.inbox.eventId, posted: done.parts, beforePost: q.inbox.beforePost }
      : undefined;
    await postAnswer(q.client, q.channel, q.threadTs, a, qaId, once);
  } catch (e) {
    // The inbox retries what may work later; the user hears about it only if it never does.
    if (q.inbox && (isTransient(e) || e instanceof LeaseLostError)) throw e;
    await replyWithError(deps, e, { client: q.client, channel: q.channel, threadTs: q.threadTs });
  } finally {
    await react("remove");
  }
}

/**
 * A direct message (the app's Messages tab): thread status while thinking,
 * then the answer streamed with chat.startStream/appendStream/stopStream,
 * falling back to post-then-update where streaming is refused.
 */
export async function answerInDirectMessage(deps: SlackDeps, q: QuestionInThread): Promise<void> {
  const refusal = await questionRefusal(deps, q.user);
  if (refusal) {
    await q.client.chat.postMessage({ channel: q.channel, thread_ts: q.threadTs, text: refusal });
    return;
  }
  const status = (text: string) =>
    q.client.assistant.threads
      .setStatus({ channel_id: q.channel, thread_ts: q.threadTs, status: text })
      .catch((e) => deps.log.warn("thread status failed", { error: e as Error }));
  await status("cherche dans les référentiels…");
  let streamTs: string | null = null;
  let streaming = true;
  let posted: string | null = null;
  let text = "";
  const metadata = q.inbox ? { metadata: keyMetadata(q.inbox.eventId) } : {};
  try {
    if ((await answeredParts(q)).complete) {
      deps.log.info("answer already posted by an earlier attempt", { eventId: q.inbox?.eventId });
      return;
    }
    const history = await recentTurns(deps.db, conversationId(q.channel, q.threadTs));
    const a = await answerQuestionStreaming(
      deps.answering,
      q.question,
      async (delta) => {
        text += delta;
        if (streaming) {
          try {
            if (!streamTs) {
              const res = await q.client.chat.startStream({
                channel: q.channel,
                thread_ts: q.threadTs,
                markdown_text: delta,
                recipient_user_id: q.user,
                ...(q.team ? { recipient_team_id: q.team } : {}),
              });
              streamTs = res.ts ?? null;
            } else {
              await q.client.chat.appendStream({ channel: q.channel, ts: streamTs, markdown_text: delta });
            }
            return;
          } catch (e) {
            deps.log.info("streaming refused, post then update", { error: e as Error });
            streaming = false;
          }
        }
        // Fallback: one message, updated as the text grows.
        if (!posted) {
          const res = await q.client.chat.postMessage({ channel: q.channel, thread_ts: q.threadTs, text });
          posted = res.ts ?? null;
        } else {
          await q.client.chat.update({ channel: q.channel, ts: posted, text });
        }
      },
      { history },
    );
    const qaId = await logAndRemember(deps, q, a);
    const [first = []] = answerMessages(a.answer);
    const closing = answerBlocks(a, [], { qaId: String(qaId), question: q.question });
    if (streamTs) {
      await q.client.chat.stopStream({ channel: q.channel, ts: streamTs, blocks: closing, ...metadata });
    } else if (posted) {
      const blocks = answerBlocks(a, first, { qaId: String(qaId), question: q.question });
      await q.client.chat.update({
        channel: q.channel,
        ts: posted,
        text: a.answer.slice(0, 3_000),
        blocks,
        ...metadata,
      });
    }
  } catch (e) {
    if (q.inbox && isTransient(e)) throw e;
    await replyWithError(deps, e, { client: q.client, channel: q.channel, threadTs: q.threadTs });
  } finally {
    await status("");
  }
}
