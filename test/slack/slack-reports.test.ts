import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Config } from "../../src/config.js";
import { PACKAGE_ROOT } from "../../src/config.js";
import type { Db } from "../../src/db/db.js";
import { createLogger } from "../../src/log.js";
import { reportChecksOf } from "../../src/reports/store.js";
import type { Retriever } from "../../src/retrieval/retriever.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { FakeSlack } from "../helpers/fake-slack.js";
import { CHEF_HEADINGS, makeDocx, makePdf, PNG_BYTES } from "../helpers/report-fixtures.js";
import {
  blockActions,
  eventBody,
  nextTs,
  postForm,
  postJson,
  slackTestEnv,
  until,
} from "../helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../helpers/stores.js";
import { testConfig } from "../helpers/temp.js";

// Report checks never reach retrieval: a retriever that would fail loudly if asked.
const retriever = {
  search: () => {
    throw new Error("retrieval must not run for report uploads");
  },
} as unknown as Retriever;

type Posted = {
  text: string;
  thread_ts?: string;
  blocks?: { type: string; text?: { text: string }; elements?: { action_id: string; value: string }[] }[];
};

describeEachBackend("Slack report checks", (backend) => {
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
    });
    fake.files.set("FCHEF", {
      name: "rapport.pdf",
      mimetype: "application/pdf",
      content: Buffer.from(
        (
          await makePdf({
            pages: 24,
            headings: CHEF_HEADINGS.filter((h) => !h.includes("Gestion")),
            style: "fontsize",
          })
        ).bytes,
      ),
    });
    fake.files.set("FE3", {
      name: "veille.docx",
      mimetype: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      content: Buffer.from(
        await makeDocx({ headings: ["Présentation des documents", "Synthèse"], style: "styles", pages: 3 }),
      ),
    });
    fake.files.set("FCOVER", {
      name: "rapport-e3.pdf",
      mimetype: "application/pdf",
      content: readFileSync(join(PACKAGE_ROOT, "test", "fixtures", "report-coverage", "e3-chatbot-rh.pdf")),
    });
    fake.files.set("FPNG", {
      name: "rapport.pdf",
      mimetype: "application/pdf",
      content: Buffer.from(PNG_BYTES),
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

  async function start() {
    db = await store.openMigrated();
    const log = createLogger("error", () => {});
    slack = createSlackApp({ config, log, db, answering: { retriever, llm: null, log } });
    port = (await slack.start())!;
  }

  const dmFile = (fileId: string, text = "") => ({
    type: "message",
    subtype: "file_share",
    channel_type: "im",
    channel: "D0ALICE",
    user: "U0ALICE",
    text,
    ts: nextTs(),
    // As Slack sends it: the download URL may be absent (then files.info is asked).
    files: [{ id: fileId, name: fake.files.get(fileId)!.name, filetype: fileId === "FE3" ? "docx" : "pdf" }],
  });

  it("checks a PDF sent in a DM against the deliverable named in the message, replies in the thread and stores the verdict", async () => {
    await start();
    const ev = dmFile("FCHEF", "mon rapport de chef d'oeuvre");
    expect((await postJson(port, eventBody(ev))).status).toBe(200);
    const [reply] = await fake.waitFor("chat.postMessage");
    const args = reply!.args as unknown as Posted;
    expect(args.thread_ts).toBe(ev.ts);
    const text = args.blocks![0]!.text!.text;
    expect(text).toMatch(/✅ Pages : 24 pages, attendu 20 à 30/);
    expect(text).toMatch(/✅ Introduction \(p\. 1\)/);
    expect(text).toMatch(/❌ Gestion de projet — introuvable/);
    expect(text).not.toMatch(/deviné/);
    expect(fake.callsTo("files.info")).toHaveLength(1);
    const stored = await reportChecksOf(db!, "U0ALICE");
    expect(stored).toEqual([
      expect.objectContaining({
        deliverable: "chef-doeuvre",
        ok: false,
        pages: 24,
        missing: ["Gestion de projet"],
      }),
    ]);
  });

  it("checks a file attached to a mention in a channel, guessing the deliverable and offering the others", async () => {
    await start();
    const ev = {
      type: "app_mention",
      user: "U0BOB",
      text: "<@U0BOT> voici mon rapport",
      ts: nextTs(),
      channel: "C0CHAN",
      files: [
        { id: "FE3", name: "veille.docx", filetype: "docx", url_private_download: `${fake.url}/files/FE3` },
      ],
    };
    await postJson(port, eventBody(ev));
    const [reply] = await fake.waitFor("chat.postMessage");
    const args = reply!.args as unknown as Posted;
    expect(args.thread_ts).toBe(ev.ts);
    expect(args.blocks![0]!.text!.text).toMatch(/\(cas-pratique-e3\) — conforme/);
    expect(args.blocks![0]!.text!.text).toMatch(/deviné/);
    const buttons = args.blocks!.find((b) => b.type === "actions")!.elements!;
    expect(buttons.map((b) => b.action_id)).toContain("report_recheck:cas-pratique-e2");
    expect(fake.callsTo("files.info")).toHaveLength(0);

    // "C'est : cas-pratique-e2": the same file, downloaded again, judged against E2.
    const e2 = buttons.find((b) => b.action_id === "report_recheck:cas-pratique-e2")!;
    await postForm(
      port,
      blockActions({
        user: "U0BOB",
        responseUrl: fake.responseUrl("recheck"),
        message: { ts: "2", thread_ts: ev.ts },
        actions: [{ type: "button", action_id: e2.action_id, block_id: "b", value: e2.value }],
      }),
    );
    const replies = await fake.waitFor("chat.postMessage", 2);
    const again = replies[1]!.args as unknown as Posted;
    expect(again.thread_ts).toBe(ev.ts);
    expect(again.blocks![0]!.text!.text).toMatch(/\(cas-pratique-e2\)/);
    expect(again.blocks![0]!.text!.text).toMatch(/❌ Pages : 3 pages, attendu 5 à 10/);
  });

  it("answers an unreadable file clearly (a PNG named .pdf), never with silence", async () => {
    await start();
    await postJson(port, eventBody({ ...dmFile("FPNG", "e3"), user: "U0DAVE", channel: "D0DAVE" }));
    const [reply] = await fake.waitFor("chat.postMessage");
    expect((reply!.args as unknown as Posted).text).toMatch(
      /« rapport\.pdf » : Ce fichier n'est ni un PDF ni un document Word/,
    );
    expect(await reportChecksOf(db!, "U0DAVE")).toEqual([]);
  });

  it("/rapport explains how and lets the user pick the deliverable for the next upload", async () => {
    await start();
    const res = await postForm(port, {
      command: "/rapport",
      text: "",
      user_id: "U0CAROL",
      channel_id: "C0CHAN",
      team_id: "T0TEST",
      response_url: fake.responseUrl("rapport"),
      trigger_id: "trig",
    });
    const body = (await res.json()) as {
      response_type: string;
      text: string;
      blocks: { accessory?: { action_id: string; options: { value: string }[] } }[];
    };
    expect(body.response_type).toBe("ephemeral");
    expect(body.text).toMatch(/message direct/);
    const select = body.blocks[0]!.accessory!;
    expect(select.action_id).toBe("report_pick");
    expect(select.options.map((o) => o.value)).toEqual([
      "chef-doeuvre",
      "cas-pratique-e2",
      "cas-pratique-e3",
      "memoire-expert-ia",
    ]);

    await postForm(
      port,
      blockActions({
        user: "U0CAROL",
        responseUrl: fake.responseUrl("pick"),
        actions: [
          {
            type: "static_select",
            action_id: "report_pick",
            block_id: "b",
            selected_option: { value: "memoire-expert-ia", text: { type: "plain_text", text: "m" } },
          },
        ],
      }),
    );
    await until(() => fake.responseUrlPosts.some((x) => x.path.endsWith("pick")), "the response to the pick");
    const picked = fake.responseUrlPosts.find((x) => x.path.endsWith("pick"))!.body as { text: string };
    expect(picked.text).toMatch(/Noté : Mémoire professionnel/);

    const ev = { ...dmFile("FE3"), user: "U0CAROL", channel: "D0CAROL" };
    await postJson(port, eventBody(ev));
    const [reply] = await fake.waitFor("chat.postMessage");
    const text = (reply!.args as unknown as Posted).blocks![0]!.text!.text;
    expect(text).toMatch(/\(memoire-expert-ia\)/);
    expect(text).not.toMatch(/deviné/);
  });

  it("/rapport offers the épreuves of the referential; the verdict gets a coverage block and the quotes in a thread reply", async () => {
    await start();
    const res = await postForm(port, {
      command: "/rapport",
      text: "",
      user_id: "U0ERIN",
      channel_id: "C0CHAN",
      team_id: "T0TEST",
      response_url: fake.responseUrl("rapport-erin"),
      trigger_id: "trig",
    });
    const body = (await res.json()) as {
      blocks: { accessory?: { action_id: string; options: { value: string }[] } }[];
    };
    const select = body.blocks.find((b) => b.accessory?.action_id === "report_pick_epreuve")!.accessory!;
    expect(select.options.map((o) => o.value)).toEqual([
      "epreuve:rncp37827:E1",
      "epreuve:rncp37827:E2",
      "epreuve:rncp37827:E3",
      "epreuve:rncp37827:E4",
      "epreuve:rncp37827:E5",
    ]);
    await postForm(
      port,
      blockActions({
        user: "U0ERIN",
        responseUrl: fake.responseUrl("pick-e3"),
        actions: [
          {
            type: "static_select",
            action_id: "report_pick_epreuve",
            block_id: "b",
            selected_option: { value: "epreuve:rncp37827:E3", text: { type: "plain_text", text: "E3" } },
          },
        ],
      }),
    );
    await until(
      () => fake.responseUrlPosts.some((x) => x.path.endsWith("pick-e3")),
      "the response to the pick",
    );
    const picked = fake.responseUrlPosts.find((x) => x.path.endsWith("pick-e3"))!.body as { text: string };
    expect(picked.text).toMatch(/Noté : épreuve E3 \(rncp37827\), 5 compétences : C9, C10, C11, C12, C13/);

    const ev = {
      ...dmFile("FCOVER"),
      user: "U0ERIN",
      channel: "D0ERIN",
      files: [{ id: "FCOVER", name: "rapport-e3.pdf", filetype: "pdf" }],
    };
    await postJson(port, eventBody(ev));
    const [verdict, quotes] = await fake.waitFor("chat.postMessage", 2);
    const v = verdict!.args as unknown as Posted;
    expect(v.thread_ts).toBe(ev.ts);
    const coverage = v
      .blocks!.map((b) => b.text?.text ?? "")
      .find((t) => t.includes("Compétences de l'épreuve E3"))!;
    expect(coverage).toMatch(/✅ \*C9\*/);
    expect(coverage).toMatch(/⚠️ \*C11\* .* — mentionné, pas montré/);
    expect(coverage).toMatch(/⚠️ \*C12\*/);
    expect(coverage).not.toMatch(/« /);
    const q = quotes!.args as unknown as Posted;
    expect(q.thread_ts).toBe(ev.ts);
    expect(q.text).toMatch(/> À terme nous envisageons de suivre la dérive du modèle/);
    expect(q.text).toMatch(/Mentionné, pas montré/);
    const [stored] = await reportChecksOf(db!, "U0ERIN");
    expect(stored!.epreuve).toBe("rncp37827:E3");
    expect(stored!.coverage.find((c) => c.code === "C11")).toMatchObject({
      covered: false,
      mentionedOnly: true,
    });
  });
});
