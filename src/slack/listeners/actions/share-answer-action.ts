import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";

/** "Partager dans le canal": the ephemeral answer becomes a message everyone sees. */
export function shareAnswerAction(_deps: SlackDeps) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const blocks = (body.message?.blocks ?? []).filter(
      (b: { block_id?: string }) => b.block_id !== "answer_actions",
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
