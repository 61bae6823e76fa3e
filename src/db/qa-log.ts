import { createHash } from "node:crypto";
import type { Config } from "../config.js";
import type { Db, Queryable } from "./db.js";

export interface SlackIds {
  teamId?: string | null;
  channelId?: string | null;
  userId?: string | null;
}

export interface AnswerLogEntry {
  question: string;
  lang: "fr" | "en";
  /** Referentials and codes of the sources shown. */
  referentials: string[];
  codes: string[];
  mode: string;
  found: boolean;
  latencyMs: number;
  slack?: SlackIds;
}

/**
 * Same question, same hash, however it was typed (case, spacing), so repeats
 * can be counted without keeping the text. Self-contained on purpose: a change
 * in retrieval's normalisation must not change stored hashes.
 */
export function questionHash(question: string): string {
  const normal = question.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(normal).digest("hex");
}

/** Logs one answer; returns its id, which feedback refers to. */
export async function logAnswer(
  db: Queryable,
  storeQuestions: Config["storeQuestions"],
  entry: AnswerLogEntry,
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into qa_log (slack_team_id, slack_channel_id, slack_user_id, question_hash, question_text,
                         lang, referentials, codes, mode, found, latency_ms)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     returning id`,
    [
      entry.slack?.teamId ?? null,
      entry.slack?.channelId ?? null,
      entry.slack?.userId ?? null,
      questionHash(entry.question),
      storeQuestions === "text" ? entry.question : null,
      entry.lang,
      [...new Set(entry.referentials)],
      [...new Set(entry.codes)],
      entry.mode,
      entry.found,
      Math.max(0, Math.round(entry.latencyMs)),
    ],
  );
  return row!.id;
}

export interface FeedbackEntry {
  qaId: number;
  vote: "up" | "down";
  /** undefined keeps the comment already given; null removes it. */
  comment?: string | null;
  slackTeamId?: string | null;
  slackUserId: string;
}

/**
 * Records a thumbs up/down, or changes the user's earlier vote on the same
 * answer. False when the answer is no longer logged (deleted on request).
 */
export async function recordFeedback(db: Queryable, fb: FeedbackEntry): Promise<boolean> {
  const rows = await db.query(
    `insert into feedback (qa_id, slack_team_id, slack_user_id, vote, comment)
     select $1::bigint, $2::text, $3::text, $4::text, $5::text
      where exists (select 1 from qa_log where id = $1::bigint)
     on conflict (qa_id, slack_user_id) do update
        set vote = excluded.vote,
            comment = case when $6::boolean then excluded.comment else feedback.comment end,
            updated_at = now()
     returning 1 as ok`,
    [fb.qaId, fb.slackTeamId ?? null, fb.slackUserId, fb.vote, fb.comment ?? null, fb.comment !== undefined],
  );
  return rows.length === 1;
}

/**
 * RGPD erasure on request: every answer logged for this Slack user (with the
 * feedback attached to them), every vote they gave, the conversation turns
 * they asked, their report-check verdicts and pending /rapport choice, and their
 * id on the channel settings they changed. One
 * transaction, so a failure leaves nothing half-deleted.
 */
export async function deleteSlackUserData(
  db: Db,
  slackUserId: string,
  /** Features' own erasure, run in the same transaction so it is all or nothing. */
  also: (tx: Queryable) => Promise<void> = async () => {},
): Promise<{
  answers: number;
  feedback: number;
  conversationTurns: number;
  reportChecks: number;
  sessionMemberships: number;
}> {
  return db.transaction(async (tx) => {
    const feedback = await tx.query("delete from feedback where slack_user_id = $1 returning id", [
      slackUserId,
    ]);
    const answers = await tx.query("delete from qa_log where slack_user_id = $1 returning id", [slackUserId]);
    const turns = await tx.query("delete from conversation_turns where slack_user_id = $1 returning turn", [
      slackUserId,
    ]);
    const reports = await tx.query("delete from report_checks where slack_user_id = $1 returning id", [
      slackUserId,
    ]);
    await tx.query("delete from report_pending_choice where slack_user_id = $1", [slackUserId]);
    // Their messages still waiting in the inbox are dropped, text and all: answering would log them again.
    await tx.query(
      `update inbound_events set state = 'failed', payload = null, lease_until = null, error = 'effacé (RGPD)'
        where state in ('received', 'processing') and payload -> 'event' ->> 'user' = $1`,
      [slackUserId],
    );
    await tx.query("update channel_settings set updated_by = 'effacé' where updated_by = $1", [slackUserId]);
    // Roster rows (name, e-mail) and with them the person's jury decisions; what they did as staff stays, unsigned.
    const members = await tx.query("delete from session_members where slack_user_id = $1 returning id", [
      slackUserId,
    ]);
    await tx.query("update session_deadlines_done set done_by = 'effacé' where done_by = $1", [slackUserId]);
    await tx.query("update session_members set added_by = 'effacé' where added_by = $1", [slackUserId]);
    await tx.query("update sessions set created_by = 'effacé' where created_by = $1", [slackUserId]);
    await tx.query("update session_decisions set decided_by = 'effacé' where decided_by = $1", [slackUserId]);
    await also(tx);
    return {
      answers: answers.length,
      feedback: feedback.length,
      conversationTurns: turns.length,
      reportChecks: reports.length,
      sessionMemberships: members.length,
    };
  });
}
