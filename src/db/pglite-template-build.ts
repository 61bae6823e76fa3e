import { rm, writeFile } from "node:fs/promises";
import { silentLogger } from "../log.js";
import { migrate } from "./migrate.js";
import { openPgliteDb } from "./pglite-db.js";
import { CLUSTER_TEMPLATE, TEMPLATE_STAMP, templateStamp, templateUsable } from "./pglite-template.js";

/**
 * Build step: the embedded cluster template, made with PGlite's initdb and
 * migrated, unless one made by this PGlite with these migrations is there.
 */
export async function buildTemplate(): Promise<"made" | "kept"> {
  if (await templateUsable()) return "kept";
  await rm(TEMPLATE_STAMP, { force: true });
  await rm(CLUSTER_TEMPLATE, { recursive: true, force: true });
  const db = await openPgliteDb(CLUSTER_TEMPLATE, silentLogger, { lockWaitMs: 0 });
  try {
    await migrate(db, silentLogger);
  } finally {
    await db.close();
  }
  await writeFile(TEMPLATE_STAMP, `${await templateStamp()}\n`);
  return "made";
}
