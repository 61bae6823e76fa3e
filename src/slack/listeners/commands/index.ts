import type { App } from "@slack/bolt";
import type { SlackDeps } from "../../deps.js";
import { certibotCommand } from "./certibot-command.js";
import { rapportCommand } from "./rapport-command.js";
import { sessionCommand } from "./session-command.js";
import { veilleCommand } from "./veille-command.js";

export function registerCommands(app: App, deps: SlackDeps): void {
  app.command("/certibot", certibotCommand(deps));
  app.command("/session", sessionCommand(deps));
  app.command("/veille", veilleCommand(deps));
  app.command("/rapport", rapportCommand(deps));
}
