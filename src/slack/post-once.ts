import type { WebClient } from "@slack/web-api";

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
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

function ourPayloads(messages: unknown[] | undefined): Record<string, unknown>[] {
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
    return ourPayloads(res.messages);
  }
  const res = await client.conversations.history({ channel, include_all_metadata: true, limit: LOOK_BACK });
  return ourPayloads(res.messages);
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

/**
 * chat.postMessage with the key in its metadata, skipped when `once.recheck`
 * and the conversation already holds a message with that key. Returns false
 * when it was already there.
 */
export async function postOnce(
  client: WebClient,
  once: PostKey,
  message: Parameters<WebClient["chat"]["postMessage"]>[0] & { channel: string },
): Promise<boolean> {
  if (once.recheck) {
    const threadTs = (message as { thread_ts?: string }).thread_ts;
    const found = await postedKeys(client, { channel: message.channel, threadTs }, [once.key]);
    if (found.size) return false;
  }
  await client.chat.postMessage({ ...message, metadata: keyMetadata(once.key) } as Parameters<
    WebClient["chat"]["postMessage"]
  >[0]);
  return true;
}
