import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { FEEDBACK_MODAL } from "../../views/feedback-modal.js";
import { VEILLE_MODAL } from "../../views/veille-blocks.js";
import { feedbackModalSubmission } from "./feedback-modal-submission.js";
import { veilleModalSubmission } from "./veille-modal-submission.js";

export function registerViews(app: App, deps: SlackDeps): void {
  app.view(FEEDBACK_MODAL, feedbackModalSubmission(deps));
  app.view(VEILLE_MODAL, veilleModalSubmission(deps));
}
