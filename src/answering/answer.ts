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

export async function searchFor(
  deps: AnswerDeps,
  question: string,
  history: ChatTurn[] = [],
): Promise<SearchResult> {
  const direct = await deps.retriever.search(question, 5);
  if (!history.length || direct.analysis.codes.length || direct.outcome === "unsafe") return direct;
  const withContext = await deps.retriever.search(retrievalQuery(question, history), 5);
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
  opts: { history?: ChatTurn[] } = {},
): Promise<AnswerDetails> {
  const log = deps.log ?? silentLogger;
  const t0 = performance.now();
  const history = opts.history ?? [];
  const result = await searchFor(deps, question, history);
  const base = {
    question,
    found: result.found,
    sources: result.found ? toSources(result) : [],
    lang: result.analysis.lang,
    citations: result.found ? result.hits.slice(0, 3).map((h) => citation(h.record)) : [],
    alsoIn: result.alsoIn,
  };
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
    const note =
      result.analysis.lang === "en"
        ? "(Extractive answer: the language model did not respond.)"
        : "(Réponse extractive : le modèle de langage n'a pas répondu.)";
    return {
      ...base,
      answer: `${extractive()}\n\n${note}`,
      mode: "fallback",
      latencyMs: performance.now() - t0,
    };
  }
}

/** The public JSON shape (drops internal fields). */
export function toPublicAnswer(a: AnswerDetails): Answer {
  return { question: a.question, answer: a.answer, found: a.found, mode: a.mode, sources: a.sources };
}
