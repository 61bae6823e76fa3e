/**
 * Faults under load, longer than the tests: `certibot serve` replicas as real
 * processes against a throwaway PostgreSQL from the machine's binaries and the
 * fake Slack answering slowly, with Slack's delivery rules (a 2xx is never
 * redelivered, anything else is). Prints sent / acknowledged / answered /
 * lost / duplicated per scenario:
 *   - kill -9 of one of 3 replicas at --rate events/s (default 30);
 *   - PostgreSQL restarted (pg_ctl restart -m fast) twice at --pg-rate (50);
 *   - a scheduled run killed between its post and its record, re-run after its lease.
 * Usage: npm run bench:faults [-- --events 300 --rate 30 --pg-rate 50 --slack-delay-ms 400]
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { startCli } from "../test/helpers/cli.js";
import { FakeSlack } from "../test/helpers/fake-slack.js";
import { createDatabase, findPostgresBinaries, startPostgres } from "../test/helpers/postgres.js";
import { type LoadResult, ServeReplica, SlackLoad } from "../test/helpers/replicas.js";
import { SIGNING_SECRET } from "../test/helpers/slack-requests.js";
import { tempDir } from "../test/helpers/temp.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const events = arg("events", 300);
const only = process.argv.includes("--jobs-only");
const rate = arg("rate", 30);
const pgRate = arg("pg-rate", 50);
const slackDelay = arg("slack-delay-ms", 400);

const bins = findPostgresBinaries();
if ("reason" in bins) {
  console.error(`bench:faults needs the PostgreSQL server binaries: ${bins.reason}`);
  process.exit(1);
}
const server = await startPostgres(bins.binDir);
const fake = await new FakeSlack().start();
const dir = await tempDir("certibot-bench-faults-");
const replicas: ServeReplica[] = [];

const envFor = (url: string, extra: Record<string, string> = {}) => ({
  CERTIBOT_DATA_DIR: dir.path,
  DATABASE_URL: url,
  SLACK_BOT_TOKEN: "xoxb-test",
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.apiUrl,
  CERTIBOT_EVENT_LEASE_S: "5",
  CERTIBOT_LOG_LEVEL: "error",
  ...extra,
});

async function query<T>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows as T[];
  } finally {
    await c.end();
  }
}

async function drained(load: SlackLoad, url: string): Promise<void> {
  await load.settled();
  const deadline = Date.now() + 180_000;
  for (;;) {
    const [row] = await query<{ n: number }>(
      url,
      "select count(*)::int as n from inbound_events where state in ('received', 'processing')",
    );
    if (row!.n === 0 && load.allAnswered()) return;
    if (Date.now() > deadline) return; // reported as lost below
    await sleep(200);
  }
}

function report(name: string, r: LoadResult, extra = ""): void {
  console.log(
    `${name}: sent ${r.sent}, acknowledged ${r.acked}, answered ${r.answered}, lost ${r.lost}, duplicated ${r.duplicated}, apologies ${r.apologies}${extra}`,
  );
}

async function startReplicas(n: number, env: Record<string, string>): Promise<ServeReplica[]> {
  const first = await ServeReplica.start(env);
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => ServeReplica.start(env)));
  replicas.push(first, ...rest);
  return [first, ...rest];
}

async function stopAll(): Promise<void> {
  await Promise.all(replicas.splice(0).map((r) => r.stop()));
  fake.reset();
}

try {
  if (!only) {
    const db = await createDatabase(server.url);
    fake.delays.set("chat.postMessage", slackDelay);
    const rs = await startReplicas(3, envFor(db.url));
    const alive = new Set(rs);
    const load = new SlackLoad(fake, () => [...alive].map((r) => r.port), { redeliverShare: 0.1 });
    await load.fire(events, rate, async (i) => {
      if (i === Math.floor(events / 3)) {
        alive.delete(rs[0]!);
        await rs[0]!.kill();
      }
    });
    await drained(load, db.url);
    const [t] = await query<{ n: number }>(
      db.url,
      "select count(*)::int as n from inbound_events where attempts > 1",
    );
    report(`kill -9 of 1 of 3 replicas at ${rate}/s`, load.result(), `, taken over ${t!.n}`);
    await stopAll();
    await db.drop();
  }
  if (!only) {
    const db = await createDatabase(server.url);
    fake.delays.set("chat.postMessage", Math.min(slackDelay, 100));
    const rs = await startReplicas(3, envFor(db.url));
    const load = new SlackLoad(fake, () => rs.map((r) => r.port), { redeliverShare: 0.1 });
    // One restart after the other (pg_ctl runs on one data dir), without holding the load back.
    let restarts: Promise<void> = Promise.resolve();
    const t0 = performance.now();
    let restartMs = 0;
    await load.fire(events, pgRate, (i) => {
      if (i === Math.floor(events / 3) || i === Math.floor((2 * events) / 3)) {
        restarts = restarts.then(async () => {
          const s = performance.now();
          await server.restart("fast");
          restartMs += performance.now() - s;
        });
      }
    });
    await restarts;
    await drained(load, db.url);
    const refused = load.sent.filter((s) => s.deliveries > 1).length;
    report(
      `PostgreSQL restarted twice at ${pgRate}/s`,
      load.result(),
      `, ${refused} needed a redelivery, restarts took ${Math.round(restartMs / 2)} ms each, run ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await stopAll();
    await db.drop();
  }
  {
    const db = await createDatabase(server.url);
    const env = { ...envFor(db.url), CERTIBOT_JOB_LEASE_S: "1" };
    const cli = (args: string[]) => {
      const { child, done } = startCli(args, { env });
      return {
        child,
        done: done.then((r) => {
          if (r.code !== 0 && r.signal !== "SIGKILL")
            console.error(`certibot ${args.join(" ")}: exit ${r.code}\n${r.stderr}`);
          return r.stdout;
        }),
      };
    };
    const rounds = 5;
    let posted = 0;
    for (let k = 0; k < rounds; k++) {
      const name = `bench-${k}`;
      await cli([
        "session",
        "create",
        name,
        `agate=${4000 + k}`,
        `canal=C0JOBS${"ABCDEFGHIJ"[k]}`,
        "lancement=2023-10-02",
        "fin-prairie=2024-01-05",
        "debut-session=2025-05-05",
        "fin-session=2025-05-09",
      ]).done;
    }
    for (let k = 0; k < rounds; k++) {
      const at = `2025-04-${String(14 + k).padStart(2, "0")}T09:00`;
      const first = cli(["jobs", "run", "session-alerts", "--at", at]);
      fake.onCall = (c) => {
        if (c.method === "chat.postMessage") first.child.kill("SIGKILL");
      };
      await first.done;
      fake.onCall = null;
      for (;;) {
        const [row] = await query<{ n: number }>(
          db.url,
          "select count(*)::int as n from job_runs where status = 'running' and lease_until > now()",
        );
        if (row!.n === 0) break;
        await sleep(100);
      }
      await cli(["jobs", "run", "session-alerts", "--at", at]).done;
    }
    posted = fake.callsTo("chat.postMessage").length;
    const distinct = new Set(
      fake.messages.map((m) => JSON.stringify((m.metadata as { event_payload?: unknown })?.event_payload)),
    ).size;
    const [open] = await query<{ n: number }>(
      db.url,
      "select count(*)::int as n from job_runs where status <> 'done'",
    );
    console.log(
      `scheduled runs killed between post and record, re-run after the lease (${rounds} rounds): posts ${posted}, distinct ${distinct}, duplicated ${posted - distinct}, claims not done ${open!.n}`,
    );
    await stopAll();
    await db.drop();
  }
} finally {
  await stopAll();
  await fake.stop();
  await server.destroy();
  await dir.cleanup();
}
