import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, LogLevel, type Receiver, SocketModeReceiver } from "@slack/bolt";
import { CertibotError } from "../errors.js";
import { createOps } from "../ops/ops.js";
import { readiness } from "../ops/readiness.js";
import { boltLogger } from "./bolt-logger.js";
import { slackClientOptions } from "./client-options.js";
import type { SlackDeps } from "./deps.js";
import { EventInbox, type InboxOptions } from "./inbox.js";
import { registerListeners } from "./listeners/index.js";
import { countingFetch, logScope, opsHandlers, opsRoutes, startOpsServer } from "./ops-http.js";
import { replyWithError } from "./reply-error.js";

/** Largest request body the HTTP receiver reads (Slack's own messages are far smaller). */
const SLACK_BODY_LIMIT = 16 * 1024 * 1024;

export interface SlackApp {
  app: App;
  inbox: EventInbox;
  /** Starts listening; resolves with the HTTP port (HTTP mode) or null (Socket Mode). */
  start(): Promise<number | null>;
  stop(): Promise<void>;
  /** Socket Mode: the port /metrics and /readyz listen on (METRICS_PORT), else null. */
  opsPort(): number | null;
  deps: SlackDeps;
}

/** Slack refuses requests older than 5 minutes; one dated that far ahead is refused the same way. */
const MAX_CLOCK_SKEW_S = 5 * 60;

function fromTheFuture(req: IncomingMessage): boolean {
  const ts = Number(req.headers["x-slack-request-timestamp"]);
  return Number.isFinite(ts) && ts > Date.now() / 1000 + MAX_CLOCK_SKEW_S;
}

/** GET /healthz: 200 while the database answers, 503 while it does not (a load balancer routes around). */
function healthz(deps: SlackDeps) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    void readiness({ database: async () => void (await deps.db.query("select 1 as ok")) }, 2_000).then(
      (r) => {
        if (!r.ok) deps.log.warn("healthz: database unreachable", { reason: r.checks.database });
        res.writeHead(r.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(r.ok ? { ok: true } : { ok: false, database: "unreachable" }));
      },
    );
  };
}

/**
 * Builds the Bolt app for the configured mode. HTTP: Slack's signed requests
 * on /slack/events plus GET /healthz. Socket Mode: a websocket opened with the
 * app token. The Web API base URL follows SLACK_API_URL when set. In both
 * modes Events API deliveries go through the durable inbox, acknowledged
 * only once stored.
 */
export function createSlackApp(
  input: Omit<SlackDeps, "ops"> & Partial<Pick<SlackDeps, "ops">>,
  inboxOptions: InboxOptions = {},
): SlackApp {
  const { slack } = input.config;
  if (!slack.mode || !slack.botToken) {
    throw new CertibotError("CONFIG_INVALID", { hint: "Slack n'est pas configuré (voir `npm start`)." });
  }
  const deps: SlackDeps = { ...input, ops: input.ops ?? createOps(input.config, input.db, input.log) };
  if (!input.ops) deps.ops.setKnowledge(deps.answering.retriever.records ?? [], null);
  // /metrics and /readyz: on the HTTP receiver, or on METRICS_PORT in Socket Mode.
  const handlers = opsHandlers(deps, () => app.client);
  // Posts are never resent blindly by the client: postOnce looks for their key first.
  const clientOptions = slackClientOptions(slack, countingFetch(deps.ops.metrics));
  const logLevel = deps.config.logLevel === "debug" ? LogLevel.DEBUG : LogLevel.WARN;
  const logger = boltLogger(deps.log, logLevel);
  const inbox = new EventInbox(deps, inboxOptions);
  let http: HTTPReceiver | undefined;
  let inner: Receiver;
  let opsServer: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  if (slack.mode === "http") {
    http = new HTTPReceiver({
      signingSecret: slack.signingSecret!,
      endpoints: "/slack/events",
      logger,
      // Above Bolt's 4 MB, so an oversized paste reaches the handlers, which say what is wrong
      // (Bolt would answer 413 and the user would see nothing).
      bodyLimit: SLACK_BODY_LIMIT,
      customRoutes: [{ path: "/healthz", method: ["GET"], handler: healthz(deps) }, ...opsRoutes(handlers)],
    });
    const listener = http.requestListener;
    http.requestListener = (req, res) => {
      if (fromTheFuture(req)) {
        logger.warn("request refused: timestamp in the future");
        res.writeHead(401);
        res.end();
        return;
      }
      listener(req, res);
    };
    inner = http;
  } else {
    inner = new SocketModeReceiver({ appToken: slack.appToken!, logger, logLevel });
  }
  const app = new App({
    token: slack.botToken,
    receiver: inbox.receiver(inner),
    clientOptions,
    logger,
    deferInitialization: true,
    extendedErrorHandler: true,
  });

  app.use(logScope());
  registerListeners(app, deps);

  // The one exit for errors escaping a listener: details to the log, a short
  // French message with an error id to the user when we know where they are.
  // Errors of events go back to the inbox, which retries them or apologizes in the thread.
  // The last overload of app.error: the extended handler, which also gets the body.
  const onError: Parameters<App["error"]>[0] = async ({ error, body }) => {
    const original = (error as { original?: unknown }).original ?? error;
    if ((body as { type?: string } | undefined)?.type === "event_callback") throw original;
    await replyWithError(deps, original, null);
  };
  app.error(onError);

  return {
    app,
    inbox,
    deps,
    async start() {
      // Initialisation checks the token (auth.test): a refusal must surface here, not as an unhandled rejection.
      await app.init().catch((e: { data?: { error?: string }; message?: string }) => {
        throw new CertibotError("CONFIG_INVALID", {
          hint: `Slack refuse le jeton du bot (${e.data?.error ?? e.message ?? "erreur inconnue"}) : vérifiez SLACK_BOT_TOKEN.`,
          cause: e,
        });
      });
      let port: number | null = null;
      if (http) {
        const server = (await app.start(
          slack.host ? { port: slack.port, host: slack.host } : slack.port,
        )) as unknown as Server;
        port = (server.address() as AddressInfo).port;
      } else {
        await app.start();
        if (slack.metricsPort !== null) opsServer = await startOpsServer(slack.metricsPort, handlers);
      }
      inbox.start();
      return port;
    },
    async stop() {
      await opsServer?.close();
      await app.stop();
      await inbox.stop();
    },
    opsPort: () => opsServer?.port ?? null,
  };
}
