import type { Db, Queryable } from "../db/db.js";
import { deleteSlackUserData } from "../db/qa-log.js";
import { forgetDocumentAuthor } from "../knowledge/documents.js";
import { deleteVeilleDataOf } from "../veille/store.js";

/** A Slack user id as typed in commands (U… or W…). */
export const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

export interface Erased {
  answers: number;
  feedback: number;
  conversationTurns: number;
  reportChecks: number;
  sessionMemberships: number;
  veilleEntries: number;
  rateLimitWindows: number;
}

/**
 * RGPD erasure: everything stored about one Slack user, in one transaction
 * (the Q&A log and what hangs on it, report verdicts, session memberships,
 * veille entries, rate-limit counters). Used by `privacy forget-user`,
 * `/certibot forget-me` and `/session erase`.
 */
export async function forgetUser(db: Db, slackUserId: string): Promise<Erased> {
  let veille = 0;
  let windows = 0;
  const done = await deleteSlackUserData(db, slackUserId, async (tx) => {
    veille = await deleteVeilleDataOf(tx, slackUserId);
    windows = (
      await tx.query("delete from rate_limit_windows where slack_user_id = $1 returning 1 as x", [
        slackUserId,
      ])
    ).length;
    // Documents they added to the knowledge stay (they belong to the school); their name goes.
    await forgetDocumentAuthor(tx, slackUserId);
  });
  return { ...done, veilleEntries: veille, rateLimitWindows: windows };
}

/** One French sentence saying what was erased. */
export function erasedText(slackUserId: string, e: Erased): string {
  return `Données de ${slackUserId} effacées : ${e.answers} réponse(s) journalisée(s), ${e.feedback} avis, ${e.conversationTurns} message(s) de fil, ${e.reportChecks} vérification(s) de rapport, ${e.sessionMemberships} inscription(s) à une session, ${e.veilleEntries} entrée(s) de veille.`;
}

const rows = (db: Queryable, sql: string, userId: string) => db.query(sql, [userId]);

/**
 * Right of access: every row stored about one Slack user, as plain JSON
 * (dates as ISO strings). Question texts appear only when the deployment
 * keeps them (CERTIBOT_STORE_QUESTIONS=text); otherwise their hash.
 */
export async function exportUserData(db: Queryable, slackUserId: string): Promise<Record<string, unknown>> {
  const data = {
    slackUserId,
    exportedAt: new Date().toISOString(),
    questions: await rows(
      db,
      `select id, created_at, slack_team_id, slack_channel_id, question_hash, question_text, lang,
              referentials, codes, mode, found, latency_ms
         from qa_log where slack_user_id = $1 order by id`,
      slackUserId,
    ),
    feedback: await rows(
      db,
      "select qa_id, created_at, updated_at, vote, comment from feedback where slack_user_id = $1 order by id",
      slackUserId,
    ),
    conversationTurns: await rows(
      db,
      `select conversation_id, turn, created_at, question, answer from conversation_turns
        where slack_user_id = $1 order by created_at, turn`,
      slackUserId,
    ),
    reportChecks: await rows(
      db,
      `select checked_at, deliverable, format, ok, pages, pages_approximate, missing_sections, epreuve, coverage
         from report_checks where slack_user_id = $1 order by id`,
      slackUserId,
    ),
    reportPendingChoice: await rows(
      db,
      "select deliverable, chosen_at from report_pending_choice where slack_user_id = $1",
      slackUserId,
    ),
    sessionMemberships: await rows(
      db,
      `select s.name as session, m.role, m.nom, m.prenom, m.email, m.professional, m.years_experience, m.added_at,
              d.decision, d.comment as decision_comment, d.decided_at
         from session_members m join sessions s on s.id = m.session_id
         left join session_decisions d on d.member_id = m.id
        where m.slack_user_id = $1 order by s.name, m.role`,
      slackUserId,
    ),
    veilleEntries: await rows(
      db,
      `select s.name as session, e.iso_week, e.minutes, e.title, e.url, e.source_type, e.takeaways, e.shared, e.logged_at
         from veille_entries e join sessions s on s.id = e.session_id
        where e.slack_user_id = $1 order by e.logged_at`,
      slackUserId,
    ),
  };
  // Dates as ISO strings, whatever the backend returned.
  return JSON.parse(JSON.stringify(data));
}
