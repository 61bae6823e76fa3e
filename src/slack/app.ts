import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel } from "@slack/bolt";
import { CertibotError } from "../errors.js";
import { createOps } from "../ops/ops.js";
import { boltLogger } from "./bolt-logger.js";
import type { SlackDeps } from "./deps.js";
import { registerListeners } from "./listeners/index.js";
import { countingFetch, logScope, opsHandlers, opsRoutes, startOpsServer } from "./ops-http.js";
import { replyWithError } from "./reply-error.js";

export interface SlackApp {
  app: App;
  /** Starts listening; resolves with the HTTP port (HTTP mode) or null (Socket Mode). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
  /** Socket Mode: the port /metrics and /readyz listen on (METRICS_PORT), else null. */
  opsPort(): number | null;
  deps: SlackDeps;
}

/**
 * Builds the Bolt app for the configured mode. HTTP: Slack's signed requests
 * on /slack/events plus GET /healthz. Socket Mode: a websocket opened with the
 * app token. The Web API base URL follows SLACK_API_URL when set.
 */
export function createSlackApp(input: Omit<SlackDeps, "ops"> & Partial<Pick<SlackDeps, "ops">>): SlackApp {
  const { slack } = input.config;
  if (!slack.mode || !slack.botToken) {
    throw new CertibotError("CONFIG_INVALID", { hint: "Slack n'est pas configuré (voir `npm start`)." });
  }
  const deps: SlackDeps = { ...input, ops: input.ops ?? createOps(input.config, input.db, input.log) };
  if (!input.ops) deps.ops.setKnowledge(deps.answering.retriever.records ?? [], null);
  // /metrics and /readyz: on the HTTP receiver, or on METRICS_PORT in Socket Mode.
  const handlers = opsHandlers(deps, () => app.client);
  const clientOptions = {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    fetch: countingFetch(deps.ops.metrics),
  };
  const logLevel = deps.config.logLevel === "debug" ? LogLevel.DEBUG : LogLevel.WARN;
  const logger = boltLogger(deps.log, logLevel);
  let receiver: HTTPReceiver | undefined;
  let opsServer: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  let app: App;
  if (slack.mode === "http") {
    receiver = new HTTPReceiver({
      signingSecret: slack.signingSecret!,
      endpoints: "/slack/events",
      logger,
      customRoutes: [
        {
          path: "/healthz",
          method: ["GET"],
          handler: (_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            res.end(JSON.stringify({ ok: true }));
          },
        },
        ...opsRoutes(handlers),
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

  app.use(logScope());
  registerListeners(app, deps);

  // The one exit for errors escaping a listener: details to the log, a short
  // French message with an error id to the user when we know where they are.
  app.error(async (error) => {
    const original = (error as { original?: unknown }).original ?? error;
    await replyWithError(deps, original, null);
  });

  return {
    app,
    deps,
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
      if (slack.metricsPort !== null) opsServer = await startOpsServer(slack.metricsPort, handlers);
      return null;
    },
    async stop() {
      await opsServer?.close();
      await app.stop();
    },
    opsPort: () => opsServer?.port ?? null,
  };
}
