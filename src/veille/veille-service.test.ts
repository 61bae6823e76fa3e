import { afterAll, beforeAll, expect, it } from "vitest";
import { FeedServer, rssXml } from "../../test/helpers/feed-server.js";
import { describeEachBackend, type TestStore } from "../../test/helpers/stores.js";
import type { Db } from "../db/db.js";
import { CertibotError } from "../errors.js";
import type { Actor } from "../sessions/access.js";
import { insertSession, upsertMember } from "../sessions/store.js";
import type { Role, Session } from "../sessions/types.js";
import { FEED_LIMITS } from "./feeds.js";
import {
  addSource,
  configureVeille,
  listSources,
  logVeille,
  removeSource,
  veilleStatus,
  veilleSummaryForSession,
} from "./service.js";
import { deleteVeilleDataOf, entriesOfWeek, settingsOf } from "./store.js";

async function refused(p: Promise<unknown>, code = "NOT_ALLOWED"): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CertibotError);
    expect((e as CertibotError).code).toBe(code);
    return (e as CertibotError).userMessage();
  }
  throw new Error(`expected ${code}`);
}

const as = (id: string, admin = false): Actor => ({ id, admin });
// Wednesday 25 November 2026, 11:00 in Paris: ISO week 2026-W48.
const NOW = new Date("2026-11-25T10:00:00Z");

/** The test feeds are served on loopback, which production refuses by default. */
const LOOPBACK = { ...FEED_LIMITS, allowPrivateHosts: true };

describeEachBackend("veille service", (backend) => {
  let store: TestStore;
  let db: Db;
  let s: Session;
  let feeds: FeedServer;

  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
    feeds = await new FeedServer().start();
    feeds.routes.set(
      "/ok.rss",
      rssXml("Flux", [{ title: "Un", link: "https://ex.org/1", date: new Date("2026-11-20T00:00:00Z") }]),
    );
    feeds.routes.set("/broken.rss", "<rss><channel>");
    s = (await insertSession(
      db,
      {
        name: "dev-ia-2026",
        referential: "rncp37827",
        agate: null,
        channelId: "C_DEV",
        timezone: "Europe/Paris",
        launch: null,
        prairieEnd: null,
        sessionStart: null,
        sessionEnd: null,
        reportsLeadDays: 1,
      },
      "U_ADMIN",
    ))!;
    const members: Array<[Role, string, string]> = [
      ["manager", "U_M", "Marie"],
      ["trainer", "U_T", "Théo"],
      ["candidate", "U_A", "Ada"],
      ["candidate", "U_B", "Bob"],
      ["jury", "U_J", "Jules"],
    ];
    for (const [role, id, prenom] of members)
      await upsertMember(db, s.id, { role, slackUserId: id, email: null, nom: "Test", prenom }, "U_ADMIN");
  });
  afterAll(async () => {
    await feeds?.stop();
    await db?.close();
    await store?.cleanup();
  });

  it("lets members log their own veille in the current ISO week, and refuses others", async () => {
    const e = await logVeille(
      db,
      as("U_A"),
      s,
      { duration: "1h30", title: "AI Act", url: "https://ex.org/ai", takeaways: ["risques", "calendrier"] },
      NOW,
    );
    expect(e).toMatchObject({ slackUserId: "U_A", isoWeek: "2026-W48", minutes: 90, sourceType: "other" });
    expect(e.takeaways).toEqual(["risques", "calendrier"]);
    await logVeille(
      db,
      as("U_A"),
      s,
      { duration: "45min", title: "Avant", takeaways: ["x"] },
      new Date("2026-11-17T10:00:00Z"),
    );
    await logVeille(db, as("U_B"), s, { duration: "20", title: "Court", takeaways: ["y"] }, NOW);
    expect(
      await refused(logVeille(db, as("U_J"), s, { duration: "1h", title: "t", takeaways: ["a"] }, NOW)),
    ).toMatch(/consignent une veille/);
    expect(
      await refused(logVeille(db, as("U_X"), s, { duration: "1h", title: "t", takeaways: ["a"] }, NOW)),
    ).toMatch(/dev-ia-2026/);
  });

  it("refuses an invalid entry with every problem named, storing nothing", async () => {
    const before = (await entriesOfWeek(db, s.id, "2026-W48")).length;
    const msg = await refused(
      logVeille(db, as("U_A"), s, { duration: "0", title: "", url: "mailto:x@y.z", takeaways: [] }, NOW),
      "VEILLE_INVALID",
    );
    expect(msg).toMatch(/Durée : .*au moins une minute/);
    expect(msg).toMatch(/Titre : Donnez un titre/);
    expect(msg).toMatch(/Lien : Seuls les liens http/);
    expect(msg).toMatch(/Points clés/);
    expect(await entriesOfWeek(db, s.id, "2026-W48")).toHaveLength(before);
  });

  it("shows a candidate only their own weeks; others' need a manager or trainer", async () => {
    const own = await veilleStatus(db, as("U_A"), s, NOW);
    expect(own.kind).toBe("own");
    if (own.kind !== "own") return;
    expect(own.slackUserId).toBe("U_A");
    expect(own.status.weeks.slice(-2)).toEqual([
      { week: "2026-W47", minutes: 45 },
      { week: "2026-W48", minutes: 90 },
    ]);
    expect(own.status.streak).toBe(1);
    await refused(veilleStatus(db, as("U_A"), s, NOW, { of: "U_B" }));
    const byTrainer = await veilleStatus(db, as("U_T"), s, NOW, { of: "U_B" });
    expect(byTrainer).toMatchObject({ kind: "own", slackUserId: "U_B" });
    await refused(veilleStatus(db, as("U_STRANGER"), s, NOW));
  });

  it("shows managers and trainers the per-candidate table", async () => {
    for (const who of ["U_M", "U_T"]) {
      const view = await veilleStatus(db, as(who), s, NOW);
      expect(view.kind).toBe("table");
      if (view.kind !== "table") continue;
      expect(view.table.rows).toEqual([
        { slackUserId: "U_A", name: "Ada Test", thisWeekMinutes: 90, weeksOnTarget: 0, outOf: 8 },
        { slackUserId: "U_B", name: "Bob Test", thisWeekMinutes: 20, weeksOnTarget: 0, outOf: 8 },
      ]);
    }
    const admin = await veilleStatus(db, as("U_ADMIN_ONLY", true), s, NOW);
    expect(admin.kind).toBe("table");
  });

  it("lets only managers configure; anyone in the session may read the settings", async () => {
    await refused(configureVeille(db, as("U_T"), s, "day=mardi", NOW));
    await refused(configureVeille(db, as("U_A"), s, "dm=on", NOW));
    const shown = await configureVeille(db, as("U_A"), s, "", NOW);
    expect(shown).toMatchObject({ changed: false, settings: { reminderDay: 1, reminderTime: "09:00" } });
    const set = await configureVeille(db, as("U_M"), s, 'day=jeudi time=8h theme="RGPD" dm=on', NOW);
    expect(set).toMatchObject({
      changed: true,
      settings: { reminderDay: 4, reminderTime: "08:00", themes: ["RGPD"], dm: true },
      themeThisWeek: "RGPD",
    });
    // Thursday 26 November, 08:00 Paris.
    expect(set.nextReminder.toISOString()).toBe("2026-11-26T07:00:00.000Z");
    expect(await settingsOf(db, s.id)).toMatchObject({ reminderDay: 4, dm: true });
    await refused(configureVeille(db, as("U_M"), s, "day=someday", NOW), "VEILLE_INVALID");
    expect((await settingsOf(db, s.id)).reminderDay).toBe(4);
  });

  it("refuses feeds on internal addresses unless the deployment allows them", async () => {
    expect(await refused(addSource(db, as("U_M"), s, feeds.url("/ok.rss")), "VEILLE_SOURCE_INVALID")).toMatch(
      /adresse interne refusée/,
    );
  });

  it("manages sources: managers add readable feeds, members list them, managers remove them", async () => {
    await refused(addSource(db, as("U_A"), s, feeds.url("/ok.rss"), LOOPBACK));
    const added = await addSource(db, as("U_M"), s, feeds.url("/ok.rss"), LOOPBACK);
    expect(added).toMatchObject({
      title: "Flux",
      items: 1,
      feed: { url: feeds.url("/ok.rss"), addedBy: "U_M" },
    });
    expect(
      await refused(addSource(db, as("U_M"), s, feeds.url("/ok.rss"), LOOPBACK), "VEILLE_SOURCE_INVALID"),
    ).toMatch(/suit déjà/);
    expect(
      await refused(addSource(db, as("U_M"), s, feeds.url("/broken.rss"), LOOPBACK), "VEILLE_SOURCE_INVALID"),
    ).toMatch(/n'a pas pu être lu : le contenu n'est pas du XML valide/);
    expect(
      await refused(addSource(db, as("U_M"), s, "file:///etc/passwd", LOOPBACK), "VEILLE_SOURCE_INVALID"),
    ).toMatch(/http:\/\/ ou https:\/\//);
    expect((await listSources(db, as("U_A"), s)).map((f) => f.url)).toEqual([feeds.url("/ok.rss")]);
    await refused(listSources(db, as("U_STRANGER"), s));
    await refused(removeSource(db, as("U_T"), s, "1"));
    expect(await refused(removeSource(db, as("U_M"), s, "2"), "VEILLE_SOURCE_INVALID")).toMatch(
      /source list/,
    );
    expect((await removeSource(db, as("U_M"), s, "1")).url).toBe(feeds.url("/ok.rss"));
    expect(await listSources(db, as("U_M"), s)).toEqual([]);
  });

  it("summarises the session for /session status", async () => {
    const sum = await veilleSummaryForSession(db, s, NOW);
    expect(sum).toMatchObject({
      currentWeek: "2026-W48",
      candidates: 2,
      loggedThisWeek: 2,
      onTargetThisWeek: 1,
      lastWeek: { week: "2026-W47", onTarget: 0 },
      feeds: 0,
      themeThisWeek: "RGPD",
    });
    expect(sum.table.rows.map((r) => r.outOf)).toEqual([4, 4]);
  });

  it("forgets one Slack user's veille (RGPD) and keeps everyone else's", async () => {
    expect(await deleteVeilleDataOf(db, "U_A")).toBe(2);
    const left = await db.query<{ slack_user_id: string }>(
      "select distinct slack_user_id from veille_entries where session_id = $1",
      [s.id],
    );
    expect(left).toEqual([{ slack_user_id: "U_B" }]);
    await deleteVeilleDataOf(db, "U_M");
    expect(await db.query("select updated_by from veille_settings where session_id = $1", [s.id])).toEqual([
      { updated_by: "effacé" },
    ]);
  });
});
