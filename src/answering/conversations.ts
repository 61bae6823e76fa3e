import type { Queryable } from "../db/db.js";
import type { ChatTurn } from "./llm.js";

/** How many earlier turns a follow-up sees; older ones are not needed and are pruned. */
export const KEPT_TURNS = 6;

/** The last turns of a conversation (a Slack thread), oldest first. */
export async function recentTurns(db: Queryable, conversationId: string, limit = 3): Promise<ChatTurn[]> {
  const rows = await db.query<{ question: string; answer: string }>(
    `select question, answer from conversation_turns
      where conversation_id = $1 order by turn desc limit $2`,
    [conversationId, limit],
  );
  return rows.reverse();
}

/**
 * Appends a turn. Concurrent appends to one thread cannot collide: the turn
 * number is computed in the insert itself and retried on conflict.
 */
export async function appendTurn(
  db: Queryable,
  conversationId: string,
  turn: ChatTurn & { slackUserId?: string | null },
): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const rows = await db.query(
      `insert into conversation_turns (conversation_id, turn, slack_user_id, question, answer)
       select $1, coalesce(max(turn), 0) + 1, $2, $3, $4 from conversation_turns where conversation_id = $1
       on conflict do nothing returning 1 as ok`,
      [conversationId, turn.slackUserId ?? null, turn.question, turn.answer],
    );
    if (rows.length) break;
  }
  await db.query(
    `delete from conversation_turns where conversation_id = $1
        and turn <= (select max(turn) - $2 from conversation_turns where conversation_id = $1)`,
    [conversationId, KEPT_TURNS],
  );
}

export interface ChannelSettings {
  defaultReferential: string | null;
  mentionsOnly: boolean;
}

export async function channelSettings(db: Queryable, channelId: string): Promise<ChannelSettings> {
  const [row] = await db.query<{ default_referential: string | null; mentions_only: boolean }>(
    "select default_referential, mentions_only from channel_settings where channel_id = $1",
    [channelId],
  );
  return { defaultReferential: row?.default_referential ?? null, mentionsOnly: row?.mentions_only ?? false };
}

export async function updateChannelSettings(
  db: Queryable,
  channelId: string,
  patch: Partial<ChannelSettings>,
  updatedBy: string,
): Promise<ChannelSettings> {
  const current = await channelSettings(db, channelId);
  const next = { ...current, ...patch };
  await db.query(
    `insert into channel_settings (channel_id, default_referential, mentions_only, updated_by)
     values ($1, $2, $3, $4)
     on conflict (channel_id) do update
        set default_referential = excluded.default_referential, mentions_only = excluded.mentions_only,
            updated_by = excluded.updated_by, updated_at = now()`,
    [channelId, next.defaultReferential, next.mentionsOnly, updatedBy],
  );
  return next;
}

/** Remembers the channel the user was viewing for a thread (the latest one wins). */
export async function setThreadContext(
  db: Queryable,
  conversationId: string,
  contextChannelId: string,
): Promise<void> {
  await db.query(
    `insert into thread_contexts (conversation_id, context_channel_id) values ($1, $2)
     on conflict (conversation_id) do update set context_channel_id = excluded.context_channel_id, updated_at = now()`,
    [conversationId, contextChannelId],
  );
}

/** The channel the user was viewing for this thread, if Slack told us. */
export async function threadContext(db: Queryable, conversationId: string): Promise<string | null> {
  const [row] = await db.query<{ context_channel_id: string }>(
    "select context_channel_id from thread_contexts where conversation_id = $1",
    [conversationId],
  );
  return row?.context_channel_id ?? null;
}
