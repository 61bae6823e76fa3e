import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { FEEDBACK_BLOCK_ID } from "../../views/answer-blocks.js";

/** "Partager dans le canal": the ephemeral answer becomes a message everyone sees. */
export function shareAnswerAction(_deps: SlackDeps) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    // The shared copy carries neither the buttons nor the asker's feedback element.
    const blocks = (body.message?.blocks ?? []).filter(
      (b: { block_id?: string }) => b.block_id !== "answer_actions" && b.block_id !== FEEDBACK_BLOCK_ID,
    );
    await respond({
      response_type: "in_channel",
      delete_original: true,
      text: `<@${body.user.id}> partage : ${body.message?.text ?? ""}`.slice(0, 3_000),
      blocks: [
        { type: "context", elements: [{ type: "mrkdwn", text: `Partagé par <@${body.user.id}>` }] },
        ...blocks,
      ],
    });
  };
}
