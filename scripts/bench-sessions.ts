/**
 * Sessions speed, measured (not asserted): on PGlite in a temporary data dir
 * (or on BENCH_DATABASE_URL, a scratch PostgreSQL database — never the bot's), creates
 * N sessions of 30 candidates through the same command path as Slack, then
 * prints the median and p95 of roster import, /session status and PV export,
 * and the duration of one alert tick over every session.
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
import { tempDir } from "../test/helpers/temp.js";

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

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;

try {
  const knowledge = await loadSessionKnowledge(config.knowledgeDir, config.defaultReferential);
  const deliverableIds = (await loadDeliverables(config.knowledgeDir)).map((d) => d.id);
  const now = new Date("2025-04-14T07:00:00Z");
  const run = (text: string) =>
    runSessionCommand(text, {
      deps: { db, knowledge },
      actor: CLI_ACTOR,
      channelId: null,
      now,
      deliverableIds,
      resolveEmail: null,
    });
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
  const csv = `nom;prenom;email\n${Array.from({ length: 30 }, (_, k) => `${names[k % 10]};${firsts[k % 6]}${k};`).join("\n")}`;

  const imports: number[] = [];
  const statuses: number[] = [];
  const pvs: number[] = [];
  for (let s = 0; s < count; s++) {
    const name = `bench-${s}`;
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

  console.log(`bench:sessions — ${count} sessions × 30 candidates, ${db.kind}`);
  console.log(`  roster import (30 rows): ${fmt(imports)}`);
  console.log(`  /session status:        ${fmt(statuses)}`);
  console.log(`  PV export:               ${fmt(pvs)}`);
  console.log(
    `  alert tick:              ${tick.toFixed(0)} ms for ${count} sessions (${(tick / count).toFixed(1)} ms/session), ${posted} posts, ${outcome.status}`,
  );
  console.log(`  peak RSS:                ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
} finally {
  await db.close();
  await dir.cleanup();
}
