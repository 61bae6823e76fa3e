import { setFlagsFromString } from "node:v8";
import type { Config } from "../config.js";
import { openMigratedDb } from "../db/db.js";
import { CertibotError } from "../errors.js";
import type { Logger } from "../log.js";
import { countingNotifier } from "../ops/counting-notifier.js";
import { LimitedLlmAnswerer } from "../ops/limited-llm.js";
import { createOps } from "../ops/ops.js";

export const SETUP_HELP = `certibot : Slack n'est pas configuré.

1. Créez l'application sur https://api.slack.com/apps → « Create New App » → « From a manifest »,
   et collez le contenu de manifest.yml (Socket Mode activé par défaut).
2. Installez-la dans l'espace de travail, puis définissez :
     Socket Mode : SLACK_BOT_TOKEN=xoxb-…  SLACK_APP_TOKEN=xapp-… (jeton avec connections:write)
     HTTP        : SLACK_BOT_TOKEN=xoxb-…  SLACK_SIGNING_SECRET=…  [PORT=3000]
                   (URL des requêtes : https://<hôte>/slack/events)
3. Relancez : npm start

Sans Slack, la ligne de commande fonctionne : npx certibot ask "Que demande la compétence C12 ?"`;

export interface RunningBot {
  port: number | null;
  /** Socket Mode with METRICS_PORT: where /metrics and /readyz listen. */
  opsPort: number | null;
  stop(): Promise<void>;
}

/**
 * Starts the whole bot: database (migrated), knowledge base, Slack app
 * (its start checks the token, so a bad one fails now, clearly), and the job
 * scheduler. Every replica runs the same; storage makes events and jobs
 * take effect once.
 */
export async function startBot(config: Config, log: Logger): Promise<RunningBot> {
  if (!config.slack.mode) throw new CertibotError("CONFIG_INVALID", { hint: "Slack n'est pas configuré." });
  // The embedded default runs on small machines: V8 then keeps a smaller heap
  // (fewer, larger young-generation collections are not worth ~40 MB held).
  // Measured with bench:slack: 252 → 215-225 MB held after 200 questions, the
  // same CPU time. Set before the heavy modules load; with a server the
  // process keeps V8's defaults.
  if (!config.databaseUrl) setFlagsFromString("--optimize-for-size");
  // The database opens (a first start copies its cluster) while the heavy
  // modules load (Bolt, LangChain: most of a start); the knowledge base then
  // opens from the database, which holds the documents.
  const modules = Promise.all([
    import("../jobs/registry.js").then(async (m) => ({
      ...m,
      ALL_JOBS: (await import("../all-jobs.js")).ALL_JOBS,
    })),
    import("../jobs/scheduler.js"),
    import("./app.js"),
    import("./notifier.js"),
    import("../retrieval/knowledge-base.js"),
  ]);
  const [dbOpened, loaded] = await Promise.allSettled([openMigratedDb(config, log), modules]);
  if (dbOpened.status === "rejected") throw dbOpened.reason;
  const db = dbOpened.value;
  try {
    if (loaded.status === "rejected") throw loaded.reason;
    const [
      { JobRegistry, ALL_JOBS },
      { startScheduler },
      { createSlackApp },
      { createSlackNotifier, notifierClient },
      { LiveKnowledge },
    ] = loaded.value;
    // Documents live in the database: every replica rebuilds its index when their version moves.
    const knowledge = await LiveKnowledge.open(config, db, log);
    // Metrics and limits: one set per process, shared by the Slack app and the jobs.
    const ops = createOps(config, db, log);
    ops.setKnowledge(knowledge.retriever.records, knowledge.knowledgeBase.manifest.key.slice(0, 12));
    const llm = config.llm ? new LimitedLlmAnswerer(config.llm, ops) : null;
    const answering = { retriever: knowledge.retriever, llm, log };
    const slack = createSlackApp({ config, log, db, answering, ops, knowledge });
    const port = await slack.start();
    const notifier = countingNotifier(createSlackNotifier(notifierClient(config.slack), log), ops.metrics);
    const scheduler = startScheduler(new JobRegistry(ALL_JOBS), {
      db,
      config,
      log,
      notifier,
      metrics: ops.metrics,
    });
    log.info("certibot started", { mode: config.slack.mode, port, db: db.kind });
    return {
      port,
      opsPort: slack.opsPort(),
      async stop() {
        await scheduler.stop();
        await slack.stop();
        await db.close();
      },
    };
  } catch (e) {
    await db.close();
    throw e;
  }
}
