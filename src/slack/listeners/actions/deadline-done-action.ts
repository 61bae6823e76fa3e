import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { resolveSession } from "../../../sessions/resolve.js";
import { markDeadlineDone } from "../../../sessions/service.js";
import type { SlackDeps } from "../../deps.js";
import { respondWithError } from "../../reply-error.js";
import { actorOf, sessionDepsFor } from "../../sessions.js";

/**
 * "Marquer comme fait" on an alert or a status view: managers only (checked
 * by the feature). In a channel the team sees who marked it, in the thread.
 */
export function deadlineDoneAction(deps: SlackDeps) {
  return async ({
    ack,
    body,
    action,
    respond,
    client,
  }: SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs) => {
    await ack();
    try {
      const { session: name, deadline } = JSON.parse(action.value ?? "{}") as {
        session?: string;
        deadline?: string;
      };
      const { sessions } = await sessionDepsFor(deps);
      const actor = actorOf(deps, body.user.id);
      const session = await resolveSession(deps.db, name ?? null, { actor });
      const r = await markDeadlineDone(sessions, actor, session, deadline ?? "");
      const what = r.deadline?.task ?? r.done.deadlineId;
      const message = body.message;
      const channel = body.channel?.id;
      if (message && channel && !body.container?.is_ephemeral) {
        await client.chat.postMessage({
          channel,
          thread_ts: message.ts,
          text: `✅ Fait : ${what} (\`${r.done.deadlineId}\`), marqué par <@${body.user.id}>. Plus d'alerte pour cette échéance.`,
        });
      }
      await respond({
        response_type: "ephemeral",
        replace_original: false,
        text: `C'est noté : « ${what} » est marquée comme faite pour la session ${session.name}.`,
      });
    } catch (e) {
      await respondWithError(deps, respond, e, "m'empêche de le noter", { replaceOriginal: false });
    }
  };
}
