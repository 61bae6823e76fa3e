import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { appHomeOpened } from "./app-home-opened.js";
import { appMention } from "./app-mention.js";
import { assistantThreadContextChanged, assistantThreadStarted } from "./assistant-thread.js";
import { message } from "./message.js";

export function registerEvents(app: App, deps: SlackDeps): void {
  app.event("app_mention", appMention(deps));
  app.event("message", message(deps));
  app.event("app_home_opened", appHomeOpened(deps));
  app.event("assistant_thread_started", assistantThreadStarted(deps));
  app.event("assistant_thread_context_changed", assistantThreadContextChanged(deps));
}
