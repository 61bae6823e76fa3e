import { WebClient } from "@slack/web-api";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import type { Notifier } from "../../src/jobs/notifier.js";
import { runOccurrence } from "../../src/jobs/runner.js";
import { createLogger } from "../../src/log.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { insertSession, upsertMember } from "../../src/sessions/store.js";
import type { Session } from "../../src/sessions/types.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { veilleNotifierMethods } from "../../src/slack/veille-notifier.js";
import { VEILLE_INPUTS } from "../../src/slack/views/veille-blocks.js";
import { createVeilleReminderJob } from "../../src/veille/reminder-job.js";
import { configureVeille } from "../../src/veille/service.js";
import { entriesOfWeek } from "../../src/veille/store.js";
import { isoWeekOf } from "../../src/veille/weeks.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { blockActions, postForm, slackTestEnv, until } from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { testConfig } from "../helpers/temp.js";

const retriever = {
  search: () => {
    throw new Error("retrieval must not run for /veille");
  },
} as unknown as Retriever;

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Array<{ action_id?: string; value?: string; text?: unknown }>;
};

/** /veille, its button and modal, through the bot's real Bolt app and HTTP receiver. */
describeEachBackend("Slack veille", (backend) => {
  const fake = new FakeSlack();
  let store: TestStore;
  let config: Config;
  let db: Db;
  let app: SlackApp | null = null;
  let port = 0;
  let session: Session;
  const log = createLogger("error", () => {});

  beforeAll(async () => {
    await fake.start();
    store = await backend.createStore();
    config = testConfig(store.config.dataDir, { ...store.env, ...slackTestEnv(fake) });
    db = await store.openMigrated();
    session = (await insertSession(
      db,
      {
        name: "dev-ia",
        referential: "rncp37827",
        agate: null,
        channelId: "C0SESSION",
        timezone: "Europe/Paris",
        launch: null,
        prairieEnd: null,
        sessionStart: null,
        sessionEnd: null,
        reportsLeadDays: 1,
      },
      "U0ADMIN",
    ))!;
    for (const [role, id, prenom] of [
      ["manager", "U0MGR", "Marie"],
      ["trainer", "U0TRAIN", "Théo"],
      ["candidate", "U0ALICE", "Alice"],
      ["candidate", "U0BOB", "Bob"],
    ] as const)
      await upsertMember(
        db,
        session.id,
        { role, slackUserId: id, email: null, nom: "Test", prenom },
        "U0ADMIN",
      );
  });
  afterEach(async () => {
    await app?.stop();
    app = null;
    fake.reset();
  });
  afterAll(async () => {
    await fake.stop();
    await db?.close();
    await store?.cleanup();
  });

  async function start() {
    app = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } });
    port = (await app.start())!;
  }

  const slash = (user: string, text: string) =>
    postForm(port, {
      command: "/veille",
      text,
      user_id: user,
      channel_id: "C0SESSION",
      team_id: "T0TEST",
      response_url: fake.responseUrl(`cmd-${user}`),
      trigger_id: "trigger-cmd",
    });

  const lastReply = () => fake.responseUrlPosts.at(-1)!.body as { text: string; blocks?: Block[] };

  it("/veille log stores the entry, confirms it ephemerally and posts the shared synthesis accessibly", async () => {
    await start();
    const res = await slash(
      "U0ALICE",
      'log 1h30 "AI Act : ce qui change" <https://eur-lex.europa.eu/ai|eur-lex> type=regulation partager ; Classement des risques ; Calendrier 2026',
    );
    expect(res.status).toBe(200);
    await until(() => fake.responseUrlPosts.length > 0, "the ephemeral confirmation");
    expect(lastReply().text).toMatch(/^Veille enregistrée : 1 h 30 — « AI Act : ce qui change »/);
    expect(lastReply().text).toMatch(/objectif de la semaine atteint\. Synthèse publiée/);
    const [post] = fake.callsTo("chat.postMessage");
    expect(post!.args.channel).toBe("C0SESSION");
    const blocks = post!.args.blocks as Block[];
    expect(blocks[0]).toMatchObject({
      type: "header",
      text: { text: "Synthèse de veille : AI Act : ce qui change" },
    });
    const all = blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(all).toMatch(/\*Points clés\*\n1\. Classement des risques\n2\. Calendrier 2026/);
    expect(all).toContain(
      "<https://eur-lex.europa.eu/ai|Ouvrir « AI Act : ce qui change » (eur-lex.europa.eu)>",
    );
    expect(all).toMatch(/Type de source :\* Texte réglementaire/);
    const stored = await entriesOfWeek(db, session.id, isoWeekOf(new Date(), "Europe/Paris"));
    expect(stored.map((e) => [e.slackUserId, e.minutes, e.shared])).toEqual([["U0ALICE", 90, true]]);
  });

  it("/veille log reads &, < and > as typed (Slack escapes them), and a refused synthesis post loses nothing", async () => {
    await start();
    fake.failing.set("chat.postMessage", "not_in_channel");
    // As Slack sends `log 45min "R&D <IA>" https://ex.org/?q=ia&hl=fr partager ; Q&A`.
    await slash("U0BOB", 'log 45min "R&amp;D &lt;IA&gt;" https://ex.org/?q=ia&amp;hl=fr partager ; Q&amp;A');
    await until(() => fake.responseUrlPosts.length > 0, "the confirmation");
    expect(lastReply().text).toMatch(/^Veille enregistrée : 45 min — « R&D <IA> »/);
    expect(lastReply().text).not.toMatch(/Synthèse publiée/);
    const stored = await entriesOfWeek(db, session.id, isoWeekOf(new Date(), "Europe/Paris"));
    const bob = stored.filter((e) => e.slackUserId === "U0BOB");
    expect(bob.map((e) => [e.title, e.url, e.takeaways])).toEqual([
      ["R&D <IA>", "https://ex.org/?q=ia&hl=fr", ["Q&A"]],
    ]);
    fake.failing.delete("chat.postMessage");
    await db.query("delete from veille_entries where slack_user_id = 'U0BOB'");
  });

  it("/veille log answers a bad entry precisely and stores nothing", async () => {
    await start();
    const before = (await entriesOfWeek(db, session.id, isoWeekOf(new Date(), "Europe/Paris"))).length;
    await slash("U0BOB", 'log 0 "titre" ftp://x.org ; point');
    await until(() => fake.responseUrlPosts.length > 0, "the refusal");
    expect(lastReply().text).toMatch(
      /Veille invalide.*Durée : .*au moins une minute.*Lien : Seuls les liens http/,
    );
    expect(lastReply().text.match(/Usage/g)).toHaveLength(1);
    await slash("U0BOB", 'log 1h "titre" pas-un-lien');
    await until(() => fake.responseUrlPosts.length > 1, "the second refusal");
    expect(lastReply().text.match(/\/veille log/g)).toHaveLength(1);
    expect(fake.callsTo("chat.postMessage")).toHaveLength(0);
    expect(await entriesOfWeek(db, session.id, isoWeekOf(new Date(), "Europe/Paris"))).toHaveLength(before);
  });

  it("/veille status shows a candidate their weeks and a trainer the table", async () => {
    await start();
    await slash("U0ALICE", "status");
    await until(() => fake.responseUrlPosts.length === 1, "the candidate's status");
    const own = lastReply()
      .blocks!.map((b) => b.text?.text ?? "")
      .join("\n");
    expect(own).toMatch(/Série en cours : \*1 semaine\*/);
    expect(own).toMatch(/7 semaines terminées sur 7 sous 1 h\./);
    expect(own).not.toMatch(/Bob/);
    // Each week is listed once: no second section repeating the weeks under the target.
    const weekLines = own.split("\n").filter((l) => /semaine du /.test(l));
    expect(weekLines).toHaveLength(8);
    expect(new Set(weekLines).size).toBe(8);
    expect(own).not.toMatch(/Semaines sous/);
    await slash("U0TRAIN", "status");
    await until(() => fake.responseUrlPosts.length === 2, "the trainer's table");
    const table = lastReply()
      .blocks!.map((b) => b.text?.text ?? "")
      .join("\n");
    expect(table).toMatch(/• Alice Test : cette semaine 1 h 30 ; 0 semaine sur 8/);
    expect(table).toMatch(/• Bob Test : cette semaine rien/);
    await slash("U0TRAIN", "config day=mardi");
    await until(() => fake.responseUrlPosts.length === 3, "the refusal to configure");
    expect(lastReply().text).toMatch(/seuls les responsables de la session peuvent la modifier/);
    await slash("U0MGR", 'config day=mardi time=10h theme="Éthique" digest=dm');
    await until(() => fake.responseUrlPosts.length === 4, "the new settings");
    expect(lastReply().text).toMatch(/^Réglages enregistrés de la veille, session dev-ia/);
    expect(lastReply().text).toMatch(/• rappel : mardi 10:00, dans le canal/);
    expect(lastReply().text).toMatch(/• bilan : vendredi 17:00, en message direct aux formateurs/);
    expect(lastReply().text).toMatch(/• thèmes : « Éthique »/);
    await slash("U0ALICE", "source list");
    await until(() => fake.responseUrlPosts.length === 5, "the sources");
    expect(lastReply().text).toMatch(/ne suit aucun flux/);
  });

  it("the button opens the modal; bad fields come back beside their inputs; a good one is stored and shared", async () => {
    await start();
    const click = await postForm(
      port,
      blockActions({
        user: "U0BOB",
        responseUrl: fake.responseUrl("click"),
        channel: "C0SESSION",
        actions: [{ type: "button", action_id: "veille_log_open", value: String(session.id) }],
      }),
    );
    expect(click.status).toBe(200);
    const [open] = await fake.waitFor("views.open");
    expect(open!.args.trigger_id).toBe("trigger-1");
    const view = open!.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe("veille_log");

    const submit = (values: Record<string, Record<string, unknown>>) =>
      postForm(port, {
        payload: JSON.stringify({
          type: "view_submission",
          team: { id: "T0TEST" },
          user: { id: "U0BOB" },
          trigger_id: "trigger-2",
          view: {
            id: "V0TEST",
            callback_id: "veille_log",
            private_metadata: view.private_metadata,
            state: { values },
          },
        }),
      });
    const field = (id: { block: string; action: string }, value: string | null) => ({
      [id.block]: { [id.action]: { type: "plain_text_input", value } },
    });
    const bad = await submit({
      ...field(VEILLE_INPUTS.duration, "1h75"),
      ...field(VEILLE_INPUTS.title, ""),
      ...field(VEILLE_INPUTS.url, "pas-un-lien"),
      ...field(VEILLE_INPUTS.takeaway1, null),
    });
    expect(bad.status).toBe(200);
    const body = (await bad.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe("errors");
    expect(body.errors.veille_duration).toMatch(/de 0 à 59/);
    expect(body.errors.veille_title).toMatch(/Donnez un titre/);
    expect(body.errors.veille_url).toMatch(/n'est pas une adresse web valide/);
    expect(body.errors.veille_takeaway_1).toMatch(/au moins un point clé/);

    const good = await submit({
      ...field(VEILLE_INPUTS.duration, "45 min"),
      ...field(VEILLE_INPUTS.title, "Podcast MLOps"),
      ...field(VEILLE_INPUTS.url, "https://podcast.example/ep12"),
      [VEILLE_INPUTS.sourceType.block]: {
        [VEILLE_INPUTS.sourceType.action]: { type: "static_select", selected_option: { value: "podcast" } },
      },
      ...field(VEILLE_INPUTS.takeaway1, "Surveiller la dérive"),
      ...field(VEILLE_INPUTS.takeaway2, "Versionner les données"),
      [VEILLE_INPUTS.share.block]: {
        [VEILLE_INPUTS.share.action]: { type: "checkboxes", selected_options: [{ value: "share" }] },
      },
    });
    expect(good.status).toBe(200);
    const posts = await fake.waitFor("chat.postMessage", 2);
    expect(posts.map((p) => p.args.channel)).toEqual(["C0SESSION", "U0BOB"]);
    expect((posts[0]!.args.blocks as Block[])[0]!.text!.text).toBe("Synthèse de veille : Podcast MLOps");
    expect(posts[1]!.args.text).toMatch(/Veille enregistrée : 45 min — « Podcast MLOps ».*encore 15 min/);
    const stored = await entriesOfWeek(db, session.id, isoWeekOf(new Date(), "Europe/Paris"));
    expect(stored.find((e) => e.slackUserId === "U0BOB")).toMatchObject({
      minutes: 45,
      sourceType: "podcast",
      takeaways: ["Surveiller la dérive", "Versionner les données"],
    });
  });

  it("the reminder job posts through Slack: the channel message with its button, and DMs when asked", async () => {
    await configureVeille(
      db,
      { id: "U0MGR", admin: false },
      session,
      'day=lundi time=09:00 dm=on theme="Sécurité des modèles"',
    );
    const client = new WebClient("xoxb-test", { slackApiUrl: fake.apiUrl });
    const notifier: Notifier = {
      deadlineAlerts: () => Promise.reject(new Error("not used")),
      ...veilleNotifierMethods(client, log),
    };
    const job = createVeilleReminderJob();
    // A Monday 09:00 in Paris, in the past so the tick is a real catch-up target.
    const out = await runOccurrence(job, new Date("2026-11-16T08:00:00Z"), {
      db,
      config,
      log,
      notifier,
    });
    expect(out.status).toBe("done");
    const posts = fake.callsTo("chat.postMessage");
    expect(posts.map((p) => p.args.channel)).toEqual(["C0SESSION", "U0ALICE", "U0BOB"]);
    const blocks = posts[0]!.args.blocks as Block[];
    const text = blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(text).toMatch(/Thème proposé : \*Sécurité des modèles\*/);
    expect(text).toMatch(/Objectif : au moins \*1 h\*/);
    expect(text).toMatch(/Auteur identifié/);
    const button = blocks.find((b) => b.type === "actions")!.elements![0]!;
    expect(button).toMatchObject({ action_id: "veille_log_open", value: String(session.id) });
    // Run again: the claim holds, nothing more is posted.
    await runOccurrence(job, new Date("2026-11-16T08:15:00Z"), { db, config, log, notifier });
    expect(fake.callsTo("chat.postMessage")).toHaveLength(3);
  });

  it("delivers DMs one by one: a failed DM is logged, the reminder fails only when nobody was reached", async () => {
    const lines: string[] = [];
    const client = new WebClient("xoxb-test", { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const methods = veilleNotifierMethods(
      client,
      createLogger("warn", (l) => lines.push(l)),
    );
    const notice = {
      session: { ...session, channelId: null },
      week: "2026-W47",
      weekLabel: "semaine du lundi 16 novembre 2026",
      theme: null,
      targetMinutes: 60,
      checklist: ["Auteur identifié"],
      feedItems: [],
      channelId: null,
      dmUserIds: ["U0ALICE", "U0BOB"],
      late: true,
    };
    await methods.veilleReminder(notice);
    expect(fake.callsTo("chat.postMessage").map((c) => c.args.channel)).toEqual(["U0ALICE", "U0BOB"]);
    const text = (fake.callsTo("chat.postMessage")[0]!.args.blocks as Block[]).map((b) => b.text?.text ?? "");
    expect(text.join("\n")).toMatch(/Thème : libre/);
    expect(JSON.stringify(fake.callsTo("chat.postMessage")[0]!.args.blocks)).toMatch(/part en retard/);
    fake.failing.set("chat.postMessage", "channel_not_found");
    await expect(methods.veilleReminder(notice)).rejects.toThrow(/aucun des 2 messages directs/);
    expect(lines.filter((l) => l.includes("direct message failed"))).toHaveLength(2);
    await expect(
      methods.veilleDigest({
        session,
        week: "2026-W47",
        weekLabel: "semaine du lundi 16 novembre 2026",
        targetMinutes: 60,
        logged: [],
        missing: [],
        shared: [],
        to: "channel",
        channelId: "C0SESSION",
        recipientIds: ["U0TRAIN"],
        late: false,
      }),
    ).rejects.toThrow(/channel_not_found/);
  });
});
