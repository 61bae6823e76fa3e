/**
 * A separate process touching the database the way a bot replica or the CLI
 * would, for the concurrency and crash tests. Configured by its environment
 * (CERTIBOT_DATA_DIR, DATABASE_URL) like the real thing.
 *
 *   db-worker.ts <action> [args…]
 *
 * Prints "ready" once set up, waits for "go" on stdin (so the parent can
 * release several workers at the same instant), then prints
 * "result <json>". With a server the connection is opened before "ready";
 * PGlite is opened after "go", since it admits one process at a time.
 */
import { createInterface } from "node:readline";
import { loadConfig } from "../../src/config.js";
import { type Db, openDb } from "../../src/db/db.js";
import { storeEvent } from "../../src/db/inbound-events.js";
import { claim } from "../../src/db/job-claims.js";
import { migrate } from "../../src/db/migrate.js";
import { heartbeatJob } from "../../src/jobs/heartbeat-job.js";
import { runOccurrence } from "../../src/jobs/runner.js";
import { silentLogger } from "../../src/log.js";

const [action, ...args] = process.argv.slice(2);
const config = loadConfig(process.env);

async function act(db: Db): Promise<unknown> {
  switch (action) {
    case "migrate": {
      const r = await migrate(db, silentLogger);
      return { applied: r.applied.map((m) => m.version), version: r.version };
    }
    case "claim": {
      const r = await claim(db, args[0]!, args[1]!, { scheduledFor: new Date(), leaseMs: 60_000 });
      return { won: r.won };
    }
    case "seen-event":
      return { seen: !(await storeEvent(db, args[0]!, {})) };
    case "heartbeat-fails": {
      // The heartbeat as it would run if its work threw (a bug, a bad row).
      const broken = {
        ...heartbeatJob,
        run: async () => {
          throw new Error("panne simulée du heartbeat");
        },
      };
      return runOccurrence(broken, new Date(args[0]!), { db, config, log: silentLogger });
    }
    case "heartbeat-crashes": {
      // Claims the occurrence, then dies before recording any outcome, as a
      // replica killed mid-run would.
      const at = new Date(args[0]!);
      const r = await claim(db, heartbeatJob.name, heartbeatJob.occurrenceKey(at), {
        scheduledFor: at,
        leaseMs: heartbeatJob.leaseMs,
      });
      process.stdout.write(`result ${JSON.stringify({ won: r.won })}\n`, () => process.exit(137));
      return new Promise(() => {});
    }
    case "hold":
      // Keeps the database open until killed.
      await db.query("select 1");
      process.stdout.write("result {}\n");
      return new Promise(() => {});
    default:
      throw new Error(`unknown action ${action}`);
  }
}

const early = config.databaseUrl ? await openDb(config, silentLogger) : null;
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== "go") continue;
  const db = early ?? (await openDb(config, silentLogger));
  try {
    const result = await act(db);
    process.stdout.write(`result ${JSON.stringify(result)}\n`);
  } finally {
    await db.close();
  }
  break;
}
lines.close();
