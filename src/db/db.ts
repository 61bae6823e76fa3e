import { join } from "node:path";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { migrate } from "./migrate.js";

export type Row = Record<string, unknown>;

/**
 * What every storage function needs. Both backends run the same SQL, which
 * must be accepted by PostgreSQL 15 (servers) and 18 (PGlite). Values come
 * back the same way from both: int8 as number, timestamptz as Date, arrays
 * and jsonb parsed, numeric as string.
 */
export interface Queryable {
  /** One statement with `$1`-style parameters. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements separated by `;`, without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "pg" | "pglite";
  /** Where the data lives, safe to print (no password). */
  readonly location: string;
  /** Runs fn in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function pgliteDir(config: Config): string {
  return join(config.dataDir, "pg");
}

/**
 * Opens the configured backend and checks it answers: a server at
 * DATABASE_URL, else the embedded PGlite under `<dataDir>/pg`. Throws a
 * CertibotError (DB_UNAVAILABLE) with a French hint when it cannot.
 */
export async function openDb(config: Config, log: Logger): Promise<Db> {
  // Only the backend in use is loaded: the pg driver costs an embedded process
  // about 15 MB held for nothing, PGlite a server-backed one its WebAssembly.
  if (config.databaseUrl) return (await import("./pg-db.js")).openPgDb(config.databaseUrl, log);
  return (await import("./pglite-db.js")).openPgliteDb(pgliteDir(config), log);
}

/** What a long-running process or a command calls at start: open, then bring the schema up to date. */
export async function openMigratedDb(config: Config, log: Logger): Promise<Db> {
  const db = await openDb(config, log);
  try {
    await migrate(db, log);
    return db;
  } catch (e) {
    await db.close();
    throw e;
  }
}
