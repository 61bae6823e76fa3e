import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { heartbeatJob } from "../../src/jobs/heartbeat-job.js";
import { runOccurrence } from "../../src/jobs/runner.js";
import { createLogger } from "../../src/log.js";
import { type OpsAlertNotice, runOpsAlerts } from "../../src/ops/alerts.js";
import { LimitedLlmAnswerer } from "../../src/ops/limited-llm.js";
import { createOps } from "../../src/ops/ops.js";
import { openKnowledgeBase } from "../../src/retrieval/knowledge-base.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { opsHandlers, startOpsServer } from "../../src/slack/ops-http.js";
import { startBot } from "../../src/slack/start.js";
import { FakeOpenAI } from "../helpers/fake-openai.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { decodePng } from "../helpers/png.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "../helpers/postgres.js";
import { RecordingNotifier } from "../helpers/recording-notifier.js";
import { CHEF_HEADINGS, makePdf } from "../helpers/report-fixtures.js";
import {
  blockActions,
  eventBody,
  nextTs,
  postForm,
  postJson,
  slackTestEnv,
  until,
} from "../helpers/slack-requests.js";
import { describeEachBackend, PGLITE, type TestStore } from "../helpers/stores.js";
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

/** The value of one sample in a Prometheus text exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[3] ?? "").matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

interface Replica {
  slack: SlackApp;
  port: number;
  db: Db;
}

describeEachBackend("running the Slack app in production", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  const replicas: Replica[] = [];

  async function startReplica(config: Config, logs?: string[]): Promise<Replica> {
    const db = backend.name === "pglite" && replicas[0] ? replicas[0].db : await store.openMigrated();
    const log = logs ? createLogger("info", (l) => logs.push(l)) : createLogger("error", () => {});
    const slack = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } });
    const port = (await slack.start())!;
    const r = { slack, port, db };
    replicas.push(r);
    return r;
  }
  const configWith = (env: Record<string, string> = {}) =>
    testConfig(store.config.dataDir, { ...store.env, ...slackTestEnv(fake), ...env });

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    fake.files.set("FCHEF", {
      name: "rapport.pdf",
      mimetype: "application/pdf",
      content: Buffer.from((await makePdf({ pages: 24, headings: CHEF_HEADINGS, style: "fontsize" })).bytes),
    });
  });
  afterEach(async () => {
    while (replicas.length) {
      const r = replicas.pop()!;
      await r.slack.stop();
      if (!replicas.some((o) => o.db === r.db)) await r.db.close();
    }
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
    await store.cleanup();
  });

  const mention = (user: string, text: string) => ({
    type: "app_mention",
    user,
    text: `<@U0BOT> ${text}`,
    ts: nextTs(),
    channel: "C0CHAN",
  });

  it("counts answers, declined questions, a 👎, a report and a job run on /metrics", async () => {
    const r = await startReplica(configWith());
    const metrics = async () => {
      const res = await fetch(`http://127.0.0.1:${r.port}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/text\/plain/);
      return res.text();
    };
    await postJson(r.port, eventBody(mention("U0ALICE", "que demande la compétence C12 ?")));
    const [answer] = await fake.waitFor("chat.postMessage");
    await postJson(r.port, eventBody(mention("U0ALICE", "quelle est la recette de la tarte tatin ?")));
    await fake.waitFor("chat.postMessage", 2);
    const blocks = answer!.args.blocks as {
      type: string;
      elements?: { type: string; negative_button?: { value: string } }[];
    }[];
    // The 👎 of the feedback_buttons element, as Slack sends it.
    const down = blocks
      .find((b) => b.type === "context_actions")!
      .elements!.find((e) => e.type === "feedback_buttons")!.negative_button!.value;
    await postForm(
      r.port,
      blockActions({
        user: "U0BOB",
        responseUrl: fake.responseUrl("m1"),
        message: { ts: "1", text: "answer", blocks },
        actions: [{ type: "feedback_buttons", action_id: "answer_feedback", value: down }],
      }),
    );
    await fake.waitFor("views.open");
    await postJson(
      r.port,
      eventBody({
        type: "message",
        subtype: "file_share",
        channel_type: "im",
        channel: "D0ALICE",
        user: "U0ALICE",
        text: "chef d'oeuvre",
        ts: nextTs(),
        files: [{ id: "FCHEF", name: "rapport.pdf", filetype: "pdf" }],
      }),
    );
    await fake.waitFor("chat.postMessage", 3);
    await runOccurrence(heartbeatJob, new Date(), {
      db: r.db,
      config: configWith(),
      log: createLogger("error", () => {}),
      metrics: r.slack.deps.ops.metrics,
    });
    fake.failing.set("users.info", "user_not_found");
    await r.slack.app.client.users.info({ user: "U0NOPE" }).catch(() => null);

    const text = await metrics();
    const questions = (labels: Record<string, string>) => sample(text, "certibot_questions_total", labels);
    expect(questions({ mode: "extractive", found: "true", via: "slack" })).toBe(1);
    expect(text).toMatch(
      /^certibot_questions_total\{mode="extractive",intent="[a-z-]+",found="true",via="slack"\} 1$/m,
    );
    expect(questions({ mode: "extractive", found: "false", via: "slack" })).toBe(1);
    expect(sample(text, "certibot_questions_declined_total", { via: "slack" })).toBe(1);
    expect(sample(text, "certibot_answer_latency_seconds_count", { mode: "extractive" })).toBe(2);
    expect(sample(text, "certibot_feedback_total", { vote: "down" })).toBe(1);
    expect(sample(text, "certibot_reports_checked_total", { verdict: "ok" })).toBe(1);
    expect(sample(text, "certibot_job_runs_total", { job: "heartbeat", outcome: "done" })).toBe(1);
    expect(
      sample(text, "certibot_slack_api_errors_total", { method: "users.info", error: "user_not_found" }),
    ).toBe(1);
    expect(sample(text, "certibot_inbox_depth")).toBe(0);
    expect(sample(text, "certibot_concurrency_limit", { kind: "report_parse" })).toBe(2);
    expect(sample(text, "certibot_concurrency_in_use", { kind: "report_parse" })).toBe(0);
    expect(sample(text, "certibot_rate_limit_per_window", { kind: "question" })).toBe(30);
    expect(sample(text, "certibot_process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("logs every line of an event with its id and type, and never the question's text", async () => {
    const logs: string[] = [];
    const r = await startReplica(configWith(), logs);
    await postJson(r.port, eventBody(mention("U0LOG", "que demande la compétence C12 ?"), "EvLogged1"));
    await fake.waitFor("chat.postMessage");
    await until(() => logs.some((l) => l.includes("question answered")), "the answer's log line");
    const line = JSON.parse(logs.find((l) => l.includes("question answered"))!);
    expect(line).toMatchObject({
      level: "info",
      eventId: "EvLogged1",
      eventType: "app_mention",
      mode: "extractive",
    });
    expect(line.codes).toContain("C12");
    expect(logs.join("\n")).not.toMatch(/que demande|xoxb-test/);
  });

  it("counts LLM errors and timeouts behind the LLM concurrency limit, and the fallbacks they cause", async () => {
    const openai = await new FakeOpenAI().start();
    try {
      const config = configWith({ CERTIBOT_MAX_LLM_CALLS: "1" });
      const db = await store.openMigrated();
      const log = createLogger("error", () => {});
      const ops = createOps(config, db, log, { processMetrics: false });
      const llm = new LimitedLlmAnswerer(
        { apiKey: "sk-test", baseURL: openai.baseURL, model: "m", timeoutMs: 300 },
        ops,
      );
      const slack = createSlackApp({ config, log, db, answering: { retriever, llm, log }, ops });
      const port = (await slack.start())!;
      replicas.push({ slack, port, db });
      openai.mode = "error";
      await postJson(port, eventBody(mention("U0LLM", "que demande la compétence C12 ?")));
      // With a model, a channel answer is streamed: each one ends with chat.stopStream.
      await fake.waitFor("chat.stopStream");
      openai.mode = "slow";
      await postJson(port, eventBody(mention("U0LLM", "que demande la compétence C11 ?")));
      await fake.waitFor("chat.stopStream", 2);
      openai.mode = "ok";
      // A reply the evidence supports (no code or number of its own), so it is used as is.
      openai.reply = () => "Cette compétence porte sur le référentiel cité ci-dessous.";
      await postJson(port, eventBody(mention("U0LLM", "que demande la compétence C10 ?")));
      await fake.waitFor("chat.stopStream", 3);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(sample(text, "certibot_llm_errors_total", { kind: "error" })).toBe(1);
      expect(sample(text, "certibot_llm_errors_total", { kind: "timeout" })).toBe(1);
      expect(sample(text, "certibot_questions_total", { mode: "fallback" })).toBe(2);
      expect(sample(text, "certibot_questions_total", { mode: "llm" })).toBe(1);
      expect(sample(text, "certibot_concurrency_limit", { kind: "llm" })).toBe(1);
      expect(sample(text, "certibot_concurrency_in_use", { kind: "llm" })).toBe(0);
      expect(sample(text, "certibot_process_resident_memory_bytes")).toBeUndefined();
    } finally {
      await openai.stop();
    }
  });

  it("serves /metrics and /readyz on their own port (Socket Mode's METRICS_PORT)", async () => {
    const r = await startReplica(configWith());
    const server = await startOpsServer(
      0,
      opsHandlers(r.slack.deps, () => r.slack.app.client),
    );
    try {
      const metrics = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(
        sample(await metrics.text(), "certibot_knowledge_records", { referential: "rncp37827" }),
      ).toBeGreaterThan(10);
      expect((await fetch(`http://127.0.0.1:${server.port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${server.port}/slack/events`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("serves /readyz: database, index and Slack auth all ok", async () => {
    const r = await startReplica(configWith());
    const res = await fetch(`http://127.0.0.1:${r.port}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: "ok", index: "ok", slack: "ok" } });
    fake.failing.set("auth.test", "invalid_auth");
    const refused = await fetch(`http://127.0.0.1:${r.port}/readyz`);
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({
      ok: false,
      checks: { database: "ok", index: "ok", slack: "invalid_auth" },
    });
  });

  it("holds per-user rate limits across two replicas, with a friendly message", async () => {
    const config = configWith({
      CERTIBOT_RATE_QUESTIONS: "2",
      CERTIBOT_RATE_QUESTIONS_WINDOW_S: "3600",
      CERTIBOT_RATE_REPORTS: "1",
      CERTIBOT_RATE_REPORTS_WINDOW_S: "3600",
    });
    const a = await startReplica(config);
    const b = await startReplica(config);
    await postJson(a.port, eventBody(mention("U0RATE", "C12 ?")));
    await fake.waitFor("chat.postMessage", 1);
    await postJson(b.port, eventBody(mention("U0RATE", "C11 ?")));
    await fake.waitFor("chat.postMessage", 2);
    await postJson(a.port, eventBody(mention("U0RATE", "C10 ?")));
    const posts = await fake.waitFor("chat.postMessage", 3);
    // The window follows the clock: a little before its end, the wait is said in seconds.
    expect(posts[2]!.args.text).toMatch(
      /^Vous avez posé beaucoup de questions en peu de temps : réessayez dans (\d+ s|\d+ min|1 h 00), merci\.$/,
    );
    // Another user is not affected.
    await postJson(b.port, eventBody(mention("U0OTHER", "C12 ?")));
    const after = await fake.waitFor("chat.postMessage", 4);
    expect(after[3]!.args.blocks).toBeDefined();
    const text = await (await fetch(`http://127.0.0.1:${a.port}/metrics`)).text();
    expect(sample(text, "certibot_rate_limited_total", { kind: "question" })).toBe(1);
    const answered = await a.db.query<{ n: number }>(
      "select count(*)::int as n from qa_log where slack_user_id = 'U0RATE'",
    );
    expect(answered[0]!.n).toBe(2);
    // Report checks have their own limit: one an hour here, the second upload (other replica) waits.
    const upload = () =>
      eventBody({
        type: "message",
        subtype: "file_share",
        channel_type: "im",
        channel: "D0RATE",
        user: "U0RATE",
        text: "chef d'oeuvre",
        ts: nextTs(),
        files: [{ id: "FCHEF", name: "rapport.pdf", filetype: "pdf" }],
      });
    await postJson(a.port, upload());
    const first = await fake.waitFor("chat.postMessage", 5);
    expect(first[4]!.args.text).toMatch(/^✅ « rapport\.pdf »/);
    await postJson(b.port, upload());
    const second = await fake.waitFor("chat.postMessage", 6);
    expect(second[5]!.args.text).toMatch(
      /^⏳ « rapport\.pdf » : Vous avez envoyé beaucoup de rapports en peu de temps : renvoyez celui-ci dans (\d+ s|\d+ min|1 h 00), merci\.$/,
    );
    const checks = await a.db.query<{ n: number }>(
      "select count(*)::int as n from report_checks where slack_user_id = 'U0RATE'",
    );
    expect(checks[0]!.n).toBe(1);
  });

  let seq = 0;
  /** Types a slash command; returns what came back through response_url. */
  async function slash(r: Replica, command: string, user: string, text: string, channel = "C0PROMO") {
    const before = fake.responseUrlPosts.length;
    await postForm(r.port, {
      command,
      text,
      user_id: user,
      channel_id: channel,
      team_id: "T0TEST",
      response_url: fake.responseUrl(`c${++seq}`),
      trigger_id: "trig",
    });
    await until(() => fake.responseUrlPosts.length > before, `the reply to ${command} ${text}`);
    return fake.responseUrlPosts[before]!.body as { text: string; blocks?: unknown[] };
  }
  /** Clicks a button of an ephemeral reply; returns the response_url post it led to. */
  async function click(r: Replica, user: string, blocks: unknown[], actionId: string) {
    const el = (blocks as { elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === actionId)!;
    const before = fake.responseUrlPosts.length;
    await postForm(
      r.port,
      blockActions({
        user,
        responseUrl: fake.responseUrl(`a${++seq}`),
        actions: [{ type: "button", action_id: actionId, value: el.value }],
      }),
    );
    await until(() => fake.responseUrlPosts.length > before, `the answer to ${actionId}`);
    return fake.responseUrlPosts[before]!.body as { text: string };
  }
  const countOf = async (db: Db, table: string, user: string) =>
    (
      await db.query<{ n: number }>(`select count(*)::int as n from ${table} where slack_user_id = $1`, [
        user,
      ])
    )[0]!.n;

  it("/certibot my-data sends the user's own data as JSON by DM; forget-me erases it after confirmation", async () => {
    const r = await startReplica(configWith());
    await postJson(r.port, eventBody(mention("U0ME", "que demande la compétence C12 ?")));
    await fake.waitFor("chat.postMessage");
    await postJson(r.port, eventBody(mention("U0SOMEONE", "C11 ?")));
    await fake.waitFor("chat.postMessage", 2);

    const sent = await slash(r, "/certibot", "U0ME", "my-data");
    expect(sent.text).toMatch(/envoyées en message privé/);
    const [upload] = await fake.waitForUploads(1);
    expect(upload!.completed).toMatchObject({ channel_id: "D0ME" });
    const data = JSON.parse(upload!.bytes!.toString("utf8"));
    expect(data.slackUserId).toBe("U0ME");
    expect(data.questions).toHaveLength(1);
    expect(data.questions[0]).toMatchObject({ codes: expect.arrayContaining(["C12"]), mode: "extractive" });
    expect(data.conversationTurns).toHaveLength(1);
    expect(JSON.stringify(data)).not.toMatch(/U0SOMEONE/);

    const prompt = await slash(r, "/certibot", "U0ME", "forget-me");
    expect(prompt.text).toMatch(/Effacer toutes vos données \?/);
    expect(await countOf(r.db, "qa_log", "U0ME")).toBe(1);
    const cancelled = await click(r, "U0ME", prompt.blocks!, "privacy_cancel");
    expect(cancelled.text).toBe("Rien n'a été effacé.");
    expect(await countOf(r.db, "qa_log", "U0ME")).toBe(1);
    const done = await click(r, "U0ME", prompt.blocks!, "privacy_forget_confirm");
    expect(done.text).toMatch(
      /^✅ Données de U0ME effacées : 1 réponse\(s\) journalisée\(s\), 0 avis, 1 message\(s\) de fil/,
    );
    expect(await countOf(r.db, "qa_log", "U0ME")).toBe(0);
    expect(await countOf(r.db, "conversation_turns", "U0ME")).toBe(0);
    expect(await countOf(r.db, "qa_log", "U0SOMEONE")).toBe(1);
  });

  it("/session erase lets a manager erase a candidate of their session, and nobody else", async () => {
    const r = await startReplica(configWith({ ADMIN_USER_IDS: "U0ADMIN" }));
    const created = await slash(
      r,
      "/session",
      "U0ADMIN",
      "create erase-1 agate=3006 lancement=2023-10-02 fin-prairie=2024-01-05 debut-session=2025-05-05 fin-session=2025-05-09",
      "C0ERASE",
    );
    expect(created.text).toMatch(/créée/);
    await slash(r, "/session", "U0ADMIN", "member add <@U0CAND> apprenant", "C0ERASE");
    await slash(r, "/session", "U0ADMIN", "member add <@U0TRAIN> formateur", "C0ERASE");
    expect(await countOf(r.db, "session_members", "U0CAND")).toBe(1);

    const refused = await slash(r, "/session", "U0TRAIN", "erase <@U0CAND>", "C0ERASE");
    expect(refused.text).toMatch(/seuls les responsables/);
    const notCandidate = await slash(r, "/session", "U0ADMIN", "erase <@U0TRAIN>", "C0ERASE");
    expect(notCandidate.text).toMatch(/n'est pas candidat·e de la session « erase-1 »/);

    const prompt = await slash(r, "/session", "U0ADMIN", "erase <@U0CAND>", "C0ERASE");
    expect(prompt.text).toMatch(/Effacer toutes les données de .*<@U0CAND>/);
    // A trainer clicking the manager's button is refused at click time.
    const sneaky = await click(r, "U0TRAIN", prompt.blocks!, "privacy_erase_confirm");
    expect(sneaky.text).toMatch(/seuls les responsables/);
    expect(await countOf(r.db, "session_members", "U0CAND")).toBe(1);
    const done = await click(r, "U0ADMIN", prompt.blocks!, "privacy_erase_confirm");
    expect(done.text).toMatch(/^✅ Données de U0CAND effacées : .*1 inscription\(s\) à une session/);
    expect(await countOf(r.db, "session_members", "U0CAND")).toBe(0);
    expect(await countOf(r.db, "session_members", "U0TRAIN")).toBe(1);
  });

  it("/session report sends managers the session as a PNG by DM, with its text alternative", async () => {
    const r = await startReplica(configWith({ ADMIN_USER_IDS: "U0ADMIN" }));
    await slash(
      r,
      "/session",
      "U0ADMIN",
      "create report-1 agate=3006 lancement=2023-10-02 fin-prairie=2024-01-05 debut-session=2025-05-05 fin-session=2025-05-09",
      "C0REPORT",
    );
    await slash(r, "/session", "U0ADMIN", "member add <@U0CANDA> apprenant", "C0REPORT");
    await slash(r, "/session", "U0ADMIN", "member add <@U0CANDB> apprenant", "C0REPORT");
    const logged = await slash(
      r,
      "/veille",
      "U0CANDA",
      'log 1h "Lecture AI Act" ; Classement des risques',
      "C0REPORT",
    );
    expect(logged.text).toMatch(/1 h|1h/);
    expect((await slash(r, "/session", "U0CANDA", "report", "C0REPORT")).text).toMatch(
      /seuls les responsables/,
    );

    const reply = await slash(r, "/session", "U0ADMIN", "report", "C0REPORT");
    expect(reply.text).toBe(
      "Image de la session report-1 envoyée en message privé (avec sa description texte).",
    );
    const [upload] = await fake.waitForUploads(1);
    expect(upload!.filename).toBe("session-report-1.png");
    expect(upload!.completed).toMatchObject({ channel_id: "D0ADMIN" });
    const png = decodePng(upload!.bytes!);
    expect(png.width).toBe(1200);
    expect(png.height).toBeGreaterThan(350);
    let inked = 0;
    for (let i = 0; i < png.pixels.length; i += png.channels)
      if (png.pixels[i]! < 200 || png.pixels[i + 1]! < 200 || png.pixels[i + 2]! < 200) inked++;
    expect(inked).toBeGreaterThan(5_000);
    // The text alternative: as the image's alt text and as the message.
    expect(upload!.altText).toMatch(/^Session report-1, au /);
    const comment = String(upload!.completed!.initial_comment);
    expect(comment).toMatch(/Jalons : Lancement de la promotion le 2023-10-02/);
    expect(comment).toMatch(/Échéances : \d+ faite\(s\), \d+ à venir, \d+ aujourd'hui, \d+ en retard\./);
    expect(comment).toMatch(/2 candidat·e\(s\)/);
    expect(comment).toMatch(/: 1 semaine\(s\) sur 8 à une heure ou plus, 1h cette semaine\./);
  });

  it("/certibot stats answers administrators only", async () => {
    const r = await startReplica(configWith({ ADMIN_USER_IDS: "U0ADMIN" }));
    await postJson(r.port, eventBody(mention("U0ALICE", "que demande la compétence C12 ?")));
    await fake.waitFor("chat.postMessage");
    expect((await slash(r, "/certibot", "U0ALICE", "stats")).text).toBe(
      "Les statistiques d'usage sont réservées aux administrateurs.",
    );
    const stats = await slash(r, "/certibot", "U0ADMIN", "stats 7");
    expect(stats.text).toMatch(/^Usage sur 7 jour\(s\) : \d+ question\(s\)/);
    expect(stats.text).toMatch(/Codes les plus demandés : .*C12 \(\d+\)/);
  });

  it("posts an operator alert once when it starts and once when it resolves, with two instances", async () => {
    const config = configWith({
      OPS_CHANNEL_ID: "C0OPS",
      OPS_ALERT_MIN_SAMPLES: "3",
      OPS_ALERT_COOLDOWN_MINUTES: "0",
    });
    const dbA = await store.openMigrated();
    const dbB = backend.name === "pglite" ? dbA : await store.openMigrated();
    try {
      const notes: OpsAlertNotice[] = [];
      const notifier = Object.assign(new RecordingNotifier(), {
        opsAlert: async (n: OpsAlertNotice) => {
          notes.push(n);
        },
      });
      const log = createLogger("error", () => {});
      const both = () =>
        Promise.all([
          runOpsAlerts({ db: dbA, config, log, notifier }),
          runOpsAlerts({ db: dbB, config, log, notifier }),
        ]);
      // Only this test's votes count (the store is shared by the file's tests).
      await dbA.exec(
        "delete from feedback; delete from qa_log; delete from ops_errors; delete from job_runs",
      );
      // Three answers, three 👎: over the 30 % threshold.
      for (let i = 0; i < 3; i++) {
        const [row] = await dbA.query<{ id: number }>(
          `insert into qa_log (slack_user_id, question_hash, lang, mode, found, latency_ms)
           values ('U0ALERT', 'h', 'fr', 'extractive', true, 5) returning id`,
        );
        await dbA.query("insert into feedback (qa_id, slack_user_id, vote) values ($1, $2, 'down')", [
          row!.id,
          `U0V${i}`,
        ]);
      }
      await both();
      await both();
      expect(notes.map((n) => `${n.alert} ${n.state}`)).toEqual(["downvote-ratio firing"]);
      expect(notes[0]).toMatchObject({
        channelId: "C0OPS",
        detail: expect.stringMatching(/3 👎 sur 3 avis/),
      });
      await dbA.query("update feedback set vote = 'up' where slack_user_id like 'U0V%'");
      await both();
      await both();
      expect(notes.map((n) => `${n.alert} ${n.state}`)).toEqual([
        "downvote-ratio firing",
        "downvote-ratio resolved",
      ]);
    } finally {
      await dbA.exec("delete from feedback; delete from qa_log where slack_user_id = 'U0ALERT'");
      if (dbB !== dbA) await dbB.close();
      await dbA.close();
    }
  });
});

const bins = findPostgresBinaries();
describe.runIf("binDir" in bins)("/readyz when PostgreSQL goes away", () => {
  let server: PostgresServer;
  const fake = new FakeSlack();
  beforeAll(async () => {
    if ("binDir" in bins) server = await startPostgres(bins.binDir);
    await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
    await server?.destroy();
  });

  it("answers 503 naming the database while the server is stopped, 200 after it restarts", async () => {
    const dir = await tempDir();
    const config = testConfig(dir.path, { DATABASE_URL: server.url, ...slackTestEnv(fake) });
    const { openMigratedDb } = await import("../../src/db/db.js");
    const log = createLogger("error", () => {});
    const db = await openMigratedDb(config, log);
    const slack = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } });
    const port = (await slack.start())!;
    const ready = () => fetch(`http://127.0.0.1:${port}/readyz`);
    try {
      expect((await ready()).status).toBe(200);
      await server.stop("fast");
      const down = await ready();
      expect(down.status).toBe(503);
      const body = (await down.json()) as { ok: boolean; checks: Record<string, string> };
      expect(body.ok).toBe(false);
      expect(body.checks.database).not.toBe("ok");
      expect(body.checks.index).toBe("ok");
      expect(body.checks.slack).toBe("ok");
      await server.start();
      await until(async () => (await ready()).status === 200, "readiness after the restart");
    } finally {
      await slack.stop();
      await db.close();
      await dir.cleanup();
    }
  });
});

describe("the whole bot (startBot)", () => {
  it("shares one set of metrics and limits between the app and the jobs, with the knowledge version", async () => {
    const fake = await new FakeSlack().start();
    const store = await PGLITE.createStore();
    try {
      const config = testConfig(store.config.dataDir, {
        ...store.env,
        ...slackTestEnv(fake),
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
        CERTIBOT_MAX_LLM_CALLS: "3",
      });
      const bot = await startBot(
        config,
        createLogger("error", () => {}),
      );
      try {
        const text = await (await fetch(`http://127.0.0.1:${bot.port}/metrics`)).text();
        expect(text).toMatch(/^certibot_knowledge_info\{version="[0-9a-f]{12}"\} 1$/m);
        expect(sample(text, "certibot_knowledge_records", { referential: "rncp37827" })).toBeGreaterThan(10);
        expect(sample(text, "certibot_concurrency_limit", { kind: "llm" })).toBe(3);
        expect(sample(text, "certibot_process_resident_memory_bytes")).toBeGreaterThan(0);
        expect((await fetch(`http://127.0.0.1:${bot.port}/readyz`)).status).toBe(200);
        expect(bot.opsPort).toBeNull();
      } finally {
        await bot.stop();
      }
    } finally {
      await fake.stop();
      await store.cleanup();
    }
  });
});
