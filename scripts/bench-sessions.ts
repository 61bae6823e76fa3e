/**
 * Sessions speed, measured (not asserted): on PGlite in a temporary data dir
 * (or on BENCH_DATABASE_URL, a scratch PostgreSQL database — never the bot's), creates
 * N sessions of 30 candidates through the same command path as Slack, then
 * prints the median and p95 of roster import, /session status and PV export,
 * the duration of one alert tick over every session; then, with 8 weeks of
 * veille logged in the first 20 sessions, /veille status (staff table and a
 * candidate's own view) and one reminder and one digest tick.
 * Usage: npm run bench:sessions [-- --sessions 100]
 */
import { loadConfig } from "../src/config.js";
import { openMigratedDb } from "../src/db/db.js";
import type { Notifier } from "../src/jobs/notifier.js";
import { runOccurrence } from "../src/jobs/runner.js";
import { silentLogger } from "../src/log.js";
import { loadDeliverables } from "../src/reports/deliverables.js";
import { CLI_ACTOR } from "../src/sessions/access.js";
import { sessionAlertsJob } from "../src/sessions/alert-job.js";
import { runSessionCommand } from "../src/sessions/commands.js";
import { loadSessionKnowledge } from "../src/sessions/service.js";
import { allSessions } from "../src/sessions/store.js";
import { veilleDigestJob } from "../src/veille/digest-job.js";
import { veilleReminderJob } from "../src/veille/reminder-job.js";
import { logVeille, veilleStatus } from "../src/veille/service.js";
import { tempDir } from "../test/helpers/temp.js";
import { percentile } from "./percentile.js";

const i = process.argv.indexOf("--sessions");
const count = i >= 0 ? Number(process.argv[i + 1]) : 100;
const scratchUrl = process.env.BENCH_DATABASE_URL;
const dir = await tempDir("certibot-bench-sessions-");
const { DATABASE_URL: _ignored, ...env } = process.env;
const config = loadConfig({
  ...env,
  CERTIBOT_DATA_DIR: dir.path,
  ...(scratchUrl ? { DATABASE_URL: scratchUrl } : {}),
});
const db = await openMigratedDb(config, silentLogger);
// PGlite creating a fresh cluster (initdb) is most of the peak: shown apart.
const rssAfterOpen = Math.round(process.resourceUsage().maxRSS / 1024);
const rssNow = () => Math.round(process.memoryUsage().rss / 1_048_576);

const fmt = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;

try {
  const knowledge = await loadSessionKnowledge(config.knowledgeDir, config.defaultReferential);
  const deliverables = await loadDeliverables(config.knowledgeDir);
  const now = new Date("2025-04-14T07:00:00Z");
  const run = (text: string) =>
    runSessionCommand(text, {
      deps: { db, knowledge },
      actor: CLI_ACTOR,
      channelId: null,
      now,
      deliverables,
      resolveEmail: async (email) => `UB${email.slice(1, email.indexOf("@"))}X${current}`,
    });
  let current = 0;
  const names = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
  ];
  const firsts = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Jules"];
  // Candidates have e-mails the resolver maps to Slack ids, as users.lookupByEmail would.
  const csv = `nom;prenom;email\n${Array.from({ length: 30 }, (_, k) => `${names[k % 10]};${firsts[k % 6]}${k};u${k}@bench.test`).join("\n")}`;

  const imports: number[] = [];
  const statuses: number[] = [];
  const pvs: number[] = [];
  for (let s = 0; s < count; s++) {
    const name = `bench-${s}`;
    current = s;
    await run(
      `create ${name} agate=${3000 + s} canal=C0BENCH${s} lancement=2023-10-02 fin-prairie=2024-01-05 debut-session=2025-05-05 fin-session=2025-05-09`,
    );
    let t = performance.now();
    await run(`roster import session=${name}\n${csv}`);
    imports.push(performance.now() - t);
    t = performance.now();
    await run(`status ${name}`);
    statuses.push(performance.now() - t);
    t = performance.now();
    await run(`pv ${name}`);
    pvs.push(performance.now() - t);
  }
  let posted = 0;
  const other = async () => {
    throw new Error("bench:sessions only runs the deadline alerts");
  };
  const notifier: Notifier = {
    async deadlineAlerts() {
      posted++;
    },
    veilleReminder: other,
    veilleDigest: other,
    veilleFeedProblems: other,
  };
  const t = performance.now();
  const outcome = await runOccurrence(sessionAlertsJob, now, { db, config, log: silentLogger, notifier });
  const tick = performance.now() - t;
  // The next tick finds every alert already sent: what most ticks cost.
  const t1 = performance.now();
  await runOccurrence(sessionAlertsJob, new Date(now.getTime() + 15 * 60_000), {
    db,
    config,
    log: silentLogger,
    notifier,
  });
  const quietTick = performance.now() - t1;

  console.log(`bench:sessions — ${count} sessions × 30 candidates, ${db.kind}`);
  console.log(`  roster import (30 rows): ${fmt(imports)}`);
  console.log(`  /session status:        ${fmt(statuses)}`);
  console.log(`  PV export:               ${fmt(pvs)}`);
  console.log(
    `  alert tick:              ${tick.toFixed(0)} ms for ${count} sessions (${(tick / count).toFixed(1)} ms/session), ${posted} posts, ${outcome.status}`,
  );
  console.log(`  next alert tick (all sent): ${quietTick.toFixed(0)} ms, ${posted} posts in all`);

  // Veille: 8 weeks before the Monday of `now`, one or two entries per candidate and week, some weeks skipped.
  const veilleSessions = Math.min(count, 20);
  const monday = new Date("2025-04-14T07:00:00Z");
  const sessions = (await allSessions(db)).filter((s) => Number(s.name.slice(6)) < veilleSessions);
  let logged = 0;
  const logTimes: number[] = [];
  for (const session of sessions) {
    const s = Number(session.name.slice(6));
    for (let w = 1; w <= 8; w++)
      for (let k = 0; k < 30; k++) {
        if ((k + w) % 5 === 0) continue;
        const t0 = performance.now();
        await logVeille(
          db,
          { id: `UB${k}X${s}`, admin: false },
          session,
          {
            duration: k % 3 ? "1h" : "45min",
            title: `Lecture ${w}-${k}`,
            url: "https://example.org/a",
            takeaways: ["un point"],
          },
          new Date(monday.getTime() - w * 7 * 86_400_000 + 3 * 3_600_000),
        );
        logTimes.push(performance.now() - t0);
        logged++;
      }
  }
  const tables: number[] = [];
  const owns: number[] = [];
  for (const session of sessions) {
    const s = Number(session.name.slice(6));
    let t0 = performance.now();
    await veilleStatus(db, CLI_ACTOR, session, monday);
    tables.push(performance.now() - t0);
    t0 = performance.now();
    await veilleStatus(db, { id: `UB3X${s}`, admin: false }, session, monday);
    owns.push(performance.now() - t0);
  }
  let reminders = 0;
  let digests = 0;
  const counting: Notifier = {
    deadlineAlerts: other,
    async veilleReminder() {
      reminders++;
    },
    async veilleDigest() {
      digests++;
    },
    async veilleFeedProblems() {},
  };
  let t0 = performance.now();
  await runOccurrence(veilleReminderJob, monday, { db, config, log: silentLogger, notifier: counting });
  const reminderTick = performance.now() - t0;
  t0 = performance.now();
  await runOccurrence(veilleReminderJob, new Date(monday.getTime() + 15 * 60_000), {
    db,
    config,
    log: silentLogger,
    notifier: counting,
  });
  const quietReminderTick = performance.now() - t0;
  const friday = new Date("2025-04-18T15:00:00Z");
  t0 = performance.now();
  await runOccurrence(veilleDigestJob, friday, { db, config, log: silentLogger, notifier: counting });
  const digestTick = performance.now() - t0;
  console.log(`  veille log (${logged} entries):  ${fmt(logTimes)}`);
  console.log(`  /veille status, staff table (30 candidates × 8 weeks): ${fmt(tables)}`);
  console.log(`  /veille status, own view:  ${fmt(owns)}`);
  console.log(
    `  reminder tick:           ${reminderTick.toFixed(0)} ms, ${reminders} reminders (${count} sessions); next tick ${quietReminderTick.toFixed(0)} ms`,
  );
  console.log(`  digest tick:             ${digestTick.toFixed(0)} ms, ${digests} digests`);
  console.log(
    `  RSS: peak ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (${rssAfterOpen} MB already after opening the ${db.kind} database), ${rssNow()} MB at the end`,
  );
} finally {
  await db.close();
  await dir.cleanup();
}
