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
import { parseArgs, usage } from "../args.js";
import { type CliContext, type Command, println, printText } from "../context.js";

const PLAN_USAGE =
  "usage : certibot session plan [--json] --launch AAAA-MM-JJ --prairie-end AAAA-MM-JJ --session-start AAAA-MM-JJ --session-end AAAA-MM-JJ";
const ROSTER_USAGE = "usage : certibot session roster [--json] --agate <code> <fichier.csv>";

/** The deadlines of a calendar, computed from knowledge/deadlines.yml without any database. */
async function plan(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, {
    booleans: ["json"],
    values: ["launch", "prairie-end", "session-start", "session-end", "reports-lead"],
  });
  if (args.positionals.length) throw usage(PLAN_USAGE);
  const date = (flag: string) => {
    const text = args.flags.get(flag);
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
  const leadText = args.flags.get("reports-lead");
  const lead = typeof leadText === "string" ? Number(leadText) : 1;
  if (!Number.isInteger(lead) || lead < 0 || lead > 60)
    throw usage("--reports-lead attend un nombre de jours entre 0 et 60.");
  const { deadlines } = computeDeadlines(m, await loadDeadlineRules(ctx.config.knowledgeDir), lead);
  if (args.flags.has("json")) {
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
}

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
async function rosterFile(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { booleans: ["json"], values: ["agate"] });
  const agate = args.flags.get("agate");
  if (typeof agate !== "string" || args.positionals.length !== 1) throw usage(ROSTER_USAGE);
  if (!AGATE.test(agate))
    throw usage(`code agate invalide « ${agate} » : lettres et chiffres seulement (ex. 3006).`);
  const rows = parseRoster(await readCsv(args.positionals[0]!)).filter((r) => r.role === "candidate");
  const candidates = withPvIds(agate, rows).map((c) => ({ nom: c.nom, prenom: c.prenom, pvId: c.pvId }));
  if (args.flags.has("json")) println(ctx.stdout, JSON.stringify({ candidates }));
  else for (const c of candidates) println(ctx.stdout, `${c.pvId}  ${c.nom} ${c.prenom}`);
  return 0;
}

const quote = (w: string) => (/[\s"]/.test(w) || w === "" ? `"${w.replace(/"/g, "")}"` : w);

/**
 * `certibot session …`: the pure `plan` and `roster --agate` contracts, and
 * every `/session` subcommand for scripting, run as an administrator.
 */
const REPORT_USAGE = "usage : certibot session report <session> --out <fichier.png>";

/** The session as one picture (PNG), its text alternative on stdout. */
async function report(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, { values: ["out"] });
  const out = args.flags.get("out");
  const [name, ...extra] = args.positionals;
  if (!name || extra.length || typeof out !== "string") throw usage(REPORT_USAGE);
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
}

export const sessionCommand: Command = async (argv, ctx) => {
  const [sub, ...rest] = argv;
  if (sub === "plan") return plan(rest, ctx);
  if (sub === "report") return report(rest, ctx);
  if (sub === "roster" && rest.some((a) => a === "--agate" || a.startsWith("--agate=")))
    return rosterFile(rest, ctx);
  const args = parseArgs(argv, { booleans: ["json"] });
  let words = args.positionals;
  let body = "";
  if (fold2(words[0]) === "roster" && fold2(words[1]) === "import") {
    const file = words.slice(2).find((w) => !w.includes("="));
    if (!file) throw usage("usage : certibot session roster import <fichier.csv> [session=<nom>]");
    body = await readCsv(file);
    words = words.filter((w) => w !== file);
  }
  if (!words.length || words[0] === "help") {
    printText(
      ctx.stdout,
      `${SESSION_HELP}\n\nEn ligne de commande : certibot session <sous-commande> …, plus :\n  ${PLAN_USAGE}\n  ${ROSTER_USAGE}`,
      { sessionCommands: true },
    );
    return words.length ? 0 : 2;
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
    if (args.flags.has("json")) {
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
};

function fold2(w: string | undefined): string {
  return (w ?? "").toLowerCase();
}
