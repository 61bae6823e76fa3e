import { z } from "zod";
import { truncate } from "../lib/text.js";
import type { Logger } from "../log.js";
import { silentLogger } from "../log.js";
import type { Retriever, SearchResult } from "../retrieval/retriever.js";
import { citation, extractiveAnswer } from "./extractive.js";
import type { ChatTurn, LlmAnswerer } from "./llm.js";

export const SourceSchema = z.object({
  referential: z.string(),
  code: z.string().nullable(),
  title: z.string(),
  score: z.number(),
  excerpt: z.string(),
});
export type Source = z.infer<typeof SourceSchema>;

/** The CLI's `ask --json` contract; other tools rely on it exactly. */
export const AnswerSchema = z.object({
  question: z.string(),
  answer: z.string(),
  found: z.boolean(),
  mode: z.enum(["extractive", "llm", "fallback"]),
  sources: z.array(SourceSchema).max(5),
});
export type Answer = z.infer<typeof AnswerSchema>;

export interface AnswerDetails extends Answer {
  lang: "fr" | "en";
  latencyMs: number;
  /** What the sources line shows: "rncp37827 · C12". */
  citations: string[];
  /** Codes defined in several referentials, to offer the other readings. */
  alsoIn: SearchResult["alsoIn"];
}

export interface AnswerDeps {
  retriever: Retriever;
  llm: LlmAnswerer | null;
  log?: Logger;
}

/**
 * A follow-up without a code of its own ("et pour le E3 ?" is fine, "et les
 * critères ?" is not) is searched together with the previous question.
 */
function retrievalQuery(question: string, history: ChatTurn[]): string {
  const last = history[history.length - 1];
  if (!last) return question;
  const short = question.split(/\s+/).length <= 6;
  return short ? `${last.question} ${question}` : question;
}

export interface AskOptions {
  /** Earlier turns of the conversation, oldest first. */
  history?: ChatTurn[];
  /** Referential preferred for codes several define (a channel's own default). */
  defaultReferential?: string;
}

export async function searchFor(
  deps: AnswerDeps,
  question: string,
  opts: AskOptions = {},
): Promise<SearchResult> {
  const history = opts.history ?? [];
  const search = { defaultReferential: opts.defaultReferential };
  const direct = await deps.retriever.search(question, 5, search);
  if (!history.length || direct.analysis.codes.length || direct.outcome === "unsafe") return direct;
  const withContext = await deps.retriever.search(retrievalQuery(question, history), 5, search);
  return withContext.found ? withContext : direct;
}

export function toSources(result: SearchResult): Source[] {
  return result.hits.slice(0, 5).map((h) => ({
    referential: h.record.referential,
    code: h.record.code,
    title: h.record.title,
    score: Math.round(h.score * 1000) / 1000,
    excerpt: truncate(h.record.statement.replace(/\s+/g, " "), 240),
  }));
}

/**
 * Answers one question: retrieval, then the LLM when configured (falling
 * back to the extractive answer on any error or timeout), else extractive.
 */
export async function answerQuestion(
  deps: AnswerDeps,
  question: string,
  opts: AskOptions = {},
): Promise<AnswerDetails> {
  const { log, t0, history, result, base } = await prepare(deps, question, opts);
  const extractive = () => extractiveAnswer(result);
  if (!deps.llm || !result.found) {
    return { ...base, answer: extractive(), mode: "extractive", latencyMs: performance.now() - t0 };
  }
  try {
    const text = await deps.llm.complete(
      question,
      result.hits.map((h) => h.record),
      result.analysis.lang,
      history,
    );
    return { ...base, answer: text, mode: "llm", latencyMs: performance.now() - t0 };
  } catch (error) {
    log.warn("llm unavailable, extractive fallback", { error: error as Error, model: deps.llm.model });
    const note = fallbackNote(result.analysis.lang);
    return {
      ...base,
      answer: `${extractive()}\n\n${note}`,
      mode: "fallback",
      latencyMs: performance.now() - t0,
    };
  }
}

/**
 * Same as answerQuestion, but hands the answer over in pieces as they come
 * (LLM deltas, or the extractive answer by paragraph) so Slack can stream it.
 * If the model fails mid-way, what follows is the extractive answer, flagged.
 */
export async function answerQuestionStreaming(
  deps: AnswerDeps,
  question: string,
  onText: (delta: string) => Promise<void>,
  opts: AskOptions = {},
): Promise<AnswerDetails> {
  const { log, t0, history, result, base } = await prepare(deps, question, opts);
  const extractive = extractiveAnswer(result);
  const sendExtractive = async (prefix: string) => {
    for (const [i, para] of extractive.split("\n\n").entries())
      await onText(`${i || prefix ? "\n\n" : ""}${para}`);
  };
  if (!deps.llm || !result.found) {
    await sendExtractive("");
    return { ...base, answer: extractive, mode: "extractive", latencyMs: performance.now() - t0 };
  }
  let text = "";
  try {
    for await (const delta of deps.llm.stream(
      question,
      result.hits.map((h) => h.record),
      result.analysis.lang,
      history,
    )) {
      text += delta;
      await onText(delta);
    }
    if (!text.trim()) throw new Error("empty completion");
    return { ...base, answer: text, mode: "llm", latencyMs: performance.now() - t0 };
  } catch (error) {
    log.warn("llm unavailable, extractive fallback", { error: error as Error, model: deps.llm.model });
    const note = fallbackNote(result.analysis.lang);
    await sendExtractive(text);
    await onText(`\n\n${note}`);
    return {
      ...base,
      answer: `${extractive}\n\n${note}`,
      mode: "fallback",
      latencyMs: performance.now() - t0,
    };
  }
}

/** What both answer paths start from: the search, and the fields every answer carries. */
async function prepare(deps: AnswerDeps, question: string, opts: AskOptions) {
  const t0 = performance.now();
  const result = await searchFor(deps, question, opts);
  return {
    log: deps.log ?? silentLogger,
    t0,
    history: opts.history ?? [],
    result,
    base: answerBase(question, result),
  };
}

function answerBase(question: string, result: SearchResult) {
  return {
    question,
    found: result.found,
    sources: result.found ? toSources(result) : [],
    lang: result.analysis.lang,
    citations: result.found ? result.hits.slice(0, 3).map((h) => citation(h.record)) : [],
    alsoIn: result.alsoIn,
  };
}

function fallbackNote(lang: "fr" | "en"): string {
  return lang === "en"
    ? "(Extractive answer: the language model did not respond.)"
    : "(Réponse extractive : le modèle de langage n'a pas répondu.)";
}

/** The public JSON shape (drops internal fields). */
export function toPublicAnswer(a: AnswerDetails): Answer {
  return { question: a.question, answer: a.answer, found: a.found, mode: a.mode, sources: a.sources };
}
