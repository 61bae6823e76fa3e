import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import type { CustomRoute } from "@slack/bolt/dist/receivers/custom-routes.js";
import type { FetchFunction, WebClient } from "@slack/web-api";
import { withLogScope } from "../log.js";
import type { Metrics } from "../ops/metrics.js";
import { readiness } from "../ops/readiness.js";
import type { SlackDeps } from "./deps.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** GET /metrics (Prometheus text) and GET /readyz (200, or 503 naming the failing part). */
export function opsHandlers(
  deps: SlackDeps,
  client: () => WebClient,
): Record<"/metrics" | "/readyz", Handler> {
  const checks = {
    database: async () => {
      await deps.db.query("select 1 as ok");
    },
    index: async () => {
      if (!deps.answering.retriever.records.length) throw new Error("index vide");
    },
    // One auth.test per probe: cheap, and it says whether the token still works.
    slack: async () => {
      await client().auth.test();
    },
  };
  return {
    "/metrics": (_req, res) => {
      deps.ops.metrics.render().then(
        ({ contentType, body }) => {
          res.writeHead(200, { "content-type": contentType });
          res.end(body);
        },
        (e) => {
          deps.log.error("metrics failed", { error: e as Error });
          res.writeHead(500).end();
        },
      );
    },
    "/readyz": (_req, res) => {
      void readiness(checks).then((r) => {
        res.writeHead(r.ok ? 200 : 503, { "content-type": "application/json" });
        res.end(JSON.stringify(r));
      });
    },
  };
}

export function opsRoutes(handlers: Record<string, Handler>): CustomRoute[] {
  return Object.entries(handlers).map(([path, handler]) => ({ path, method: ["GET"], handler }));
}

/** Socket Mode has no HTTP server: /metrics and /readyz get their own on METRICS_PORT. */
export async function startOpsServer(
  port: number,
  handlers: Record<string, Handler>,
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const handler = req.method === "GET" ? handlers[path] : undefined;
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The Web API client's fetch, counting failed calls by method and error
 * (`ok: false` answers, HTTP errors, network failures) for the metrics.
 */
export function countingFetch(metrics: Metrics): FetchFunction {
  return async (input, init) => {
    const url = typeof input === "string" ? input : input.href;
    const method = /\/api\/([a-zA-Z0-9_.]+)/.exec(url)?.[1] ?? "other";
    try {
      const res = await fetch(input, init as RequestInit);
      if (!res.ok) metrics.slackErrors.inc({ method, error: `http_${res.status}` });
      else if (res.headers.get("content-type")?.includes("json")) {
        const body = (await res
          .clone()
          .json()
          .catch(() => null)) as { ok?: boolean; error?: string } | null;
        if (body && body.ok === false) metrics.slackErrors.inc({ method, error: body.error ?? "unknown" });
      }
      return res as unknown as Awaited<ReturnType<FetchFunction>>;
    } catch (e) {
      metrics.slackErrors.inc({ method, error: "network" });
      throw e;
    }
  };
}

/**
 * First middleware: every log line written while handling a request carries
 * what it is (event id and type, command, interaction) — the per-event
 * child logger, without threading a logger through every function.
 */
export function logScope(): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const b = body as Record<string, unknown> & { event?: { type?: string } };
    const bindings: Record<string, unknown> = b.event_id
      ? { eventId: b.event_id, eventType: b.event?.type }
      : b.command
        ? { command: b.command, triggerId: b.trigger_id }
        : { interaction: b.type, triggerId: b.trigger_id };
    await withLogScope(bindings, next);
  };
}
