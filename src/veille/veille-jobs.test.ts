import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, expect, it } from "vitest";
import { atomXml, FeedServer, rssXml } from "../../test/helpers/feed-server.js";
import { RecordingNotifier } from "../../test/helpers/recording-notifier.js";
import { describeEachBackend, type TestStore } from "../../test/helpers/stores.js";
import type { Db } from "../db/db.js";
import { getRun } from "../db/job-claims.js";
import type { JobDeps } from "../jobs/job.js";
import type { Notifier } from "../jobs/notifier.js";
import { runOccurrence } from "../jobs/runner.js";
import { createLogger, silentLogger } from "../log.js";
import { CLI_ACTOR } from "../sessions/access.js";
import { insertSession, upsertMember } from "../sessions/store.js";
import type { Role } from "../sessions/types.js";
import { veilleDigestJob } from "./digest-job.js";
import { VEILLE_JOBS } from "./jobs.js";
import { createVeilleReminderJob } from "./reminder-job.js";
import { configureVeille, logVeille } from "./service.js";
import { insertFeed } from "./store.js";
import { weekEnd, weekStart } from "./weeks.js";

/** A test double of the Notifier port: records what jobs asked it to say, fails on demand. */

const reminderJob = createVeilleReminderJob({
  // The test feeds are served on loopback.
  feedLimits: { timeoutMs: 400, maxBytes: 64 * 1024, allowPrivateHosts: true },
});

describeEachBackend("veille jobs", (backend) => {
  let store: TestStore;
  let db: Db;
  let feeds: FeedServer;
  const logLines: string[] = [];
  const log = createLogger("debug", (l) => logLines.push(l));

  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
    feeds = await new FeedServer().start();
  });
  afterAll(async () => {
    await feeds?.stop();
    await db?.close();
    await store?.cleanup();
  });

  const deps = (notifier: Notifier, on: Db = db): JobDeps => ({
    db: on,
    config: store.config,
    log,
    notifier,
  });

  /** A session active only during `weeks`, so other tests' ticks leave it alone. */
  async function session(name: string, weeks: [string, string], members: Array<[Role, string | null]>) {
    const s = await insertSession(
      db,
      {
        name,
        referential: "rncp37827",
        agate: null,
        channelId: `C_${name.toUpperCase()}`,
        timezone: "Europe/Paris",
        launch: weekStart(weeks[0]),
        prairieEnd: null,
        sessionStart: null,
        sessionEnd: weekEnd(weeks[1]),
        reportsLeadDays: 1,
      },
      "U_ADMIN",
    );
    for (const [i, [role, slack]] of members.entries())
      await upsertMember(
        db,
        s!.id,
        { role, slackUserId: slack, email: null, nom: `Nom${i}`, prenom: `${role}${i}` },
        "U_ADMIN",
      );
    return s!;
  }

  it("exports both jobs, ticking every 15 minutes in UTC", () => {
    expect(VEILLE_JOBS.map((j) => [j.name, j.cron, j.timezone])).toEqual([
      ["veille-reminder", "*/15 * * * *", "UTC"],
      ["veille-digest", "*/15 * * * *", "UTC"],
    ]);
    expect(VEILLE_JOBS[0]!.occurrenceKey(new Date("2026-03-30T07:14:59Z"))).toBe("2026-03-30T07:00Z");
  });

  it("two instances ticking at the same time on one database post one reminder per session-week", async () => {
    const s = await session(
      "dup",
      ["2026-W14", "2026-W14"],
      [
        ["manager", "U_DUP_M"],
        ["candidate", "U_DUP_A"],
      ],
    );
    const n = new RecordingNotifier();
    // On a server each instance has its own pool; PGlite admits one handle per process.
    const second = backend.name === "postgresql" ? await store.open() : db;
    try {
      // 09:00 and 09:15 Paris are two ticks (two tick claims), both finding the same reminder due.
      const outcomes = await Promise.all([
        runOccurrence(reminderJob, new Date("2026-03-30T07:00:00Z"), deps(n)),
        runOccurrence(reminderJob, new Date("2026-03-30T07:00:00Z"), deps(n, second)),
        runOccurrence(reminderJob, new Date("2026-03-30T07:15:00Z"), deps(n, second)),
        runOccurrence(reminderJob, new Date("2026-03-30T07:15:00Z"), deps(n)),
      ]);
      expect(outcomes.filter((o) => o.status === "done")).toHaveLength(2);
      expect(outcomes.filter((o) => o.status === "skipped")).toHaveLength(2);
    } finally {
      if (second !== db) await second.close();
    }
    expect(n.remindersOf(s)).toHaveLength(1);
    expect(n.remindersOf(s)[0]).toMatchObject({
      week: "2026-W14",
      weekLabel: "semaine du lundi 30 mars 2026",
      channelId: "C_DUP",
      dmUserIds: [],
      late: false,
      targetMinutes: 60,
      theme: null,
    });
    expect(n.remindersOf(s)[0]!.checklist.join(" ")).toMatch(/Auteur identifié/);
    expect(await getRun(db, "veille-reminder", `session:${s.id}:2026-W14`)).toMatchObject({
      status: "done",
      attempts: 1,
    });
    // Later ticks of the same week find the claim done.
    await runOccurrence(reminderJob, new Date("2026-03-30T09:00:00Z"), deps(n));
    expect(n.remindersOf(s)).toHaveLength(1);
  });

  it("sends a missed reminder once within the grace, marked late, and skips (and logs) one past it", async () => {
    const late = await session("late", ["2026-W20", "2026-W20"], [["candidate", "U_LATE_A"]]);
    // Created well before: the bot, not the session's setup, missed Monday's time.
    await db.query("update sessions set created_at = '2026-01-01T00:00:00Z' where id = $1", [late.id]);
    const gone = await session("gone", ["2026-W21", "2026-W21"], [["candidate", "U_GONE_A"]]);
    const n = new RecordingNotifier();
    // Tuesday 12:00 Paris, 27 hours after Monday 09:00: within the default 48 hours.
    await runOccurrence(reminderJob, new Date("2026-05-12T10:00:00Z"), deps(n));
    await runOccurrence(reminderJob, new Date("2026-05-12T10:15:00Z"), deps(n));
    expect(n.remindersOf(late)).toHaveLength(1);
    expect(n.remindersOf(late)[0]).toMatchObject({ week: "2026-W20", late: true });
    // A session set up on Tuesday gets that week's reminder within the grace, not flagged as a catch-up.
    const fresh = await session("fresh", ["2026-W20", "2026-W20"], [["candidate", "U_FRESH_A"]]);
    await db.query("update sessions set created_at = '2026-05-12T09:00:00Z' where id = $1", [fresh.id]);
    await runOccurrence(reminderJob, new Date("2026-05-12T10:30:00Z"), deps(n));
    expect(n.remindersOf(fresh)).toEqual([expect.objectContaining({ week: "2026-W20", late: false })]);
    // Wednesday 10:00 Paris, 49 hours after: skipped, recorded and logged once.
    logLines.length = 0;
    await runOccurrence(reminderJob, new Date("2026-05-20T08:00:00Z"), deps(n));
    await runOccurrence(reminderJob, new Date("2026-05-20T08:15:00Z"), deps(n));
    expect(n.remindersOf(gone)).toHaveLength(0);
    expect(await getRun(db, "veille-reminder", `session:${gone.id}:2026-W21`)).toMatchObject({
      status: "done",
    });
    const skipped = logLines.map((l) => JSON.parse(l)).filter((l) => l.key === `session:${gone.id}:2026-W21`);
    expect(skipped).toEqual([
      expect.objectContaining({
        level: "warn",
        msg: "veille reminder skipped: past its grace period",
        session: "gone",
      }),
    ]);
  });

  it("records a failed delivery and retries it at the next tick", async () => {
    const s = await session("flaky", ["2026-W22", "2026-W22"], [["candidate", "U_FLAKY_A"]]);
    const n = new RecordingNotifier();
    n.failNextReminders = 1;
    const first = await runOccurrence(reminderJob, new Date("2026-05-25T07:00:00Z"), deps(n));
    expect(first).toMatchObject({ status: "failed" });
    expect(first.status === "failed" && first.error).toMatch(/Slack indisponible/);
    expect(await getRun(db, "veille-reminder", `session:${s.id}:2026-W22`)).toMatchObject({
      status: "failed",
    });
    await runOccurrence(reminderJob, new Date("2026-05-25T07:15:00Z"), deps(n));
    expect(n.remindersOf(s)).toHaveLength(1);
    expect(await getRun(db, "veille-reminder", `session:${s.id}:2026-W22`)).toMatchObject({
      status: "done",
      attempts: 2,
    });
  });

  it("without Slack configured, fails the tick clearly and claims nothing", async () => {
    const s = await session("noslack", ["2026-W24", "2026-W24"], [["candidate", "U_NS_A"]]);
    const out = await runOccurrence(reminderJob, new Date("2026-06-08T07:00:00Z"), {
      db,
      config: store.config,
      log: silentLogger,
    });
    expect(out.status === "failed" && out.error).toMatch(/Slack n'est pas configuré/);
    expect(await getRun(db, "veille-reminder", `session:${s.id}:2026-W24`)).toBeNull();
  });

  it("builds the reminder from the settings and the feeds; broken feeds go to managers, never block it", async () => {
    const s = await session(
      "feeds",
      ["2026-W26", "2026-W27"],
      [
        ["manager", "U_FEEDS_M"],
        ["trainer", "U_FEEDS_T"],
        ["candidate", "U_FEEDS_A"],
        ["candidate", "U_FEEDS_B"],
        ["candidate", null],
      ],
    );
    await configureVeille(
      db,
      CLI_ACTOR,
      s,
      'theme="IA et RGPD" theme="MLOps" dm=on',
      new Date("2026-06-20T10:00:00Z"),
    );
    const recent = new Date("2026-06-20T08:00:00Z");
    feeds.routes.set(
      "/cnil.rss",
      rssXml("CNIL", [
        { title: "IA : les recommandations", link: "https://cnil.example/ia", date: recent },
        { title: "Vieux billet", link: "https://cnil.example/old", date: new Date("2026-01-01T00:00:00Z") },
      ]),
    );
    feeds.routes.set(
      "/blog.atom",
      atomXml("Blog MLOps", [{ title: "Déployer un modèle", link: "https://blog.example/d", date: recent }]),
    );
    feeds.routes.set("/slow.rss", async (res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.write("<rss><channel>");
      await sleep(2_000);
      res.end("</channel></rss>");
    });
    feeds.routes.set("/broken.rss", "<rss><channel><item><title>coupé");
    feeds.routes.set("/huge.rss", (res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const chunk = `<!-- ${"x".repeat(16 * 1024)} -->`;
      const write = (left: number) => {
        if (left === 0 || res.destroyed) return void res.end("<rss/>");
        res.write(chunk, () => write(left - 1));
      };
      res.write("<?xml version='1.0'?>", () => write(32));
    });
    for (const path of ["/cnil.rss", "/blog.atom", "/slow.rss", "/broken.rss", "/huge.rss"])
      await insertFeed(db, s.id, feeds.url(path), "U_FEEDS_M");

    const n = new RecordingNotifier();
    const started = Date.now();
    await runOccurrence(reminderJob, new Date("2026-06-22T07:00:00Z"), deps(n));
    expect(Date.now() - started).toBeLessThan(5_000);
    const [reminder] = n.remindersOf(s);
    expect(reminder).toBeDefined();
    expect(reminder!.theme).toMatch(/^(IA et RGPD|MLOps)$/);
    expect([...reminder!.dmUserIds].sort()).toEqual(["U_FEEDS_A", "U_FEEDS_B"]);
    expect(reminder!.feedItems.map((i) => [i.feedTitle, i.title, i.link])).toEqual(
      expect.arrayContaining([
        ["CNIL", "IA : les recommandations", "https://cnil.example/ia"],
        ["Blog MLOps", "Déployer un modèle", "https://blog.example/d"],
      ]),
    );
    expect(reminder!.feedItems).toHaveLength(2);
    const problems = n.problems.filter((p) => p.session.id === s.id);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.managerIds).toEqual(["U_FEEDS_M"]);
    const byUrl = Object.fromEntries(problems[0]!.problems.map((p) => [new URL(p.url).pathname, p.problem]));
    expect(byUrl).toEqual({
      "/slow.rss": expect.stringMatching(/pas de réponse complète/),
      "/broken.rss": expect.stringMatching(/XML valide/),
      "/huge.rss": expect.stringMatching(/dépasse 64 Ko/),
    });
    const stored = await db.query<{ url: string; last_error: string | null }>(
      "select url, last_error from veille_feeds where session_id = $1 order by id",
      [s.id],
    );
    expect(stored.map((r) => r.last_error === null)).toEqual([true, true, false, false, false]);

    // The next week: the same items are not announced again; the next theme comes round.
    feeds.routes.set(
      "/cnil.rss",
      rssXml("CNIL", [
        {
          title: "Nouveau guide",
          link: "https://cnil.example/guide",
          date: new Date("2026-06-27T08:00:00Z"),
        },
        { title: "IA : les recommandations", link: "https://cnil.example/ia", date: recent },
      ]),
    );
    await runOccurrence(reminderJob, new Date("2026-06-29T07:00:00Z"), deps(n));
    const second = n.remindersOf(s)[1]!;
    expect(second.feedItems.map((i) => i.title)).toEqual(["Nouveau guide"]);
    expect(second.theme).not.toBe(reminder!.theme);
  });

  it("sends the Friday digest: who logged and how long, who did not, the shared syntheses", async () => {
    const s = await session(
      "digest",
      ["2026-W23", "2026-W23"],
      [
        ["manager", "U_DG_M"],
        ["trainer", "U_DG_T"],
        ["candidate", "U_DG_A"],
        ["candidate", "U_DG_B"],
        ["candidate", "U_DG_C"],
        ["candidate", null],
      ],
    );
    const actor = (id: string) => ({ id, admin: false });
    const monday = new Date("2026-06-01T10:00:00Z");
    await logVeille(
      db,
      actor("U_DG_A"),
      s,
      {
        duration: "45min",
        title: "AI Act",
        url: "https://eur-lex.example/ai",
        takeaways: ["risques"],
        shared: true,
      },
      monday,
    );
    await logVeille(db, actor("U_DG_A"), s, { duration: "30", title: "Podcast", takeaways: ["x"] }, monday);
    await logVeille(db, actor("U_DG_B"), s, { duration: "1h", title: "Doc", takeaways: ["y"] }, monday);
    await logVeille(db, actor("U_DG_T"), s, { duration: "2h", title: "Formateur", takeaways: ["z"] }, monday);
    // Logged the week before: not this digest's.
    await logVeille(
      db,
      actor("U_DG_C"),
      s,
      { duration: "2h", title: "Avant", takeaways: ["w"] },
      new Date("2026-05-31T10:00:00Z"),
    );

    const n = new RecordingNotifier();
    await runOccurrence(veilleDigestJob, new Date("2026-06-05T14:45:00Z"), deps(n));
    expect(n.digests.filter((d) => d.session.id === s.id)).toHaveLength(0);
    await runOccurrence(veilleDigestJob, new Date("2026-06-05T15:00:00Z"), deps(n));
    await runOccurrence(veilleDigestJob, new Date("2026-06-05T15:15:00Z"), deps(n));
    const digests = n.digests.filter((d) => d.session.id === s.id);
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({
      week: "2026-W23",
      // By default the digest goes to the trainers privately: it names who did not log.
      to: "dm",
      channelId: "C_DIGEST",
      recipientIds: ["U_DG_T"],
      late: false,
      logged: [
        { slackUserId: "U_DG_A", minutes: 75, entries: 2 },
        { slackUserId: "U_DG_B", minutes: 60, entries: 1 },
      ],
      missing: [
        { slackUserId: "U_DG_C", name: "candidate4 Nom4" },
        { slackUserId: null, name: "candidate5 Nom5" },
      ],
      shared: [
        { slackUserId: "U_DG_A", title: "AI Act", url: "https://eur-lex.example/ai", sourceType: "other" },
      ],
    });
    expect(await getRun(db, "veille-digest", `session:${s.id}:2026-W23`)).toMatchObject({ status: "done" });
  });
});
