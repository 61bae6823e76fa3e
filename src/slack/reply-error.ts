import { randomUUID } from "node:crypto";
import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { isCertibotError, toCertibotError } from "../errors.js";
import type { SlackDeps } from "./deps.js";

export interface ErrorPlace {
  client: WebClient;
  channel: string;
  threadTs?: string;
  /** Ephemeral to this user when set. */
  user?: string;
}

/**
 * Logs an internal failure with an error id and, when we know where the user
 * is, tells them in a short French message quoting that id.
 */
export async function replyWithError(
  deps: SlackDeps,
  error: unknown,
  place: ErrorPlace | null,
): Promise<string> {
  const id = randomUUID().slice(0, 8);
  const err = toCertibotError(error);
  deps.ops.metrics.errors.inc({ code: err.code });
  await deps.ops.recordError(err.code);
  deps.log.error("slack handler failed", {
    errorId: id,
    code: err.code,
    error: err.cause instanceof Error ? err.cause : err,
  });
  if (place) {
    const text = `${err.code === "INTERNAL" ? "Désolé, une erreur interne m'empêche de répondre." : err.userMessage("fr")} (erreur ${id})`;
    try {
      if (place.user) {
        await place.client.chat.postEphemeral({
          channel: place.channel,
          user: place.user,
          text,
          thread_ts: place.threadTs,
        });
      } else {
        await place.client.chat.postMessage({ channel: place.channel, text, thread_ts: place.threadTs });
      }
    } catch (e) {
      deps.log.error("could not tell the user about an error", { errorId: id, error: e as Error });
    }
  }
  return id;
}

/**
 * A private answer to a slash command or a button that failed: a coded error
 * says what went wrong (wrong date, not allowed…); anything else is logged
 * with an error id and the user gets an apology quoting it.
 */
export async function respondWithError(
  deps: SlackDeps,
  respond: RespondFn,
  error: unknown,
  /** What the failure prevented, after "Désolé, une erreur interne …". */
  prevented: string,
  opts: { replaceOriginal?: false } = {},
): Promise<void> {
  const extra = opts.replaceOriginal === false ? { replace_original: false } : {};
  if (isCertibotError(error) && error.code !== "INTERNAL") {
    await respond({ response_type: "ephemeral", ...extra, text: error.userMessage("fr") });
    return;
  }
  const id = await replyWithError(deps, error, null);
  await respond({
    response_type: "ephemeral",
    ...extra,
    text: `Désolé, une erreur interne ${prevented}. (erreur ${id})`,
  });
}
