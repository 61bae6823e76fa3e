import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LlmAnswerer } from "../../src/answering/llm.js";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { createLogger } from "../../src/log.js";
import { openKnowledgeBase } from "../../src/retrieval/knowledge-base.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { startBot } from "../../src/slack/start.js";
import { FakeOpenAI } from "../helpers/fake-openai.js";
import { FakeSlack, signSlackRequest } from "../helpers/fake-slack.js";
import {
  blockActions,
  eventBody,
  nextTs,
  postForm,
  postJson,
  SIGNING_SECRET as SECRET,
  slackTestEnv,
  until,
} from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { tempDir, testConfig } from "../helpers/temp.js";

let retriever: Retriever;
let kbDir: Awaited<ReturnType<typeof tempDir>>;
const openai = new FakeOpenAI();

beforeAll(async () => {
  kbDir = await tempDir();
  retriever = (await openKnowledgeBase(testConfig(kbDir.path))).retriever;
  await openai.start();
});
afterAll(async () => {
  await openai.stop();
  await kbDir.cleanup();
});

interface Replica {
  slack: SlackApp;
  port: number;
  db: Db;
  logs: string[];
}

describeEachBackend("Slack app over HTTP", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  const replicas: Replica[] = [];

  async function startReplica(extra: { llm?: boolean } = {}): Promise<Replica> {
    // PGlite is one process's database: replicas in this process share it; a server gets one pool each.
    const db = backend.name === "pglite" && replicas[0] ? replicas[0].db : await store.openMigrated();
    const logs: string[] = [];
    const log = createLogger("info", (l) => logs.push(l));
    const llm = extra.llm
      ? new LlmAnswerer({ apiKey: "sk-test", baseURL: openai.baseURL, model: "m", timeoutMs: 2_000 })
      : null;
    const slack = createSlackApp({ config, log, db, answering: { retriever, llm, log } });
    const port = (await slack.start())!;
    const replica = { slack, port, db, logs };
    replicas.push(replica);
    return replica;
  }

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, {
      ...store.env,
      ...slackTestEnv(fake),
      ADMIN_USER_IDS: "U0ADMIN",
    });
  });
  afterEach(async () => {
    while (replicas.length) {
      const r = replicas.pop()!;
      await r.slack.stop();
      if (!replicas.some((o) => o.db === r.db)) await r.db.close();
    }
    fake.reset();
    openai.mode = "ok";
  });
  afterAll(async () => {
    await fake.stop();
    await store.cleanup();
  });

  const mention = (text: string, extra: Record<string, unknown> = {}) => ({
    type: "app_mention",
    user: "U0ALICE",
    text: `<@U0BOT> ${text}`,
    ts: nextTs(),
    channel: "C0CHAN",
    ...extra,
  });

  it("answers a mention in its thread, citing the code, with 👀 while working", async () => {
    const r = await startReplica();
    const ev = mention("que demande la compétence C12 ?");
    const res = await postJson(r.port, eventBody(ev));
    expect(res.status).toBe(200);
    const [answer] = await fake.waitFor("chat.postMessage");
    expect(answer!.args).toMatchObject({ channel: "C0CHAN", thread_ts: ev.ts });
    expect(answer!.token).toBe("xoxb-test");
    const blocks = answer!.args.blocks as {
      type: string;
      text?: { text: string };
      elements?: { text?: string; action_id?: string }[];
    }[];
    expect(blocks[0]!.text!.text).toMatch(/C12 — Programmer les tests automatisés/);
    const context = blocks.find((b) => b.type === "context")!;
    expect(context.elements![0]!.text).toMatch(/rncp37827 · C12 — Programmer les tests automatisés/);
    const actions = blocks.find((b) => b.type === "actions")!;
    expect(actions.elements!.map((e) => e.action_id)).toEqual(["feedback_up", "feedback_down"]);
    await fake.waitFor("reactions.remove");
    expect(fake.callsTo("reactions.add")[0]!.args).toMatchObject({ name: "eyes", timestamp: ev.ts });
    const logged = await r.db.query("select codes, mode, found, slack_user_id, question_text from qa_log");
    expect(logged).toEqual([
      expect.objectContaining({
        codes: expect.arrayContaining(["C12"]),
        mode: "extractive",
        found: true,
        slack_user_id: "U0ALICE",
        question_text: null,
      }),
    ]);
  });

  it("answers a redelivered event only once", async () => {
    const r = await startReplica();
    const body = eventBody(mention("B2C4 ça couvre quoi ?"));
    await postJson(r.port, body);
    await fake.waitFor("chat.postMessage");
    const retry = await postJson(r.port, body, {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(retry.status).toBe(200);
    await until(
      () => r.logs.some((l) => l.includes("duplicate event dropped")),
      "the redelivery to be dropped",
    );
    // The answer's handler is done: nothing of it spills into the next test.
    await fake.waitFor("reactions.remove");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("two replicas receiving the same event answer once", async () => {
    const a = await startReplica();
    const b = await startReplica();
    const body = eventBody(mention("c8 c'est quoi ?"));
    const [ra, rb] = await Promise.all([postJson(a.port, body), postJson(b.port, body)]);
    expect([ra.status, rb.status]).toEqual([200, 200]);
    await fake.waitFor("chat.postMessage");
    await until(
      () => [...a.logs, ...b.logs].some((l) => l.includes("duplicate event dropped")),
      "one replica to drop the event",
    );
    await fake.waitFor("reactions.remove");
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("rejects bad or stale signatures without running any handler", async () => {
    const r = await startReplica();
    const body = JSON.stringify(eventBody(mention("C12 ?")));
    const forged = await fetch(`http://127.0.0.1:${r.port}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...signSlackRequest("wrong-secret", body) },
      body,
    });
    expect(forged.status).toBe(401);
    const stale = await fetch(`http://127.0.0.1:${r.port}/slack/events`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000) - 600),
      },
      body,
    });
    expect(stale.status).toBe(401);
    await until(
      () => r.logs.filter((l) => l.includes("Failed to verify authenticity")).length === 2,
      "both refusals logged",
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("acks a slash command, then answers ephemerally through response_url with a share button", async () => {
    const r = await startReplica();
    const res = await postForm(r.port, {
      command: "/certibot",
      text: "le rapport E3 c'est combien de pages ?",
      user_id: "U0ALICE",
      channel_id: "C0CHAN",
      team_id: "T0TEST",
      response_url: fake.responseUrl("cmd1"),
      trigger_id: "trig",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    await until(() => fake.responseUrlPosts.length > 0, "the response_url post");
    const reply = fake.responseUrlPosts[0]!.body as {
      response_type: string;
      text: string;
      blocks: { type: string; elements?: { action_id: string }[] }[];
    };
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toMatch(/2 à 5 pages/);
    const ids = reply.blocks.find((b) => b.type === "actions")!.elements!.map((e) => e.action_id);
    expect(ids).toContain("share_answer");
    expect(ids).toContain("feedback_up");
    expect(ids).toContain("show_referential:rncp37827:E3");
  });

  it("shows a clashing code in another referential on request", async () => {
    const r = await startReplica();
    await postJson(r.port, eventBody(mention("c8 c'est quoi ?")));
    const [answer] = await fake.waitFor("chat.postMessage");
    const blocks = answer!.args.blocks as {
      type: string;
      elements?: { action_id: string; value: string }[];
    }[];
    expect(JSON.stringify(blocks)).toMatch(/rncp37827 · C8/);
    const other = blocks
      .find((b) => b.type === "actions")!
      .elements!.find((e) => e.action_id.startsWith("show_referential:"))!;
    expect(other.action_id).toBe("show_referential:simplon-dev-ia-guide:C8");
    const res = await postForm(
      r.port,
      blockActions({
        user: "U0ALICE",
        responseUrl: fake.responseUrl("other"),
        actions: [{ type: "button", action_id: other.action_id, value: other.value }],
      }),
    );
    expect(res.status).toBe(200);
    await until(() => fake.responseUrlPosts.length === 1, "the other reading");
    const shown = JSON.stringify(fake.responseUrlPosts[0]!.body);
    expect(shown).toMatch(/simplon-dev-ia-guide · C8/);
    expect(shown).toMatch(/Modifier les paramètres et composants/);
  });

  it("treats a message in a followed thread as a follow-up with context", async () => {
    const r = await startReplica();
    const first = mention("que demande la compétence C12 ?");
    await postJson(r.port, eventBody(first));
    await fake.waitFor("chat.postMessage");
    await postJson(
      r.port,
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U0ALICE",
        text: "et les critères ?",
        ts: nextTs(),
        thread_ts: first.ts,
        channel: "C0CHAN",
      }),
    );
    const posts = await fake.waitFor("chat.postMessage", 2);
    expect(posts[1]!.args.thread_ts).toBe(first.ts);
    expect(JSON.stringify(posts[1]!.args.blocks)).toMatch(/rncp37827 · C12/);
    // A message in a thread the bot never answered in is left alone.
    await postJson(
      r.port,
      eventBody({
        type: "message",
        channel_type: "channel",
        user: "U0ALICE",
        text: "merci",
        ts: nextTs(),
        thread_ts: "1699999999.000001",
        channel: "C0CHAN",
      }),
    );
    // Nothing to wait for when nothing happens: give the receiver time to (not) act.
    await new Promise((res) => setTimeout(res, 300));
    expect(fake.callsTo("chat.postMessage")).toHaveLength(2);
  });

  it("ignores bot messages, edits and its own posts", async () => {
    const r = await startReplica();
    for (const ev of [
      {
        type: "message",
        channel_type: "im",
        bot_id: "B0OTHER",
        text: "C12 ?",
        ts: nextTs(),
        channel: "D0DM",
      },
      {
        type: "message",
        channel_type: "im",
        subtype: "message_changed",
        ts: nextTs(),
        channel: "D0DM",
        message: { text: "C12 ?" },
      },
      { type: "message", channel_type: "im", user: "U0BOT", text: "C12 ?", ts: nextTs(), channel: "D0DM" },
    ]) {
      expect((await postJson(r.port, eventBody(ev))).status).toBe(200);
    }
    await new Promise((res) => setTimeout(res, 300));
    expect(fake.calls.filter((c) => c.method !== "auth.test")).toEqual([]);
  });

  it("streams the answer to a direct message, with status and feedback at the end", async () => {
    const r = await startReplica();
    const ts = nextTs();
    await postJson(
      r.port,
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U0ALICE",
        text: "how many pages for the E3 report?",
        ts,
        channel: "D0DM",
      }),
    );
    const [stop] = await fake.waitFor("chat.stopStream");
    const start = fake.callsTo("chat.startStream")[0]!;
    expect(start.args).toMatchObject({ channel: "D0DM", thread_ts: ts, recipient_user_id: "U0ALICE" });
    const streamed = [start, ...fake.callsTo("chat.appendStream")].map((c) => c.args.markdown_text).join("");
    expect(streamed).toMatch(/^\*E3 — Cas pratique 2/);
    expect(streamed).toMatch(/2 à 5 pages/);
    expect(JSON.stringify(stop!.args.blocks)).toMatch(/feedback_up/);
    // The status is cleared once the stream is closed.
    await until(
      () => fake.callsTo("assistant.threads.setStatus").at(-1)?.args.status === "",
      "status cleared",
    );
    const statuses = fake.callsTo("assistant.threads.setStatus").map((c) => c.args.status);
    expect(statuses[0]).toMatch(/cherche/);
    expect(statuses).toHaveLength(2);
  });

  it("falls back to post-then-update where streaming is refused", async () => {
    const r = await startReplica();
    fake.failing.set("chat.startStream", "not_allowed_token_type");
    await postJson(
      r.port,
      eventBody({
        type: "message",
        channel_type: "im",
        user: "U0ALICE",
        text: "C12 ?",
        ts: nextTs(),
        channel: "D0DM",
      }),
    );
    const updates = await fake.waitFor("chat.update");
    await until(
      () => JSON.stringify(fake.callsTo("chat.update").at(-1)!.args.blocks ?? "").includes("feedback_up"),
      "final update",
    );
    expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
    expect(updates.at(-1)!.args.text).toMatch(/C12 — Programmer/);
  });

  it("stores 👍 and 👎 with its comment, and shows the vote was recorded", async () => {
    const r = await startReplica();
    await postJson(r.port, eventBody(mention("C12 ?")));
    const [answer] = await fake.waitFor("chat.postMessage");
    const blocks = answer!.args.blocks as {
      type: string;
      elements?: { action_id: string; value: string }[];
    }[];
    const qaId = blocks.find((b) => b.type === "actions")!.elements![0]!.value;
    const click = (action_id: string) =>
      postForm(
        r.port,
        blockActions({
          user: "U0BOB",
          responseUrl: fake.responseUrl("act1"),
          message: { ts: "1", text: "answer", blocks },
          actions: [{ type: "button", action_id, value: qaId }],
        }),
      );
    expect((await click("feedback_up")).status).toBe(200);
    await until(() => fake.responseUrlPosts.length === 1, "the message update");
    expect(JSON.stringify(fake.responseUrlPosts[0]!.body)).toMatch(/avis enregistré/);
    expect(JSON.stringify(fake.responseUrlPosts[0]!.body)).not.toMatch(/feedback_up/);

    await click("feedback_down");
    const [open] = await fake.waitFor("views.open");
    const view = open!.args.view as { callback_id: string; private_metadata: string };
    expect(view).toMatchObject({ callback_id: "feedback_modal", private_metadata: qaId });
    const submit = await postForm(r.port, {
      payload: JSON.stringify({
        type: "view_submission",
        user: { id: "U0BOB" },
        team: { id: "T0TEST" },
        view: {
          id: "V1",
          callback_id: "feedback_modal",
          private_metadata: qaId,
          state: {
            values: {
              feedback_comment: { comment: { type: "plain_text_input", value: "Mauvais référentiel" } },
            },
          },
        },
      }),
    });
    expect(submit.status).toBe(200);
    await until(async () => {
      const rows = await r.db.query<{ comment: string | null }>(
        "select comment from feedback where qa_id = $1",
        [Number(qaId)],
      );
      return rows[0]?.comment === "Mauvais référentiel";
    }, "the comment to be stored");
    const [row] = await r.db.query("select vote, slack_user_id from feedback where qa_id = $1", [
      Number(qaId),
    ]);
    expect(row).toEqual({ vote: "down", slack_user_id: "U0BOB" });
  });

  it("splits a very long answer into valid messages", async () => {
    const r = await startReplica({ llm: true });
    openai.reply = () =>
      // No number the passages lack: such an answer would be rejected for the extractive one.
      Array.from(
        { length: 60 },
        (_, i) => `Paragraphe ${"ABCDEFGHIJ"[i % 10]} : ${"blabla ".repeat(70)}`,
      ).join("\n\n");
    try {
      await postJson(r.port, eventBody(mention("que demande la compétence C12 ?")));
      await until(
        () => fake.callsTo("chat.postMessage").length >= 2 && fake.callsTo("reactions.remove").length === 1,
        "all parts",
      );
    } finally {
      openai.reply = (m) => `Réponse du modèle (${m.length} messages). Source : rncp37827 · C12`;
    }
    const posts = fake.callsTo("chat.postMessage");
    let total = 0;
    for (const p of posts) {
      const blocks = p.args.blocks as { type: string; text?: { text: string } }[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      const chars = blocks.reduce((s, b) => s + (b.text?.text.length ?? 0), 0);
      expect(chars).toBeLessThanOrEqual(12_000);
      for (const b of blocks) expect(b.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
      total += chars;
    }
    expect(total).toBeGreaterThan(24_000);
    expect(JSON.stringify(posts.at(-1)!.args.blocks)).toMatch(/feedback_up/);
  });

  it("still answers, extractively, when the LLM server is down", async () => {
    const r = await startReplica({ llm: true });
    openai.mode = "error";
    await postJson(r.port, eventBody(mention("que demande la compétence C12 ?")));
    const [answer] = await fake.waitFor("chat.postMessage");
    const text = JSON.stringify(answer!.args.blocks);
    expect(text).toMatch(/C12 — Programmer les tests automatisés/);
    expect(text).toMatch(/le modèle de langage n'a pas répondu/);
  });

  it("publishes the Home tab and offers prompts in the Messages tab", async () => {
    const r = await startReplica();
    await postJson(
      r.port,
      eventBody({ type: "app_home_opened", user: "U0ALICE", channel: "D0DM", tab: "home" }),
    );
    const [publish] = await fake.waitFor("views.publish");
    expect(publish!.args.user_id).toBe("U0ALICE");
    expect(JSON.stringify(publish!.args.view)).toMatch(/rncp37827.*21 compétences/);
    await postJson(
      r.port,
      eventBody({ type: "app_home_opened", user: "U0ALICE", channel: "D0DM", tab: "messages" }),
    );
    const [prompts] = await fake.waitFor("assistant.threads.setSuggestedPrompts");
    expect((prompts!.args.prompts as unknown[]).length).toBe(4);
  });

  it("lets only admins change a channel's defaults, which answers then follow", async () => {
    const r = await startReplica();
    const config = (user: string, text: string, id: string) =>
      postForm(r.port, {
        command: "/certibot",
        text,
        user_id: user,
        channel_id: "C0CONF",
        team_id: "T0TEST",
        response_url: fake.responseUrl(id),
        trigger_id: "t",
      });
    await config("U0ALICE", "config referential=simplon-dev-ia-guide", "c1");
    await until(() => fake.responseUrlPosts.length === 1, "refusal");
    expect(JSON.stringify(fake.responseUrlPosts[0]!.body)).toMatch(/Seuls les administrateurs/);
    await config("U0ADMIN", "config referential=nope", "c2");
    await until(() => fake.responseUrlPosts.length === 2, "bad value");
    expect(JSON.stringify(fake.responseUrlPosts[1]!.body)).toMatch(/Référentiel inconnu « nope »/);
    await config("U0ADMIN", "config referential=simplon-dev-ia-guide mentions-only=on", "c3");
    await until(() => fake.responseUrlPosts.length === 3, "confirmation");
    expect(JSON.stringify(fake.responseUrlPosts[2]!.body)).toMatch(/simplon-dev-ia-guide/);
    await postJson(r.port, eventBody(mention("c8 c'est quoi ?", { channel: "C0CONF" })));
    const [answer] = await fake.waitFor("chat.postMessage");
    expect(JSON.stringify(answer!.args.blocks)).toMatch(/simplon-dev-ia-guide · C8/);
  });

  it("tells the user, with an error id, when a handler fails", async () => {
    const r = await startReplica();
    fake.failing.set("chat.postMessage", "channel_not_found");
    await postJson(r.port, eventBody(mention("C12 ?")));
    await until(() => r.logs.some((l) => l.includes("slack handler failed")), "the error log");
    const line = JSON.parse(r.logs.find((l) => l.includes("slack handler failed"))!);
    expect(line.errorId).toMatch(/^[0-9a-f]{8}$/);
    expect(JSON.stringify(line)).not.toMatch(/xoxb-test/);
    // The user is told in French, with the same id (here Slack refuses that post too: it is logged).
    const [, apology] = await fake.waitFor("chat.postMessage", 2);
    expect(apology!.args.text).toBe(
      `Désolé, une erreur interne m'empêche de répondre. (erreur ${line.errorId})`,
    );
  });

  it("serves /healthz", async () => {
    const r = await startReplica();
    const res = await fetch(`http://127.0.0.1:${r.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("starting the bot", () => {
  it("fails clearly when Slack refuses the token", async () => {
    const fake = await new FakeSlack().start();
    const dir = await tempDir();
    try {
      fake.failing.set("auth.test", "invalid_auth");
      const config = testConfig(dir.path, { ...slackTestEnv(fake), SLACK_BOT_TOKEN: "xoxb-bad" });
      const err = await startBot(
        config,
        createLogger("error", () => {}),
      ).catch((e) => e);
      expect(err.code).toBe("CONFIG_INVALID");
      expect(err.userMessage()).toMatch(/Slack refuse le jeton du bot \(invalid_auth\)/);
    } finally {
      await fake.stop();
      await dir.cleanup();
    }
  });
});
