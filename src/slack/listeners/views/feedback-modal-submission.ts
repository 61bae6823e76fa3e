import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from "@slack/bolt";
import { recordFeedback } from "../../../db/qa-log.js";
import type { SlackDeps } from "../../deps.js";
import { FEEDBACK_INPUT } from "../../views/feedback-modal.js";

/** The 👎 modal's text, stored with the vote. */
export function feedbackModalSubmission(deps: SlackDeps) {
  return async ({ ack, view, body }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    await ack();
    const qaId = Number(view.private_metadata);
    const comment = view.state.values[FEEDBACK_INPUT.block]?.[FEEDBACK_INPUT.action]?.value?.trim() || null;
    if (!Number.isSafeInteger(qaId)) return;
    await recordFeedback(deps.db, {
      qaId,
      vote: "down",
      comment,
      slackTeamId: body.team?.id ?? null,
      slackUserId: body.user.id,
    });
  };
}
