import type {
  AllMiddlewareArgs,
  BlockButtonAction,
  BlockStaticSelectAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";
import { setPendingDeliverable } from "../../../reports/store.js";
import type { SlackDeps } from "../../deps.js";
import { checkUploadedReports, deliverablesFor } from "../../report-files.js";
import {
  epreuveChoice,
  pendingDeliverableText,
  pendingEpreuveText,
  REPORT_ACTIONS,
} from "../../views/report-blocks.js";
import { epreuvesOfUser } from "../commands/rapport-command.js";

/** The /rapport select: the choice applies to the user's next upload. */
export function reportPickAction(deps: SlackDeps) {
  return async ({
    ack,
    action,
    body,
    respond,
  }: SlackActionMiddlewareArgs<BlockStaticSelectAction> & AllMiddlewareArgs) => {
    await ack();
    const d = (await deliverablesFor(deps)).find((x) => x.id === action.selected_option.value);
    if (!d) return;
    await setPendingDeliverable(deps.db, body.user.id, d.id);
    await respond({
      response_type: "ephemeral",
      replace_original: true,
      text: pendingDeliverableText(d),
    });
  };
}

/** The /rapport épreuve select: the next upload is read against that épreuve's competencies. */
export function reportPickEpreuveAction(deps: SlackDeps) {
  return async ({
    ack,
    action,
    body,
    respond,
  }: SlackActionMiddlewareArgs<BlockStaticSelectAction> & AllMiddlewareArgs) => {
    await ack();
    const e = (await epreuvesOfUser(deps, body.user.id)).find(
      (x) => epreuveChoice(x) === action.selected_option.value,
    );
    if (!e) return;
    await setPendingDeliverable(deps.db, body.user.id, epreuveChoice(e));
    await respond({ response_type: "ephemeral", replace_original: true, text: pendingEpreuveText(e) });
  };
}

/** "C'est : e3" under a guessed verdict: the same Slack file checked again against that deliverable. */
export function reportRecheckAction(deps: SlackDeps) {
  return async ({
    ack,
    action,
    body,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const deliverableId = action.action_id.slice(REPORT_ACTIONS.recheck.length + 1);
    const channel = body.channel?.id;
    const message = body.message as { ts?: string; thread_ts?: string } | undefined;
    if (!channel || !message?.ts || !action.value) return;
    await checkUploadedReports(deps, {
      client,
      channel,
      threadTs: message.thread_ts ?? message.ts,
      user: body.user.id,
      files: [{ id: action.value }],
      text: "",
      deliverableId,
    });
  };
}
