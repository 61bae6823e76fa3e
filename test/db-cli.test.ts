import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../src/config.js";
import { loadMigrations } from "../src/db/migrate.js";
import { runCli } from "./helpers/cli.js";
import { runMain } from "./helpers/run-main.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { tempDir } from "./helpers/temp.js";

const LOADED = await loadMigrations();
const MIGRATIONS = LOADED.map((m) => `  ${String(m.version).padStart(3, "0")}-${m.name}`);
// The highest version applied (numbers may leave gaps: each feature has its own).
const VERSION = Math.max(...LOADED.map((m) => m.version));

function migrated(location: RegExp | string): RegExp {
  const loc =
    typeof location === "string" ? location.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : location.source;
  return new RegExp(
    `^Base : ${loc}\\nMigrations appliquées \\(${MIGRATIONS.length}\\) :\\n${MIGRATIONS.join("\\n")}\\nVersion du schéma : ${VERSION}\\n$`,
  );
}

describe("certibot db migrate on a data dir that has no database yet (real CLI process)", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it("creates the embedded PGlite database under <data dir>/pg and migrates it", async () => {
    const r = await runCli(["db", "migrate"], { env: { CERTIBOT_DATA_DIR: dir.path } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // The cluster made at build time carries the schema; without a build, initdb then every migration.
    const location = `PGlite ${join(dir.path, "pg")}`;
    expect(r.stdout).toMatch(
      existsSync(join(PACKAGE_ROOT, "dist", "pglite-cluster.version"))
        ? `Base : ${location}\nSchéma déjà à jour : aucune migration à appliquer.\nVersion du schéma : ${VERSION}\n`
        : migrated(location),
    );
    expect(existsSync(join(dir.path, "pg", "PG_VERSION"))).toBe(true);
    // Released on exit: the next command does not wait for it.
    expect(existsSync(join(dir.path, "pg.lock"))).toBe(false);
  });
});

describeEachBackend("certibot db and jobs commands (real CLI process)", (backend) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await backend.createStore();
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it("db migrate applies the migrations once, then reports the schema up to date", async () => {
    const location =
      backend.name === "pglite"
        ? `PGlite ${join(store.config.dataDir, "pg")}`
        : /PostgreSQL postgres@127\.0\.0\.1:\d+\/certibot_test_[0-9a-f]+/;
    const first = await runCli(["db", "migrate"], { env: store.env });
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(migrated(location));
    const second = await runCli(["db", "migrate"], { env: store.env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`Schéma déjà à jour : aucune migration à appliquer\\.\\nVersion du schéma : ${VERSION}\\n$`),
    );
  });

  it("jobs list shows the heartbeat, its schedule and next run; jobs run --at runs it once", async () => {
    // In this process where a separate one would prove nothing more: main() is what the binary runs.
    const before = await runMain(["jobs", "list"], store.env);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^heartbeat — écrit une ligne de présence toutes les 5 minutes/);
    expect(before.stdout).toContain("  planification : */5 * * * * (Europe/Paris)\n");
    expect(before.stdout).toMatch(
      / {2}prochaine exécution : \d{4}-\d\d-\d\d \d\d:\d[05] \(Europe\/Paris\)\n/,
    );
    expect(before.stdout).toContain("  dernière exécution : jamais\n");

    // 09:02 on a Paris clock in June is 07:02 UTC: the 07:00 slot.
    const run = await runCli(["jobs", "run", "heartbeat", "--at", "2026-06-02T09:02"], { env: store.env });
    expect(run).toMatchObject({
      code: 0,
      stderr: "",
      stdout: "heartbeat 2026-06-02T07:00Z : exécutée (tentative 1).\n",
    });

    const again = await runMain(["jobs", "run", "heartbeat", "--at", "2026-06-02T07:00Z"], store.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /^heartbeat 2026-06-02T07:00Z : déjà exécutée — réussie le \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(Europe\/Paris\), 1 tentative ; rien à faire\.\n$/,
    );

    const after = await runMain(["jobs", "list", "--json"], store.env);
    const [job] = JSON.parse(after.stdout).jobs;
    expect(job).toMatchObject({
      name: "heartbeat",
      cron: "*/5 * * * *",
      timezone: "Europe/Paris",
      lastRun: { occurrenceKey: "2026-06-02T07:00Z", status: "done", attempts: 1, error: null },
      needsAttention: [],
    });
    expect(new Date(job.nextRun).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("certibot db / jobs usage errors", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await tempDir();
    env = { CERTIBOT_DATA_DIR: dir.path };
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it.each([
    [["db"], /usage : certibot db migrate/],
    [["db", "drop"], /usage : certibot db migrate/],
    [["jobs"], /usage : certibot jobs list/],
    [["jobs", "run"], /usage : certibot jobs list/],
    [
      ["jobs", "run", "inconnue"],
      /tâche inconnue « inconnue » ; tâches connues : heartbeat, retention, session-alerts, veille-reminder, veille-digest, ops-alerts\./,
    ],
    [["jobs", "run", "heartbeat", "--at", "demain"], /date invalide « demain » : attendu une date ISO 8601/],
    [["jobs", "run", "heartbeat", "--at", "2026-02-30T09:00"], /date invalide « 2026-02-30T09:00 »/],
    [["jobs", "run", "heartbeat", "--at", "2999-01-01T00:00Z"], /est dans le futur/],
    [["jobs", "list", "--verbose"], /option inconnue --verbose/],
  ])("%j exits 2 with one line and touches no database", async (args, message) => {
    const r = await runMain(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^certibot : Commande invalide\. /);
    expect(lines[0]).toMatch(message);
    expect(existsSync(join(dir.path, "pg"))).toBe(false);
  });
});

describe("the compiled build", () => {
  // Inside the package so the build resolves node_modules as an installed copy does.
  const out = join(PACKAGE_ROOT, "node_modules", ".cache", "certibot-build-test", "dist");
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    // The build's own compiler options, limited to what the CLI imports, so
    // unfinished work elsewhere in src/ does not fail this test.
    const tsconfig = join(out, "..", "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: join(PACKAGE_ROOT, "tsconfig.build.json"),
        compilerOptions: { outDir: out },
        files: [join(PACKAGE_ROOT, "src", "cli", "main.ts")],
        include: [],
      }),
    );
    const run = promisify(execFile);
    await run(
      process.execPath,
      [join(PACKAGE_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig],
      {
        cwd: PACKAGE_ROOT,
      },
    );
    await run(process.execPath, [join(PACKAGE_ROOT, "scripts", "copy-assets.mjs"), out], {
      cwd: PACKAGE_ROOT,
    });
  }, 120_000);
  afterAll(async () => {
    await rm(join(out, ".."), { recursive: true, force: true });
    await dir?.cleanup();
  });

  it("ships the SQL migrations and migrates from dist/", async () => {
    expect(existsSync(join(out, "db", "migrations", "001-storage-spine.sql"))).toBe(true);
    const r = await promisify(execFile)(process.execPath, [join(out, "cli", "main.js"), "db", "migrate"], {
      cwd: dir.path,
      env: { PATH: process.env.PATH ?? "", CERTIBOT_DATA_DIR: join(dir.path, "data") },
    });
    expect(r.stdout).toMatch(migrated(`PGlite ${join(dir.path, "data", "pg")}`));
  });
});
