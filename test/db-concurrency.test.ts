/**
 * Several real processes (not promises in one process) against one
 * database. On a server they run truly at once; on PGlite the lock file
 * makes them take turns, and they must all still succeed.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { loadMigrations } from "../src/db/migrate.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { raceWorkers } from "./helpers/workers.js";

const VERSIONS = (await loadMigrations()).map((m) => m.version);

describeEachBackend("separate processes at once", (backend) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await backend.createStore();
  });
  afterEach(async () => {
    await store?.cleanup();
  });

  it("3 processes migrating a fresh database all succeed, each migration applied once", async () => {
    const results = (await raceWorkers(3, ["migrate"], store.env)) as {
      applied: number[];
      version: number;
    }[];
    expect(results.flatMap((r) => r.applied).sort((a, b) => a - b)).toEqual(VERSIONS);
    const last = Math.max(...VERSIONS); // numbers may leave gaps: each feature has its own
    expect(results.map((r) => r.version)).toEqual([last, last, last]);
    const db = await store.open();
    try {
      const rows = await db.query("select version from schema_migrations order by version");
      expect(rows.map((r) => r.version)).toEqual(VERSIONS);
    } finally {
      await db.close();
    }
  });

  it("3 processes claiming the same occurrence: exactly one wins", async () => {
    await (await store.openMigrated()).close();
    const results = (await raceWorkers(3, ["claim", "veille", "2026-W23"], store.env)) as { won: boolean }[];
    expect(results.filter((r) => r.won)).toHaveLength(1);
    const db = await store.open();
    try {
      expect(await db.query("select status, attempts from job_runs")).toEqual([
        { status: "running", attempts: 1 },
      ]);
    } finally {
      await db.close();
    }
  });

  it("2 concurrent deliveries of one event id: exactly one passes", async () => {
    await (await store.openMigrated()).close();
    const results = (await raceWorkers(2, ["seen-event", "Ev0PP4K1"], store.env)) as { seen: boolean }[];
    expect(results.map((r) => r.seen).sort()).toEqual([false, true]);
  });
});
