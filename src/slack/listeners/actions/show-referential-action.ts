import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { z } from "zod";
import { answerQuestion } from "../../../answering/answer.js";
import type { SlackDeps } from "../../deps.js";
import { answerBlocks, answerMessages } from "../../views/answer-blocks.js";

const Value = z.object({ referential: z.string(), code: z.string(), question: z.string() });

/** "C8 dans simplon-dev-ia-guide": the same code read in another referential, shown to the clicker. */
export function showReferentialAction(deps: SlackDeps) {
  return async ({
    ack,
    action,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const parsed = Value.safeParse(JSON.parse(action.value ?? "null"));
    if (!parsed.success) return;
    const a = await answerQuestion(deps.answering, `${parsed.data.code} ${parsed.data.question}`, {
      defaultReferential: parsed.data.referential,
    });
    const [first = []] = answerMessages(a.answer);
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      text: a.answer.slice(0, 3_000),
      blocks: answerBlocks({ ...a, alsoIn: [] }, first, { qaId: null, question: a.question }),
    });
  };
}
