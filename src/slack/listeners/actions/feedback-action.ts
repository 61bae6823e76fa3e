import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import { recordFeedback } from "../../../db/qa-log.js";
import type { SlackDeps } from "../../deps.js";
import { feedbackModal } from "../../views/feedback-modal.js";

/** 👍/👎: stored with the Q&A row; 👎 also opens the "what was wrong?" modal. */
export function feedbackAction(deps: SlackDeps, vote: "up" | "down") {
  return async ({
    ack,
    body,
    action,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const qaId = Number(action.value);
    if (!Number.isSafeInteger(qaId)) return;
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
    // The message shows the vote was recorded: the buttons give way to a note.
    const blocks = (body.message?.blocks ?? []) as KnownBlock[];
    if (stored && blocks.length) {
      const kept = blocks.filter((b) => b.block_id !== "answer_actions");
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
