import { cp } from "node:fs/promises";
import { join } from "node:path";
import { describe, inject } from "vitest";
import type { Config } from "../../src/config.js";
import { type Db, openDb, openMigratedDb } from "../../src/db/db.js";
import { silentLogger } from "../../src/log.js";
import { createDatabase } from "./postgres.js";
import { tempDir, testConfig } from "./temp.js";

export type BackendName = "pglite" | "postgresql";

/** An empty database of one backend, private to the test that made it. */
export interface TestStore {
  backend: BackendName;
  /** What a child process or the CLI needs in its environment to reach the same data. */
  env: Record<string, string>;
  config: Config;
  open(): Promise<Db>;
  openMigrated(): Promise<Db>;
  cleanup(): Promise<void>;
}

export interface TestBackend {
  name: BackendName;
  createStore(extraEnv?: Record<string, string>): Promise<TestStore>;
}

async function pgliteStore(extraEnv: Record<string, string> = {}): Promise<TestStore> {
  const dir = await tempDir("certibot-db-test-");
  // A copy of an initialised cluster: same files PGlite's own initdb writes.
  await cp(inject("pgliteTemplate"), join(dir.path, "pg"), { recursive: true });
  const env = { CERTIBOT_DATA_DIR: dir.path, ...extraEnv };
  const config = testConfig(dir.path, extraEnv);
  return {
    backend: "pglite",
    env,
    config,
    open: () => openDb(config, silentLogger),
    openMigrated: () => openMigratedDb(config, silentLogger),
    cleanup: dir.cleanup,
  };
}

async function postgresStore(extraEnv: Record<string, string> = {}): Promise<TestStore> {
  const adminUrl = inject("pgAdminUrl");
  if (!adminUrl) throw new Error("no PostgreSQL server for this run");
  const database = await createDatabase(adminUrl);
  const dir = await tempDir("certibot-db-test-");
  const env = { CERTIBOT_DATA_DIR: dir.path, DATABASE_URL: database.url, ...extraEnv };
  const config = testConfig(dir.path, { DATABASE_URL: database.url, ...extraEnv });
  return {
    backend: "postgresql",
    env,
    config,
    open: () => openDb(config, silentLogger),
    openMigrated: () => openMigratedDb(config, silentLogger),
    async cleanup() {
      await database.drop();
      await dir.cleanup();
    },
  };
}

export const PGLITE: TestBackend = { name: "pglite", createStore: pgliteStore };
export const POSTGRESQL: TestBackend = { name: "postgresql", createStore: postgresStore };

/** True when this run has a real server; otherwise the reason was already shouted by the global setup. */
export function realServerAvailable(): boolean {
  return inject("pgAdminUrl") !== null;
}

let warned = false;
function warnSkipped(title: string): void {
  if (warned) return;
  warned = true;
  console.warn(
    `!! ${title} [postgresql] and the other real-server suites of this file are SKIPPED: ${inject("pgSkipReason")}`,
  );
}

/**
 * Registers the same suite once per backend. The real-server copy is
 * skipped, loudly, only when the machine has no PostgreSQL binaries and no
 * TEST_DATABASE_URL was given (see test/global-setup.ts).
 */
export function describeEachBackend(title: string, suite: (backend: TestBackend) => void): void {
  describe(`${title} [pglite]`, () => suite(PGLITE));
  if (!realServerAvailable()) warnSkipped(title);
  describe.runIf(realServerAvailable())(`${title} [postgresql]`, () => suite(POSTGRESQL));
}
