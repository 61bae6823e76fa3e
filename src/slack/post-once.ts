import type { WebClient } from "@slack/web-api";
import { isAmbiguousPost } from "./client-options.js";

/**
 * Crash-safe posts. Every message certibot posts for an event or a scheduled
 * occurrence carries its key in Slack message metadata; a run that takes
 * over after an expired lease (the previous one may have posted, then died
 * before recording it) looks for that key in the conversation first and
 * posts only what is not there. Slack is the record of what was sent.
 */
export const POST_EVENT_TYPE = "certibot_post";

/** The key a message carries, and whether earlier attempts may have posted it already. */
export interface PostKey {
  key: string;
  /** True after a retry or a takeover: look before posting. */
  recheck: boolean;
}

export type PayloadValue = string | number | boolean;

export function keyMetadata(key: string, extra: Record<string, PayloadValue> = {}) {
  return { event_type: POST_EVENT_TYPE, event_payload: { key, ...extra } };
}

const UNREADABLE = new Set([
  "missing_scope",
  "not_in_channel",
  "channel_not_found",
  "not_allowed_token_type",
]);

/** How far back a re-run looks: a lease is minutes, not pages of history. */
const LOOK_BACK = 200;

interface MessageWithMetadata {
  ts?: string;
  bot_id?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

export function ourPayloads(messages: unknown[] | undefined): Record<string, unknown>[] {
  return (messages ?? []).flatMap((m) => {
    const md = (m as MessageWithMetadata).metadata;
    return md?.event_type === POST_EVENT_TYPE && md.event_payload ? [md.event_payload] : [];
  });
}

/**
 * The metadata payloads of certibot's recent messages in a conversation: a
 * thread's replies when threadTs is given, else the channel's latest
 * messages. A user id (a direct message) is resolved to its DM channel.
 */
export async function postedPayloads(
  client: WebClient,
  where: { channel: string; threadTs?: string },
): Promise<Record<string, unknown>[]> {
  return ourPayloads(await recentMessages(client, where));
}

/**
 * A stream an earlier attempt started in a thread and never closed: a bot
 * message after `afterTs` carrying no key (a closed answer carries its key).
 * Continued or closed, never started again.
 */
export function openStreamIn(messages: unknown[], afterTs: string): string | null {
  for (const m of messages as MessageWithMetadata[])
    if (m.bot_id && !m.metadata && m.ts && Number(m.ts) > Number(afterTs)) return m.ts;
  return null;
}

/** Recent messages of a conversation (a thread's replies when threadTs is given), with their metadata. */
export async function recentMessages(
  client: WebClient,
  where: { channel: string; threadTs?: string },
): Promise<unknown[]> {
  let channel = where.channel;
  if (/^[UW]/.test(channel)) {
    const opened = await client.conversations.open({ users: channel });
    channel = opened.channel?.id ?? channel;
  }
  if (where.threadTs) {
    const res = await client.conversations.replies({
      channel,
      ts: where.threadTs,
      include_all_metadata: true,
      limit: LOOK_BACK,
    });
    return res.messages ?? [];
  }
  const res = await client.conversations.history({ channel, include_all_metadata: true, limit: LOOK_BACK });
  return res.messages ?? [];
}

/** The keys already posted in a conversation, among those asked about (a payload may hold several, space-separated). */
export async function postedKeys(
  client: WebClient,
  where: { channel: string; threadTs?: string },
  keys: readonly string[],
): Promise<Set<string>> {
  const wanted = new Set(keys);
  const found = new Set<string>();
  let payloads: Record<string, unknown>[];
  try {
    payloads = await postedPayloads(client, where);
  } catch (e) {
    // A conversation we may post in but not read (an install without the
    // history scopes): no way to know, and never posting would be worse.
    if (UNREADABLE.has(String((e as { data?: { error?: string } }).data?.error))) return found;
    throw e;
  }
  for (const p of payloads) for (const k of String(p.key ?? "").split(" ")) if (wanted.has(k)) found.add(k);
  return found;
}

/** Posts tried in place after an ambiguous failure, before the caller's own retry (which looks first too). */
const ATTEMPTS = 2;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a payload marks the message keyed `key` (and, for a split answer, its part). */
function marks(p: Record<string, unknown>, key: string, part: PayloadValue | undefined): boolean {
  const first = key.split(" ")[0]!;
  if (
    !String(p.key ?? "")
      .split(" ")
      .includes(first)
  )
    return false;
  return part === undefined || String(p.part ?? 1) === String(part);
}

/**
 * chat.postMessage with the key in its metadata, and the one retry path of
 * every post: when Slack's answer is lost (5xx, timeout, reset) the
 * conversation is read for the key before posting again, never blindly
 * resent. With `once.recheck` (a retry or a takeover) it looks before the
 * first try too. Returns false when the message was already there.
 */
export async function postOnce(
  client: WebClient,
  once: PostKey,
  message: Parameters<WebClient["chat"]["postMessage"]>[0] & { channel: string },
  extra: Record<string, PayloadValue> = {},
): Promise<boolean> {
  const threadTs = (message as { thread_ts?: string }).thread_ts;
  let look = once.recheck;
  for (let attempt = 1; ; attempt++) {
    if (look) {
      const payloads = await postedPayloads(client, { channel: message.channel, threadTs }).catch((e) => {
        if (UNREADABLE.has(String((e as { data?: { error?: string } }).data?.error))) return [];
        throw e;
      });
      if (payloads.some((p) => marks(p, once.key, extra.part))) return false;
    }
    try {
      await client.chat.postMessage({ ...message, metadata: keyMetadata(once.key, extra) } as Parameters<
        WebClient["chat"]["postMessage"]
      >[0]);
      return true;
    } catch (e) {
      if (!isAmbiguousPost(e) || attempt >= ATTEMPTS) throw e;
      look = true;
      await pause(200 * attempt);
    }
  }
}
