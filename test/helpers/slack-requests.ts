import { type FakeSlack, signSlackRequest } from "./fake-slack.js";

/** Signing secret shared by the Slack tests and the benchmark's app. */
export const SIGNING_SECRET = "test-signing-secret";

/** Environment of a bot in HTTP mode whose Web API calls go to the fake Slack, on a free port. */
export function slackTestEnv(fake: FakeSlack): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: "xoxb-test",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: "0",
  };
}

let seq = 0;
/** A fresh Slack timestamp (message ts), unique within the run. */
export const nextTs = (): string => `17${String(++seq).padStart(8, "0")}.000200`;

/** An Events API envelope as Slack sends it, with a unique event_id unless given. */
export function eventBody(event: Record<string, unknown>, eventId = `Ev${++seq}`) {
  return {
    token: "legacy",
    team_id: "T0TEST",
    api_app_id: "A0TEST",
    type: "event_callback",
    event_id: eventId,
    event_time: 1_700_000_000,
    event,
    authorizations: [{ enterprise_id: null, team_id: "T0TEST", user_id: "U0BOT", is_bot: true }],
  };
}

/** POSTs a v0-signed request to the Bolt HTTP receiver on loopback. */
export function postSigned(
  port: number,
  body: string,
  contentType: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: "POST",
    headers: { "content-type": contentType, ...signSlackRequest(SIGNING_SECRET, body), ...headers },
    body,
  });
}

export const postJson = (port: number, payload: unknown, headers: Record<string, string> = {}) =>
  postSigned(port, JSON.stringify(payload), "application/json", headers);

export const postForm = (port: number, fields: Record<string, string>) =>
  postSigned(port, new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded");

/** A block_actions payload (interactivity is form-encoded JSON) for the given actions. */
export function blockActions(opts: {
  user: string;
  responseUrl: string;
  actions: Record<string, unknown>[];
  channel?: string;
  message?: Record<string, unknown>;
}): Record<string, string> {
  const channel = opts.channel ?? "C0CHAN";
  return {
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: opts.user },
      team: { id: "T0TEST" },
      trigger_id: "trigger-1",
      response_url: opts.responseUrl,
      container: { type: "message", message_ts: "1", channel_id: channel },
      channel: { id: channel },
      ...(opts.message ? { message: opts.message } : {}),
      actions: opts.actions.map((a) => ({ block_id: "answer_actions", action_ts: "1", ...a })),
    }),
  };
}

/** Resolves when check() holds, polling; rejects after `ms` naming what was awaited. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
