import type { FetchFunction, RetryOptions, WebClientOptions } from "@slack/web-api";

/**
 * Calls that put something in front of people. Sent twice, they show twice:
 * when their answer is lost (a 5xx, a timeout, a reset after the request
 * left) the Web API client must not resend them on its own; postOnce looks
 * for the message's key first.
 */
const POSTING = new Set([
  "chat.postMessage",
  "chat.postEphemeral",
  "chat.startStream",
  "chat.appendStream",
  "chat.stopStream",
  "files.completeUploadExternal",
]);

/** Network failures that happen before a byte of the request left: nothing was posted. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/** A posting call whose outcome is unknown: Slack may or may not hold the message. */
export class AmbiguousPostError extends Error {
  constructor(
    readonly method: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(`${method}: ${status ? `HTTP ${status}` : "no answer"} after the request was sent`, options);
    this.name = "AmbiguousPostError";
  }
}

// Platform errors Slack answers when part of the work may have been done.
const AMBIGUOUS_PLATFORM = new Set([
  "internal_error",
  "fatal_error",
  "request_timeout",
  "service_unavailable",
]);

/** Whether a failed post may nonetheless have been posted (look before posting again). */
export function isAmbiguousPost(e: unknown): boolean {
  if (e instanceof AmbiguousPostError) return true;
  const original = (e as { original?: unknown })?.original;
  if (original && original !== e && isAmbiguousPost(original)) return true;
  return (
    (e as { code?: unknown })?.code === "slack_webapi_platform_error" &&
    AMBIGUOUS_PLATFORM.has(String((e as { data?: { error?: string } }).data?.error))
  );
}

const methodOf = (url: string | URL) =>
  /\/api\/([a-zA-Z0-9_.]+)/.exec(typeof url === "string" ? url : url.href)?.[1] ?? "";

function notSent(e: unknown): boolean {
  const code = (e as { cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code;
  return typeof code === "string" && NOT_SENT.has(code);
}

/**
 * Turns a lost answer to a posting call into an AmbiguousPostError, which the
 * retry policy below does not retry. 429s pass through: Slack did nothing,
 * and the client waits Retry-After before sending again.
 */
export function guardPosts(inner: FetchFunction): FetchFunction {
  return async (url, init) => {
    const method = methodOf(url);
    if (!POSTING.has(method)) return inner(url, init);
    let res: Awaited<ReturnType<FetchFunction>>;
    try {
      res = await inner(url, init);
    } catch (e) {
      if (notSent(e)) throw e;
      throw new AmbiguousPostError(method, null, { cause: e });
    }
    if (res.status >= 500) throw new AmbiguousPostError(method, res.status);
    return res;
  };
}

/**
 * The client's own retries: reads, 429s (after Retry-After) and requests that
 * never left are retried; an ambiguous post is handed back at once.
 */
export const SLACK_RETRIES: RetryOptions = {
  retries: 8,
  factor: 2,
  minTimeout: 100,
  maxTimeout: 30_000,
  randomize: true,
  // p-retry stops and rejects with what this throws.
  onFailedAttempt(e: unknown) {
    if (isAmbiguousPost(e)) throw e;
  },
} as RetryOptions;

/** Options of every Web API client certibot makes (Bolt's and the jobs'). */
export function slackClientOptions(
  slack: { apiUrl?: string | null },
  fetchFn: FetchFunction = (url, init) =>
    fetch(url, init as RequestInit) as unknown as ReturnType<FetchFunction>,
): WebClientOptions {
  return {
    ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
    fetch: guardPosts(fetchFn),
    retryConfig: SLACK_RETRIES,
    // A post that hangs is ambiguous too: better known as such than waited on forever.
    timeout: 30_000,
  };
}
