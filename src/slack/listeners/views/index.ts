import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { FEEDBACK_MODAL } from "../../views/feedback-modal.js";
import { feedbackModalSubmission } from "./feedback-modal-submission.js";

export function registerViews(app: App, deps: SlackDeps): void {
  app.view(FEEDBACK_MODAL, feedbackModalSubmission(deps));
}
