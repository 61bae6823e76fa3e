import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewOutput } from "@slack/bolt";
import { isCertibotError } from "../../../errors.js";
import { sessionById } from "../../../sessions/store.js";
import { type EntryField, type VeilleEntryInput, validateEntry } from "../../../veille/log-entry.js";
import { logVeille, weekMinutes } from "../../../veille/service.js";
import { WEEKLY_TARGET_MINUTES } from "../../../veille/types.js";
import type { SlackDeps } from "../../deps.js";
import { replyWithError } from "../../reply-error.js";
import { actorOf } from "../../sessions.js";
import {
  FIELD_BLOCKS,
  loggedText,
  VEILLE_INPUTS,
  type VeilleModalMetadata,
} from "../../views/veille-blocks.js";
import { postSynthesis } from "../commands/veille-command.js";

/** The modal's values, as the validation reads them. */
export function modalInput(view: ViewOutput): VeilleEntryInput {
  const values = view.state.values;
  const text = (id: { block: string; action: string }) => values[id.block]?.[id.action]?.value ?? "";
  return {
    duration: text(VEILLE_INPUTS.duration),
    title: text(VEILLE_INPUTS.title),
    url: text(VEILLE_INPUTS.url) || null,
    sourceType:
      values[VEILLE_INPUTS.sourceType.block]?.[VEILLE_INPUTS.sourceType.action]?.selected_option?.value ??
      null,
    takeaways: [text(VEILLE_INPUTS.takeaway1), text(VEILLE_INPUTS.takeaway2), text(VEILLE_INPUTS.takeaway3)],
    shared: Boolean(
      values[VEILLE_INPUTS.share.block]?.[VEILLE_INPUTS.share.action]?.selected_options?.some(
        (o) => o.value === "share",
      ),
    ),
  };
}

function metadata(view: ViewOutput): VeilleModalMetadata | null {
  try {
    const m = JSON.parse(view.private_metadata) as Partial<VeilleModalMetadata>;
    return Number.isSafeInteger(m.sessionId) ? { sessionId: m.sessionId! } : null;
  } catch {
    return null;
  }
}

/**
 * The "J'ai fait ma veille" modal: bad fields come back beside their input
 * (`response_action: "errors"`), the modal staying open; a valid entry is
 * stored before the modal closes, then confirmed by DM and, if asked, posted
 * to the session channel as a synthesis.
 */
export function veilleModalSubmission(deps: SlackDeps) {
  return async ({ ack, view, body, client }: SlackViewMiddlewareArgs & AllMiddlewareArgs) => {
    const input = modalInput(view);
    const checked = validateEntry(input);
    if (!checked.ok) {
      const errors: Record<string, string> = {};
      for (const [field, message] of Object.entries(checked.errors) as Array<[EntryField, string]>)
        errors[FIELD_BLOCKS[field]] = message.slice(0, 300);
      await ack({ response_action: "errors", errors });
      return;
    }
    const meta = metadata(view);
    const session = meta ? await sessionById(deps.db, meta.sessionId) : null;
    if (!session) {
      await ack({
        response_action: "errors",
        errors: { [VEILLE_INPUTS.duration.block]: "Cette session n'existe plus : rien n'a été enregistré." },
      });
      return;
    }
    const user = body.user.id;
    let entry: Awaited<ReturnType<typeof logVeille>>;
    try {
      entry = await logVeille(deps.db, actorOf(deps, user), session, input, new Date());
    } catch (e) {
      if (isCertibotError(e) && e.code !== "INTERNAL") {
        await ack({
          response_action: "errors",
          errors: { [VEILLE_INPUTS.duration.block]: e.userMessage("fr").slice(0, 300) },
        });
        return;
      }
      const id = await replyWithError(deps, e, null);
      await ack({
        response_action: "errors",
        errors: { [VEILLE_INPUTS.duration.block]: `Erreur interne, rien n'a été enregistré (erreur ${id}).` },
      });
      return;
    }
    await ack();
    try {
      const posted = entry.shared ? await postSynthesis(client, session, entry, deps.log) : false;
      await client.chat.postMessage({
        channel: user,
        text: loggedText(entry, await weekMinutes(deps.db, entry), WEEKLY_TARGET_MINUTES, posted),
      });
    } catch (e) {
      await replyWithError(deps, e, { client, channel: user });
    }
  };
}
