import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { createLogger } from "../../src/log.js";
import { openKnowledgeBase } from "../../src/retrieval/knowledge-base.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { APOLOGY, type InboxOptions } from "../../src/slack/inbox.js";
import { keyMetadata } from "../../src/slack/post-once.js";
import { tokenMayGoTo } from "../../src/slack/report-files.js";
import { FakeSlack, signSlackRequest } from "../helpers/fake-slack.js";
import { CHEF_HEADINGS, makePdf } from "../helpers/report-fixtures.js";
import {
  eventBody,
  nextTs,
  postJson,
  SIGNING_SECRET,
  slackTestEnv,
  until,
} from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { tempDir, testConfig } from "../helpers/temp.js";

let retriever: Retriever;
let kbDir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  kbDir = await tempDir();
  retriever = (await openKnowledgeBase(testConfig(kbDir.path))).retriever;
});
afterAll(async () => {
  await kbDir.cleanup();
});

it("sends the bot token only to Slack's file host, or to SLACK_API_URL's host", () => {
  expect(tokenMayGoTo("https://files.slack.com/files-pri/T0-F0/download/r.pdf", null)).toBe(true);
  expect(tokenMayGoTo("http://files.slack.com/files-pri/x", null)).toBe(false);
  expect(tokenMayGoTo("https://files.slack.com.evil.test/x", null)).toBe(false);
  expect(tokenMayGoTo("https://evil.test/files.slack.com", null)).toBe(false);
  expect(tokenMayGoTo("https://files.slack.com:8443/x", null)).toBe(false);
  expect(tokenMayGoTo("http://127.0.0.1:4000/files/F1", "http://127.0.0.1:4000/api/")).toBe(true);
  expect(tokenMayGoTo("http://127.0.0.1:4001/files/F1", "http://127.0.0.1:4000/api/")).toBe(false);
  expect(tokenMayGoTo("pas une url", null)).toBe(false);
});

describeEachBackend("the event inbox (Slack app over HTTP)", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  let slack: SlackApp | null = null;
  let db: Db | null = null;
  let port = 0;
  // Another host, recording what it receives: the token must never arrive here.
  const seen: IncomingHttpHeaders[] = [];
  let elsewhere: Server;
  let elsewhereUrl = "";

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, {
      ...store.env,
      ...slackTestEnv(fake),
      CERTIBOT_EVENT_LEASE_S: "1",
    });
    fake.files.set("FCHEF", {
      name: "rapport.pdf",
      mimetype: "application/pdf",
      content: Buffer.from((await makePdf({ pages: 22, headings: CHEF_HEADINGS, style: "fontsize" })).bytes),
    });
    elsewhere = createServer((req, res) => {
      seen.push(req.headers);
      res.end("%PDF-1.4 not really");
    });
    await new Promise<void>((r) => elsewhere.listen(0, "127.0.0.1", r));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await slack?.stop();
    await db?.close();
    slack = null;
    db = null;
    fake.reset();
    seen.length = 0;
  });
  afterAll(async () => {
    await fake.stop();
    elsewhere.closeAllConnections();
    await new Promise((r) => elsewhere.close(r));
    await store.cleanup();
  });

  async function start(opts: InboxOptions = {}) {
    db = await store.openMigrated();
    const log = createLogger("error", () => {});
    slack = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } }, opts);
    port = (await slack.start())!;
  }

  const inboxRow = async (eventId: string) =>
    (
      await db!.query<{ state: string; attempts: number; payload: unknown }>(
        "select state, attempts, payload from inbound_events where event_id = $1",
        [eventId],
      )
    )[0];

  const mention = (text: string, channel = "C0INBOX") => ({
    type: "app_mention",
    user: "U0ALICE",
    text: `<@U0BOT> ${text}`,
    ts: nextTs(),
    channel,
  });

  it("stores the event before acknowledging it, and erases its text once answered", async () => {
    await start();
    const body = eventBody(mention("C12 ?"));
    expect((await postJson(port, body)).status).toBe(200);
    // Acknowledged means stored: the row is there as soon as the 200 is.
    expect(await inboxRow(body.event_id)).toBeDefined();
    const [answer] = await fake.waitFor("chat.postMessage");
    expect(answer!.args.metadata).toEqual(keyMetadata(body.event_id, { part: 1, of: 1 }));
    await until(async () => (await inboxRow(body.event_id))?.state === "done", "the event to be done");
    expect(await inboxRow(body.event_id)).toEqual({ state: "done", attempts: 1, payload: null });
  });

  it("in Socket Mode too, acknowledges an event only once stored, and not at all when it cannot be", async () => {
    db = await store.openMigrated();
    const log = createLogger("error", () => {});
    const socketConfig = testConfig(store.config.dataDir, {
      ...store.env,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      SLACK_API_URL: fake.apiUrl,
    });
    expect(socketConfig.slack.mode).toBe("socket");
    const app = createSlackApp({ config: socketConfig, log, db, answering: { retriever, llm: null, log } });
    // What Slack's websocket hands the Socket Mode receiver: the envelope and its ack.
    const receiver = (
      app.app as unknown as { receiver: { inner: { app: { processEvent(e: unknown): Promise<void> } } } }
    ).receiver.inner;
    const deliver = async (body: ReturnType<typeof eventBody>) => {
      const acked: Array<unknown> = [];
      const outcome = await receiver.app
        .processEvent({
          body,
          ack: async () => {
            acked.push(await inboxRow(body.event_id));
          },
        })
        .then(
          () => "ok",
          () => "refused",
        );
      return { outcome, acked };
    };
    const stored = eventBody(mention("C12 ?"));
    const first = await deliver(stored);
    expect(first.outcome).toBe("ok");
    expect(first.acked).toEqual([expect.objectContaining({ state: "received", attempts: 0 })]);
    // Not to be answered by the next test's app.
    await db.query("delete from inbound_events where event_id = $1", [stored.event_id]);
    await db.close();
    const lost = await deliver(eventBody(mention("C8 ?")));
    expect(lost).toEqual({ outcome: "refused", acked: [] });
    db = null;
  });

  it("refuses a request dated more than 5 minutes ahead, like a stale one", async () => {
    await start();
    const body = eventBody(mention("C12 ?"));
    const raw = JSON.stringify(body);
    const ahead = Math.floor(Date.now() / 1000) + 6 * 60;
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signSlackRequest(SIGNING_SECRET, raw, ahead) },
      body: raw,
    });
    expect(res.status).toBe(401);
    expect(await inboxRow(body.event_id)).toBeUndefined();
    expect(fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("takes over events a dead replica left past their lease, posting only what is not in Slack yet", async () => {
    // Two events a crashed replica had claimed: one it had answered (then died before recording it), one not.
    const answered = eventBody(mention("C12 ?"));
    const pending = eventBody(mention("C8 ?"));
    db = await store.openMigrated();
    for (const b of [answered, pending])
      await db.query(
        `insert into inbound_events (event_id, state, payload, attempts, lease_until, claimed_by)
         values ($1, 'processing', $2::jsonb, 1, now() - interval '1 second', 'mort:1')`,
        [b.event_id, JSON.stringify(b)],
      );
    fake.messages.push({
      channel: "C0INBOX",
      ts: "1.1",
      thread_ts: answered.event.ts as string,
      text: "réponse",
      metadata: keyMetadata(answered.event_id, { part: 1, of: 1 }),
    });
    await db.close();
    db = null;
    await start();
    await until(
      async () =>
        (await inboxRow(answered.event_id))?.state === "done" &&
        (await inboxRow(pending.event_id))?.state === "done",
      "both events to be done",
    );
    const posts = fake.callsTo("chat.postMessage");
    expect(posts.map((p) => p.args.thread_ts)).toEqual([pending.event.ts]);
    expect(await inboxRow(answered.event_id)).toMatchObject({ attempts: 2 });
  });

  it("retries a question whose answer cannot be posted, then apologizes once in its thread", async () => {
    await start({ maxAttempts: 2 });
    // Slack keeps failing the answer (it has blocks); the plain-text apology goes through.
    fake.failIf = (c) => (c.method === "chat.postMessage" && c.args.blocks ? "ratelimited" : null);
    const body = eventBody(mention("C12 ?"));
    expect((await postJson(port, body)).status).toBe(200);
    await until(
      async () => (await inboxRow(body.event_id))?.state === "failed",
      "the event to fail for good",
    );
    const posts = fake.callsTo("chat.postMessage");
    expect(posts.filter((p) => p.args.blocks)).toHaveLength(2);
    const apologies = posts.filter((p) => p.args.text === APOLOGY);
    expect(apologies).toHaveLength(1);
    expect(apologies[0]!.args.thread_ts).toBe(body.event.ts);
    expect(await inboxRow(body.event_id)).toMatchObject({ attempts: 2, payload: null });
  });

  it("never sends the token off Slack's file host, and says so clearly when a file is gone", async () => {
    await start();
    const ev = {
      ...mention("mon rapport de chef d'oeuvre"),
      // The event names a download URL elsewhere: it is ignored, files.info gives Slack's own.
      files: [
        { id: "FCHEF", name: "rapport.pdf", filetype: "pdf", url_private_download: `${elsewhereUrl}/steal` },
        { id: "FGONE", name: "supprimé.pdf", filetype: "pdf" },
      ],
    };
    await postJson(port, eventBody(ev));
    const replies = await fake.waitFor("chat.postMessage", 2);
    expect(seen).toEqual([]);
    expect(fake.callsTo("files.info").map((c) => c.args.file)).toEqual(["FCHEF", "FGONE"]);
    expect(String(replies[0]!.args.text)).toMatch(/« rapport\.pdf » : /);
    expect(replies[1]!.args.text).toBe("⚠️ « supprimé.pdf » : Le fichier du rapport est introuvable.");
  });
});
