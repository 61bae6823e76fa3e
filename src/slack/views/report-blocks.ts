import type { KnownBlock } from "@slack/types";
import type { CheckResult } from "../../reports/check.js";
import type { Deliverable } from "../../reports/deliverables.js";
import { formatChecklist } from "../../reports/format.js";

export const REPORT_ACTIONS = {
  /** The select of /rapport: remembers the deliverable for the next upload. */
  pick: "report_pick",
  /** Buttons under a guessed verdict: check the same file again as `report_recheck:<deliverable>`. */
  recheck: "report_recheck",
} as const;

/** What /rapport shows: how to send a report, and a choice of deliverable. */
export function rapportHelpBlocks(deliverables: Deliverable[]): KnownBlock[] {
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          "*Vérifier un rapport* (PDF ou Word .docx, 25 Mo au plus) : je compte les pages et cherche les sections attendues par le référentiel.",
          "• envoyez-moi le fichier en message direct, ou déposez-le dans un canal en me mentionnant ;",
          "• précisez le livrable dans le message (`chef-doeuvre`, `e2`, `e3`, `mémoire`) ou choisissez-le ci-dessous avant l'envoi ;",
          "• sinon je le devine d'après les pages et les titres, et je vous le dis.",
          "Le fichier n'est pas conservé : seul le résultat de la vérification l'est.",
        ].join("\n"),
      },
      accessory: {
        type: "static_select",
        action_id: REPORT_ACTIONS.pick,
        placeholder: { type: "plain_text", text: "Choisir le livrable" },
        options: deliverables.map((d) => ({
          text: { type: "plain_text", text: `${d.title} (${d.pages[0]}–${d.pages[1]} p.)`.slice(0, 75) },
          value: d.id,
        })),
      },
    },
  ];
}

export function reportVerdictBlocks(
  r: CheckResult,
  fileId: string,
  deliverables: Deliverable[],
): KnownBlock[] {
  const text = formatChecklist(r, "slack");
  const blocks: KnownBlock[] = [{ type: "section", text: { type: "mrkdwn", text: text.slice(0, 2_900) } }];
  if (r.guessed)
    blocks.push({
      type: "actions",
      elements: deliverables
        .filter((d) => d.id !== r.verdict.deliverable)
        .map((d) => ({
          type: "button" as const,
          action_id: `${REPORT_ACTIONS.recheck}:${d.id}`,
          text: { type: "plain_text" as const, text: `C'est : ${d.id}` },
          value: fileId,
        })),
    });
  return blocks;
}

/** After a deliverable is picked (by /rapport e3 or the menu): what to do next. */
export function pendingDeliverableText(d: Deliverable): string {
  return `Noté : ${d.title} (${d.pages[0]} à ${d.pages[1]} pages). Envoyez-moi maintenant le fichier PDF ou .docx en message direct.`;
}
