import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { createLogger } from "../../src/log.js";
import { openKnowledgeBase } from "../../src/retrieval/knowledge-base.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { APOLOGY } from "../../src/slack/inbox.js";
import { POST_EVENT_TYPE } from "../../src/slack/post-once.js";
import { type FakeMessage, FakeSlack, type SlackCall } from "../helpers/fake-slack.js";
import { eventBody, nextTs, postJson, slackTestEnv, until } from "../helpers/slack-requests.js";
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

/** The certibot key a message carries, with its part. */
function keyOf(m: FakeMessage): { key: string; part: number; of: number } | null {
  const md = m.metadata as { event_type?: string; event_payload?: Record<string, unknown> } | undefined;
  if (md?.event_type !== POST_EVENT_TYPE || !md.event_payload) return null;
  const p = md.event_payload;
  return { key: String(p.key), part: Number(p.part ?? 1), of: Number(p.of ?? 1) };
}

/** Every n-th call to `method` (counting from 1), per the rule: the others pass. */
function everyNth(
  method: string,
  rules: [number, (call: SlackCall) => ReturnType<NonNullable<FakeSlack["fault"]>>][],
) {
  let n = 0;
  return (call: SlackCall) => {
    if (call.method !== method) return null;
    n += 1;
    for (const [every, fault] of rules) if (n % every === 0) return fault(call);
    return null;
  };
}

describeEachBackend("Slack failing: nothing doubled, nothing lost", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  let slack: SlackApp | null = null;
  let db: Db | null = null;
  let port = 0;

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, {
      ...store.env,
      ...slackTestEnv(fake),
      CERTIBOT_EVENT_LEASE_S: "2",
    });
  });
  afterEach(async () => {
    await slack?.stop();
    await db?.close();
    slack = null;
    db = null;
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
    await store.cleanup();
  });

  async function start(env: Record<string, string> = {}) {
    db = await store.openMigrated();
    const log = createLogger("error", () => {});
    const c = Object.keys(env).length
      ? testConfig(store.config.dataDir, {
          ...store.env,
          ...slackTestEnv(fake),
          CERTIBOT_EVENT_LEASE_S: "2",
          ...env,
        })
      : config;
    slack = createSlackApp({ config: c, log, db, answering: { retriever, llm: null, log } });
    port = (await slack.start())!;
  }

  const inboxStates = async (ids: string[]) =>
    db!.query<{ state: string }>("select state from inbound_events where event_id = any($1::text[])", [ids]);

  it("answers 200 questions exactly once each while every 5th post is rate limited, every 7th gets a 500 and every 11th a reset after posting", async () => {
    await start();
    fake.fault = everyNth("chat.postMessage", [
      [5, () => ({ status: 429, retryAfter: 0 })],
      [7, () => ({ status: 500, afterPosting: true })],
      [11, () => ({ status: "reset", afterPosting: true })],
    ]);
    const questions = ["C12 ?", "Que demande la compétence C8 ?", "C3", "les compétences du bloc 2"];
    const bodies = Array.from({ length: 200 }, (_, i) =>
      eventBody({
        type: "app_mention",
        user: `U0CAND${String(i % 100).padStart(3, "0")}`,
        text: `<@U0BOT> ${questions[i % questions.length]}`,
        ts: nextTs(),
        channel: `C0FAULT${i % 4}`,
      }),
    );
    const statuses = await Promise.all(bodies.map((b) => postJson(port, b).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const ids = bodies.map((b) => b.event_id);
    await until(
      async () => (await inboxStates(ids)).filter((r) => r.state === "done").length === ids.length,
      "the 200 events to be done",
      120_000,
    );
    // Each thread: every part of its answer, each exactly once; nothing else from the bot.
    const doubled: string[] = [];
    const lost: string[] = [];
    for (const b of bodies) {
      const thread = fake.messages.filter((m) => m.thread_ts === b.event.ts);
      const keys = thread.map(keyOf);
      const of = keys[0]?.of ?? 0;
      const parts = keys.map((k) => (k?.key === b.event_id ? k.part : -1)).sort();
      if (!of) lost.push(b.event_id);
      else if (parts.length !== of || new Set(parts).size !== of || parts.includes(-1))
        doubled.push(b.event_id);
    }
    expect({ doubled, lost }).toEqual({ doubled: [], lost: [] });
    expect(fake.messages.some((m) => m.text === APOLOGY)).toBe(false);
    // The faults did happen: 429s were sent again after Retry-After, lost answers were looked for.
    expect(fake.callsTo("conversations.replies").length).toBeGreaterThan(0);
    expect(fake.callsTo("chat.postMessage").length).toBeGreaterThan(200 + 40);
  }, 180_000);

  it("continues a stream whose start lost its answer, instead of starting another", async () => {
    await start();
    fake.fault = everyNth("chat.startStream", [[1, () => ({ status: 500, afterPosting: true })]]);
    const ts = nextTs();
    const body = eventBody({
      type: "message",
      channel_type: "im",
      user: "U0ALICE",
      text: "Que demande la compétence C12 ?",
      ts,
      channel: "D0STREAM",
    });
    await postJson(port, body);
    await until(
      async () => (await inboxStates([body.event_id]))[0]?.state === "done",
      "the event to be done",
    );
    expect(fake.callsTo("chat.startStream")).toHaveLength(1);
    const bot = fake.messages.filter((m) => m.channel === "D0STREAM" && m.bot_id);
    expect(bot).toHaveLength(1);
    expect(bot[0]).toMatchObject({ streaming: false });
    expect(keyOf(bot[0]!)).toMatchObject({ key: body.event_id });
    expect(String(bot[0]!.text)).toMatch(/C12/);
  });

  it("makes a stream whole when the answer to its closing is lost, without posting it again", async () => {
    await start();
    fake.fault = everyNth("chat.stopStream", [[1, () => ({ status: 500, afterPosting: true })]]);
    const body = eventBody({
      type: "message",
      channel_type: "im",
      user: "U0ALICE",
      text: "Que demande la compétence C12 ?",
      ts: nextTs(),
      channel: "D0STOP",
    });
    await postJson(port, body);
    await until(
      async () => (await inboxStates([body.event_id]))[0]?.state === "done",
      "the event to be done",
    );
    expect(fake.callsTo("chat.startStream")).toHaveLength(1);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    const bot = fake.messages.filter((m) => m.channel === "D0STOP" && m.bot_id);
    expect(bot).toHaveLength(1);
    expect(bot[0]).toMatchObject({ streaming: false });
    expect(keyOf(bot[0]!)).toMatchObject({ key: body.event_id });
  });

  it("closes the stream an earlier attempt left open, and writes the answer whole in it", async () => {
    const ts = nextTs();
    const body = eventBody({
      type: "message",
      channel_type: "im",
      user: "U0ALICE",
      text: "Que demande la compétence C12 ?",
      ts,
      channel: "D0OPEN",
    });
    db = await store.openMigrated();
    // A replica started the stream, appended a little, and died.
    await db.query(
      `insert into inbound_events (event_id, state, payload, attempts, lease_until, claimed_by)
       values ($1, 'processing', $2::jsonb, 1, now() - interval '1 second', 'mort:1')`,
      [body.event_id, JSON.stringify(body)],
    );
    fake.messages.push({
      channel: "D0OPEN",
      ts: `${Number(ts.split(".")[0]) + 1}.000100`,
      thread_ts: ts,
      text: "La compétence C1",
      streaming: true,
      user: "U0BOT",
      bot_id: "B0BOT",
    });
    await db.close();
    db = null;
    await start();
    await until(
      async () => (await inboxStates([body.event_id]))[0]?.state === "done",
      "the event to be done",
    );
    expect(fake.callsTo("chat.startStream")).toHaveLength(0);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    const bot = fake.messages.filter((m) => m.channel === "D0OPEN" && m.bot_id);
    expect(bot).toHaveLength(1);
    expect(bot[0]).toMatchObject({ streaming: false });
    expect(keyOf(bot[0]!)).toMatchObject({ key: body.event_id });
    // Rewritten whole: not the dead attempt's fragment followed by a second copy.
    expect(String(bot[0]!.text)).not.toMatch(/^La compétence C1La/);
    expect(fake.callsTo("chat.update").at(-1)!.args.ts).toBe(bot[0]!.ts);
  });

  it("counts a retried question once against its author's rate limit", async () => {
    await start({ CERTIBOT_RATE_QUESTIONS: "1" });
    // The answer's first post is refused (Slack overloaded): the event is retried.
    let refused = 0;
    fake.failIf = (c) =>
      c.method === "chat.postMessage" && c.args.blocks && refused++ === 0 ? "ratelimited" : null;
    const first = eventBody({
      type: "app_mention",
      user: "U0RATE",
      text: "<@U0BOT> C12 ?",
      ts: nextTs(),
      channel: "C0RATE",
    });
    await postJson(port, first);
    await until(
      async () => (await inboxStates([first.event_id]))[0]?.state === "done",
      "the event to be done",
    );
    const answered = fake.messages.filter((m) => m.thread_ts === first.event.ts);
    expect(answered.map((m) => keyOf(m)?.key)).toEqual([first.event_id]);
    expect(String(answered[0]!.text)).not.toMatch(/beaucoup de questions/);
    // Its one hit is counted: a second question in the window is refused.
    const second = eventBody({
      type: "app_mention",
      user: "U0RATE",
      text: "<@U0BOT> C8 ?",
      ts: nextTs(),
      channel: "C0RATE",
    });
    await postJson(port, second);
    await until(
      async () => (await inboxStates([second.event_id]))[0]?.state === "done",
      "the second event to be done",
    );
    const refusal = fake.messages.filter((m) => m.thread_ts === second.event.ts);
    expect(refusal).toHaveLength(1);
    expect(String(refusal[0]!.text)).toMatch(/beaucoup de questions/);
  });
});
