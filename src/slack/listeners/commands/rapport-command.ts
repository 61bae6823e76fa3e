import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { resolveDeliverable } from "../../../reports/deliverable-names.js";
import { type Epreuve, findEpreuve } from "../../../reports/epreuves.js";
import { setPendingDeliverable } from "../../../reports/store.js";
import { sessionsOfUser } from "../../../sessions/store.js";
import type { SlackDeps } from "../../deps.js";
import { coverageSetupFor, deliverablesFor } from "../../report-files.js";
import {
  epreuveChoice,
  epreuveChoiceBlock,
  pendingDeliverableText,
  pendingEpreuveText,
  rapportHelpBlocks,
} from "../../views/report-blocks.js";

/** The épreuves of the referentials of the user's sessions (else of the default referential). */
export async function epreuvesOfUser(deps: SlackDeps, userId: string): Promise<Epreuve[]> {
  const { epreuves } = await coverageSetupFor(deps);
  const sessions = await sessionsOfUser(deps.db, userId);
  const refs = new Set(sessions.map((s) => s.session.referential));
  if (!refs.size && deps.config.defaultReferential) refs.add(deps.config.defaultReferential);
  return epreuves.filter((e) => refs.has(e.referential));
}

/**
 * `/rapport`: explains how to have a report checked and offers the deliverables and the
 * épreuves of the candidate's session referential; `/rapport e3` picks one for the next
 * upload (an épreuve of their referential first, else a deliverable).
 */
export function rapportCommand(deps: SlackDeps) {
  return async ({ ack, command }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
    const deliverables = await deliverablesFor(deps);
    const epreuves = await epreuvesOfUser(deps, command.user_id);
    const text = command.text.trim();
    const refs = [...new Set(epreuves.map((e) => e.referential))];
    const found = text ? refs.map((r) => findEpreuve(epreuves, r, text)).filter((e) => e !== null) : [];
    if (found.length === 1) {
      await setPendingDeliverable(deps.db, command.user_id, epreuveChoice(found[0]!));
      await ack({ response_type: "ephemeral", text: pendingEpreuveText(found[0]!) });
      return;
    }
    const named = resolveDeliverable(text, deliverables);
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
      blocks: [...rapportHelpBlocks(deliverables), ...epreuveChoiceBlock(epreuves)],
    });
  };
}
