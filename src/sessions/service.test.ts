import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { RecordingNotifier } from "../../test/helpers/recording-notifier.js";
import { until } from "../../test/helpers/slack-requests.js";
import { describeEachBackend, type TestStore } from "../../test/helpers/stores.js";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import type { Db } from "../db/db.js";
import { getRun } from "../db/job-claims.js";
import { deleteSlackUserData } from "../db/qa-log.js";
import { CertibotError } from "../errors.js";
import { runOccurrence } from "../jobs/runner.js";
import { silentLogger } from "../log.js";
import { loadDeliverables } from "../reports/deliverables.js";
import { recordReportCheck } from "../reports/store.js";
import type { Actor } from "./access.js";
import { ALERT_CLAIM, sessionAlertsJob } from "./alert-job.js";
import { runSessionCommand, type SessionReply } from "./commands.js";
import { statusText } from "./format.js";
import { loadSessionKnowledge, type SessionKnowledge } from "./service.js";

const knowledge: SessionKnowledge = await loadSessionKnowledge(KNOWLEDGE_DIR, "rncp37827");
// Every deliverable known: a rncp37827 session keeps the guide's three, not the expert-ia mémoire.
const DELIVERABLES = await loadDeliverables(KNOWLEDGE_DIR);
const ADMIN: Actor = { id: "U0ADMIN", admin: true };
const MANAGER: Actor = { id: "U0MGR", admin: false };
const TRAINER: Actor = { id: "U0TRAIN", admin: false };
const CANDIDATE: Actor = { id: "U0CAND", admin: false };
const STRANGER: Actor = { id: "U0NOBODY", admin: false };

const ROSTER = `nom;prénom;email;rôle
Ndiaye;Dieynaba;U0CAND@example.test;apprenante
Abel;Jean;;apprenant
Élie;Zoé;;apprenante
Martin;Paul;;formateur`;

describeEachBackend("sessions", (backend) => {
  let store: TestStore;
  let db: Db;

  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
  });
  afterAll(async () => {
    await db.close();
    await store.cleanup();
  });
  afterEach(async () => {
    await db.query("delete from sessions");
    await db.query("delete from job_runs");
    await db.query("delete from report_checks");
  });

  const run = (
    actor: Actor,
    text: string,
    channelId: string | null = "C0PROMO",
    now = new Date("2025-04-14T08:00:00Z"),
  ) =>
    runSessionCommand(text, {
      deps: { db, knowledge },
      actor,
      channelId,
      now,
      deliverables: DELIVERABLES,
      resolveEmail: async (email) => /^(U\w+)@example\.test$/i.exec(email)?.[1] ?? null,
    });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      if (e instanceof CertibotError) return `${e.code}: ${e.userMessage("fr")}`;
      throw e;
    }
    throw new Error("the command was accepted");
  };
  const as = <K extends SessionReply["kind"]>(r: SessionReply, kind: K) => {
    expect(r.kind).toBe(kind);
    return r as Extract<SessionReply, { kind: K }>;
  };

  /** The sample session of the guide's calendar, as a manager would set it up. */
  async function sampleSession() {
    await run(ADMIN, "create dev-ia-2023 agate=3006");
    await run(ADMIN, `member add <@${MANAGER.id}> responsable`);
    await run(
      MANAGER,
      "set lancement=2023-10-02 fin-prairie=05/01/2024 debut-session=2025-05-05 fin-session=2025-05-09",
    );
    await run(MANAGER, `roster import\n${ROSTER}`);
    await run(MANAGER, `member add <@${TRAINER.id}> formateur`);
  }

  it("lets an admin create a session, a manager set it up, and shows the right status to each role", async () => {
    await sampleSession();
    const staff = as(await run(MANAGER, "status"), "status").status;
    expect(staff.viewer).toBe("manager");
    expect(staff.deadlines.map((d) => `${d.deadline.id} ${d.deadline.due} ${d.state.kind}`)).toEqual([
      "s1-project-team 2023-09-02 overdue",
      "s1-trainers 2023-09-18 overdue",
      "s2-trainers 2023-09-18 overdue",
      "s1-learners 2024-01-05 overdue",
      "s2-learners 2024-01-05 overdue",
      "s1-jury 2025-04-21 upcoming",
      "reports-to-jury 2025-05-04 upcoming",
      "s2-jury 2025-05-05 upcoming",
      "pv-prepare 2025-05-05 upcoming",
      "pv-complete 2025-05-09 upcoming",
    ]);
    expect(staff.deadlines[5]!.state).toEqual({ kind: "upcoming", daysLeft: 7 });
    expect(staff.all).toMatchObject({ candidates: 3, trainers: 2, managers: 2 });
    expect(staff.all!.jury.issues.map((i) => i.kind)).toEqual(["too-few-professionals"]);

    // The candidate was linked by e-mail at import and sees only their own view.
    await recordReportCheck(db, CANDIDATE.id, {
      deliverable: "chef-doeuvre",
      format: "pdf",
      ok: true,
      pages: 24,
      pagesApproximate: false,
      missing: [],
    } as never);
    const own = as(await run(CANDIDATE, "status"), "status").status;
    expect(own.all).toBeNull();
    expect(own.viewer).toBe("candidate");
    // Their own obligations: the three reports of their certification, due the day before the
    // session, with their verdicts; none of the managers' tasks.
    expect(own.deadlines).toEqual([]);
    expect(own.own!.deliverables).toEqual([
      expect.objectContaining({
        deliverable: "chef-doeuvre",
        due: "2025-05-04",
        daysLeft: 20,
        verdict: expect.objectContaining({ ok: true }),
      }),
      expect.objectContaining({ deliverable: "cas-pratique-e2", due: "2025-05-04", verdict: null }),
      expect.objectContaining({ deliverable: "cas-pratique-e3", verdict: null }),
    ]);
    const text = statusText(own);
    expect(text).toMatch(
      /Rapport du projet chef d'œuvre \(E1\) : à remettre au plus tard le 4 mai 2025 \(dans 20 jours\) — conforme/,
    );
    expect(text).not.toMatch(/Partager|memoire|Mémoire|Effectifs/);
    const after = as(await run(MANAGER, "status"), "status").status;
    expect(after.all!.reports.map((r) => r.deliverable)).toEqual([
      "chef-doeuvre",
      "cas-pratique-e2",
      "cas-pratique-e3",
    ]);
    expect(after.all!.reports[0]).toMatchObject({
      deliverable: "chef-doeuvre",
      ok: 1,
      failing: 0,
      notChecked: 2,
    });
    // A trainer sees the deadlines that concern trainers, not the jury's or the project team's.
    const trainer = as(await run(TRAINER, "status"), "status").status;
    expect(trainer.viewer).toBe("trainer");
    expect(trainer.deadlines.map((d) => d.deadline.id)).toEqual([
      "s1-trainers",
      "s2-trainers",
      "s1-learners",
      "s2-learners",
      "reports-to-jury",
    ]);
    expect(trainer.all).toMatchObject({ candidates: 3, trainers: 2 });
  });

  it("enforces roles on every command", async () => {
    await sampleSession();
    const notManager = /NOT_ALLOWED: .*seuls les responsables de la session peuvent la modifier/;
    for (const actor of [TRAINER, CANDIDATE])
      for (const cmd of [
        "set agate=9999",
        "done s1-jury",
        `roster import\n${ROSTER}`,
        'jury add "Alice Durand" annees=5',
        "decision 3006-AJ-01 admis",
        "pv",
        `member add <@${actor.id}> responsable`,
      ])
        expect(await refusal(run(actor, cmd)), `${actor.id} ${cmd}`).toMatch(notManager);
    expect(await refusal(run(CANDIDATE, "roster"))).toMatch(/NOT_ALLOWED: .*données de tous les candidats/);
    expect(await refusal(run(CANDIDATE, "jury"))).toMatch(/NOT_ALLOWED/);
    expect(await refusal(run(STRANGER, "status dev-ia-2023"))).toMatch(/NOT_ALLOWED: .*ne faites pas partie/);
    expect(await refusal(run(STRANGER, "create autre"))).toMatch(/NOT_ALLOWED: .*créent des sessions/);
    // A manager may create the next promotion's session.
    expect(as(await run(MANAGER, "create dev-ia-2024", "C0NEXT"), "created").session.channelId).toBe(
      "C0NEXT",
    );
  });

  it("gives precise messages for bad input", async () => {
    await sampleSession();
    expect(await refusal(run(ADMIN, "status nope"))).toMatch(
      /SESSION_UNKNOWN: .*« nope » n'existe pas\. Vos sessions : dev-ia-2023/,
    );
    expect(await refusal(run(MANAGER, "set lancement=2023-02-30"))).toMatch(
      /date invalide pour lancement : « 2023-02-30 »/,
    );
    expect(await refusal(run(MANAGER, "set fin-prairie=2023-09-01"))).toMatch(
      /fin de la prairie .*avant le lancement/,
    );
    expect(await refusal(run(MANAGER, "set debut-session=2023-01-01 fin-prairie=aucune"))).toMatch(
      /début de la session .*avant le lancement/,
    );
    expect(await refusal(run(MANAGER, "done s9-nope"))).toMatch(
      /échéance inconnue « s9-nope » ; échéances : s1-project-team/,
    );
    expect(await refusal(run(MANAGER, "set couleur=bleu"))).toMatch(/réglage inconnu « couleur »/);
    expect(await refusal(run(MANAGER, "set referentiel=inconnu"))).toMatch(/référentiel inconnu/);
    expect(await refusal(run(MANAGER, "set fuseau=Mars/Olympus"))).toMatch(/fuseau horaire inconnu/);
    expect(await refusal(run(ADMIN, "create dev-ia-2023"))).toMatch(/existe déjà/);
    expect(await refusal(run(ADMIN, "create A"))).toMatch(/nom de session invalide/);
    expect(await refusal(run(MANAGER, "decision 3006-XX-99 admis"))).toMatch(
      /candidat introuvable « 3006-XX-99 »/,
    );
    expect(await refusal(run(MANAGER, "frobnicate"))).toMatch(/sous-commande inconnue/);
    // Nothing of a bad roster is imported.
    expect(await refusal(run(MANAGER, "roster import\nnom,prenom\nNouveau,Venu\n,Sans nom"))).toMatch(
      /ligne 3 : nom manquant/,
    );
    expect(as(await run(MANAGER, "roster"), "roster").entries.map((e) => e.member.nom)).toEqual([
      "Abel",
      "Élie",
      "Ndiaye",
    ]);
  });

  it("keeps the roster's PV ids, the jury check, decisions and the PV", async () => {
    await sampleSession();
    const roster = as(await run(TRAINER, "roster"), "roster").entries;
    expect(roster.map((e) => `${e.pvId} ${e.member.nom} ${e.member.prenom}`)).toEqual([
      "3006-AJ-01 Abel Jean",
      "3006-EZ-02 Élie Zoé",
      "3006-ND-03 Ndiaye Dieynaba",
    ]);
    // Re-importing updates people instead of duplicating them.
    const again = as(await run(MANAGER, `roster import\n${ROSTER}`), "roster-imported").result;
    expect(again).toMatchObject({ added: 0, updated: 4, linked: 1 });

    let jury = as(await run(MANAGER, '"jury" add "Paul Martin" annees=8'), "jury");
    expect(jury.issues.map((i) => i.kind)).toEqual(["too-few-professionals", "trainer-on-jury"]);
    await run(MANAGER, 'jury remove "Paul Martin"');
    await run(MANAGER, 'jury add "Alice Durand" annees=5');
    jury = as(await run(MANAGER, `jury add <@U0JURY> annees=3 email=j@example.org`), "jury");
    expect(jury.issues).toEqual([]);
    expect(jury.members).toHaveLength(2);

    expect(as(await run(MANAGER, "decision 3006-AJ-01 admis"), "decision").warning).toBeNull();
    expect(as(await run(MANAGER, 'decision "Zoé Élie" refusé'), "decision").warning).toMatch(
      /commentaire est obligatoire/,
    );
    await run(MANAGER, "decision ndiaye dieynaba absent");
    const pv = as(await run(MANAGER, "pv"), "pv").pv;
    expect(pv.counts).toEqual({
      registered: 3,
      present: 2,
      absent: 1,
      admitted: 1,
      refused: 1,
      undecided: 0,
    });
    expect(pv.problems).toEqual([
      "Zoé Élie : refus sans commentaire (le commentaire est obligatoire en cas de refus).",
    ]);
    await run(MANAGER, 'decision 3006-EZ-02 refusé "Projet non présenté"');
    expect(as(await run(MANAGER, "pv"), "pv").pv.problems).toEqual([]);
  });

  it("keeps one row per person, removes candidates, and keeps free-text comments whole", async () => {
    await run(ADMIN, "create dev-ia-2023 agate=3006");
    // Added by mention first, then imported with their e-mail: the same person, one row, named.
    await run(ADMIN, `member add <@${CANDIDATE.id}> apprenant`);
    let pv = as(await run(ADMIN, "pv"), "pv").pv;
    expect(pv.problems.join(" ")).toMatch(/ni nom ni prénom/);
    await run(ADMIN, `roster import\n${ROSTER}`);
    let roster = as(await run(ADMIN, "roster"), "roster").entries;
    expect(roster.map((e) => `${e.pvId} ${e.member.nom}`)).toEqual([
      "3006-AJ-01 Abel",
      "3006-EZ-02 Élie",
      "3006-ND-03 Ndiaye",
    ]);
    // A spelling fixed in a re-import updates the row matched by e-mail.
    await run(ADMIN, `roster import\nnom;prenom;email\nNdiaye;Dieynabou;${CANDIDATE.id}@example.test`);
    roster = as(await run(ADMIN, "roster"), "roster").entries;
    expect(roster.map((e) => `${e.member.nom} ${e.member.prenom}`)).toEqual([
      "Abel Jean",
      "Élie Zoé",
      "Ndiaye Dieynabou",
    ]);

    expect(as(await run(ADMIN, "roster remove 3006-EZ-02"), "candidate-removed").entry.member.nom).toBe(
      "Élie",
    );
    roster = as(await run(ADMIN, "roster"), "roster").entries;
    expect(roster.map((e) => e.pvId)).toEqual(["3006-AJ-01", "3006-ND-02"]);
    expect(await refusal(run(ADMIN, 'roster remove "Personne Inconnue"'))).toMatch(/candidat introuvable/);
    expect(as(await run(ADMIN, 'member remove "Paul Martin" formateur'), "member").member.nom).toBe("Martin");

    const d = as(
      await run(ADMIN, "decision 3006-AJ-01 refusé E2 incomplet, note=8/20 session=dev-ia-2023"),
      "decision",
    );
    expect(d.warning).toBeNull();
    pv = as(await run(ADMIN, "pv"), "pv").pv;
    expect(pv.csv).toMatch(/Abel;Jean;3006-AJ-01;X;;;X;;E2 incomplet, note=8\/20\r\n/);
    expect(pv.counts).toMatchObject({ present: 1, undecided: 1 });
    await run(ADMIN, 'decision 3006-ND-02 refusé =HYPERLINK("http://x")');
    expect(as(await run(ADMIN, "pv"), "pv").pv.csv).toMatch(/;"'=HYPERLINK\(""http:\/\/x""\)"\r\n/);
  });

  it("never uses a direct message as a session channel, nor tells strangers the session names", async () => {
    const fromDm = as(await run(ADMIN, "create dev-ia-dm", "D0DM"), "created").session;
    expect(fromDm.channelId).toBeNull();
    expect(await refusal(run(ADMIN, "set session=dev-ia-dm canal=ici", "D0DM"))).toMatch(
      /pas en message direct/,
    );
    expect(await refusal(run(STRANGER, "status nope", null))).toMatch(
      /« nope » n'existe pas\. Aucune session à votre nom/,
    );
    expect(await refusal(run(STRANGER, "status", null))).toMatch(/Vous ne faites partie d'aucune session/);
  });

  it("marks a deadline done with who and when", async () => {
    await sampleSession();
    const done = as(await run(MANAGER, "done S1-Jury"), "done");
    expect(done).toMatchObject({ deadlineId: "s1-jury", done: { doneBy: MANAGER.id } });
    const st = as(await run(MANAGER, "status"), "status").status;
    expect(st.deadlines.find((d) => d.deadline.id === "s1-jury")!.state.kind).toBe("done");
  });

  it("sends each alert once across replicas, catches up in one summary, and retries a failed post", async () => {
    await sampleSession();
    await run(MANAGER, "done s1-project-team");
    const notifier = new RecordingNotifier();
    // Replicas share one PostgreSQL; PGlite is one process's, so there the "replicas" share its connection.
    const other = backend.name === "postgresql" ? await store.openMigrated() : db;
    try {
      const deps = (d: Db) => ({ db: d, config: store.config, log: silentLogger, notifier });
      const tick = (iso: string) =>
        Promise.all([
          runOccurrence(sessionAlertsJob, new Date(iso), deps(db)),
          runOccurrence(sessionAlertsJob, new Date(iso), deps(other)),
        ]);

      // Before J-7 of anything still open (and the launch deadlines were long ago, but the
      // session is not archived): overdue ones go out at the first tick after 09:00.
      const first = await tick("2025-04-14T07:00:00Z");
      expect(first.map((o) => o.status).sort()).toEqual(["done", "skipped"]);
      expect(notifier.alerts).toHaveLength(1);
      const n = notifier.alerts[0]!;
      expect(n.alerts.map((a) => `${a.deadline.id}:${a.stage}`)).toEqual([
        "s1-trainers:overdue",
        "s2-trainers:overdue",
        "s1-learners:overdue",
        "s2-learners:overdue",
        "s1-jury:j-7",
      ]);
      expect(n.late).toBe(false);
      expect(n.session.name).toBe("dev-ia-2023");
      // Managers (the admin who created it, and the one added) always; trainers because s1-trainers concerns them.
      expect(n.mentionIds.sort()).toEqual([ADMIN.id, MANAGER.id, TRAINER.id].sort());

      // The next ticks of the same day: nothing new.
      await tick("2025-04-14T07:15:00Z");
      await tick("2025-04-14T12:00:00Z");
      expect(notifier.alerts).toHaveLength(1);

      // Down from the 15th to the 21st at 10:30: one late summary, each deadline at its current stage.
      // (The session must exist before those stages for them to count as missed.)
      await db.query("update sessions set created_at = '2025-01-01T00:00:00Z'");
      await run(MANAGER, "done s1-trainers");
      await tick("2025-04-21T08:30:00Z");
      expect(notifier.alerts).toHaveLength(2);
      const summary = notifier.alerts[1]!;
      expect(summary.late).toBe(true);
      expect(summary.alerts.map((a) => `${a.deadline.id}:${a.stage}:${a.stageDate}`)).toEqual([
        "s2-trainers:overdue:2025-04-21",
        "s1-learners:overdue:2025-04-21",
        "s2-learners:overdue:2025-04-21",
        "s1-jury:j0:2025-04-21",
      ]);

      // Slack down on the 22nd: nothing is marked sent; the next tick sends it.
      await Promise.all(
        ["s2-trainers", "s1-learners", "s2-learners"].map((id) => run(MANAGER, `done ${id}`)),
      );
      notifier.failAlerts = true;
      const failed = await tick("2025-04-22T07:00:00Z");
      expect(failed.map((o) => o.status).sort()).toEqual(["failed", "skipped"]);
      expect((await getRun(db, ALERT_CLAIM, `${n.session.id}/s1-jury/overdue/2025-04-22`))?.status).toBe(
        "failed",
      );
      notifier.failAlerts = false;
      await tick("2025-04-22T07:15:00Z");
      expect(notifier.alerts).toHaveLength(3);
      expect(notifier.alerts[2]!.alerts.map((a) => a.key)).toEqual(["s1-jury/overdue/2025-04-22"]);
      await tick("2025-04-22T07:30:00Z");
      expect(notifier.alerts).toHaveLength(3);
      // The session alert job never posts veille messages.
      expect([...notifier.reminders, ...notifier.digests, ...notifier.problems]).toEqual([]);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it("keeps one session's due alerts in one message when another run claims them midway", async () => {
    await sampleSession();
    const notifier = new RecordingNotifier();
    const deps = (d: Db) => ({ db: d, config: store.config, log: silentLogger, notifier });
    // Run A stops after claiming its first alert, until run B (the next slot) has finished:
    // B then finds the session's other alerts unclaimed.
    let bFinished!: () => void;
    const bDone = new Promise<void>((r) => {
      bFinished = r;
    });
    let claims = 0;
    const paused: Db = Object.create(db);
    paused.query = async (sql, params) => {
      if (/insert into job_runs/.test(sql) && params?.[0] === ALERT_CLAIM && ++claims === 2) await bDone;
      return db.query(sql, params);
    };
    const a = runOccurrence(sessionAlertsJob, new Date("2025-04-14T07:00:00Z"), deps(paused));
    // B starts once A holds its first alert.
    await until(() => claims >= 1, "run A to claim an alert");
    const b = await runOccurrence(sessionAlertsJob, new Date("2025-04-14T07:15:00Z"), deps(db));
    bFinished();
    const outcomes = [await a, b];
    expect(outcomes.map((o) => o.status)).toEqual(["done", "done"]);
    expect(notifier.alerts).toHaveLength(1);
    // All six that were due (four overdue, two at J-7), in the one message.
    expect(notifier.alerts[0]!.alerts).toHaveLength(6);
  });

  it("posts one message per session however alert runs at different slots overlap", async () => {
    const SESSIONS = 10;
    for (let i = 0; i < SESSIONS; i++) {
      const channel = `C0RACE${i}`;
      await run(ADMIN, `create course-${i} agate=${4000 + i}`, channel);
      await run(ADMIN, `member add <@${MANAGER.id}> responsable`, channel);
      await run(
        MANAGER,
        "set lancement=2023-10-02 fin-prairie=05/01/2024 debut-session=2025-05-05 fin-session=2025-05-09",
        channel,
      );
    }
    const notifier = new RecordingNotifier();
    // Three runs (three replicas, or a slow one still going when the next slots start).
    const dbs =
      backend.name === "postgresql"
        ? [db, await store.openMigrated(), await store.openMigrated()]
        : [db, db, db];
    try {
      const slots = ["2025-04-14T07:00:00Z", "2025-04-14T07:15:00Z", "2025-04-14T07:30:00Z"];
      const outcomes = await Promise.all(
        slots.map((iso, i) =>
          runOccurrence(sessionAlertsJob, new Date(iso), {
            db: dbs[i]!,
            config: store.config,
            log: silentLogger,
            notifier,
          }),
        ),
      );
      expect(outcomes.map((o) => o.status)).toEqual(["done", "done", "done"]);
      const perSession = new Map<string, number>();
      for (const n of notifier.alerts)
        perSession.set(n.session.name, (perSession.get(n.session.name) ?? 0) + 1);
      expect([...perSession.values()]).toEqual(Array(SESSIONS).fill(1));
      const keys = notifier.alerts.flatMap((n) => n.alerts.map((a) => `${n.session.id}/${a.key}`));
      expect(new Set(keys).size).toBe(keys.length);
    } finally {
      for (const other of new Set(dbs)) if (other !== db) await other.close();
    }
  });

  it("fails clearly when alerts are due and Slack is not configured, and sends them once it is", async () => {
    await sampleSession();
    const at = new Date("2025-04-14T07:00:00Z");
    const out = await runOccurrence(sessionAlertsJob, at, { db, config: store.config, log: silentLogger });
    expect(out).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/Slack n'est pas configuré/),
    });
    const notifier = new RecordingNotifier();
    await runOccurrence(sessionAlertsJob, at, { db, config: store.config, log: silentLogger, notifier });
    expect(notifier.alerts).toHaveLength(1);
  });

  it("erases a person's memberships on request and keeps the session", async () => {
    await sampleSession();
    await run(MANAGER, "decision ndiaye dieynaba admis");
    const erased = await deleteSlackUserData(db, CANDIDATE.id);
    expect(erased.sessionMemberships).toBe(1);
    const roster = as(await run(MANAGER, "roster"), "roster").entries;
    expect(roster.map((e) => e.member.nom)).toEqual(["Abel", "Élie"]);
    expect(await db.query("select count(*)::int as n from session_decisions")).toEqual([{ n: 0 }]);
  });
});
