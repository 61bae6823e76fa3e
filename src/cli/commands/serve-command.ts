import { preloadPdfReader } from "../../reports/pdf.js";
import { SETUP_HELP, startBot } from "../../slack/start.js";
import type { Handler } from "../command-tree.js";
import { println } from "../context.js";

/** `certibot serve` (what `npm start` runs): the Slack bot, until SIGINT/SIGTERM. */
export const serveCommand: Handler = async (_input, ctx) => {
  if (!ctx.config.slack.mode) {
    println(ctx.stderr, SETUP_HELP);
    return 1;
  }
  const bot = await startBot(ctx.config, ctx.log);
  // The report checker's PDF reader stays loaded for the life of the process.
  preloadPdfReader().catch((e) => ctx.log.warn("pdf reader preload failed", { detail: String(e) }));
  println(
    ctx.stdout,
    bot.port === null
      ? "certibot connecté à Slack (Socket Mode)."
      : `certibot écoute sur le port ${bot.port} (/slack/events, /healthz).`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await bot.stop();
  return 0;
};
