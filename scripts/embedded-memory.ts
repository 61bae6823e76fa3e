/**
 * Memory and first start of the embedded default (PGlite), measured on real
 * processes of the built CLI (`npm run build` first): `serve` on an empty
 * data dir answering `questions` mentions, then a few CLI commands on the
 * same data. Peak is the process's own max RSS; held is its RSS once the
 * answers are in. Used by bench:slack.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PACKAGE_ROOT } from "../src/config.js";
import { startCli } from "../test/helpers/cli.js";
import type { FakeSlack } from "../test/helpers/fake-slack.js";
import { eventBody, postJson, slackTestEnv } from "../test/helpers/slack-requests.js";
import { tempDir } from "../test/helpers/temp.js";

const BIN = join(PACKAGE_ROOT, "bin", "certibot.js");
const PRELOAD = join(PACKAGE_ROOT, "scripts", "report-rss.mjs");

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : Number.NaN;
}

const peakOf = (stderr: string) => Number(/bench-peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

function run(args: string[], env: Record<string, string>) {
  return startCli(args, { entry: ["--import", PRELOAD, BIN], env: { CERTIBOT_LOG_LEVEL: "error", ...env } });
}

export async function embeddedMemory(fake: FakeSlack, questions = 200): Promise<string[]> {
  const dir = await tempDir("certibot-bench-mem-");
  const lines: string[] = [];
  try {
    const env = { CERTIBOT_DATA_DIR: dir.path, ...slackTestEnv(fake), HOST: "127.0.0.1" };
    const t0 = performance.now();
    const serve = run(["serve"], env);
    let port = 0;
    while (!port) {
      const m = /écoute sur le port (\d+)/.exec(serve.out());
      if (m) port = Number(m[1]);
      else if (serve.child.exitCode !== null) throw new Error(`serve exited: ${(await serve.done).stderr}`);
      else await sleep(20);
    }
    const firstStart = performance.now() - t0;
    const before = fake.callsTo("chat.postMessage").length;
    for (let n = 0; n < questions; n++) {
      const ts = `1900000000.${String(n).padStart(6, "0")}`;
      const q = ["C12 ?", "le rapport E3 c'est combien de pages ?", "B2C4 ça couvre quoi ?"][n % 3];
      await postJson(
        port,
        eventBody({ type: "app_mention", user: "U0MEM", text: `<@U0BOT> ${q}`, ts, channel: "C0MEM" }),
      );
    }
    while (fake.callsTo("chat.postMessage").length - before < questions) await sleep(50);
    const held = rssKb(serve.child.pid!);
    serve.child.kill("SIGTERM");
    const served = await serve.done;
    lines.push(
      `embedded PGlite, serve on an empty data dir: first start ${(firstStart / 1000).toFixed(2)} s, after ${questions} questions holds ${mb(held)}, peak ${mb(peakOf(served.stderr))} (target ≤ 2 s, ≤ 250 MB held, ≤ 300 MB peak)`,
    );
    for (const args of [
      ["db", "migrate"],
      ["jobs", "list"],
      ["privacy", "forget-user", "U0MEM"],
    ]) {
      const t = performance.now();
      const r = await run(args, { CERTIBOT_DATA_DIR: dir.path }).done;
      lines.push(
        `  certibot ${args.join(" ")}: exit ${r.code}, ${((performance.now() - t) / 1000).toFixed(2)} s, peak ${mb(peakOf(r.stderr))}`,
      );
    }
  } finally {
    await dir.cleanup();
  }
  return lines;
}
