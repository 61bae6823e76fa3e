import { openMigratedDb } from "../../db/db.js";
import { statsText, usageStats } from "../../insights/stats.js";
import { parseArgs, usage } from "../args.js";
import { type Command, println } from "../context.js";

const USAGE = "usage : certibot stats [--days N] [--json]";

/** `certibot stats`: questions per day, top codes, declined questions grouped, feedback, latency. */
export const statsCommand: Command = async (argv, ctx) => {
  const args = parseArgs(argv, { booleans: ["json"], values: ["days"] });
  if (args.positionals.length) throw usage(USAGE);
  const daysText = (args.flags.get("days") as string | undefined) ?? "30";
  if (!/^\d{1,4}$/.test(daysText) || Number(daysText) < 1)
    throw usage(`--days attend un nombre de jours ; ${USAGE}`);
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const stats = await usageStats(db, Number(daysText));
    println(ctx.stdout, args.flags.has("json") ? JSON.stringify(stats) : statsText(stats));
    return 0;
  } finally {
    await db.close();
  }
};
