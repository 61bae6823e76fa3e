import { afterAll, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { forgetDocumentAuthor, storedDocuments } from "../../src/knowledge/documents.js";
import { createLogger } from "../../src/log.js";
import { LiveKnowledge } from "../../src/retrieval/knowledge-base.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { buildGuidePdf, GUIDE } from "../helpers/knowledge-documents.js";
import { eventBody, nextTs, postForm, postJson, slackTestEnv, until } from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { testConfig } from "../helpers/temp.js";

describeEachBackend("Slack: /certibot knowledge and documents added by DM upload", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  let slack: SlackApp;
  let db: Db;
  let port = 0;

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, {
      ...store.env,
      ...slackTestEnv(fake),
      ADMIN_USER_IDS: "U0ADMIN",
    });
    fake.files.set("FGUIDE", {
      name: "referentiel-cda.pdf",
      mimetype: "application/pdf",
      content: Buffer.from(await buildGuidePdf()),
    });
    db = await store.openMigrated();
    const log = createLogger("error", () => {});
    const knowledge = await LiveKnowledge.open(config, db, log);
    slack = createSlackApp({
      config,
      log,
      db,
      answering: { retriever: knowledge.retriever, llm: null, log },
      knowledge,
    });
    port = (await slack.start())!;
  });
  afterAll(async () => {
    await slack?.stop();
    await db?.close();
    await fake.stop();
    await store.cleanup();
  });

  const dmUpload = (user: string, text: string) => ({
    type: "message",
    subtype: "file_share",
    channel_type: "im",
    channel: `D${user}`,
    user,
    text,
    ts: nextTs(),
    files: [{ id: "FGUIDE", name: "referentiel-cda.pdf", filetype: "pdf" }],
  });

  const replyTo = async (ts: string) => {
    await until(
      () => fake.callsTo("chat.postMessage").some((c) => (c.args as { thread_ts?: string }).thread_ts === ts),
      "the reply in the upload's thread",
    );
    return fake.callsTo("chat.postMessage").find((c) => (c.args as { thread_ts?: string }).thread_ts === ts)!
      .args as { text: string };
  };

  const command = async (name: string, text: string, user = "U0ALICE", channel = "C0CHAN") => {
    const before = fake.responseUrlPosts.length;
    const res = await postForm(port, {
      command: name,
      text,
      user_id: user,
      channel_id: channel,
      team_id: "T0TEST",
      response_url: fake.responseUrl(`cmd${nextTs()}`),
      trigger_id: "trig",
    });
    expect(res.status).toBe(200);
    await until(() => fake.responseUrlPosts.length > before, `the reply to ${name} ${text}`);
    return fake.responseUrlPosts[before]!.body as { text: string };
  };

  it("refuses an upload from someone who is not an admin, and indexes nothing", async () => {
    const ev = dmUpload(
      "U0ALICE",
      'knowledge add id=cda-campus titre="Concepteur développeur d\'applications"',
    );
    expect((await postJson(port, eventBody(ev))).status).toBe(200);
    expect((await replyTo(ev.ts)).text).toMatch(/Seuls les administrateurs/);
    expect(fake.callsTo("files.info")).toHaveLength(0);
    expect((await command("/certibot", "knowledge")).text).not.toMatch(/cda-campus/);
  });

  it("adds the file an admin sends in the DM, says what it understood, and answers from it", async () => {
    const ev = dmUpload(
      "U0ADMIN",
      'knowledge add id=cda-campus titre="Concepteur développeur d\'applications — Campus Numérique" rncp=RNCP37873',
    );
    expect((await postJson(port, eventBody(ev))).status).toBe(200);
    const reply = (await replyTo(ev.ts)).text;
    expect(reply).toMatch(
      /✅ \*cda-campus\* — Concepteur développeur d'applications — Campus Numérique est indexé/,
    );
    expect(reply).toMatch(/Titre : Concepteur développeur d'applications · RNCP37873 · niveau 6\./);
    expect(reply).toMatch(/11 competency/);
    expect(reply).toMatch(/Coordonnées masquées : 2 téléphone\(s\), 1 e-mail\(s\)/);

    const list = await command("/certibot", "knowledge");
    // 21 passages of the guide, and the titre's identity (its RNCP number) as one more.
    expect(list.text).toMatch(
      /\*cda-campus\* — Concepteur développeur d'applications — Campus Numérique \(22 passages/,
    );
    expect(list.text).toMatch(/\*rncp37827\*/);

    const answer = await command("/certibot", "Que demande la compétence CP8 ?");
    expect(answer.text).toMatch(/CP8 — Développer des composants d'accès aux données SQL et NoSQL/);
    expect(answer.text).toMatch(/Les requêtes préparées protègent contre les injections SQL/);
    const contact = await command("/certibot", "quel numéro appeler pour le service certification du CDA ?");
    expect(contact.text).not.toContain(GUIDE.contactPhone);
  });

  it("explains how to add, and lets only admins remove", async () => {
    expect((await command("/certibot", "knowledge add", "U0ADMIN")).text).toMatch(
      /messages directs.*knowledge add id=/,
    );
    expect((await command("/certibot", "knowledge add")).text).toMatch(/Seuls les administrateurs/);
    expect((await command("/certibot", "knowledge remove cda-campus")).text).toMatch(
      /Seuls les administrateurs/,
    );
  });

  it("a session names the new referential, and questions in its channel default to it", async () => {
    const created = await command(
      "/session",
      "create cda-2025 referentiel=cda-campus canal=ici lancement=2025-01-06 fin-prairie=2025-03-28 debut-session=2025-06-02 fin-session=2025-06-06",
      "U0ADMIN",
      "C0CDA",
    );
    expect(created.text).toMatch(/cda-2025/);
    expect(created.text).not.toMatch(/inconnu/);
    // "Bloc 2" exists in several referentials: in the session's channel it is the session's titre.
    const bloc = await command("/certibot", "que contient le bloc 2 ?", "U0ALICE", "C0CDA");
    expect(bloc.text).toMatch(/Bloc 2 — Concevoir et développer une application organisée en couches/);
    const elsewhere = await command("/certibot", "que contient le bloc 2 ?", "U0ALICE", "C0OTHER");
    expect(elsewhere.text).not.toMatch(/organisée en couches/);
  });

  it("forgetting the admin (RGPD) keeps the document and erases who added it", async () => {
    const before = (await storedDocuments(db)).find((d) => d.ref.id === "cda-campus");
    expect(before?.addedBy).toBe("slack:U0ADMIN");
    // What `privacy forget-user` runs in its erasure transaction (the CLI cannot open PGlite beside this app).
    expect(await forgetDocumentAuthor(db, "U0ADMIN")).toBe(1);
    const after = (await storedDocuments(db)).find((d) => d.ref.id === "cda-campus");
    expect(after?.addedBy).toBe("effacé");
  });
});
