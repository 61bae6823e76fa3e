import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { PRIVACY_ACTIONS, privacyAction } from "../../privacy.js";
import { ACTIONS } from "../../views/answer-blocks.js";
import { REPORT_ACTIONS } from "../../views/report-blocks.js";
import { SESSION_ACTIONS } from "../../views/session-blocks.js";
import { VEILLE_ACTIONS } from "../../views/veille-blocks.js";
import { deadlineDoneAction } from "./deadline-done-action.js";
import { feedbackAction } from "./feedback-action.js";
import { reportPickAction, reportPickEpreuveAction, reportRecheckAction } from "./report-actions.js";
import { shareAnswerAction } from "./share-answer-action.js";
import { showReferentialAction } from "./show-referential-action.js";
import { registerVeilleActions } from "./veille-actions.js";

/** Action ids handled; every button the views build must use one of these. */
export const ACTION_IDS = [
  ACTIONS.feedback,
  ACTIONS.feedbackUp,
  ACTIONS.feedbackDown,
  ACTIONS.share,
  ACTIONS.otherReferential,
  REPORT_ACTIONS.pick,
  REPORT_ACTIONS.recheck,
  REPORT_ACTIONS.pickEpreuve,
  SESSION_ACTIONS.deadlineDone,
  VEILLE_ACTIONS.logOpen,
  PRIVACY_ACTIONS.forgetConfirm,
  PRIVACY_ACTIONS.eraseConfirm,
  PRIVACY_ACTIONS.cancel,
] as const;

export function registerActions(app: App, deps: SlackDeps): void {
  app.action(ACTIONS.feedback, feedbackAction(deps));
  app.action(ACTIONS.feedbackUp, feedbackAction(deps, "up"));
  app.action(ACTIONS.feedbackDown, feedbackAction(deps, "down"));
  app.action(ACTIONS.share, shareAnswerAction(deps));
  app.action(new RegExp(`^${ACTIONS.otherReferential}:`), showReferentialAction(deps));
  app.action(REPORT_ACTIONS.pick, reportPickAction(deps));
  app.action(new RegExp(`^${REPORT_ACTIONS.recheck}:`), reportRecheckAction(deps));
  app.action(REPORT_ACTIONS.pickEpreuve, reportPickEpreuveAction(deps));
  app.action(SESSION_ACTIONS.deadlineDone, deadlineDoneAction(deps));
  registerVeilleActions(app, deps);
  app.action(PRIVACY_ACTIONS.forgetConfirm, privacyAction(deps, "forget"));
  app.action(PRIVACY_ACTIONS.eraseConfirm, privacyAction(deps, "erase"));
  app.action(PRIVACY_ACTIONS.cancel, privacyAction(deps, "cancel"));
}
