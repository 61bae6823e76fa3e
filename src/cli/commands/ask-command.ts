import { createInterface } from "node:readline";
import {
  type AnswerDeps,
  type AnswerDetails,
  answerQuestion,
  toPublicAnswer,
} from "../../answering/answer.js";
import { LlmAnswerer } from "../../answering/llm.js";
import { openKnowledgeBase } from "../../retrieval/knowledge-base.js";
import type { Handler } from "../command-tree.js";
import { type CliContext, println, printText, usage } from "../context.js";

async function deps(ctx: CliContext): Promise<AnswerDeps> {
  const kb = await openKnowledgeBase(ctx.config);
  return {
    retriever: kb.retriever,
    llm: ctx.config.llm ? new LlmAnswerer(ctx.config.llm) : null,
    log: ctx.log,
  };
}

function human(a: AnswerDetails): string {
  // The text's own sources line is replaced by the fuller list below.
  const lines = [a.answer.replace(/\n\nSources ?: [^\n]*$/, "").replace(/\*([^*\n]+)\*/g, "$1")];
  if (a.found && a.sources.length) {
    lines.push("", a.lang === "en" ? "Sources:" : "Sources :");
    for (const s of a.sources)
      lines.push(`  ${s.referential} · ${s.code ? `${s.code} — ` : ""}${s.title} (${s.score.toFixed(2)})`);
  }
  if (a.mode !== "extractive") lines.push("", `[${a.mode}]`);
  return lines.join("\n");
}

/**
 * `certibot ask [--json] "question"`; `certibot ask --json` without a
 * question answers stdin, one question per line, one JSON object per line.
 */
export const askCommand: Handler = async ({ args, opts }, ctx) => {
  const json = opts.json === true;
  const question = args.join(" ").trim();
  if (!question && !json) throw usage('usage : certibot ask [--json] "votre question"');
  if (!question && args.length) throw usage("la question est vide");

  const d = await deps(ctx);
  if (question) {
    const a = await answerQuestion(d, question);
    if (json) println(ctx.stdout, JSON.stringify(toPublicAnswer(a)));
    else printText(ctx.stdout, human(a));
    return 0;
  }
  // Batch mode: one process, answers in input order.
  const lines = createInterface({ input: ctx.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const q = line.trim();
    if (!q) continue;
    const a = await answerQuestion(d, q);
    println(ctx.stdout, JSON.stringify(toPublicAnswer(a)));
  }
  return 0;
};
