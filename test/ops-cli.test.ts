import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../src/db/db.js";
import { retentionJob } from "../src/jobs/retention-job.js";
import { runOccurrence } from "../src/jobs/runner.js";
import { silentLogger } from "../src/log.js";
import { evaluateAlerts } from "../src/ops/alerts.js";
import { decodePng } from "./helpers/png.js";
import { runMain } from "./helpers/run-main.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { testConfig } from "./helpers/temp.js";

describeEachBackend("operator and RGPD commands", (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await backend.createStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });
  /** Opens, runs fn, closes: PGlite is one process's database, the CLI opens it again after. */
  async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = await store.openMigrated();
    try {
      return await fn(db);
    } finally {
      await db.close();
    }
  }
  const qa = (
    db: Db,
    user: string,
    opts: { text?: string; found?: boolean; codes?: string[]; ms?: number; at?: string },
  ) =>
    db.query<{ id: number }>(
      `insert into qa_log (slack_user_id, question_hash, question_text, lang, codes, mode, found, latency_ms, created_at)
       values ($1, md5(coalesce($2, $1)), $2, 'fr', $3, 'extractive', $4, $5, coalesce($6::timestamptz, now())) returning id`,
      [user, opts.text ?? null, opts.codes ?? [], opts.found ?? true, opts.ms ?? 10, opts.at ?? null],
    );

  it("retention deletes each kind past its configured days, and keeps a kind set to 0", async () => {
    await withDb(async (db) => {
      await qa(db, "U0RET", { at: "2026-01-01T00:00:00Z" });
      await qa(db, "U0RET", { at: "2026-05-30T00:00:00Z" });
      await db.query(
        `insert into report_checks (slack_user_id, deliverable, format, ok, pages, pages_approximate, checked_at)
         values ('U0RET', 'chef-doeuvre', 'pdf', true, 24, false, '2020-01-01T00:00:00Z')`,
      );
      await db.query(
        "insert into rate_limit_windows (slack_user_id, kind, window_start) values ('U0RET', 'question', '2026-05-01T00:00:00Z')",
      );
      const config = testConfig(store.config.dataDir, {
        ...store.env,
        CERTIBOT_RETENTION_QA_DAYS: "30",
        CERTIBOT_RETENTION_REPORTS_DAYS: "0",
      });
      const at = new Date("2026-06-02T01:30:00Z");
      expect(await runOccurrence(retentionJob, at, { db, config, log: silentLogger })).toMatchObject({
        status: "done",
      });
      const left = await db.query<{ created_at: Date }>(
        "select created_at from qa_log where slack_user_id = 'U0RET'",
      );
      expect(left.map((r) => r.created_at.toISOString())).toEqual(["2026-05-30T00:00:00.000Z"]);
      expect(await db.query("select ok from report_checks where slack_user_id = 'U0RET'")).toEqual([
        { ok: true },
      ]);
      expect(await db.query("select 1 as x from rate_limit_windows where slack_user_id = 'U0RET'")).toEqual(
        [],
      );
      await db.exec("delete from qa_log; delete from report_checks");
    });
  });

  it("stats --json: questions per day, top codes, declined questions grouped by similarity, feedback, latency", async () => {
    await withDb(async (db) => {
      const [a] = await qa(db, "U0S1", { codes: ["C12"], ms: 10 });
      await qa(db, "U0S2", { codes: ["C12", "C11"], ms: 20 });
      await qa(db, "U0S3", { codes: ["E3"], ms: 30 });
      await qa(db, "U0S1", { text: "Quelle est la recette de la tarte tatin ?", found: false, ms: 40 });
      await qa(db, "U0S2", { text: "la recette de la tarte tatin", found: false, ms: 50 });
      await qa(db, "U0S3", { text: "qui a gagné le match hier ?", found: false, ms: 60 });
      await db.query("insert into feedback (qa_id, slack_user_id, vote) values ($1, 'U0S9', 'down')", [
        a!.id,
      ]);
    });
    const r = await runMain(["stats", "--json", "--days", "7"], store.env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.days).toBe(7);
    expect(s.questions).toBe(6);
    expect(s.perDay).toEqual([
      { day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), questions: 6, declined: 3 },
    ]);
    expect(s.byMode).toEqual({ extractive: 6 });
    expect(s.topCodes).toEqual([
      { code: "C12", count: 2 },
      { code: "C11", count: 1 },
      { code: "E3", count: 1 },
    ]);
    expect(s.declined).toEqual([
      { count: 2, example: expect.stringMatching(/tarte tatin/), hash: expect.any(String) },
      { count: 1, example: "qui a gagné le match hier ?", hash: expect.any(String) },
    ]);
    expect(s.feedback).toEqual({ up: 0, down: 1, downRatio: 1 });
    expect(s.latencyMs.median).toBe(35);
    const text = await runMain(["stats"], store.env);
    expect(text.stdout).toMatch(/^Usage sur 30 jour\(s\) : 6 question\(s\) \(extractive 6\)\./);
    expect(text.stdout).toMatch(/2 × « .*tarte tatin.* »/);
    expect((await runMain(["stats", "--days", "zero"], store.env)).code).toBe(2);
  });

  it("privacy export prints the user's data as JSON; forget-user erases it", async () => {
    await withDb(async (db) => {
      await qa(db, "U0EXP", { codes: ["C8"] });
      await db.query(
        `insert into report_checks (slack_user_id, deliverable, format, ok, pages, pages_approximate)
         values ('U0EXP', 'cas-pratique-e3', 'docx', false, 3, true)`,
      );
    });
    const out = await runMain(["privacy", "export", "U0EXP"], store.env);
    expect(out.code).toBe(0);
    const data = JSON.parse(out.stdout);
    expect(data.slackUserId).toBe("U0EXP");
    expect(data.questions).toEqual([expect.objectContaining({ codes: ["C8"], found: true })]);
    expect(data.reportChecks).toEqual([
      expect.objectContaining({ deliverable: "cas-pratique-e3", ok: false }),
    ]);
    expect(JSON.stringify(data)).not.toMatch(/U0S1/);
    const forgot = await runMain(["privacy", "forget-user", "U0EXP"], store.env);
    expect(forgot.stdout).toMatch(
      /1 réponse\(s\) journalisée\(s\), 0 avis, 0 message\(s\) de fil, 1 vérification/,
    );
    const after = JSON.parse((await runMain(["privacy", "export", "U0EXP"], store.env)).stdout);
    expect(after.questions).toEqual([]);
    expect(after.reportChecks).toEqual([]);
    expect((await runMain(["privacy", "export", "nobody"], store.env)).code).toBe(2);
  });

  it("session report --out writes the session's PNG and prints its text alternative", async () => {
    const created = await runMain(
      [
        "session",
        "create",
        "cli-report",
        "agate=3006",
        "lancement=2023-10-02",
        "fin-prairie=2024-01-05",
        "debut-session=2025-05-05",
        "fin-session=2025-05-09",
      ],
      store.env,
    );
    expect(created.code).toBe(0);
    const file = join(store.config.dataDir, "report.png");
    const r = await runMain(["session", "report", "cli-report", "--out", file], store.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Session cli-report, au /);
    expect(r.stdout).toMatch(/Aucun|0 candidat·e\(s\)/);
    expect(r.stderr).toMatch(/image écrite : .*report\.png \(1200×\d+\)/);
    const png = decodePng(await readFile(file));
    expect(png.width).toBe(1200);
    expect(png.height).toBeGreaterThan(300);
    expect(png.pixels.some((v) => v < 100)).toBe(true);
    expect((await runMain(["session", "report", "cli-report"], store.env)).code).toBe(2);
  });

  it("evaluates failed or late jobs, internal error rate and LLM fallbacks against their thresholds", async () => {
    await withDb(async (db) => {
      // Only this test's rows count (the store is shared by the file's tests).
      await db.exec("delete from feedback; delete from qa_log; delete from ops_errors; delete from job_runs");
      const config = testConfig(store.config.dataDir, { ...store.env, OPS_ALERT_MIN_SAMPLES: "2" });
      const quiet = await evaluateAlerts(db, config);
      expect(quiet.filter((e) => e.firing)).toEqual([]);
      await db.query(
        `insert into job_runs (job_name, occurrence_key, status, scheduled_for, lease_until, claimed_by, finished_at, error)
         values ('veille-digest', 'k1', 'failed', now(), now(), 'test', now(), 'boom'),
                ('session-alerts', 'k2', 'running', now(), now() - interval '1 minute', 'test', null, null)`,
      );
      await qa(db, "U0AL", { codes: ["C1"] });
      await db.query("update qa_log set mode = 'fallback' where slack_user_id = 'U0AL'");
      await qa(db, "U0AL", { codes: ["C2"] });
      await db.query("update qa_log set mode = 'llm' where slack_user_id = 'U0AL' and mode = 'extractive'");
      await db.exec(
        "insert into ops_errors (code) values ('INTERNAL'); insert into ops_errors (code) values ('INTERNAL')",
      );
      const firing = Object.fromEntries(
        (await evaluateAlerts(db, config)).filter((e) => e.firing).map((e) => [e.alert, e.detail]),
      );
      expect(firing).toEqual({
        jobs: "session-alerts (en retard), veille-digest (échec)",
        "fallback-rate": expect.stringMatching(
          /^1 repli\(s\) sur 2 réponse\(s\) LLM en 60 min \(50 %, seuil 20 %\)$/,
        ),
        "error-rate": expect.stringMatching(/^2 erreur\(s\) pour 2 question\(s\)/),
      });
      await db.exec("delete from job_runs; delete from qa_log; delete from ops_errors");
    });
  });
});
