import { readFile, writeFile } from "node:fs/promises";
import { openMigratedDb } from "../../db/db.js";
import { CertibotError } from "../../errors.js";
import { renderSessionReport, sessionReportData } from "../../insights/session-report.js";
import { loadDeliverables } from "../../reports/deliverables.js";
import { CLI_ACTOR } from "../../sessions/access.js";
import { runSessionCommand, SESSION_HELP } from "../../sessions/commands.js";
import { parseDate } from "../../sessions/dates.js";
import { computeDeadlines, loadDeadlineRules, milestoneProblem } from "../../sessions/deadlines.js";
import { replyText } from "../../sessions/format.js";
import { resolveSession } from "../../sessions/resolve.js";
import { AGATE, parseRoster, withPvIds } from "../../sessions/roster.js";
import { loadSessionKnowledge } from "../../sessions/service.js";
import type { Milestones } from "../../sessions/types.js";
import { veilleSummaryForSession } from "../../veille/service.js";
import { veilleSummaryLines } from "../../veille/summary-text.js";
import { type CommandInput, type Handler, PLAN_USAGE, REPORT_USAGE, ROSTER_USAGE } from "../command-tree.js";
import { type CliContext, println, printText, usage } from "../context.js";

/** The deadlines of a calendar, computed from knowledge/deadlines.yml without any database. */
export const planHandler: Handler = async ({ opts }, ctx) => {
  const date = (flag: string) => {
    const text = opts[flag.replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())];
    if (typeof text !== "string") throw usage(`--${flag} manquant. ${PLAN_USAGE}`);
    const d = /^\d{4}-\d{2}-\d{2}$/.test(text) ? parseDate(text) : null;
    if (!d) throw usage(`--${flag} : date invalide « ${text} » ; attendu AAAA-MM-JJ, par ex. 2025-05-05.`);
    return d;
  };
  const m: Milestones = {
    launch: date("launch"),
    prairieEnd: date("prairie-end"),
    sessionStart: date("session-start"),
    sessionEnd: date("session-end"),
  };
  const problem = milestoneProblem(m);
  if (problem) throw usage(problem);
  const leadText = opts.reportsLead;
  const lead = typeof leadText === "string" ? Number(leadText) : 1;
  if (!Number.isInteger(lead) || lead < 0 || lead > 60)
    throw usage("--reports-lead attend un nombre de jours entre 0 et 60.");
  const { deadlines } = computeDeadlines(m, await loadDeadlineRules(ctx.config.knowledgeDir), lead);
  if (opts.json === true) {
    println(
      ctx.stdout,
      JSON.stringify({
        deadlines: deadlines.map((d) => ({
          id: d.id,
          due: d.due,
          audience: d.audience,
          document: d.document,
          source: d.source,
        })),
      }),
    );
    return 0;
  }
  for (const d of deadlines) println(ctx.stdout, `${d.due}  ${d.id.padEnd(16)} ${d.task} (${d.audience})`);
  return 0;
};

async function readCsv(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new CertibotError("ROSTER_INVALID", {
      hint: `fichier illisible « ${path} ».`,
      detail: String(e),
      cause: e,
    });
  }
}

/** PV ids of a roster file, A–Z, without any database. */
async function rosterFile({ args, opts }: CommandInput, ctx: CliContext): Promise<number> {
  const agate = opts.agate;
  if (typeof agate !== "string" || args.length !== 1) throw usage(ROSTER_USAGE);
  if (!AGATE.test(agate))
    throw usage(`code agate invalide « ${agate} » : lettres et chiffres seulement (ex. 3006).`);
  const rows = parseRoster(await readCsv(args[0]!)).filter((r) => r.role === "candidate");
  const candidates = withPvIds(agate, rows).map((c) => ({ nom: c.nom, prenom: c.prenom, pvId: c.pvId }));
  if (opts.json === true) println(ctx.stdout, JSON.stringify({ candidates }));
  else for (const c of candidates) println(ctx.stdout, `${c.pvId}  ${c.nom} ${c.prenom}`);
  return 0;
}

const quote = (w: string) => (/[\s"]/.test(w) || w === "" ? `"${w.replace(/"/g, "")}"` : w);

/** The session as one picture (PNG), its text alternative on stdout. */
export const reportHandler: Handler = async ({ args, opts }, ctx) => {
  const out = opts.out;
  const name = args[0]!;
  if (typeof out !== "string") throw usage(REPORT_USAGE);
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const [knowledge, deliverables] = await Promise.all([
      loadSessionKnowledge(ctx.config.knowledgeDir, ctx.config.defaultReferential),
      loadDeliverables(ctx.config.knowledgeDir),
    ]);
    const session = await resolveSession(db, name, { actor: CLI_ACTOR });
    const data = await sessionReportData({ db, knowledge }, CLI_ACTOR, session, new Date(), deliverables);
    const picture = renderSessionReport(data);
    await writeFile(out, picture.png);
    println(ctx.stdout, picture.altText);
    ctx.stderr.write(`image écrite : ${out} (${picture.width}×${picture.height})\n`);
    return 0;
  } finally {
    await db.close();
  }
};

/** `certibot session roster`: with --agate, a CSV read without any database; otherwise as `/session roster`. */
export const rosterHandler: Handler = async (input, ctx) => {
  if (typeof input.opts.agate === "string") return rosterFile(input, ctx);
  return slackSession("roster", input, ctx);
};

/** A `/session` subcommand, for scripting, run as an administrator. */
export function slackSessionHandler(name: string): Handler {
  return (input, ctx) => slackSession(name, input, ctx);
}

async function slackSession(name: string, { args, opts }: CommandInput, ctx: CliContext): Promise<number> {
  let words = [name, ...args];
  let body = "";
  if (name === "roster" && fold2(words[1]) === "import") {
    const file = words.slice(2).find((w) => !w.includes("="));
    if (!file) throw usage("usage : certibot session roster import <fichier.csv> [session=<nom>]");
    body = await readCsv(file);
    words = words.filter((w) => w !== file);
  }
  const db = await openMigratedDb(ctx.config, ctx.log);
  try {
    const [knowledge, deliverables] = await Promise.all([
      loadSessionKnowledge(ctx.config.knowledgeDir, ctx.config.defaultReferential, db),
      loadDeliverables(ctx.config.knowledgeDir),
    ]);
    const reply = await runSessionCommand(`${words.map(quote).join(" ")}${body ? `\n${body}` : ""}`, {
      deps: { db, knowledge },
      actor: CLI_ACTOR,
      channelId: null,
      now: new Date(),
      deliverables,
      resolveEmail: null,
    });
    if (opts.json === true) {
      println(ctx.stdout, JSON.stringify(reply));
      return 0;
    }
    printText(ctx.stdout, replyText(reply, SESSION_HELP), { sessionCommands: true });
    if (reply.kind === "status" && reply.status.all) {
      const s = reply.status.session;
      const summary = await veilleSummaryForSession(db, s, new Date());
      printText(
        ctx.stdout,
        `\nVeille (C6) :\n${veilleSummaryLines(summary, s.timezone)
          .map((l) => `  ${l}`)
          .join("\n")}`,
      );
    }
    return 0;
  } finally {
    await db.close();
  }
}

function fold2(w: string | undefined): string {
  return (w ?? "").toLowerCase();
}
