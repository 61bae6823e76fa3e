import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../log.js";
import type { Db } from "./db.js";

/** Beside this module in src/ and in dist/ alike (the build copies the .sql files). */
export const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

// Any constant works as long as nothing else in the database uses it.
const MIGRATION_LOCK_KEY = 7_311_924_066_515;
const FILE_NAME = /^(\d{3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: Migration[];
  /** Highest version in the database after the run. */
  version: number;
}

/** Reads `NNN-name.sql` files in version order; anything else there is a mistake worth stopping for. */
export async function loadMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => !f.startsWith(".")).sort();
  const out: Migration[] = [];
  for (const file of files) {
    const m = FILE_NAME.exec(file);
    if (!m) throw new Error(`migration file name must look like 001-some-name.sql: ${join(dir, file)}`);
    const version = Number(m[1]);
    if (out.some((o) => o.version === version)) throw new Error(`two migrations numbered ${m[1]} in ${dir}`);
    const sql = await readFile(join(dir, file), "utf8");
    out.push({ version, name: m[2]!, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return out;
}

/**
 * Applies pending migrations, forward only, all in one transaction. The
 * advisory lock makes concurrent starters queue: the first applies, the
 * others then find nothing left to do.
 */
export async function migrate(db: Db, log: Logger, dir = MIGRATIONS_DIR): Promise<MigrateResult> {
  const migrations = await loadMigrations(dir);
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.exec(`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const done = new Map(
      (
        await tx.query<{ version: number; checksum: string }>(
          "select version, checksum from schema_migrations",
        )
      ).map((r) => [r.version, r.checksum]),
    );
    const applied: Migration[] = [];
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        // Applied files are history: a change would never reach existing databases.
        if (checksum !== m.checksum)
          log.warn("applied migration changed on disk", { version: m.version, name: m.name });
        continue;
      }
      await tx.exec(m.sql);
      await tx.query("insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", [
        m.version,
        m.name,
        m.checksum,
      ]);
      applied.push(m);
      log.info("migration applied", { version: m.version, name: m.name });
    }
    const [row] = await tx.query<{ version: number | null }>(
      "select max(version) as version from schema_migrations",
    );
    return { applied, version: row?.version ?? 0 };
  });
}
