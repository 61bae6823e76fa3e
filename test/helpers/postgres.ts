import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const DEBIAN_ROOT = "/usr/lib/postgresql";

/**
 * Where the PostgreSQL server binaries are, or why the real-server half of
 * the storage suite cannot run.
 */
export function findPostgresBinaries(): { binDir: string } | { reason: string } {
  const hasServer = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((t) => existsSync(join(dir, t)));
  try {
    const binDir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (hasServer(binDir)) return { binDir };
  } catch {
    // No pg_config on PATH: look where Debian and Ubuntu install the server.
  }
  const versions = existsSync(DEBIAN_ROOT)
    ? readdirSync(DEBIAN_ROOT)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    const binDir = join(DEBIAN_ROOT, v, "bin");
    if (hasServer(binDir)) return { binDir };
  }
  return { reason: "binaires du serveur PostgreSQL (initdb, pg_ctl, postgres) introuvables" };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface PostgresServer {
  /** Superuser URL on the `postgres` database. */
  readonly url: string;
  stop(mode?: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  /** Stops the server (dropping every connection) and starts it again on the same port. */
  restart(mode?: "fast" | "immediate"): Promise<void>;
  /** Stops the server and deletes its files. */
  destroy(): Promise<void>;
}

/**
 * A throwaway PostgreSQL cluster in a temporary directory, listening on
 * 127.0.0.1 only. initdb refuses to run as root, so as root every server
 * command runs as the `postgres` system user.
 */
export async function startPostgres(
  binDir: string,
  opts: { password?: string } = {},
): Promise<PostgresServer> {
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "certibot-pg-"));
  const data = join(dir, "data");
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  const owner = asRoot ? { uid: id("-u"), gid: id("-g") } : null;
  if (owner) await chown(dir, owner.uid, owner.gid);
  await chmod(dir, 0o700);

  const pgTool = (tool: string, args: string[]) => {
    const cmd = join(binDir, tool);
    // cwd "/": the postgres user may not be allowed into the test's directory.
    return asRoot
      ? run("runuser", ["-u", "postgres", "--", cmd, ...args], { cwd: "/" })
      : run(cmd, args, { cwd: "/" });
  };

  const initArgs = ["-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"];
  if (opts.password) {
    const pwfile = join(dir, "pwfile");
    await writeFile(pwfile, `${opts.password}\n`, { mode: 0o600 });
    if (owner) await chown(pwfile, owner.uid, owner.gid);
    initArgs.push("-A", "scram-sha-256", `--pwfile=${pwfile}`);
  } else {
    initArgs.push("-A", "trust");
  }
  try {
    await pgTool("initdb", initArgs);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }

  let port = 0;
  const start = async () => {
    await pgTool("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "log"),
      "-w",
      "-t",
      "30",
      "-o",
      `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
      "start",
    ]);
  };
  // The free port may be taken between the probe and the start: try another.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (e) {
      if (attempt >= 3) {
        await rm(dir, { recursive: true, force: true });
        throw e;
      }
    }
  }
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    await pgTool("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]);
  };
  const auth = opts.password ? `postgres:${encodeURIComponent(opts.password)}` : "postgres";
  return {
    url: `postgres://${auth}@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async restart(mode = "fast") {
      await stop(mode);
      await start();
    },
    async destroy() {
      await stop("immediate").catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A new empty database on the server, so test files never see each other's rows. */
export async function createDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `certibot_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
