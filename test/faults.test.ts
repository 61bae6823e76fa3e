/**
 * Nothing acknowledged is lost or sent twice, whatever process or database
 * dies: `certibot serve` replicas as real processes on loopback, a real
 * PostgreSQL of their own (restarted under load), the fake Slack answering
 * slowly, and Slack's delivery rules (a 2xx is never redelivered, anything
 * else is). Each test waits on outcomes, never on time.
 */
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCli } from "./helpers/cli.js";
import { FakeSlack } from "./helpers/fake-slack.js";
import {
  createDatabase,
  findPostgresBinaries,
  type PostgresServer,
  startPostgres,
} from "./helpers/postgres.js";
import { ServeReplica, SlackLoad } from "./helpers/replicas.js";
import { SIGNING_SECRET, until } from "./helpers/slack-requests.js";
import { tempDir } from "./helpers/temp.js";

const bins = findPostgresBinaries();
if ("reason" in bins) console.warn(`!! fault tests SKIPPED: no PostgreSQL binaries (${bins.reason})`);

describe.runIf("binDir" in bins)(
  "faults under load (serve replicas, real PostgreSQL, slow fake Slack)",
  () => {
    let server: PostgresServer;
    const fake = new FakeSlack();
    let dir: Awaited<ReturnType<typeof tempDir>>;
    let database: Awaited<ReturnType<typeof createDatabase>>;
    const replicas: ServeReplica[] = [];

    beforeAll(async () => {
      // Its own server: restarting it disturbs no other test file.
      if ("binDir" in bins) server = await startPostgres(bins.binDir);
      await fake.start();
      dir = await tempDir();
    });
    afterEach(async () => {
      await Promise.all(replicas.splice(0).map((r) => r.stop()));
      fake.reset();
      await database?.drop();
    });
    afterAll(async () => {
      await fake.stop();
      await server?.destroy();
      await dir?.cleanup();
    });

    const envFor = (url: string, extra: Record<string, string> = {}) => ({
      CERTIBOT_DATA_DIR: dir.path,
      DATABASE_URL: url,
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      CERTIBOT_EVENT_LEASE_S: "3",
      CERTIBOT_LOG_LEVEL: "warn",
      ...extra,
    });

    async function startReplicas(n: number, env: Record<string, string>): Promise<ServeReplica[]> {
      // The first one builds the shared index; the others then only read it.
      const first = await ServeReplica.start(env);
      const rest = await Promise.all(Array.from({ length: n - 1 }, () => ServeReplica.start(env)));
      replicas.push(first, ...rest);
      return [first, ...rest];
    }

    async function pending(url: string): Promise<number> {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const r = await c.query(
          "select count(*)::int as n from inbound_events where state in ('received', 'processing')",
        );
        return r.rows[0].n as number;
      } finally {
        await c.end();
      }
    }

    async function takenOver(url: string): Promise<number> {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query("select count(*)::int as n from inbound_events where attempts > 1")).rows[0]
          .n as number;
      } finally {
        await c.end();
      }
    }

    it("kill -9 of one of 3 replicas at 30 events/s: 0 lost, 0 duplicated", async () => {
      database = await createDatabase(server.url);
      fake.delays.set("chat.postMessage", 400);
      const rs = await startReplicas(3, envFor(database.url));
      const alive = new Set(rs);
      const load = new SlackLoad(fake, () => [...alive].map((r) => r.port), { redeliverShare: 0.1 });
      await load.fire(75, 30, async (i) => {
        if (i === 30) {
          alive.delete(rs[0]!);
          await rs[0]!.kill();
        }
      });
      await load.settled();
      await until(() => load.allAnswered(), "every acknowledged mention to be answered", 45_000);
      await until(async () => (await pending(database.url)) === 0, "the inbox to drain", 20_000);
      const r = load.result();
      expect(r).toMatchObject({ sent: 75, acked: 75, lost: 0, duplicated: 0, apologies: 0 });
      // The dead replica's events in hand were taken over by the others.
      expect(await takenOver(database.url)).toBeGreaterThan(0);
    }, 60_000);

    it("PostgreSQL restarted under 50 events/s, then down for a while: 0 lost, 0 duplicated, /healthz 503 meanwhile", async () => {
      database = await createDatabase(server.url);
      fake.delays.set("chat.postMessage", 100);
      const rs = await startReplicas(2, envFor(database.url));
      const load = new SlackLoad(fake, () => rs.map((r) => r.port));
      let restart: Promise<void> | undefined;
      await load.fire(60, 50, (i) => {
        if (i === 20) restart = server.restart("fast");
      });
      await restart;

      // Down for longer than a store retries: deliveries fail (Slack will redeliver), health says so.
      await server.stop("fast");
      const health = await fetch(`http://127.0.0.1:${rs[1]!.port}/healthz`);
      expect(health.status).toBe(503);
      const before = load.sent.length;
      const late = load.fire(5, 50);
      await until(
        () => load.sent.length === before + 5 && load.sent.slice(before).every((s) => s.deliveries >= 2),
        "deliveries during the outage to be refused",
        20_000,
      );
      expect(load.sent.slice(before).some((s) => s.acked)).toBe(false);
      await server.start();
      await late;
      await load.settled();
      expect((await fetch(`http://127.0.0.1:${rs[0]!.port}/healthz`)).status).toBe(200);
      await until(() => load.allAnswered(), "every acknowledged mention to be answered", 45_000);
      await until(async () => (await pending(database.url)) === 0, "the inbox to drain", 20_000);
      expect(load.result()).toMatchObject({ sent: 65, acked: 65, lost: 0, duplicated: 0, apologies: 0 });
    }, 60_000);

    it("a job run killed between its post and its record is not posted twice; a busy occurrence exits 0", async () => {
      database = await createDatabase(server.url);
      const env = { ...envFor(database.url), CERTIBOT_JOB_LEASE_S: "1" };
      const cli = (args: string[]) => startCli(args, { env });
      const created = await cli([
        "session",
        "create",
        "dev-ia-2023",
        "agate=3006",
        "canal=C0PROMO",
        "lancement=2023-10-02",
        "fin-prairie=2024-01-05",
        "debut-session=2025-05-05",
        "fin-session=2025-05-09",
      ]).done;
      expect(created.code).toBe(0);

      const run = () => cli(["jobs", "run", "session-alerts", "--at", "2025-04-14T09:00"]);
      // Killed the moment Slack has the alert: it was posted, and never recorded.
      const first = run();
      fake.onCall = (call) => {
        if (call.method === "chat.postMessage") first.child.kill("SIGKILL");
      };
      expect((await first.done).signal).toBe("SIGKILL");
      fake.onCall = null;
      expect(fake.callsTo("chat.postMessage")).toHaveLength(1);

      const c = new pg.Client({ connectionString: database.url });
      await c.connect();
      try {
        await until(
          async () =>
            (
              await c.query(
                "select count(*)::int as n from job_runs where status = 'running' and lease_until > now()",
              )
            ).rows[0].n === 0,
          "the killed run's leases to expire",
        );
        const again = await run().done;
        expect(again.stderr).toBe("");
        expect(again.code).toBe(0);
        expect(again.stdout).toMatch(/exécutée \(tentative 2\)/);
        // It looked in the channel, found its post, and recorded it instead of posting again.
        expect(fake.callsTo("conversations.history").length).toBeGreaterThan(0);
        expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
        const runs = await c.query("select status from job_runs where job_name = 'session-alert'");
        expect(runs.rows.length).toBeGreaterThan(0);
        expect(runs.rows.every((r) => r.status === "done")).toBe(true);

        // Another process holds an occurrence: a clear line, exit 0 (a cron wrapper must not alarm).
        await c.query(
          `insert into job_runs (job_name, occurrence_key, status, scheduled_for, lease_until, claimed_by)
         values ('session-alerts', '2025-04-14T09:15Z', 'running', now(), now() + interval '1 hour', 'autre-hôte:4242')`,
        );
        const busy = await cli(["jobs", "run", "session-alerts", "--at", "2025-04-14T09:15Z"]).done;
        expect(busy.code).toBe(0);
        expect(busy.stdout).toMatch(/déjà prise par un autre processus — en cours .* sur autre-hôte:4242/);
        expect(fake.callsTo("chat.postMessage")).toHaveLength(1);
      } finally {
        await c.end();
      }
    }, 60_000);
  },
);
