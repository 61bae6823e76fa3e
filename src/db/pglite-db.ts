import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { CertibotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Db, Queryable, Row } from "./db.js";
import { acquireFileLock, LockBusyError } from "./file-lock.js";
import { PGLITE_START_PARAMS, seedFromTemplate } from "./pglite-template.js";

// Long enough for other short-lived processes (a CLI command, a replica
// starting) to finish; a running bot holds the lock for good.
const LOCK_WAIT_MS = 30_000;

function on(target: PGlite | Transaction): Queryable {
  return {
    async query<T extends Row>(sql: string, params?: readonly unknown[]) {
      const res = await target.query<T>(sql, params as unknown[] | undefined);
      return res.rows;
    },
    async exec(sql) {
      await target.exec(sql);
    },
  };
}

/**
 * The zero-setup backend: PostgreSQL compiled to WASM, persisted in `dir`.
 * PGlite is single-process, so a lock file beside `dir` makes a second
 * process (the CLI while the bot runs) wait its turn, then fail clearly,
 * instead of corrupting the data.
 */
export async function openPgliteDb(
  dir: string,
  log: Logger,
  opts: { lockWaitMs?: number } = {},
): Promise<Db> {
  const lockPath = join(dirname(dir), "pg.lock");
  let release: () => Promise<void>;
  try {
    await mkdir(dirname(dir), { recursive: true });
    const timeoutMs = opts.lockWaitMs ?? LOCK_WAIT_MS;
    release = await acquireFileLock(lockPath, {
      timeoutMs,
      onWait: (owner) =>
        log.warn("embedded database in use by another process, waiting", { owner, timeoutMs }),
    });
  } catch (e) {
    if (e instanceof LockBusyError)
      throw new CertibotError("DB_UNAVAILABLE", {
        hint: `La base embarquée (${dir}) est utilisée par un autre processus${e.owner ? ` (pid ${e.owner.pid})` : ""} ; arrêtez-le, ou définissez DATABASE_URL pour partager une base PostgreSQL entre plusieurs processus.`,
        detail: e.message,
      });
    throw new CertibotError("DB_UNAVAILABLE", {
      hint: `Le dossier de la base embarquée (${dir}) n'est pas accessible.`,
      detail: String(e),
      cause: e,
    });
  }

  let pglite: PGlite;
  try {
    if (!existsSync(join(dir, "PG_VERSION"))) {
      // A copy of the cluster made at build time; without one, PGlite's initdb (slow, memory-hungry).
      const seeded = await seedFromTemplate(dir);
      log.info("creating the embedded database", { dir, from: seeded ? "template" : "initdb" });
    }
    // PGlite is Postgres compiled to WebAssembly: V8's optimising tier would
    // compile much of it again as the bot runs, for about 70 MB of code. The
    // baseline compiler alone holds it near 140 MB instead of 210, and was as
    // fast on our queries (measured in bench:slack). Set before PGlite compiles.
    setFlagsFromString("--liftoff-only");
    pglite = await PGlite.create(dir, { startParams: PGLITE_START_PARAMS });
  } catch (e) {
    await release();
    throw new CertibotError("DB_UNAVAILABLE", {
      hint: `La base embarquée (${dir}) n'a pas pu être ouverte.`,
      detail: String(e),
      cause: e,
    });
  }

  let closed = false;
  return {
    kind: "pglite",
    location: `PGlite ${dir}`,
    ...on(pglite),
    transaction: (fn) => pglite.transaction((tx) => fn(on(tx))),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pglite.close();
      } finally {
        await release();
      }
    },
  };
}
