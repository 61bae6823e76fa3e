import type { KnownBlock } from "@slack/types";
import type { CheckResult, ReportVerdict } from "../../reports/check.js";
import type { Deliverable } from "../../reports/deliverables.js";
import type { Epreuve } from "../../reports/epreuves.js";
import { formatChecklist } from "../../reports/format.js";

export const REPORT_ACTIONS = {
  /** The select of /rapport: remembers the deliverable for the next upload. */
  pick: "report_pick",
  /** Buttons under a guessed verdict: check the same file again as `report_recheck:<deliverable>`. */
  recheck: "report_recheck",
  /** The épreuve select of /rapport: the next upload is read against its competencies. */
  pickEpreuve: "report_pick_epreuve",
} as const;

/** How an épreuve choice is kept in report_pending_choice (beside deliverable ids). */
export const EPREUVE_CHOICE = "epreuve:";
export const epreuveChoice = (e: { referential: string; code: string }) =>
  `${EPREUVE_CHOICE}${e.referential}:${e.code}`;
export function parseEpreuveChoice(value: string): { referential: string; code: string } | null {
  if (!value.startsWith(EPREUVE_CHOICE)) return null;
  const [referential, code] = value.slice(EPREUVE_CHOICE.length).split(":");
  return referential && code ? { referential, code } : null;
}

/** The épreuves of the candidate's referential, to have a report read against their competencies. */
export function epreuveChoiceBlock(epreuves: Epreuve[]): KnownBlock[] {
  if (!epreuves.length) return [];
  return [
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: "*Ou une épreuve* : je cherche aussi dans le rapport chacune des compétences qu'elle évalue, avec les passages qui la montrent.",
      },
      accessory: {
        type: "static_select",
        action_id: REPORT_ACTIONS.pickEpreuve,
        placeholder: { type: "plain_text", text: "Choisir l'épreuve" },
        options: epreuves.slice(0, 100).map((e) => ({
          text: { type: "plain_text", text: `${e.code} — ${e.title}`.slice(0, 75) },
          value: epreuveChoice(e),
        })),
      },
    },
  ];
}

const MARK = { shown: "✅", mentioned: "⚠️", missing: "❌" } as const;

/** One line per competency: shown, mentioned only, not found; the quotes go to a thread reply. */
export function coverageBlocks(v: ReportVerdict): KnownBlock[] {
  if (!v.coverage || !v.epreuve) return [];
  const lines = v.coverage.map((c) => {
    const met = c.criteria.filter((k) => k.met).length;
    if (c.covered)
      return `${MARK.shown} *${c.code}* ${c.title} — montré (${met}/${c.criteria.length} critères touchés)`;
    if (c.mentionedOnly) return `${MARK.mentioned} *${c.code}* ${c.title} — mentionné, pas montré`;
    return `${MARK.missing} *${c.code}* ${c.title} — non trouvé`;
  });
  const head = `*Compétences de l'épreuve ${v.epreuve.code}* (${v.epreuve.referential}${v.epreuve.fromTitlePage ? ", lue sur la page de titre" : ""}) — ce que le jury trouvera dans le rapport :`;
  const foot = v.coverage.length
    ? "_Un repère, pas une note : les passages et les critères à travailler sont dans le fil._"
    : "_Aucun texte lisible : les compétences n'ont pas pu être cherchées._";
  return [
    { type: "section", text: { type: "mrkdwn", text: [head, ...lines].join("\n").slice(0, 2_900) } },
    { type: "context", elements: [{ type: "mrkdwn", text: foot }] },
  ];
}

/** The thread reply under the verdict: per competency, the passages quoted and the advice. */
export function coverageQuotesText(v: ReportVerdict): string | null {
  if (!v.coverage?.length) return null;
  const parts = v.coverage.map((c) => {
    const mark = c.covered ? MARK.shown : c.mentionedOnly ? MARK.mentioned : MARK.missing;
    const where = (q: { page: number | null; section: string | null }) =>
      [q.page !== null ? `p. ${q.page}` : null, q.section ? `« ${q.section} »` : null]
        .filter(Boolean)
        .join(", ");
    const quotes = (c.covered ? c.evidence : c.mentions)
      .slice(0, 3)
      .map((q) => `> ${q.quote.slice(0, 300)}${where(q) ? ` _(${where(q)})_` : ""}`);
    return [`${mark} *${c.code}* ${c.title}`, ...quotes, c.advice].join("\n");
  });
  return parts.join("\n\n").slice(0, 39_000);
}

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

/** After an épreuve is picked: what to do next. */
export function pendingEpreuveText(e: Epreuve): string {
  return `Noté : épreuve ${e.code} (${e.referential}), ${e.competencies.length} compétences : ${e.competencies.map((c) => c.code).join(", ")}. Envoyez-moi maintenant le fichier PDF ou .docx en message direct.`;
}
