import { createHash } from "node:crypto";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PACKAGE_ROOT } from "../config.js";
import { loadMigrations } from "./migrate.js";

/**
 * PGlite's own initdb is the expensive part of the embedded database: about
 * 850 MB of memory and several seconds, once per data dir. Instead a fresh
 * cluster is made once, when the package is built (`npm ci` runs the build),
 * with the schema migrated, and a first start copies it: well under a second
 * and no peak.
 */
export const CLUSTER_TEMPLATE = join(PACKAGE_ROOT, "dist", "pglite-cluster");
export const TEMPLATE_STAMP = `${CLUSTER_TEMPLATE}.version`;

/**
 * The memory PGlite's Postgres may use, sized for a small bot: 16 MB of
 * shared buffers instead of 128 (the WASM heap only grows), small work areas.
 * Holds an opened database near 220 MB of RSS instead of 330.
 */
export const PGLITE_START_PARAMS = [
  ...PGlite.defaultStartParams,
  "-c",
  "shared_buffers=16MB",
  "-c",
  "temp_buffers=2MB",
  "-c",
  "work_mem=4MB",
  "-c",
  "maintenance_work_mem=16MB",
  "-c",
  "wal_buffers=512kB",
];

/** The installed PGlite's version: a template made by another one is not used. */
export function pgliteVersion(): string {
  const entry = fileURLToPath(import.meta.resolve("@electric-sql/pglite"));
  const pkg = join(dirname(entry), "..", "package.json");
  return (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version;
}

/** What a template must have been made with: this PGlite, and these very migrations. */
export async function templateStamp(): Promise<string> {
  const sums = (await loadMigrations()).map((m) => `${m.version}:${m.checksum}`).join(",");
  return `${pgliteVersion()} ${createHash("sha256").update(sums).digest("hex").slice(0, 16)}`;
}

/** Whether a template made by this PGlite, with these migrations, is there to copy. */
export async function templateUsable(): Promise<boolean> {
  if (!existsSync(join(CLUSTER_TEMPLATE, "PG_VERSION"))) return false;
  const stamp = await readFile(TEMPLATE_STAMP, "utf8").catch(() => "");
  return stamp.trim() === (await templateStamp());
}

/**
 * Fills an absent or empty data dir from the template: copied beside it, then
 * renamed into place, so a crash mid-copy never leaves a half cluster there.
 * Returns false when there is no usable template (PGlite then runs initdb).
 */
export async function seedFromTemplate(dir: string): Promise<boolean> {
  if (!(await templateUsable())) return false;
  const staging = `${dir}.seed-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  // cpSync, not fs/promises' cp: the cluster is ~1,100 small files, which the promise version
  // copies one await at a time (about 0.9 s against 0.15 s), and nothing else runs yet.
  cpSync(CLUSTER_TEMPLATE, staging, { recursive: true });
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return true;
}
