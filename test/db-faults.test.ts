import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMigrations } from "../src/db/migrate.js";
import { openPgDb } from "../src/db/pg-db.js";
import { openPgliteDb } from "../src/db/pglite-db.js";
import { isCertibotError } from "../src/errors.js";
import { createLogger, silentLogger } from "../src/log.js";
import { runCli } from "./helpers/cli.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "./helpers/postgres.js";
import { runMain } from "./helpers/run-main.js";
import { describeEachBackend, PGLITE, type TestStore } from "./helpers/stores.js";
import { tempDir } from "./helpers/temp.js";
import { startWorker } from "./helpers/workers.js";

const PASSWORD = "s3cret-Pw-9";

/** The CLI's error contract: one French line on stderr, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^certibot : /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
}

describe("a bad DATABASE_URL at start (real CLI process)", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it("an unparsable URL is a configuration error, without echoing it", async () => {
    const r = await runCli(["db", "migrate"], {
      env: { CERTIBOT_DATA_DIR: dir.path, DATABASE_URL: "pas une url avec motdepasse" },
    });
    expect(r.code).toBe(2);
    expectOneLine(r.stderr, /La configuration est invalide\. Variables concernées : DATABASE_URL\./);
    expect(r.stderr).not.toContain("motdepasse");
    expect(r.stdout).toBe("");
  });

  it("an unreachable server says so, without the password", async () => {
    // Port 1 on the loopback: nothing listens there, the connection is refused at once.
    const r = await runCli(["jobs", "list"], {
      env: { CERTIBOT_DATA_DIR: dir.path, DATABASE_URL: "postgres://bot:hunter2@127.0.0.1:1/certibot" },
    });
    expect(r.code).toBe(1);
    expectOneLine(
      r.stderr,
      /La base de données est injoignable\. Serveur PostgreSQL injoignable \(bot@127\.0\.0\.1:1\/certibot\)/,
    );
    expect(r.stderr).not.toContain("hunter2");
  });
});

const bins = findPostgresBinaries();
if ("reason" in bins)
  console.warn(`!! server restart and authentication tests SKIPPED: no PostgreSQL binaries (${bins.reason})`);

describe.runIf("binDir" in bins)("a real server going away and coming back", () => {
  let server: PostgresServer;
  beforeAll(async () => {
    // Its own server, so restarting it disturbs no other test file.
    if ("binDir" in bins) server = await startPostgres(bins.binDir, { password: PASSWORD });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it("reconnects on the next query after a restart, including after an interrupted transaction", async () => {
    const lines: string[] = [];
    const db = await openPgDb(
      server.url,
      createLogger("warn", (l) => lines.push(l)),
    );
    try {
      // Several idle connections in the pool, all about to be cut.
      await Promise.all([1, 2, 3].map(() => db.query("select pg_sleep(0.05)")));
      // Caught at once: it fails while the transaction below is still being awaited.
      const inFlight = db.query("select pg_sleep(30)").catch((e: unknown) => e);
      const cut = db.transaction(async (tx) => {
        await tx.query("select 1");
        await server.restart("immediate");
        await tx.query("select 2");
      });
      await expect(cut).rejects.toMatchObject({ code: "DB_UNAVAILABLE" });
      expect(await inFlight).toMatchObject({ code: "DB_UNAVAILABLE" });

      expect(await db.query("select 1 as one")).toEqual([{ one: 1 }]);
      expect(await db.transaction((tx) => tx.query("select 2 as two"))).toEqual([{ two: 2 }]);
      expect(lines.map((l) => JSON.parse(l).msg)).toContain("db connection lost");

      // While it is down: a clear error; once back: working again, same handle.
      await server.stop("fast");
      const down = await db.query("select 1").catch((e: unknown) => e);
      expect(isCertibotError(down) && down.code).toBe("DB_UNAVAILABLE");
      expect(isCertibotError(down) && down.userMessage()).toMatch(/^La base de données est injoignable\./);
      await server.start();
      expect(await db.query("select 3 as three")).toEqual([{ three: 3 }]);
    } finally {
      await db.close();
    }
  });

  it("a wrong password gives one clear line, without the password (real CLI process)", async () => {
    const url = new URL(server.url);
    url.password = "mauvais-Pw-1";
    const dir = await tempDir();
    try {
      const r = await runCli(["db", "migrate"], {
        env: { CERTIBOT_DATA_DIR: dir.path, DATABASE_URL: url.toString() },
      });
      expect(r.code).toBe(1);
      expectOneLine(
        r.stderr,
        /Authentification refusée par le serveur PostgreSQL \(postgres@127\.0\.0\.1:\d+\/postgres\)/,
      );
      expect(r.stderr).not.toContain("mauvais-Pw-1");
      expect(r.stderr).not.toContain(PASSWORD);

      url.password = PASSWORD;
      url.pathname = "/absente";
      const missing = await runCli(["db", "migrate"], {
        env: { CERTIBOT_DATA_DIR: dir.path, DATABASE_URL: url.toString() },
      });
      expect(missing.code).toBe(1);
      expectOneLine(
        missing.stderr,
        /La base n'existe pas sur le serveur PostgreSQL \(postgres@127\.0\.0\.1:\d+\/absente\)/,
      );
      expect(missing.stderr).not.toContain(PASSWORD);
    } finally {
      await dir.cleanup();
    }
  });
});

describe("the embedded database and a second process", () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await PGLITE.createStore();
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it("a second process waits, then fails clearly; a holder killed -9 does not lock it for good", async () => {
    await (await store.openMigrated()).close();
    const holder = startWorker(["hold"], store.env);
    await holder.ready;
    holder.go();
    await holder.result;

    const busy = await openPgliteDb(`${store.config.dataDir}/pg`, silentLogger, { lockWaitMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(isCertibotError(busy) && busy.code).toBe("DB_UNAVAILABLE");
    expect(isCertibotError(busy) && busy.userMessage()).toContain(
      `est utilisée par un autre processus (pid ${holder.child.pid})`,
    );

    holder.child.kill("SIGKILL");
    await holder.exit;
    const db = await store.open();
    try {
      const rows = await db.query("select count(*) as n from schema_migrations");
      expect(rows).toEqual([{ n: (await loadMigrations()).length }]);
    } finally {
      await db.close();
    }
  });
});

describeEachBackend("a job that crashed", (backend) => {
  let store: TestStore;
  const failedAt = "2026-06-02T07:00:00Z";
  const crashedAt = "2026-06-02T07:05:00Z";
  beforeAll(async () => {
    store = await backend.createStore();
    await (await store.openMigrated()).close();
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it("that threw is listed as failed, then re-run by `jobs run`", async () => {
    const w = startWorker(["heartbeat-fails", failedAt], store.env);
    await w.ready;
    w.go();
    expect(await w.result).toMatchObject({ status: "failed", error: "panne simulée du heartbeat" });

    const listed = await runMain(["jobs", "list", "--json"], store.env);
    expect(listed.code).toBe(0);
    const heartbeat = JSON.parse(listed.stdout).jobs[0];
    expect(heartbeat.needsAttention).toEqual([
      expect.objectContaining({
        occurrenceKey: "2026-06-02T07:00Z",
        status: "failed",
        attempts: 1,
        error: "panne simulée du heartbeat",
      }),
    ]);

    const rerun = await runMain(["jobs", "run", "heartbeat", "--at", failedAt], store.env);
    expect(rerun).toMatchObject({ code: 0, stderr: "" });
    expect(rerun.stdout).toBe("heartbeat 2026-06-02T07:00Z : exécutée (tentative 2).\n");
    const after = JSON.parse((await runMain(["jobs", "list", "--json"], store.env)).stdout).jobs[0];
    expect(after.needsAttention).toEqual([]);
  });

  it("that died mid-run is reported running, then stale once its lease is over, then re-run", async () => {
    const w = startWorker(["heartbeat-crashes", crashedAt], store.env);
    await w.ready;
    w.go();
    expect(await w.result).toEqual({ won: true });
    expect(await w.exit).toBe(137);

    const early = await runMain(["jobs", "run", "heartbeat", "--at", crashedAt], store.env);
    // Held by another process: not a failure for a cron wrapper.
    expect(early.code).toBe(0);
    expect(early.stdout).toMatch(
      /^heartbeat 2026-06-02T07:05Z : déjà prise par un autre processus — en cours depuis le .* ; rien à faire ici \(reprise possible après /,
    );

    // The lease running out, without waiting for it.
    const db = await store.open();
    try {
      await db.query(
        "update job_runs set lease_until = now() - interval '1 second' where occurrence_key = $1",
        ["2026-06-02T07:05Z"],
      );
    } finally {
      await db.close();
    }
    const listed = await runMain(["jobs", "list"], store.env);
    expect(listed.stdout).toMatch(
      /à reprendre .*\n {4}2026-06-02T07:05Z — bloquée : lancée le .* sans fin enregistrée/,
    );
    const json = JSON.parse((await runMain(["jobs", "list", "--json"], store.env)).stdout).jobs[0];
    expect(json.needsAttention).toEqual([
      expect.objectContaining({ occurrenceKey: "2026-06-02T07:05Z", status: "stale" }),
    ]);

    const rerun = await runMain(["jobs", "run", "heartbeat", "--at", crashedAt], store.env);
    expect(rerun).toMatchObject({
      code: 0,
      stdout: "heartbeat 2026-06-02T07:05Z : exécutée (tentative 2).\n",
    });
  });
});
