import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { runOccurrence } from "../../src/jobs/runner.js";
import { createLogger } from "../../src/log.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { sessionAlertsJob } from "../../src/sessions/alert-job.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { createSlackNotifier, notifierClient } from "../../src/slack/notifier.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import {
  blockActions,
  eventBody,
  postForm,
  postJson,
  slackTestEnv,
  until,
} from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { testConfig } from "../helpers/temp.js";

// Sessions never reach retrieval; the Home tab only lists the referentials records come from.
const retriever = {
  records: [{ referential: "rncp37827", kind: "competency" }],
  search: () => [],
} as unknown as Retriever;

const ADMIN = "U0ADMIN";
const CANDIDATE = "U0CAND";
const TRAINER = "U0TRAIN";

type Reply = { text: string; response_type?: string; blocks?: unknown[] };

describeEachBackend("Slack sessions", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  const apps: SlackApp[] = [];
  const dbs: Db[] = [];
  let port = 0;
  let seq = 0;

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, { ...store.env, ...slackTestEnv(fake), ADMIN_USER_IDS: ADMIN });
  });
  afterEach(async () => {
    for (const a of apps.splice(0)) await a.stop();
    await dbs[0]?.query("delete from sessions");
    await dbs[0]?.query("delete from job_runs");
    for (const d of dbs.splice(0)) await d.close();
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
    await store.cleanup();
  });

  async function start() {
    const db = await store.openMigrated();
    dbs.push(db);
    const log = createLogger("error", () => {});
    const slack = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } });
    port = (await slack.start())!;
    apps.push(slack);
    return db;
  }

  /** Types `/session <text>` and returns what came back through response_url. */
  async function session(user: string, text: string, channel = "C0PROMO"): Promise<Reply> {
    const id = `s${++seq}`;
    const before = fake.responseUrlPosts.length;
    const res = await postForm(port, {
      command: "/session",
      text,
      user_id: user,
      channel_id: channel,
      team_id: "T0TEST",
      response_url: fake.responseUrl(id),
      trigger_id: "trig",
    });
    expect(res.status).toBe(200);
    await until(() => fake.responseUrlPosts.length > before, `the reply to /session ${text}`);
    return fake.responseUrlPosts[before]!.body as Reply;
  }

  async function setUpSample() {
    expect(
      (
        await session(
          ADMIN,
          "create dev-ia-2023 agate=3006 lancement=2023-10-02 fin-prairie=2024-01-05 debut-session=2025-05-05 fin-session=2025-05-09",
        )
      ).text,
    ).toMatch(/Session dev-ia-2023 \(rncp37827, agate 3006, <#C0PROMO>\) créée/);
    const imported = await session(
      ADMIN,
      `roster import\nnom;prénom;email;rôle\nNdiaye;Dieynaba;${CANDIDATE}@example.test;apprenante\nAbel;Jean;inconnu@ailleurs.org;apprenant\nMartin;Paul;${TRAINER}@example.test;formateur`,
    );
    expect(imported.text).toMatch(/3 ajouts.*2 relié\(s\) à Slack par e-mail/);
  }

  it("lets a manager set up the sample session, import a roster and see the status; a candidate sees their own view", async () => {
    await start();
    await setUpSample();
    expect(fake.callsTo("users.lookupByEmail")).toHaveLength(3);

    const status = await session(ADMIN, "status");
    expect(status.response_type).toBe("ephemeral");
    const blocks = JSON.stringify(status.blocks);
    expect(blocks).toMatch(/Session dev-ia-2023/);
    expect(blocks).toMatch(/Lancement de la promotion : 2 octobre 2023/);
    expect(blocks).toMatch(
      /Partager la section 1 \(description de l'épreuve\) avec le jury de certification/,
    );
    expect(blocks).toMatch(/Effectifs\* : 2 candidat\(s\), 1 formateur\(s\), 1 responsable\(s\)/);
    expect(blocks).toMatch(/Jury\* : 0 membre\(s\) — à corriger/);
    expect(blocks).toMatch(/session_deadline_done/);
    expect(blocks).toMatch(
      /Veille \(compétence C6\)\*\\nCette semaine : 0\/2 candidat\(s\) ont consigné une veille/,
    );

    const roster = await session(TRAINER, "roster");
    expect(roster.text).toMatch(/1\. Abel Jean — 3006-AJ-01\n\s*2\. Ndiaye Dieynaba — 3006-ND-02/);

    // A candidate sees their own obligations only: the reports they hand in and when, their
    // verdicts, their veille; none of the managers' tasks, nobody else's data.
    const ownReply = await session(CANDIDATE, "status");
    const own = JSON.stringify(ownReply.blocks);
    expect(own).toMatch(/Vos rapports à remettre/);
    expect(own).toMatch(/Rapport du projet chef d'œuvre \(E1\)\* — à remettre au plus tard le 4 mai 2025/);
    expect(own).toMatch(/Rapport de veille du cas pratique 2 \(E3\)/);
    expect(own).toMatch(/pas encore vérifié/);
    expect(own).toMatch(/Votre veille \(compétence C6\)\*\\nCette semaine : rien pour l'instant sur 1 h/);
    expect(own).not.toMatch(
      /Partager|Effectifs|session_deadline_done|Abel|Mémoire|En retard|Veille \(compétence C6\)\*\\nCette semaine : 0/,
    );
    expect(ownReply.text).not.toMatch(/Partager|Échéances/);

    expect((await session(CANDIDATE, "set agate=1234")).text).toMatch(
      /Vous n'avez pas les droits pour cette action\. Session « dev-ia-2023 » : seuls les responsables/,
    );
    expect((await session(CANDIDATE, "roster")).text).toMatch(/Vous n'avez pas les droits/);
    expect((await session(ADMIN, "set fin-prairie=2023-01-05")).text).toMatch(
      /La fin de la prairie \(5 janvier 2023\) est avant le lancement/,
    );
    expect((await session(ADMIN, "done s1-nope")).text).toMatch(/échéance inconnue « s1-nope »/);
    expect((await session(ADMIN, "status autre")).text).toMatch(/Session inconnue\. « autre » n'existe pas/);

    const pv = await session(ADMIN, "pv");
    expect(JSON.stringify(pv.blocks)).toMatch(/3006-AJ-01/);
    expect(JSON.stringify(pv.blocks)).toMatch(/pas encore de décision du jury/);
  });

  it("posts the due alerts once with two replicas, and only managers can mark a deadline done", async () => {
    const db = await start();
    await setUpSample();
    fake.reset();
    const other = backend.name === "postgresql" ? await store.openMigrated() : db;
    if (other !== db) dbs.push(other);
    const log = createLogger("error", () => {});
    const notifier = createSlackNotifier(notifierClient(config.slack), log);
    const at = new Date("2025-04-14T07:00:00Z"); // 09:00 in Paris, J-7 of s1-jury
    const outcomes = await Promise.all(
      [db, other].map((d) => runOccurrence(sessionAlertsJob, at, { db: d, config, log, notifier })),
    );
    expect(outcomes.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
    const posts = fake.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    const post = posts[0]!.args as {
      channel: string;
      text: string;
      blocks: { accessory?: { value: string } }[];
    };
    expect(post.channel).toBe("C0PROMO");
    expect(post.text).toMatch(new RegExp(`<@${ADMIN}> <@${TRAINER}>`));
    expect(post.text).toMatch(/avec le jury de certification \(dans 7 jours\)/);

    const button = post.blocks.find((b) => b.accessory?.value.includes("s1-jury"))!.accessory!;
    const click = (user: string) =>
      postForm(
        port,
        blockActions({
          user,
          responseUrl: fake.responseUrl(`done-${user}`),
          channel: "C0PROMO",
          message: { ts: "1700000000.000100", text: post.text, blocks: post.blocks },
          actions: [{ type: "button", action_id: "session_deadline_done", value: button.value }],
        }),
      );
    expect((await click(CANDIDATE)).status).toBe(200);
    await until(() => fake.responseUrlPosts.length === 1, "the refusal");
    expect(JSON.stringify(fake.responseUrlPosts[0]!.body)).toMatch(/seuls les responsables de la session/);

    await click(ADMIN);
    await until(() => fake.responseUrlPosts.length === 2, "the confirmation");
    expect(JSON.stringify(fake.responseUrlPosts[1]!.body)).toMatch(/est marquée comme faite/);
    await fake.waitFor("chat.postMessage", 2);
    expect(fake.callsTo("chat.postMessage")[1]!.args).toMatchObject({
      channel: "C0PROMO",
      thread_ts: "1700000000.000100",
      text: expect.stringMatching(new RegExp(`marqué par <@${ADMIN}>`)),
    });

    // Six days later (J-1 of s1-jury): it is done, so it is not announced again; the older
    // deadlines, still overdue, are.
    await runOccurrence(sessionAlertsJob, new Date("2025-04-20T07:00:00Z"), { db, config, log, notifier });
    const next = fake.callsTo("chat.postMessage");
    expect(next).toHaveLength(3);
    const later = JSON.stringify(next[2]!.args.blocks);
    expect(later).toMatch(/avec les apprenants/);
    expect(later).toMatch(/en retard de/);
    expect(later).not.toMatch(/jury de certification/);
  });

  it("answers an oversized pasted roster with a clear message, not a silent 413", async () => {
    await start();
    await session(ADMIN, "create promo-x");
    const row = "Dupont;Marie;marie@example.org;apprenante\n";
    const huge = `roster import session=promo-x\nnom;prénom;email;rôle\n${row.repeat(Math.ceil((5 * 1024 * 1024) / row.length))}`;
    const reply = await session(ADMIN, huge);
    expect(reply.text).toMatch(/La liste collée fait 5,0 Mo/);
    expect(reply.text).toMatch(/certibot session roster import <fichier\.csv>/);
    const rows = await dbs[0]!.query<{ n: number }>(
      "select count(*)::int as n from session_members where role = 'candidate'",
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("shows the viewer's sessions on the Home tab", async () => {
    await start();
    await setUpSample();
    await postJson(
      port,
      eventBody({ type: "app_home_opened", user: CANDIDATE, channel: "D0DM", tab: "home" }),
    );
    const [publish] = await fake.waitFor("views.publish");
    const view = JSON.stringify(publish!.args.view);
    expect(view).toMatch(/Session dev-ia-2023/);
    expect(view).toMatch(/Développeur en intelligence artificielle \(Simplon\)/);
    expect(view).toMatch(/Vos rapports à remettre/);
    expect(view).toMatch(/Rapport du cas pratique 1 \(E2\)\* — à remettre au plus tard/);
    expect(view).toMatch(/Votre veille \(compétence C6\)/);
    // Words a person reads: titles, no ids, no counts of passages.
    expect(view).toMatch(
      /Référentiel d'activités, de compétences et d'évaluation — Développeur en intelligence artificielle/,
    );
    expect(view).not.toMatch(
      /Effectifs|Partager|En retard|passages indexés|0 compétences|`rncp37827`|s1-learners/,
    );
    // A manager's Home shows the staff view, with the veille summary.
    await postJson(port, eventBody({ type: "app_home_opened", user: ADMIN, channel: "D0DM2", tab: "home" }));
    const [, staff] = await fake.waitFor("views.publish", 2);
    const staffView = JSON.stringify(staff!.args.view);
    expect(staff!.args.user_id).toBe(ADMIN);
    expect(staffView).toMatch(/Effectifs\* : 2 candidat/);
    expect(staffView).toMatch(/Veille \(compétence C6\)\*\\nCette semaine : 0\/2/);
    expect(staffView).toMatch(/Partager la section 1/);
  });
});
