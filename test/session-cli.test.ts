import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { FakeSlack } from "./helpers/fake-slack.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { KNOWLEDGE_DIR, tempDir } from "./helpers/temp.js";

const SAMPLE = [
  "--launch",
  "2023-10-02",
  "--prairie-end",
  "2024-01-05",
  "--session-start",
  "2025-05-05",
  "--session-end",
  "2025-05-09",
];

describe("certibot session plan / roster (no database)", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await tempDir();
    env = { CERTIBOT_DATA_DIR: dir.path, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR };
    await writeFile(
      join(dir.path, "promo.csv"),
      "\uFEFFnom;prenom;email\r\nZola;Émile;\r\nNdiaye;Dieynaba;d@example.org\r\nélie;Zoé;\r\nAbel;Jean;\r\n",
    );
    await writeFile(join(dir.path, "bad.csv"), "nom,prenom\nDupont,\n,Marie\n");
  });
  afterAll(() => dir.cleanup());

  it("plan --json prints exactly the contract for the guide's example calendar", async () => {
    const r = await runCli(["session", "plan", "--json", ...SAMPLE], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { deadlines: Record<string, string>[] };
    expect(Object.keys(out)).toEqual(["deadlines"]);
    for (const d of out.deadlines)
      expect(Object.keys(d)).toEqual(["id", "due", "audience", "document", "source"]);
    expect(Object.fromEntries(out.deadlines.map((d) => [d.id, d.due]))).toEqual({
      "s1-project-team": "2023-09-02",
      "s1-trainers": "2023-09-18",
      "s2-trainers": "2023-09-18",
      "s1-learners": "2024-01-05",
      "s2-learners": "2024-01-05",
      "s1-jury": "2025-04-21",
      "reports-to-jury": "2025-05-04",
      "s2-jury": "2025-05-05",
      "pv-prepare": "2025-05-05",
      "pv-complete": "2025-05-09",
    });
    expect(out.deadlines.map((d) => d.due)).toEqual([...out.deadlines.map((d) => d.due)].sort());
    expect(out.deadlines.find((d) => d.id === "s1-jury")!.source).toMatch(/deux semaines avant la session/);
    // Pure: no database was created.
    expect(existsSync(join(dir.path, "pg"))).toBe(false);
  });

  it("plan refuses wrong dates and impossible calendars with exit 2 and a clear message", async () => {
    const cases: Array<[string[], RegExp]> = [
      [
        SAMPLE.map((a) => (a === "2025-05-05" ? "2025-02-30" : a)),
        /--session-start : date invalide « 2025-02-30 »/,
      ],
      [
        SAMPLE.map((a) => (a === "2024-01-05" ? "05/01/2024" : a)),
        /--prairie-end : date invalide « 05\/01\/2024 » ; attendu AAAA-MM-JJ/,
      ],
      [
        SAMPLE.map((a) => (a === "2024-01-05" ? "2023-01-05" : a)),
        /fin de la prairie \(5 janvier 2023\) est avant le lancement/,
      ],
      [
        SAMPLE.map((a) => (a === "2025-05-05" ? "2023-05-05" : a)),
        /début de la session \(5 mai 2023\) est avant le lancement/,
      ],
      [SAMPLE.slice(0, 6), /--session-end manquant/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["session", "plan", "--json", ...args], { env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(message);
    }
  });

  it("roster --json --agate prints the candidates A–Z with their PV ids", async () => {
    const r = await runCli(["session", "roster", "--json", "--agate", "3006", join(dir.path, "promo.csv")], {
      env,
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      candidates: [
        { nom: "Abel", prenom: "Jean", pvId: "3006-AJ-01" },
        { nom: "élie", prenom: "Zoé", pvId: "3006-EZ-02" },
        { nom: "Ndiaye", prenom: "Dieynaba", pvId: "3006-ND-03" },
        { nom: "Zola", prenom: "Émile", pvId: "3006-ZE-04" },
      ],
    });
  });

  it("roster refuses a bad file, a missing file and a bad agate code with exit 2", async () => {
    const bad = await runCli(["session", "roster", "--json", "--agate", "3006", join(dir.path, "bad.csv")], {
      env,
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/rien n'a été importé\. ligne 2 : prénom manquant ; ligne 3 : nom manquant/);
    const missing = await runCli(
      ["session", "roster", "--json", "--agate", "3006", join(dir.path, "nope.csv")],
      { env },
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/fichier illisible/);
    const agate = await runCli(
      ["session", "roster", "--json", "--agate", "30-06", join(dir.path, "promo.csv")],
      { env },
    );
    expect(agate.code).toBe(2);
    expect(agate.stderr).toMatch(/code agate invalide « 30-06 »/);
  });
});

describeEachBackend(
  "certibot session (scripting), jobs run session-alerts and veille-reminder",
  (backend) => {
    const fake = new FakeSlack();
    let store: TestStore;
    let dir: Awaited<ReturnType<typeof tempDir>>;
    beforeAll(async () => {
      await fake.start();
      store = await backend.createStore({ CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR });
      dir = await tempDir();
      await writeFile(
        join(dir.path, "promo.csv"),
        "nom,prenom,role\nAbel,Jean,apprenant\nMartin,Paul,formateur\n",
      );
    });
    afterAll(async () => {
      await fake.stop();
      await store.cleanup();
      await dir.cleanup();
    });

    it("sets up a session from the CLI and posts its due alerts once through Slack", async () => {
      const cli = (...args: string[]) => runCli(["session", ...args], { env: store.env });
      const created = await cli(
        "create",
        "dev-ia-2023",
        "agate=3006",
        "canal=C0PROMO",
        "lancement=2023-10-02",
        "fin-prairie=2024-01-05",
        "debut-session=2025-05-05",
        "fin-session=2025-05-09",
      );
      expect(created.stderr).toBe("");
      // Plain text in a terminal: no Slack markup; all four milestones given, so no "Renseignez ses jalons".
      expect(created.stdout).toMatch(
        /Session dev-ia-2023 \(rncp37827, agate 3006, #C0PROMO\) créée, avec ses quatre jalons/,
      );
      expect(created.stdout).toMatch(/certibot session roster import/);
      expect(created.stdout).not.toMatch(/<#|Renseignez|[*`]| \/session/);
      const status = await cli("status");
      expect(status.stdout).toMatch(/Rapport du projet chef d'œuvre \(E1\) : 0 conforme/);
      expect(status.stdout).not.toMatch(/memoire-expert-ia|Mémoire|[*`]|<#/);
      const help = await cli("help");
      expect(help.stdout).toMatch(/certibot session status \[session\]/);
      expect(help.stdout).not.toMatch(/[*`]|<#| \/session/);
      const imported = await cli("roster", "import", join(dir.path, "promo.csv"));
      expect(imported.stdout).toMatch(/2 ajouts.*1 apprenant, 1 formateur/);
      const roster = await cli("roster", "--json");
      expect(JSON.parse(roster.stdout)).toMatchObject({ kind: "roster", entries: [{ pvId: "3006-AJ-01" }] });
      const done = await cli("done", "s1-project-team");
      expect(done.stdout).toMatch(/s1-project-team .* marquée comme faite/);
      const unknown = await cli("done", "s1-nope");
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/échéance inconnue « s1-nope »/);

      const env = { ...store.env, SLACK_BOT_TOKEN: "xoxb-test", SLACK_API_URL: fake.apiUrl };
      const jobs = (at: string) => runCli(["jobs", "run", "session-alerts", "--at", at], { env });
      const first = await jobs("2025-04-14T09:00");
      expect(first.stderr).toBe("");
      expect(first.code).toBe(0);
      const [post, ...more] = fake.callsTo("chat.postMessage");
      expect(more).toHaveLength(0);
      expect(post!.args.channel).toBe("C0PROMO");
      const blocks = JSON.stringify(post!.args.blocks);
      expect(blocks).toMatch(
        /Partager la section 1 \(description de l'épreuve\) avec le jury de certification/,
      );
      expect(blocks).toMatch(/dans 7 jours/);
      expect(blocks).toMatch(/session_deadline_done/);
      expect(blocks).not.toMatch(/avec l'équipe projet/); // marked done
      // The same occurrence again, and a later tick the same day: nothing more is posted.
      expect((await jobs("2025-04-14T09:00")).stdout).toMatch(/déjà exécutée/);
      expect((await jobs("2025-04-14T11:00")).code).toBe(0);
      expect(fake.callsTo("chat.postMessage")).toHaveLength(1);

      // The Monday veille reminder, run by hand, posts once through Slack too.
      const veille = (at: string) => runCli(["jobs", "run", "veille-reminder", "--at", at], { env });
      const reminder = await veille("2025-04-14T09:00");
      // The week before, the session's first, was never reminded: past its grace, skipped and logged.
      const skipped = reminder.stderr
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { msg: string; key?: string })
        .find((l) => l.msg === "veille reminder skipped: past its grace period");
      expect(skipped?.key).toMatch(/^session:\d+:2025-W15$/);
      expect(reminder.code).toBe(0);
      expect((await veille("2025-04-14T09:00")).stdout).toMatch(/déjà exécutée/);
      expect((await veille("2025-04-14T09:15")).code).toBe(0);
      const posts = fake.callsTo("chat.postMessage");
      expect(posts).toHaveLength(2);
      expect(posts[1]!.args.channel).toBe("C0PROMO");
      expect(JSON.stringify(posts[1]!.args.blocks)).toMatch(/veille_log_open/);
    }, 120_000);
  },
);
