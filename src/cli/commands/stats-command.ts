import { openMigratedDb } from "../../db/db.js";
import { statsText, usageStats } from "../../insights/stats.js";
import type { Handler } from "../command-tree.js";
import { println, usage } from "../context.js";

const USAGE = "usage : certibot stats [--days N] [--json]";

/** `certibot stats`: questions per day, top codes, declined questions grouped, feedback, latency. */
export const statsCommand: Handler = async ({ opts }, ctx) => {
  const daysText = typeof opts.days === "string" ? opts.days : "30";
  if (!/^\d{1,4}$/.test(daysText) || Number(daysText) < 1)
    throw usage(`--days attend un nombre de jours ; ${USAGE}`);
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const stats = await usageStats(db, Number(daysText));
    println(ctx.stdout, opts.json === true ? JSON.stringify(stats) : statsText(stats));
    return 0;
  } finally {
    await db.close();
  }
};
