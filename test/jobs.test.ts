import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_JOBS } from "../src/all-jobs.js";
import type { Db } from "../src/db/db.js";
import { getRun } from "../src/db/job-claims.js";
import { heartbeatJob } from "../src/jobs/heartbeat-job.js";
import type { Job, JobDeps } from "../src/jobs/job.js";
import { JobRegistry, nextRuns } from "../src/jobs/registry.js";
import { retentionJob } from "../src/jobs/retention-job.js";
import { runOccurrence } from "../src/jobs/runner.js";
import { startScheduler } from "../src/jobs/scheduler.js";
import { formatInZone, parseAt, utcSlotKey } from "../src/jobs/time.js";
import { silentLogger } from "../src/log.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";

/** Polls until `check` holds; the test's own timeout bounds the wait. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(100);
}

describe("job times", () => {
  it("reads --at without an offset in the job's zone, with one as given", () => {
    expect(parseAt("2026-06-02T09:00", "Europe/Paris")?.toISOString()).toBe("2026-06-02T07:00:00.000Z");
    expect(parseAt("2026-01-15T09:00", "Europe/Paris")?.toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(parseAt("2026-06-02", "Europe/Paris")?.toISOString()).toBe("2026-06-01T22:00:00.000Z");
    expect(parseAt("2026-06-02T09:00:30.5Z", "Europe/Paris")?.toISOString()).toBe("2026-06-02T09:00:30.500Z");
    expect(parseAt("2026-06-02T09:00+02:00", "UTC")?.toISOString()).toBe("2026-06-02T07:00:00.000Z");
    expect(parseAt("2026-06-02T09:00-0330", "UTC")?.toISOString()).toBe("2026-06-02T12:30:00.000Z");
    // Around the autumn change: before it, summer time; 02:30 happens twice and reads as the later one.
    expect(parseAt("2026-10-25T01:30", "Europe/Paris")?.toISOString()).toBe("2026-10-24T23:30:00.000Z");
    expect(parseAt("2026-10-25T02:30", "Europe/Paris")?.toISOString()).toBe("2026-10-25T01:30:00.000Z");
    expect(parseAt("2026-10-25T03:30", "Europe/Paris")?.toISOString()).toBe("2026-10-25T02:30:00.000Z");
  });

  it("refuses what is not an ISO date or not a real date", () => {
    for (const bad of [
      "",
      "demain",
      "2026-6-2",
      "02/06/2026",
      "2026-02-30",
      "2026-06-02T24:00",
      "2026-06-02T09",
      "2026-06-02T09:00+25:00",
    ])
      expect(parseAt(bad, "Europe/Paris"), bad).toBeNull();
  });

  it("names 5-minute slots in UTC, and formats times on the zone's clock", () => {
    expect(utcSlotKey(new Date("2026-06-02T07:04:59.999Z"), 5)).toBe("2026-06-02T07:00Z");
    expect(utcSlotKey(new Date("2026-06-02T07:05:00Z"), 5)).toBe("2026-06-02T07:05Z");
    expect(formatInZone(new Date("2026-06-02T07:05:09Z"), "Europe/Paris", true)).toBe("2026-06-02 09:05:09");
  });
});

describe("job registry", () => {
  const job: Job = { ...heartbeatJob, name: "ok" };

  it("holds the built-in heartbeat", () => {
    expect(new JobRegistry(ALL_JOBS).all().map((j) => j.name)).toEqual(ALL_JOBS.map((j) => j.name));
    expect(new JobRegistry(ALL_JOBS).get("heartbeat")).toBe(heartbeatJob);
    expect(new JobRegistry(ALL_JOBS).get("nope")).toBeUndefined();
  });

  it("rejects a bad name, cron expression, zone or lease, and duplicates", () => {
    expect(() => new JobRegistry([{ ...job, name: "Pas Bon" }])).toThrow(/kebab-case/);
    expect(() => new JobRegistry([{ ...job, cron: "every monday" }])).toThrow(/invalid cron/);
    expect(() => new JobRegistry([{ ...job, timezone: "Europe/Lutece" }])).toThrow(/time zone/);
    expect(() => new JobRegistry([{ ...job, leaseMs: 0 }])).toThrow(/leaseMs/);
    expect(() => new JobRegistry([job, job])).toThrow(/two jobs named ok/);
  });

  it("computes the next runs as node-cron schedules them", () => {
    const runs = nextRuns(heartbeatJob, 3);
    expect(runs).toHaveLength(3);
    for (const r of runs) expect(r.getTime() % (5 * 60_000)).toBe(0);
    expect(runs[0]!.getTime()).toBeGreaterThan(Date.now() - 1_000);
    const weekly: Job = { ...job, cron: "0 9 * * 1", timezone: "Europe/Paris" };
    for (const r of nextRuns(weekly, 2)) {
      expect(formatInZone(r, "Europe/Paris").slice(11)).toBe("09:00");
      expect(new Intl.DateTimeFormat("en", { timeZone: "Europe/Paris", weekday: "short" }).format(r)).toBe(
        "Mon",
      );
    }
  });
});

describeEachBackend("job runner", (backend) => {
  let store: TestStore;
  let db: Db;
  let deps: JobDeps;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
    deps = { db, config: store.config, log: silentLogger };
  });
  afterAll(async () => {
    await db?.close();
    await store?.cleanup();
  });

  it("retention deletes event ids and thread turns past their use, once a night", async () => {
    await db.query(
      `insert into inbound_events (event_id, received_at) values
         ('old', '2026-05-20T00:00:00Z'), ('recent', '2026-06-01T12:00:00Z')`,
    );
    await db.query(
      `insert into conversation_turns (conversation_id, turn, created_at, question, answer) values
         ('slack:C:1', 1, '2026-04-01T00:00:00Z', 'q', 'a'), ('slack:C:1', 2, '2026-05-30T00:00:00Z', 'q', 'a')`,
    );
    const at = new Date("2026-06-02T01:30:00Z"); // 03:30 in Paris
    expect(await runOccurrence(retentionJob, at, deps)).toMatchObject({ status: "done", key: "2026-06-02" });
    expect(await db.query("select event_id from inbound_events")).toEqual([{ event_id: "recent" }]);
    expect(await db.query("select turn from conversation_turns")).toEqual([{ turn: 2 }]);
    expect(await runOccurrence(retentionJob, at, deps)).toMatchObject({ status: "skipped" });
  });

  it("runs an occurrence once, records it done, and skips it afterwards", async () => {
    const at = new Date("2026-06-02T07:03:00Z");
    expect(await runOccurrence(heartbeatJob, at, deps)).toEqual({
      status: "done",
      key: "2026-06-02T07:00Z",
      attempt: 1,
    });
    expect(await db.query("select occurrence_key from heartbeats")).toEqual([
      { occurrence_key: "2026-06-02T07:00Z" },
    ]);
    // Another time in the same slot is the same occurrence.
    const again = await runOccurrence(heartbeatJob, new Date("2026-06-02T07:04:00Z"), deps);
    expect(again).toMatchObject({ status: "skipped", key: "2026-06-02T07:00Z", run: { status: "done" } });
  });

  it("records a throwing job as failed, and a later attempt can succeed", async () => {
    let calls = 0;
    const flaky: Job = {
      ...heartbeatJob,
      name: "flaky",
      async run() {
        calls++;
        if (calls === 1) throw new Error("service tiers indisponible");
      },
    };
    const at = new Date("2026-06-02T08:00:00Z");
    expect(await runOccurrence(flaky, at, deps)).toMatchObject({
      status: "failed",
      attempt: 1,
      error: "service tiers indisponible",
    });
    expect(await getRun(db, "flaky", "2026-06-02T08:00Z")).toMatchObject({
      status: "failed",
      error: "service tiers indisponible",
    });
    expect(await runOccurrence(flaky, at, deps)).toMatchObject({ status: "done", attempt: 2 });
    expect(await runOccurrence(flaky, at, deps)).toMatchObject({ status: "skipped" });
    expect(calls).toBe(2);
  });

  it("with two replicas ticking the same schedule, runs each occurrence exactly once", async () => {
    const ran = new Map<string, number>();
    const everySecond: Job = {
      name: "every-second",
      description: "test",
      cron: "* * * * * *",
      timezone: "Europe/Paris",
      leaseMs: 60_000,
      occurrenceKey: (at) => at.toISOString(),
      async run(at) {
        ran.set(at.toISOString(), (ran.get(at.toISOString()) ?? 0) + 1);
      },
    };
    const registry = new JobRegistry([everySecond]);
    // On a server each replica has its own pool; PGlite admits one handle per process.
    const second = backend.name === "postgresql" ? await store.open() : db;
    const replicas = [startScheduler(registry, deps), startScheduler(registry, { ...deps, db: second })];
    try {
      await until(async () => {
        const [r] = await db.query<{ n: number }>(
          "select count(*) as n from job_runs where job_name = 'every-second' and status = 'done'",
        );
        return r!.n >= 3;
      });
    } finally {
      await Promise.all(replicas.map((r) => r.stop()));
      if (second !== db) await second.close();
    }
    const rows = await db.query<{ occurrence_key: string; status: string; attempts: number }>(
      "select occurrence_key, status, attempts from job_runs where job_name = 'every-second' order by 1",
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r).toMatchObject({ status: "done", attempts: 1 });
    expect([...ran.keys()].sort()).toEqual(rows.map((r) => r.occurrence_key));
    expect([...ran.values()].every((n) => n === 1)).toBe(true);
  });
});
