import { readFile, stat } from "node:fs/promises";
import { CertibotError, toCertibotError } from "../../errors.js";
import { type CoverageRequest, checkReport, logCheck, tooLarge } from "../../reports/check.js";
import { loadCoverageSetup } from "../../reports/coverage-setup.js";
import { resolveDeliverable } from "../../reports/deliverable-names.js";
import { loadDeliverables } from "../../reports/deliverables.js";
import { formatChecklist } from "../../reports/format.js";
import type { Handler } from "../command-tree.js";
import { println, printText } from "../context.js";

async function readReport(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    // Checked before reading so an oversized upload is never loaded in memory.
    const info = await stat(path);
    if (!info.isFile()) throw new CertibotError("REPORT_NOT_FOUND", { detail: `${path} is not a file` });
    if (info.size > maxBytes) throw tooLarge(maxBytes, info.size);
    return new Uint8Array(await readFile(path));
  } catch (e) {
    if (e instanceof CertibotError) throw e;
    throw new CertibotError("REPORT_NOT_FOUND", { detail: String(e), cause: e });
  }
}

/**
 * `certibot check-report [--json] [--deliverable <id>] [--referential <id>] [--epreuve <code>] <file>`.
 * With --referential or --epreuve, the competencies of the épreuve (read from the title page
 * when not named) are looked for in the report (`coverage`). Exits 0 whether the report
 * passes or not; an unreadable file is exit 2 with `{"error": {"code", "message"}}` under --json.
 */
export const checkReportCommand: Handler = async ({ args, opts }, ctx) => {
  const json = opts.json === true;
  const file = args[0]!;
  const named = typeof opts.deliverable === "string" ? opts.deliverable : null;
  const deliverables = await loadDeliverables(ctx.config.knowledgeDir);
  // `e3`, `chef d'oeuvre`, `mémoire` as in Slack; an unknown name is refused by the checker with the list.
  const deliverableId = named === null ? null : (resolveDeliverable(named, deliverables)?.id ?? named);
  const referential = typeof opts.referential === "string" ? opts.referential : null;
  const epreuve = typeof opts.epreuve === "string" ? opts.epreuve : null;
  // The épreuves come from the indexed records (shipped referentials and added titres).
  const coverage: CoverageRequest | undefined =
    referential !== null || epreuve !== null
      ? {
          setup: await loadCoverageSetup(ctx.config, ctx.log),
          referential,
          epreuve,
          llm: ctx.config.llm,
          log: ctx.log,
        }
      : undefined;
  try {
    const bytes = await readReport(file, ctx.config.reports.maxBytes);
    const result = await checkReport(bytes, {
      deliverables,
      deliverableId,
      limits: ctx.config.reports,
      ...(coverage ? { coverage } : {}),
    });
    logCheck(ctx.log, result);
    if (json) {
      if (result.guessed)
        println(
          ctx.stderr,
          `certibot : livrable deviné (${result.verdict.deliverable}) ; précisez --deliverable.`,
        );
      println(ctx.stdout, JSON.stringify(result.verdict));
    } else {
      printText(ctx.stdout, formatChecklist(result));
    }
    return 0;
  } catch (e) {
    const err = toCertibotError(e);
    if (
      !json ||
      err.code === "INTERNAL" ||
      err.code === "UNKNOWN_DELIVERABLE" ||
      err.code === "UNKNOWN_EPREUVE"
    )
      throw err;
    ctx.log.warn("report unreadable", { code: err.code, detail: err.detail });
    println(ctx.stdout, JSON.stringify({ error: { code: err.code, message: err.userMessage("fr") } }));
    return 2;
  }
};
