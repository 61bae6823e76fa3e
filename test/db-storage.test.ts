import { copyFile, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendTurn } from "../src/answering/conversations.js";
import type { Db, Queryable } from "../src/db/db.js";
import {
  claimDueEvents,
  claimEvent,
  finishEvent,
  inboxCounts,
  renewEventLease,
  storeEvent,
} from "../src/db/inbound-events.js";
import { claim, finishClaim, getRun, runsNeedingAttention } from "../src/db/job-claims.js";
import { loadMigrations, MIGRATIONS_DIR, migrate } from "../src/db/migrate.js";
import { deleteSlackUserData, logAnswer, questionHash, recordFeedback } from "../src/db/qa-log.js";
import { createLogger, silentLogger } from "../src/log.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { tempDir } from "./helpers/temp.js";

const seenEvent = async (db: Queryable, id: string) => !(await storeEvent(db, id, { event_id: id }));

const FIRST = (await loadMigrations()).map((m) => m.version);
const at = new Date("2026-06-02T07:00:00Z");

describe("migration files", () => {
  it("are numbered NNN-name.sql, in order, without gaps in numbering", async () => {
    const all = await loadMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(all.map((m) => m.version)).toEqual(all.map((_, i) => i + 1));
  });

  it("refuses a badly named file or a duplicate number", async () => {
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, "1-oops.sql"), "select 1;");
      await expect(loadMigrations(dir.path)).rejects.toThrow(/001-some-name\.sql/);
    } finally {
      await dir.cleanup();
    }
    const dup = await tempDir();
    try {
      await writeFile(join(dup.path, "001-a.sql"), "select 1;");
      await writeFile(join(dup.path, "001-b.sql"), "select 1;");
      await expect(loadMigrations(dup.path)).rejects.toThrow(/two migrations numbered 001/);
    } finally {
      await dup.cleanup();
    }
  });
});

describeEachBackend("migrations", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.open();
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  it("creates every table on a fresh database, then finds nothing left to do", async () => {
    const first = await migrate(db, silentLogger);
    expect(first.applied.map((m) => m.version)).toEqual(FIRST);
    const tables = await db.query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by 1",
    );
    // Features add their own tables in later migrations.
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "feedback",
        "heartbeats",
        "inbound_events",
        "job_runs",
        "qa_log",
        "schema_migrations",
      ]),
    );
    const again = await migrate(db, silentLogger);
    expect(again.applied).toEqual([]);
    expect(again.version).toBe(first.version);
    const rows = await db.query<{ version: number; checksum: string }>(
      "select version, checksum from schema_migrations order by version",
    );
    expect(rows.map((r) => r.version)).toEqual(FIRST);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("applies a later migration alone, and rolls a failing run back entirely", async () => {
    const dir = await tempDir();
    try {
      for (const f of await readdir(MIGRATIONS_DIR))
        await copyFile(join(MIGRATIONS_DIR, f), join(dir.path, f));
      const next = Math.max(...FIRST) + 1;
      const num = (n: number) => String(n).padStart(3, "0");
      await writeFile(
        join(dir.path, `${num(next)}-notes.sql`),
        "create table notes (id integer primary key);",
      );
      await writeFile(
        join(dir.path, `${num(next + 1)}-broken.sql`),
        "create table broken (id integer primary;",
      );
      await expect(migrate(db, silentLogger, dir.path)).rejects.toThrow();
      const notes = await db.query("select 1 from information_schema.tables where table_name = 'notes'");
      expect(notes).toEqual([]);
      const [max] = await db.query<{ v: number }>("select max(version) as v from schema_migrations");
      expect(max!.v).toBe(Math.max(...FIRST));

      await writeFile(
        join(dir.path, `${num(next + 1)}-broken.sql`),
        "create table fixed (id integer primary key);",
      );
      const r = await migrate(db, silentLogger, dir.path);
      expect(r.applied.map((m) => m.version)).toEqual([next, next + 1]);
      expect(r.version).toBe(next + 1);
      await db.query("insert into notes (id) values (1)");
    } finally {
      await dir.cleanup();
    }
  });

  it("warns when an applied migration was edited on disk", async () => {
    const dir = await tempDir();
    const lines: string[] = [];
    try {
      for (const f of await readdir(MIGRATIONS_DIR))
        await writeFile(join(dir.path, f), `${await readFile(join(MIGRATIONS_DIR, f), "utf8")}\n-- edited`);
      const r = await migrate(
        db,
        createLogger("warn", (l) => lines.push(l)),
        dir.path,
      );
      expect(r.applied).toEqual([]);
      expect(lines.some((l) => JSON.parse(l).msg === "applied migration changed on disk")).toBe(true);
    } finally {
      await dir.cleanup();
    }
  });
});

describeEachBackend("transactions and values", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
    await db.exec(
      "create table t (id bigint primary key, at timestamptz, tags text[], doc jsonb, n numeric)",
    );
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  it("commits what the function did when it resolves and returns its value", async () => {
    const v = await db.transaction(async (tx) => {
      await tx.query("insert into t (id) values ($1)", [1]);
      return "ok";
    });
    expect(v).toBe("ok");
    expect(await db.query("select id from t")).toEqual([{ id: 1 }]);
  });

  it("rolls everything back when the function throws", async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into t (id) values ($1)", [2]);
        throw new Error("non");
      }),
    ).rejects.toThrow("non");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into t (id) values ($1)", [3]);
        await tx.query("insert into t (id) values ($1)", [1]);
      }),
    ).rejects.toThrow();
    expect(await db.query("select id from t order by id")).toEqual([{ id: 1 }]);
  });

  it("gives the same JavaScript values on both backends", async () => {
    const when = new Date("2026-03-29T01:30:00.123Z");
    await db.query("insert into t (id, at, tags, doc, n) values ($1, $2, $3, $4::jsonb, $5)", [
      10,
      when,
      ["a", "b c"],
      JSON.stringify({ x: [1, "deux"] }),
      "1.50",
    ]);
    const [row] = await db.query(
      "select id, at, tags, doc, n, count(*) over () as total from t where id = 10",
    );
    expect(row).toEqual({
      id: 10,
      at: when,
      tags: ["a", "b c"],
      doc: { x: [1, "deux"] },
      n: "1.50",
      total: 1,
    });
  });
});

describeEachBackend("job claims", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });
  const lease = { scheduledFor: at, leaseMs: 60_000 };

  it("lets the first claimer run, and a done occurrence never again", async () => {
    const first = await claim(db, "daily", "2026-06-02", lease);
    expect(first).toEqual({ won: true, attempt: 1 });
    const second = await claim(db, "daily", "2026-06-02", lease);
    expect(second.won).toBe(false);
    if (!second.won) expect(second.run).toMatchObject({ status: "running", attempts: 1, stale: false });
    expect(await finishClaim(db, "daily", "2026-06-02", 1, { status: "done" })).toBe(true);
    const after = await claim(db, "daily", "2026-06-02", lease);
    expect(after.won).toBe(false);
    if (!after.won) expect(after.run).toMatchObject({ status: "done", attempts: 1, error: null });
    const run = await getRun(db, "daily", "2026-06-02");
    expect(run?.scheduledFor).toEqual(at);
    expect(run?.finishedAt).toBeInstanceOf(Date);
    // Another occurrence, or another job with the same key, is a separate claim.
    expect((await claim(db, "daily", "2026-06-03", lease)).won).toBe(true);
    expect((await claim(db, "weekly", "2026-06-02", lease)).won).toBe(true);
  });

  it("records a failure with its error and lets the occurrence be claimed again", async () => {
    await claim(db, "flaky", "k1", lease);
    expect(await finishClaim(db, "flaky", "k1", 1, { status: "failed", error: "réseau coupé" })).toBe(true);
    const failed = await getRun(db, "flaky", "k1");
    expect(failed).toMatchObject({ status: "failed", error: "réseau coupé", attempts: 1 });
    expect((await runsNeedingAttention(db, "flaky")).map((r) => r.occurrenceKey)).toEqual(["k1"]);

    expect(await claim(db, "flaky", "k1", lease)).toEqual({ won: true, attempt: 2 });
    expect(await getRun(db, "flaky", "k1")).toMatchObject({
      status: "running",
      error: null,
      finishedAt: null,
    });
    expect(await finishClaim(db, "flaky", "k1", 2, { status: "done" })).toBe(true);
    expect(await getRun(db, "flaky", "k1")).toMatchObject({ status: "done", attempts: 2 });
    expect(await runsNeedingAttention(db, "flaky")).toEqual([]);
  });

  it("shows a run left running past its lease as stale, and lets it be re-run", async () => {
    // A lease of 0 ms runs out at once: the claimer "crashed" before recording anything.
    expect(await claim(db, "crashy", "k1", { scheduledFor: at, leaseMs: 0 })).toEqual({
      won: true,
      attempt: 1,
    });
    const [stale] = await runsNeedingAttention(db, "crashy");
    expect(stale).toMatchObject({ occurrenceKey: "k1", status: "running", stale: true });

    expect(await claim(db, "crashy", "k1", lease)).toEqual({ won: true, attempt: 2 });
    // The first attempt coming back late cannot overwrite the second's outcome.
    expect(await finishClaim(db, "crashy", "k1", 1, { status: "failed", error: "trop tard" })).toBe(false);
    expect(await finishClaim(db, "crashy", "k1", 2, { status: "done" })).toBe(true);
    expect(await getRun(db, "crashy", "k1")).toMatchObject({ status: "done", attempts: 2, stale: false });
  });

  it("gives a contested claim, or re-claim, to exactly one of many concurrent callers", async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => claim(db, "race", "k", lease)));
    expect(results.filter((r) => r.won)).toHaveLength(1);
    await finishClaim(db, "race", "k", 1, { status: "failed", error: "x" });
    const again = await Promise.all(Array.from({ length: 6 }, () => claim(db, "race", "k", lease)));
    expect(again.filter((r) => r.won)).toEqual([{ won: true, attempt: 2 }]);
  });

  it("keeps long error texts bounded", async () => {
    await claim(db, "verbose", "k", lease);
    await finishClaim(db, "verbose", "k", 1, { status: "failed", error: "x".repeat(10_000) });
    expect((await getRun(db, "verbose", "k"))?.error).toHaveLength(2_000);
  });
});

describeEachBackend("inbound event dedupe", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  it("lets the first delivery through and drops redeliveries", async () => {
    expect(await seenEvent(db, "Ev01")).toBe(false);
    expect(await seenEvent(db, "Ev01")).toBe(true);
    expect(await seenEvent(db, "Ev02")).toBe(false);
  });

  it("lets exactly one of concurrent deliveries through", async () => {
    const seen = await Promise.all(Array.from({ length: 5 }, () => seenEvent(db, "Ev03")));
    expect(seen.filter((s) => !s)).toHaveLength(1);
  });

  const payloadOf = (id: string, user = "U_INBOX") => ({
    event_id: id,
    event: { type: "app_mention", user },
  });
  const expire = (id: string) =>
    db.query("update inbound_events set lease_until = now() - interval '1 second' where event_id = $1", [id]);

  it("hands a stored event to one claimer, under a lease it can renew, and erases its payload when done", async () => {
    expect(await storeEvent(db, "EvIn1", payloadOf("EvIn1"))).toBe(true);
    const claims = await Promise.all([1, 2, 3].map(() => claimEvent(db, "EvIn1", 60_000)));
    expect(claims.filter(Boolean)).toEqual([{ eventId: "EvIn1", attempt: 1, payload: payloadOf("EvIn1") }]);
    expect(await renewEventLease(db, "EvIn1", 1, 60_000)).toBe(true);
    // Held and not expired: nobody else gets it.
    expect((await claimDueEvents(db, 10, 60_000)).map((c) => c.eventId)).not.toContain("EvIn1");
    expect(await finishEvent(db, "EvIn1", 1, { state: "done" })).toBe(true);
    expect(
      await db.query("select state, payload, attempts from inbound_events where event_id = 'EvIn1'"),
    ).toEqual([{ state: "done", payload: null, attempts: 1 }]);
    expect(await claimEvent(db, "EvIn1", 60_000)).toBeNull();
  });

  it("lets any claimer take over an event whose lease expired; the old holder can no longer record", async () => {
    await storeEvent(db, "EvIn2", payloadOf("EvIn2"));
    await claimEvent(db, "EvIn2", 60_000);
    await expire("EvIn2");
    const taken = await Promise.all([claimDueEvents(db, 10, 60_000), claimDueEvents(db, 10, 60_000)]);
    expect(taken.flat().filter((c) => c.eventId === "EvIn2")).toEqual([
      { eventId: "EvIn2", attempt: 2, payload: payloadOf("EvIn2") },
    ]);
    expect(await renewEventLease(db, "EvIn2", 1, 60_000)).toBe(false);
    expect(await finishEvent(db, "EvIn2", 1, { state: "done" })).toBe(false);
    expect(await finishEvent(db, "EvIn2", 2, { state: "done" })).toBe(true);
  });

  it("puts a failed attempt back for a retry at its time, then records a final failure", async () => {
    await storeEvent(db, "EvIn3", payloadOf("EvIn3"));
    await claimEvent(db, "EvIn3", 60_000);
    expect(await finishEvent(db, "EvIn3", 1, { state: "retry", error: "db down", retryInMs: 60_000 })).toBe(
      true,
    );
    // Not due yet.
    expect(await claimEvent(db, "EvIn3", 60_000)).toBeNull();
    await db.query("update inbound_events set next_attempt_at = now() where event_id = 'EvIn3'");
    expect(await claimEvent(db, "EvIn3", 60_000)).toMatchObject({ attempt: 2 });
    expect(await finishEvent(db, "EvIn3", 2, { state: "failed", error: "x".repeat(2_000) })).toBe(true);
    const [row] = await db.query<{ state: string; payload: unknown; error: string }>(
      "select state, payload, error from inbound_events where event_id = 'EvIn3'",
    );
    expect(row).toMatchObject({ state: "failed", payload: null });
    expect(row!.error).toHaveLength(500);
    expect((await inboxCounts(db)).failed).toBeGreaterThanOrEqual(1);
  });

  it("drops a forgotten user's events still waiting, text and all", async () => {
    await storeEvent(db, "EvIn4", payloadOf("EvIn4", "U_FORGET"));
    await storeEvent(db, "EvIn5", payloadOf("EvIn5", "U_KEEP"));
    await deleteSlackUserData(db, "U_FORGET");
    expect(
      await db.query(
        "select event_id, state, payload is null as erased from inbound_events where event_id in ('EvIn4', 'EvIn5') order by event_id",
      ),
    ).toEqual([
      { event_id: "EvIn4", state: "failed", erased: true },
      { event_id: "EvIn5", state: "received", erased: false },
    ]);
  });
});

describeEachBackend("Q&A log and feedback", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  const entry = {
    question: "Que demande la compétence C12 ?",
    lang: "fr" as const,
    referentials: ["rncp37827", "rncp37827"],
    codes: ["C12"],
    mode: "extractive",
    found: true,
    latencyMs: 41.6,
    slack: { teamId: "T1", channelId: "C1", userId: "U_ALICE" },
  };

  it("keeps only a hash of the question by default", async () => {
    const id = await logAnswer(db, "hash", entry);
    expect(typeof id).toBe("number");
    const [row] = await db.query("select * from qa_log where id = $1", [id]);
    expect(row).toMatchObject({
      question_hash: questionHash(entry.question),
      question_text: null,
      lang: "fr",
      referentials: ["rncp37827"],
      codes: ["C12"],
      mode: "extractive",
      found: true,
      latency_ms: 42,
      slack_team_id: "T1",
      slack_channel_id: "C1",
      slack_user_id: "U_ALICE",
    });
    expect(row!.created_at).toBeInstanceOf(Date);
    expect(questionHash("  que DEMANDE la compétence   C12 ? ")).toBe(questionHash(entry.question));
    expect(questionHash("Que demande la compétence C13 ?")).not.toBe(questionHash(entry.question));
  });

  it("keeps the text when CERTIBOT_STORE_QUESTIONS=text", async () => {
    const id = await logAnswer(db, "text", { ...entry, slack: undefined });
    const [row] = await db.query("select question_text, slack_user_id from qa_log where id = $1", [id]);
    expect(row).toEqual({ question_text: entry.question, slack_user_id: null });
  });

  it("records one vote per user and answer, which the user may change", async () => {
    const qa = await logAnswer(db, "hash", entry);
    expect(await recordFeedback(db, { qaId: qa, vote: "up", slackUserId: "U_BOB", slackTeamId: "T1" })).toBe(
      true,
    );
    await recordFeedback(db, { qaId: qa, vote: "down", comment: "source fausse", slackUserId: "U_BOB" });
    await recordFeedback(db, { qaId: qa, vote: "down", slackUserId: "U_BOB" });
    let rows = await db.query("select vote, comment, slack_team_id from feedback where qa_id = $1", [qa]);
    expect(rows).toEqual([{ vote: "down", comment: "source fausse", slack_team_id: "T1" }]);
    await recordFeedback(db, { qaId: qa, vote: "up", comment: null, slackUserId: "U_BOB" });
    rows = await db.query("select vote, comment from feedback where qa_id = $1", [qa]);
    expect(rows).toEqual([{ vote: "up", comment: null }]);
    await recordFeedback(db, { qaId: qa, vote: "up", slackUserId: "U_CAROL" });
    expect(await db.query("select count(*) as n from feedback where qa_id = $1", [qa])).toEqual([{ n: 2 }]);
  });

  it("says so when the answer voted on is no longer logged", async () => {
    expect(await recordFeedback(db, { qaId: 999_999, vote: "up", slackUserId: "U_BOB" })).toBe(false);
  });

  it("deletes everything stored about one Slack user on request, and nothing else", async () => {
    const alice = await logAnswer(db, "text", { ...entry, slack: { userId: "U_DEL" } });
    const other = await logAnswer(db, "text", { ...entry, slack: { userId: "U_KEEP" } });
    await recordFeedback(db, { qaId: alice, vote: "up", slackUserId: "U_DEL" });
    await recordFeedback(db, { qaId: alice, vote: "down", slackUserId: "U_KEEP" });
    await recordFeedback(db, { qaId: other, vote: "down", slackUserId: "U_DEL" });
    await recordFeedback(db, { qaId: other, vote: "up", slackUserId: "U_KEEP" });

    await appendTurn(db, "slack:C1:1.0", { question: "C12 ?", answer: "…", slackUserId: "U_DEL" });
    await appendTurn(db, "slack:C1:1.0", { question: "et E3 ?", answer: "…", slackUserId: "U_KEEP" });
    expect(await deleteSlackUserData(db, "U_DEL")).toEqual({
      answers: 1,
      feedback: 2,
      conversationTurns: 1,
      reportChecks: 0,
      sessionMemberships: 0,
    });
    expect(await db.query("select slack_user_id from conversation_turns")).toEqual([
      { slack_user_id: "U_KEEP" },
    ]);
    const left = await db.query(
      `select (select count(*) from qa_log where slack_user_id = 'U_DEL') as answers,
              (select count(*) from feedback where slack_user_id = 'U_DEL') as votes,
              (select count(*) from feedback where qa_id = $1) as on_deleted,
              (select count(*) from qa_log where id = $2) as other_kept,
              (select count(*) from feedback where qa_id = $2 and slack_user_id = 'U_KEEP') as other_votes`,
      [alice, other],
    );
    expect(left).toEqual([{ answers: 0, votes: 0, on_deleted: 0, other_kept: 1, other_votes: 1 }]);
    expect(await deleteSlackUserData(db, "U_DEL")).toEqual({
      answers: 0,
      feedback: 0,
      conversationTurns: 0,
      reportChecks: 0,
      sessionMemberships: 0,
    });
  });
});
