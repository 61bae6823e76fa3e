import { isCertibotError } from "../errors.js";

// Slack platform errors that say "try again later", not "this cannot work".
const RETRYABLE_PLATFORM = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

/**
 * Whether a failure is worth retrying later: the database unreachable, Slack
 * unreachable, overloaded or rate limiting. Anything else (a bug, a refusal)
 * would fail the same way again.
 */
export function isTransient(e: unknown): boolean {
  const original = (e as { original?: unknown })?.original;
  if (original && original !== e) return isTransient(original);
  const originals = (e as { originals?: unknown[] })?.originals;
  if (Array.isArray(originals)) return originals.some(isTransient);
  if (isCertibotError(e)) return e.code === "DB_UNAVAILABLE";
  const code = (e as { code?: unknown })?.code;
  if (code === "slack_webapi_request_error" || code === "slack_webapi_rate_limited_error") return true;
  if (code === "slack_webapi_http_error") return true;
  if (code === "slack_webapi_platform_error")
    return RETRYABLE_PLATFORM.has(String((e as { data?: { error?: string } }).data?.error));
  return false;
}
