import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";
import { seenEvent } from "../../db/inbound-events.js";
import type { SlackDeps } from "../deps.js";

/**
 * Slack redelivers events it thinks were lost (X-Slack-Retry-Num), and every
 * replica may receive them: the storage's event dedupe lets exactly one
 * delivery of an event_id through, whichever replica gets it.
 */
export function dedupeEvents(deps: SlackDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && (await seenEvent(deps.db, eventId))) {
      deps.log.info("duplicate event dropped", { eventId });
      return;
    }
    await next();
  };
}
