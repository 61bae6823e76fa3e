import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { resolveDeliverable } from "../../../reports/deliverable-names.js";
import { setPendingDeliverable } from "../../../reports/store.js";
import type { SlackDeps } from "../../deps.js";
import { deliverablesFor } from "../../report-files.js";
import { pendingDeliverableText, rapportHelpBlocks } from "../../views/report-blocks.js";

/**
 * `/rapport`: explains how to have a report checked and offers the deliverables;
 * `/rapport e3` picks one directly for the next upload.
 */
export function rapportCommand(deps: SlackDeps) {
  return async ({ ack, command }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const deliverables = await deliverablesFor(deps);
    const named = resolveDeliverable(command.text, deliverables);
    if (named) {
      await setPendingDeliverable(deps.db, command.user_id, named.id);
      await ack({
        response_type: "ephemeral",
        text: pendingDeliverableText(named),
      });
      return;
    }
    await ack({
      response_type: "ephemeral",
      text: "Vérifier un rapport : envoyez-moi le PDF ou le .docx en message direct, ou mentionnez-moi en le déposant dans un canal.",
      blocks: rapportHelpBlocks(deliverables),
    });
  };
}
