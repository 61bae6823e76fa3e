import type { App } from "@slack/bolt";
import type { SlackDeps } from "../deps.js";
import { registerActions } from "./actions/index.js";
import { registerCommands } from "./commands/index.js";
import { registerEvents } from "./events/index.js";
import { registerViews } from "./views/index.js";

/** What the code listens to; the manifest test checks manifest.yml declares exactly these. */
export const LISTENED = {
  events: [
    "app_mention",
    "message",
    "app_home_opened",
    "assistant_thread_started",
    "assistant_thread_context_changed",
  ],
  commands: ["/certibot", "/session", "/veille", "/rapport"],
} as const;

export function registerListeners(app: App, deps: SlackDeps): void {
  registerEvents(app, deps);
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
}
