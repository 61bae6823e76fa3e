import type { WebClient } from "@slack/web-api";
import {
  type AnswerDetails,
  type AskOptions,
  answerQuestion,
  answerQuestionStreaming,
} from "../answering/answer.js";
import { appendTurn, type ChannelSettings, recentTurns, threadContext } from "../answering/conversations.js";
import type { ChatTurn } from "../answering/llm.js";
import { logAnswer, type SlackIds } from "../db/qa-log.js";
import { truncate } from "../lib/text.js";
import { rateLimitedText } from "../ops/limits.js";
import { isAmbiguousPost } from "./client-options.js";
import type { SlackDeps } from "./deps.js";
import { type InboxContext, leaseLost } from "./inbox.js";
import { channelDefaults } from "./knowledge-files.js";
import { mrkdwnToMarkdown, SOURCES_PARAGRAPH } from "./markdown.js";
import { keyMetadata, openStreamIn, ourPayloads, postOnce, recentMessages } from "./post-once.js";
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

/** What an earlier attempt of this event left in the thread. */
interface Answered {
  /** Parts of the answer posted (it died before recording them). */
  parts: Set<number>;
  complete: boolean;
  /** A stream it started and never closed: closed with the answer, not started again. */
  openStream: string | null;
}

async function answeredParts(q: QuestionInThread): Promise<Answered> {
  const parts = new Set<number>();
  let complete = false;
  if (!q.inbox?.recheck) return { parts, complete, openStream: null };
  const messages = await recentMessages(q.client, { channel: q.channel, threadTs: q.threadTs });
  for (const p of ourPayloads(messages)) {
    if (p.key !== q.inbox.eventId) continue;
    const part = Number(p.part ?? 1);
    parts.add(part);
    if (part === Number(p.of ?? 1)) complete = true;
  }
  return { parts, complete, openStream: openStreamIn(messages, q.messageTs) };
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
export async function questionRefusal(
  deps: SlackDeps,
  user: string,
  eventId?: string,
): Promise<string | null> {
  const d = await deps.ops.rate(user, "question", eventId);
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
    const message = { channel, thread_ts: threadTs, text: sections.join("\n\n").slice(0, 3_000), blocks };
    if (once)
      await postOnce(client, { key: once.key, recheck: false }, message, {
        part: i + 1,
        of: messages.length,
      });
    else await client.chat.postMessage(message);
  }
}

/**
 * A one-message reply to the event (a refusal): keyed as its whole answer,
 * so a retry of the event finds it and posts nothing more.
 */
async function replyOnce(q: QuestionInThread, m: { text: string }): Promise<void> {
  const message = { channel: q.channel, thread_ts: q.threadTs, text: m.text };
  if (q.inbox)
    await postOnce(q.client, { key: q.inbox.eventId, recheck: q.inbox.recheck }, message, { part: 1, of: 1 });
  else await q.client.chat.postMessage(message);
}

/** Longer than this, a message is not a question (a pasted document): said so, not searched. */
export const MAX_QUESTION_CHARS = 4_000;

/** Answers an oversized message with what to do instead; true when it did. */
async function refuseTooLong(q: QuestionInThread): Promise<boolean> {
  if (q.question.length <= MAX_QUESTION_CHARS) return false;
  const n = q.question.length.toLocaleString("fr-FR");
  await replyOnce(q, {
    text: `Votre message fait ${n} caractères : je réponds aux questions de ${MAX_QUESTION_CHARS.toLocaleString("fr-FR")} caractères au plus. Posez une question plus courte ; pour faire vérifier un rapport, envoyez le fichier (PDF ou .docx) plutôt que son texte.`,
  });
  return true;
}

/** What the bot shows while it works: a status with rotating messages (Slack's agent idiom). */
export const THINKING = {
  fr: {
    status: "cherche dans les référentiels…",
    loading: [
      "Je lis les référentiels…",
      "Je cherche les passages qui répondent…",
      "Je vérifie les codes et les chiffres…",
      "Je rédige la réponse…",
    ],
  },
} as const;

/** Sets (or clears, with "") the thread's status; false where Slack refuses it (not an agent thread). */
async function threadStatus(deps: SlackDeps, q: QuestionInThread, on: boolean): Promise<boolean> {
  try {
    await q.client.assistant.threads.setStatus({
      channel_id: q.channel,
      thread_ts: q.threadTs,
      status: on ? THINKING.fr.status : "",
      ...(on ? { loading_messages: [...THINKING.fr.loading] } : {}),
    });
    return true;
  } catch (e) {
    deps.log.info("thread status refused", { error: e as Error });
    return false;
  }
}

/**
 * The channel a DM thread was opened from (assistant_thread_context_changed)
 * picks its default referential: that channel's own default, else the
 * referential of the session the channel belongs to.
 */
export async function contextReferential(deps: SlackDeps, conversation: string): Promise<string | null> {
  const viewed = await threadContext(deps.db, conversation);
  return viewed ? (await channelDefaults(deps.db, viewed)).defaultReferential : null;
}

/**
 * Answers, streaming the text with chat.startStream/appendStream/stopStream
 * (standard Markdown) and closing with the sources and feedback blocks. Where
 * streaming is refused: in a DM, one message posted then updated as the text
 * grows; in a channel thread, the answer posted whole when ready.
 */
async function streamAnswer(
  deps: SlackDeps,
  q: QuestionInThread,
  opts: AskOptions,
  fallback: "update" | "post",
  done: Answered,
): Promise<void> {
  // A stream already started (by an earlier attempt) is closed with the whole answer, never restarted.
  let streamTs: string | null = done.openStream;
  // Its text is unknown (a lost answer to an append, an earlier attempt's stream): rewritten whole at the end.
  let uncertain = streamTs !== null;
  let streaming = streamTs === null;
  let posted: string | null = null;
  let text = "";
  const a = await answerQuestionStreaming(
    deps.answering,
    q.question,
    async (delta) => {
      // The sources line is the closing context block, not streamed text.
      if (SOURCES_PARAGRAPH.test(delta)) return;
      text += delta;
      if (streaming) {
        try {
          const markdown_text = mrkdwnToMarkdown(delta);
          if (!streamTs) {
            const res = await q.client.chat.startStream({
              channel: q.channel,
              thread_ts: q.threadTs,
              markdown_text,
              recipient_user_id: q.user,
              ...(q.team ? { recipient_team_id: q.team } : {}),
            });
            streamTs = res.ts ?? null;
          } else {
            await q.client.chat.appendStream({ channel: q.channel, ts: streamTs, markdown_text });
          }
          return;
        } catch (e) {
          // A start whose answer was lost may have opened the stream: find it rather than open another.
          if (!streamTs && isAmbiguousPost(e)) streamTs = await openStream(q);
          streaming = false;
          if (streamTs) {
            deps.log.info("stream interrupted, the answer will be written whole", { error: e as Error });
            uncertain = true;
            return;
          }
          deps.log.info("streaming refused, fallback", { error: e as Error, fallback });
        }
      }
      if (fallback === "post" || streamTs) return;
      // DM fallback: one message, updated as the text grows.
      if (!posted) {
        const res = await q.client.chat.postMessage({ channel: q.channel, thread_ts: q.threadTs, text });
        posted = res.ts ?? null;
      } else {
        await q.client.chat.update({ channel: q.channel, ts: posted, text });
      }
    },
    opts,
  );
  const qaId = await logAndRemember(deps, q, a);
  // The inbox's event id marks the answer as posted, so a takeover never posts it twice.
  const metadata = q.inbox ? { metadata: keyMetadata(q.inbox.eventId) } : {};
  const whole = () => {
    const [first = []] = answerMessages(a.answer);
    return {
      text: a.answer.slice(0, 3_000),
      blocks: answerBlocks(a, first, { qaId: String(qaId), question: q.question }),
      ...metadata,
    };
  };
  if (streamTs) {
    const closing = answerBlocks(a, [], { qaId: String(qaId), question: q.question });
    try {
      await q.inbox?.beforePost();
      await q.client.chat.stopStream({
        channel: q.channel,
        ts: streamTs,
        ...(closing.length ? { blocks: closing } : {}),
        ...metadata,
      });
    } catch (e) {
      if (leaseLost(e)) throw e;
      // Lost answer, or closed already (by the lost attempt): the update below makes it whole either way.
      deps.log.info("stream not closed cleanly, the answer is written whole", { error: e as Error });
      uncertain = true;
    }
    if (uncertain) await q.client.chat.update({ channel: q.channel, ts: streamTs, ...whole() });
  } else if (posted) {
    await q.client.chat.update({ channel: q.channel, ts: posted, ...whole() });
  } else {
    await postAnswer(q.client, q.channel, q.threadTs, a, qaId, answerKey(q, done));
  }
}

/** The stream a start whose answer was lost may have opened in the thread. */
async function openStream(q: QuestionInThread): Promise<string | null> {
  const messages = await recentMessages(q.client, { channel: q.channel, threadTs: q.threadTs });
  return openStreamIn(messages, q.messageTs);
}

/** The keys that make a re-run post only the parts an earlier attempt did not. */
function answerKey(q: QuestionInThread, done: { parts: Set<number> }) {
  return q.inbox ? { key: q.inbox.eventId, posted: done.parts, beforePost: q.inbox.beforePost } : undefined;
}

/**
 * The inbox retries what may work later, and drops an event another replica
 * took over; the user hears about a failure only if it is neither.
 */
function leftToInbox(q: QuestionInThread, e: unknown): boolean {
  return q.inbox !== undefined && (isTransient(e) || leaseLost(e));
}

/**
 * A question asked by mention or in a thread the bot follows: a thread status
 * while it works (👀 where Slack refuses a status in that channel), then the
 * answer in the thread with its sources and feedback buttons. With a model
 * the answer is streamed (it arrives over time); an extractive answer is
 * ready at once and posted whole.
 */
export async function answerInThread(deps: SlackDeps, q: QuestionInThread): Promise<void> {
  if (await refuseTooLong(q)) return;
  const refusal = await questionRefusal(deps, q.user, q.inbox?.eventId);
  if (refusal) {
    await replyOnce(q, { text: refusal });
    return;
  }
  const react = (name: "add" | "remove") =>
    q.client.reactions[name]({ channel: q.channel, timestamp: q.messageTs, name: "eyes" }).catch((e) =>
      deps.log.warn("reaction failed", { error: e as Error }),
    );
  const status = await threadStatus(deps, q, true);
  if (!status) await react("add");
  try {
    const done = await answeredParts(q);
    if (done.complete) {
      deps.log.info("answer already posted by an earlier attempt", { eventId: q.inbox?.eventId });
      return;
    }
    const history = q.known?.history ?? (await recentTurns(deps.db, conversationId(q.channel, q.threadTs)));
    const settings = q.known?.settings ?? (await channelDefaults(deps.db, q.channel));
    const opts = { history, defaultReferential: settings.defaultReferential ?? undefined };
    if (deps.answering.llm) {
      await streamAnswer(deps, q, opts, "post", done);
    } else {
      const a = await answerQuestion(deps.answering, q.question, opts);
      const qaId = await logAndRemember(deps, q, a);
      await postAnswer(q.client, q.channel, q.threadTs, a, qaId, answerKey(q, done));
    }
  } catch (e) {
    if (leftToInbox(q, e)) throw e;
    await replyWithError(deps, e, { client: q.client, channel: q.channel, threadTs: q.threadTs });
  } finally {
    if (status) await threadStatus(deps, q, false);
    else await react("remove");
  }
}

/**
 * A direct message (the app's agent container): a status with loading
 * messages while thinking, the thread titled after its first question, then
 * the answer streamed in standard Markdown, falling back to post-then-update
 * where streaming is refused. The channel the user was viewing (thread
 * context) sets the default referential.
 */
export async function answerInDirectMessage(deps: SlackDeps, q: QuestionInThread): Promise<void> {
  if (await refuseTooLong(q)) return;
  const refusal = await questionRefusal(deps, q.user, q.inbox?.eventId);
  if (refusal) {
    await replyOnce(q, { text: refusal });
    return;
  }
  await threadStatus(deps, q, true);
  try {
    const done = await answeredParts(q);
    if (done.complete) {
      deps.log.info("answer already posted by an earlier attempt", { eventId: q.inbox?.eventId });
      return;
    }
    const conversation = conversationId(q.channel, q.threadTs);
    const history = await recentTurns(deps.db, conversation);
    if (!history.length)
      await q.client.assistant.threads
        .setTitle({ channel_id: q.channel, thread_ts: q.threadTs, title: truncate(q.question, 80) })
        .catch((e) => deps.log.info("thread title refused", { error: e as Error }));
    const referential = await contextReferential(deps, conversation);
    await streamAnswer(
      deps,
      q,
      { history, ...(referential ? { defaultReferential: referential } : {}) },
      "update",
      done,
    );
  } catch (e) {
    if (leftToInbox(q, e)) throw e;
    await replyWithError(deps, e, { client: q.client, channel: q.channel, threadTs: q.threadTs });
  } finally {
    await threadStatus(deps, q, false);
  }
}
