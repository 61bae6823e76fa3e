/**
 * Once per `vitest run`: a real PostgreSQL server for the storage suite
 * (TEST_DATABASE_URL if given, else a throwaway one from the machine's
 * binaries) and an initialised PGlite cluster that tests copy instead of
 * paying PGlite's initdb (several seconds) each time.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { TestProject } from "vitest/node";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "./helpers/postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URL of the real server, or null when the real-server half is skipped. */
    pgAdminUrl: string | null;
    pgSkipReason: string | null;
    pgliteTemplate: string;
  }
}

function warnLoudly(reason: string): void {
  const bar = "!".repeat(78);
  console.warn(
    [
      "",
      bar,
      "!! STORAGE SUITE: THE REAL POSTGRESQL HALF IS SKIPPED",
      `!! Reason: ${reason}`,
      "!! Only PGlite was tested. Install the postgresql server package, or set",
      "!! TEST_DATABASE_URL to a server where the user may CREATE DATABASE.",
      bar,
      "",
    ].join("\n"),
  );
}

async function realServer(): Promise<{
  server: PostgresServer | null;
  url: string | null;
  reason: string | null;
}> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) return { server: null, url: given, reason: null };
  const bins = findPostgresBinaries();
  if ("reason" in bins) return { server: null, url: null, reason: bins.reason };
  try {
    const server = await startPostgres(bins.binDir);
    return { server, url: server.url, reason: null };
  } catch (e) {
    return {
      server: null,
      url: null,
      reason: `le serveur PostgreSQL jetable n'a pas démarré : ${(e as Error).message}`,
    };
  }
}

async function pgliteTemplate(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "certibot-pglite-template-"));
  const pglite = await PGlite.create(join(root, "pg"));
  await pglite.close();
  return root;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [real, template] = await Promise.allSettled([realServer(), pgliteTemplate()]);
  if (real.status === "rejected" || template.status === "rejected") {
    if (real.status === "fulfilled") await real.value.server?.destroy();
    if (template.status === "fulfilled") await rm(template.value, { recursive: true, force: true });
    throw real.status === "rejected" ? real.reason : (template as PromiseRejectedResult).reason;
  }
  return provideAll(project, real.value, template.value);
}

function provideAll(
  project: TestProject,
  real: Awaited<ReturnType<typeof realServer>>,
  templateRoot: string,
): () => Promise<void> {
  project.provide("pgliteTemplate", join(templateRoot, "pg"));
  project.provide("pgAdminUrl", real.url);
  project.provide("pgSkipReason", real.reason);
  if (real.reason) warnLoudly(real.reason);
  return async () => {
    // Again at the end, next to the summary, where it cannot scroll away.
    if (real.reason) warnLoudly(real.reason);
    await real.server?.destroy();
    await rm(templateRoot, { recursive: true, force: true });
  };
}
