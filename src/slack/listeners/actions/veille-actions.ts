import type { AllMiddlewareArgs, App, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { requirePermission } from "../../../sessions/access.js";
import { sessionById } from "../../../sessions/store.js";
import type { SlackDeps } from "../../deps.js";
import { respondWithError } from "../../reply-error.js";
import { actorOf } from "../../sessions.js";
import { VEILLE_ACTIONS, veilleModal } from "../../views/veille-blocks.js";

/**
 * "J'ai fait ma veille" (reminder, DM, App Home): opens the logging modal
 * for the session the button belongs to. The trigger id expires within 3
 * seconds, so the modal opens before anything else; who may log is checked
 * first only because it is one quick query.
 */
export function veilleLogOpenAction(deps: SlackDeps) {
  return async ({
    ack,
    action,
    body,
    client,
    respond,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    const sessionId = Number(action.value);
    try {
      const session = Number.isSafeInteger(sessionId) ? await sessionById(deps.db, sessionId) : null;
      if (!session) {
        await respond({
          response_type: "ephemeral",
          replace_original: false,
          text: "Cette session n'existe plus : utilisez /veille log dans le canal de votre session.",
        });
        return;
      }
      await requirePermission(deps.db, session, actorOf(deps, body.user.id), "log");
      await client.views.open({ trigger_id: body.trigger_id, view: veilleModal(session, new Date()) });
    } catch (e) {
      await respondWithError(deps, respond, e, "empêche d'ouvrir le formulaire", { replaceOriginal: false });
    }
  };
}

export function registerVeilleActions(app: App, deps: SlackDeps): void {
  app.action(VEILLE_ACTIONS.logOpen, veilleLogOpenAction(deps));
}
