import type { ModalView } from "@slack/types";

export const FEEDBACK_MODAL = "feedback_modal";
export const FEEDBACK_INPUT = { block: "feedback_comment", action: "comment" } as const;

/** "Qu'est-ce qui n'allait pas ?" after a 👎; the Q&A id rides in private_metadata. */
export function feedbackModal(qaId: string): ModalView {
  return {
    type: "modal",
    callback_id: FEEDBACK_MODAL,
    private_metadata: qaId,
    title: { type: "plain_text", text: "Votre avis" },
    submit: { type: "plain_text", text: "Envoyer" },
    close: { type: "plain_text", text: "Annuler" },
    blocks: [
      {
        type: "input",
        block_id: FEEDBACK_INPUT.block,
        optional: true,
        label: { type: "plain_text", text: "Qu'est-ce qui n'allait pas ?" },
        element: {
          type: "plain_text_input",
          action_id: FEEDBACK_INPUT.action,
          multiline: true,
          max_length: 1_000,
          placeholder: { type: "plain_text", text: "Mauvais référentiel, réponse incomplète…" },
        },
      },
    ],
  };
}
