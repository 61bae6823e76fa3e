import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { CertibotError } from "../errors.js";
import { boltLogger } from "./bolt-logger.js";
import type { SlackDeps } from "./deps.js";
import { registerListeners } from "./listeners/index.js";
import { replyWithError } from "./reply-error.js";

/** Largest request body the HTTP receiver reads (Slack's own messages are far smaller). */
const SLACK_BODY_LIMIT = 16 * 1024 * 1024;

export interface SlackApp {
  app: App;
  /** Starts listening; resolves with the HTTP port (HTTP mode) or null (Socket Mode). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Builds the Bolt app for the configured mode. HTTP: Slack's signed requests
 * on /slack/events plus GET /healthz. Socket Mode: a websocket opened with the
 * app token. The Web API base URL follows SLACK_API_URL when set.
 */
export function createSlackApp(deps: SlackDeps): SlackApp {
  const { slack } = deps.config;
  if (!slack.mode || !slack.botToken) {
    throw new CertibotError("CONFIG_INVALID", { hint: "Slack n'est pas configuré (voir `npm start`)." });
  }
  const clientOptions = slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {};
  const logLevel = deps.config.logLevel === "debug" ? LogLevel.DEBUG : LogLevel.WARN;
  const logger = boltLogger(deps.log, logLevel);
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (slack.mode === "http") {
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret!,
      endpoints: "/slack/events",
      logger,
      // Above Bolt's 4 MB, so an oversized paste reaches the handlers, which say what is wrong
      // (Bolt would answer 413 and the user would see nothing).
      bodyLimit: SLACK_BODY_LIMIT,
      customRoutes: [
        {
          path: "/healthz",
          method: ["GET"],
          handler: (_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ ok: true }));
          },
        },
      ],
    });
    app = new App({ token: slack.botToken, receiver, clientOptions, logger, deferInitialization: true });
  } else {
    app = new App({
      token: slack.botToken,
      appToken: slack.appToken!,
      socketMode: true,
      clientOptions,
      logger,
      deferInitialization: true,
    });
  }

  registerListeners(app, deps);

  // The one exit for errors escaping a listener: details to the log, a short
  // French message with an error id to the user when we know where they are.
  app.error(async (error) => {
    const original = (error as { original?: unknown }).original ?? error;
    await replyWithError(deps, original, null);
  });

  return {
    app,
    async start() {
      // Initialisation checks the token (auth.test): a refusal must surface here, not as an unhandled rejection.
      await app.init().catch((e: { data?: { error?: string }; message?: string }) => {
        throw new CertibotError("CONFIG_INVALID", {
          hint: `Slack refuse le jeton du bot (${e.data?.error ?? e.message ?? "erreur inconnue"}) : vérifiez SLACK_BOT_TOKEN.`,
          cause: e,
        });
      });
      if (receiver) {
        const server = (await app.start(slack.port)) as Server;
        return (server.address() as AddressInfo).port;
      }
      await app.start();
      return null;
    },
    stop: () => app.stop().then(() => undefined),
  };
}
