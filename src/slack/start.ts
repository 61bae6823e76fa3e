import { LlmAnswerer } from "../answering/llm.js";
import type { Config } from "../config.js";
import { openMigratedDb } from "../db/db.js";
import { CertibotError } from "../errors.js";
import { JobRegistry } from "../jobs/registry.js";
import { startScheduler } from "../jobs/scheduler.js";
import type { Logger } from "../log.js";
import { LiveKnowledge } from "../retrieval/knowledge-base.js";
import { createSlackApp } from "./app.js";
import { createSlackNotifier, notifierClient } from "./notifier.js";

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
  const db = await openMigratedDb(config, log);
  try {
    // Documents live in the database: every replica rebuilds its index when their version moves.
    const knowledge = await LiveKnowledge.open(config, db, log);
    const answering = {
      retriever: knowledge.retriever,
      llm: config.llm ? new LlmAnswerer(config.llm) : null,
      log,
    };
    const slack = createSlackApp({ config, log, db, answering, knowledge });
    const port = await slack.start();
    const notifier = createSlackNotifier(notifierClient(config.slack), log);
    const scheduler = startScheduler(new JobRegistry(), { db, config, log, notifier });
    log.info("certibot started", { mode: config.slack.mode, port, db: db.kind });
    return {
      port,
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
