import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { recordFeedback } from "../../../db/qa-log.js";
import type { SlackDeps } from "../../deps.js";
import { FEEDBACK_BLOCK_ID } from "../../views/answer-blocks.js";
import { feedbackModal } from "../../views/feedback-modal.js";

/**
 * The vote an action carries: the `feedback_buttons` element sends the
 * clicked button's value (`up:12`, `down:12`); the plain buttons of older
 * messages send the id alone, their action id saying which vote.
 */
export function voteOf(
  action: { type: string; value?: string },
  legacy: "up" | "down" | null,
): { vote: "up" | "down"; qaId: number } | null {
  const value = action.value ?? "";
  const m = /^(up|down):(\d+)$/.exec(value);
  const vote = m ? (m[1] as "up" | "down") : legacy;
  const qaId = Number(m ? m[2] : value);
  if (!vote || !value || !Number.isSafeInteger(qaId)) return null;
  return { vote, qaId };
}

/** 👍/👎: stored with the Q&A row; 👎 also opens the "what was wrong?" modal. */
export function feedbackAction(deps: SlackDeps, legacy: "up" | "down" | null = null) {
  return async ({
    ack,
    body,
    action,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = voteOf(action as { type: string; value?: string }, legacy);
    if (!parsed) return;
    const { vote, qaId } = parsed;
    deps.ops.metrics.feedback.inc({ vote });
    if (vote === "down") {
      await client.views.open({ trigger_id: body.trigger_id, view: feedbackModal(String(qaId)) });
    }
    const stored = await recordFeedback(deps.db, {
      qaId,
      vote,
      slackTeamId: body.team?.id ?? null,
      slackUserId: body.user.id,
    });
    // The message shows the vote was recorded: the feedback buttons give way to a note.
    const blocks = (body.message?.blocks ?? []) as KnownBlock[];
    if (stored && blocks.length) {
      const kept = blocks.filter(
        (b) =>
          b.block_id !== FEEDBACK_BLOCK_ID &&
          // Older messages carried the votes in the actions block.
          !(b.block_id === "answer_actions" && legacy),
      );
      kept.push({
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: vote === "up" ? "👍 Merci, avis enregistré." : "👎 Merci, avis enregistré.",
          },
        ],
      });
      await respond({ replace_original: true, text: body.message?.text ?? "", blocks: kept });
    }
  };
}
