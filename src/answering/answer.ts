import { z } from "zod";
import { rncpNumbersIn } from "../knowledge/identity.js";
import { type KnowledgeRecord, recordText } from "../knowledge/record.js";
import { fold, terms, truncate } from "../lib/text.js";
import type { Logger } from "../log.js";
import { silentLogger } from "../log.js";
import { namedReferentials } from "../retrieval/query.js";
import type { Retriever, SearchResult } from "../retrieval/retriever.js";
import { intentionOf } from "../understanding/intent.js";
import { type Question, readQuestion } from "../understanding/question.js";
import { type Composition, citation, composeExtractive } from "./extractive.js";
import { smallTalkReply } from "./help.js";
import type { ChatTurn, LlmAnswerer } from "./llm.js";
import { unsupportedClaims } from "./verify.js";

export const SourceSchema = z.object({
  referential: z.string(),
  code: z.string().nullable(),
  title: z.string(),
  score: z.number(),
  excerpt: z.string(),
});
export type Source = z.infer<typeof SourceSchema>;

/** The CLI's `ask --json` contract; other tools rely on it. `intent` was added after the first version. */
export const AnswerSchema = z.object({
  question: z.string(),
  answer: z.string(),
  found: z.boolean(),
  mode: z.enum(["extractive", "llm", "fallback"]),
  intent: z.string(),
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
  /** Small talk and help: no sources, no feedback buttons. */
  smallTalk: boolean;
}

export interface AnswerDeps {
  retriever: Retriever;
  llm: LlmAnswerer | null;
  log?: Logger;
}

export interface AskOptions {
  /** Earlier turns of the conversation, oldest first. */
  history?: ChatTurn[];
  /** Referential preferred for codes several define (a channel's own default). */
  defaultReferential?: string;
}

// Phrases that recall an earlier subject before asking about a new one
// ("tu m'as parlé de l'E1, et pour l'E4 ?"): the recalled codes are context.
const RECALL =
  /\b(?:tu m'as (?:parle|dit|explique|montre)|vous m'avez (?:parle|dit|explique)|tout a l'heure|precedemment|plus haut|juste avant|deja vu|you (?:told|showed|mentioned|explained)|earlier|before that|apres (?:l'|le |la )?|en plus de|besides|other than|a part|au lieu de|instead of)\b/;

/**
 * Resolves what the question is about with the thread's history: a follow-up
 * with no code of its own ("et comment elle est évaluée ?") keeps the
 * previous turn's codes; one naming codes already discussed drops them.
 */
export async function searchFor(
  deps: AnswerDeps,
  asked: string | Question,
  opts: AskOptions = {},
): Promise<{ result: SearchResult; carried: boolean }> {
  const history = opts.history ?? [];
  const search = { defaultReferential: opts.defaultReferential };
  const direct = await deps.retriever.search(asked, 5, search);
  const question = typeof asked === "string" ? asked : asked.text;
  if (direct.outcome === "unsafe") return { result: direct, carried: false };
  const codes = direct.analysis.codes;
  const previous = history.length ? deps.retriever.analyze(history[history.length - 1]!.question) : null;
  const folded = fold(direct.analysis.text);
  if (codes.length >= 2) {
    const recalled = previous ? codes.filter((c) => previous.codes.includes(c)) : [];
    const fresh = recalled.length
      ? codes.filter((c) => !recalled.includes(c))
      : RECALL.test(folded)
        ? codes.slice(-1)
        : [];
    if (fresh.length && fresh.length < codes.length) {
      const focused = await deps.retriever.search(
        `${fresh.join(" ")} ${question.replace(new RegExp(`\\b(?:${codes.filter((c) => !fresh.includes(c)).join("|")})\\b`, "gi"), " ")}`,
        5,
        search,
      );
      if (focused.found) return { result: focused, carried: false };
    }
  }
  if (!previous || codes.length || direct.analysis.blocs.length) return { result: direct, carried: false };
  // Short, or pointing back at the previous subject ("which of its competencies…", "ce doc").
  const words = question.split(/\s+/).length;
  const pointsBack =
    /\b(?:its|it|this|that|these|those|son|sa|ses|leur|leurs|ce doc|ce document|ce bloc|cette competence|cette compétence|celle-ci|celui-ci|dedans|there)\b/i.test(
      question,
    );
  if (words > (pointsBack ? 16 : 8)) return { result: direct, carried: false };
  // The previous subject: its question's words decide which referential a code belongs to.
  const subject = history[history.length - 1]!.question;
  const withContext = await deps.retriever.search(`${subject} ${question}`, 5, search);
  if (!withContext.found) return { result: direct, carried: false };
  // The language and words are the new question's; the codes and filters come from the subject.
  return {
    result: {
      ...withContext,
      analysis: { ...withContext.analysis, text: question, lang: direct.analysis.lang },
    },
    carried: previous.codes.length > 0 || previous.blocs.length > 0,
  };
}

/**
 * The referentials a cross-referential question sets side by side. A group
 * named on one side ("le projet simplon vs le mémoire expert") stands for its
 * member whose words that side uses most.
 */
function crossSides(question: Question, include: string[], retriever: Retriever): string[] {
  if (include.length <= 3) return include;
  const pieces = question.folded.split(/\s+(?:vs\.?|versus|contre|et|and|ou|or|,|;)\s+/);
  const sides: string[] = [];
  for (const piece of pieces) {
    const found = namedReferentials(piece, retriever.catalog);
    const named = [...found.include].filter((r) => include.includes(r));
    if (!named.length) continue;
    // The side's own words, its referential's name aside ("simplon" is in the brochure's text too).
    const words = terms(
      [...found.spans]
        .sort((a, b) => b[0] - a[0])
        .reduce((t, [a, b]) => `${t.slice(0, a)} ${t.slice(b)}`, piece),
    );
    const weight = (ref: string) => {
      const known = retriever.termsOf(ref);
      return words.reduce((n, w) => n + (known.has(w) ? retriever.idf(w) : 0), 0);
    };
    const best = named.reduce((a, b) => (weight(b) > weight(a) ? b : a));
    if (!sides.includes(best)) sides.push(best);
  }
  return sides.length >= 2 ? sides : include;
}

function toSources(records: KnowledgeRecord[], result: SearchResult): Source[] {
  return records.slice(0, 5).map((r) => {
    const hit = result.hits.find((h) => h.record.id === r.id);
    return {
      referential: r.referential,
      code: r.code,
      title: r.title,
      score: Math.round((hit?.score ?? 1) * 1000) / 1000,
      excerpt: truncate(r.statement.replace(/\s+/g, " "), 240),
    };
  });
}

/** Share of a pastime question's words one passage must hold for it to be about the documents. */
const PASTIME_COVERAGE = 0.9;

interface Prepared {
  log: Logger;
  t0: number;
  history: ChatTurn[];
  intention: Question;
  result: SearchResult | null;
  composed: Composition;
  base: Omit<AnswerDetails, "answer" | "mode" | "latencyMs">;
}

/** Understanding, search and the extractive composition every answer path starts from. */
async function prepare(deps: AnswerDeps, question: string, opts: AskOptions): Promise<Prepared> {
  const t0 = performance.now();
  const log = deps.log ?? silentLogger;
  const history = opts.history ?? [];
  const read = readQuestion(question, deps.retriever.catalog);
  if (read.smallTalk) {
    // Greetings carry few words: an English one is answered in English.
    const lang =
      /^\W*(?:hello|hi|hey|thanks|thank you|thx|ty|help|what can you do|who are you|how does|bye|good (?:morning|evening|afternoon)|great|perfect|awesome|nice|see you)\b/i.test(
        question,
      )
        ? "en"
        : read.lang;
    const composed = { text: smallTalkReply(read.smallTalk, lang), used: [], found: false };
    return {
      log,
      t0,
      history,
      intention: read,
      result: null,
      composed,
      base: {
        question,
        found: false,
        intent: "smalltalk",
        sources: [],
        lang,
        citations: [],
        alsoIn: [],
        smallTalk: true,
      },
    };
  }
  const { result, carried } = await searchFor(deps, read, opts);
  // A follow-up searched with its thread's subject is read with that subject's codes and referentials.
  const { codes, include, blocs } = result.analysis;
  const sameSubject =
    codes.join() === read.codes.join() &&
    include.size === read.include.size &&
    blocs.length === read.blocs.length;
  // A pastime the documents are about (« plats témoins », « cuisson » in a cook's titre) is in scope:
  // one passage holds nearly all the question's words.
  const decline = read.decline === "pastime" && result.coverage >= PASTIME_COVERAGE ? null : read.decline;
  const intention: Question = sameSubject
    ? { ...read, decline }
    : {
        ...read,
        ...intentionOf(read.folded, { codes, referentials: include.size, blocs: blocs.length }),
        decline,
      };
  const refs = crossSides(intention, [...result.analysis.include], deps.retriever);
  const perReferential =
    (intention.intent === "comparison" || intention.both) && refs.length >= 2 && refs.length <= 3
      ? await Promise.all(refs.map((ref) => deps.retriever.search(question, 5, { only: [ref] })))
      : undefined;
  // Each part of a question searched on its own: the passage answering "et il lit mon dossier
  // avant ?" is rarely among the hits of the whole question.
  const only = result.analysis.include.size
    ? [...result.analysis.include]
    : result.hits[0]
      ? [result.hits[0].record.referential]
      : [];
  // What the whole question is about (its codes, its blocs) stays the subject of each part.
  const subject = [...result.analysis.codes, ...result.analysis.blocs.map((b) => `bloc ${b}`)].join(" ");
  const partResults =
    intention.parts.length >= 2 && !perReferential && intention.intent !== "comparison" && only.length
      ? await Promise.all(
          intention.parts.map((p) => deps.retriever.search(`${subject} ${p.text}`, 3, { only })),
        )
      : undefined;
  const composed = composeExtractive(result, {
    intention,
    // A channel's own referential (a session's titre) is the default for blocs named alone too.
    lookup: opts.defaultReferential
      ? Object.create(deps.retriever, { defaultReferential: { value: opts.defaultReferential } })
      : deps.retriever,
    carried,
    perReferential,
    unindexed: mentionedSigle(read.titre, deps.retriever) ? null : read.titre,
    channelReferential: opts.defaultReferential,
    parts: intention.parts,
    partResults,
    both: intention.both,
  });
  const intent = intention.decline ? "out-of-scope" : composed.found ? intention.intent : "out-of-scope";
  return {
    log,
    t0,
    history,
    intention,
    result,
    composed,
    base: {
      question,
      found: composed.found,
      intent,
      sources: composed.found ? toSources(composed.used, result) : [],
      lang: result.analysis.lang,
      citations: composed.found ? composed.used.slice(0, 3).map(citation) : [],
      alsoIn: result.alsoIn,
      smallTalk: false,
    },
  };
}

/**
 * A sigle the indexed documents print ("J'ai un BTS MCO" when a référentiel lists the BTS MCO among
 * its équivalences): the question is about what they say of it, not about a titre to decline.
 */
function mentionedSigle(titre: string | null, retriever: AnswerDeps["retriever"]): boolean {
  // An RNCP number a document prints (« l'ancienne fiche RNCP34012 », replaced by the one indexed).
  const rncp = titre && /^RNCP (\d{4,6})$/.exec(titre)?.[1];
  if (rncp) return printedRncp(retriever).has(rncp);
  if (!titre || !/^[A-Z][A-Z0-9]{1,7}$/.test(titre)) return false;
  const terms = retriever.analyze(titre).terms;
  return terms.length > 0 && terms.every((t) => retriever.idf(t.term) > 0);
}

const PRINTED_RNCP = new WeakMap<object, Set<string>>();

/** The RNCP numbers the indexed documents print, read once per index. */
function printedRncp(retriever: AnswerDeps["retriever"]): Set<string> {
  let numbers = PRINTED_RNCP.get(retriever);
  if (!numbers) {
    numbers = new Set(
      retriever.catalog.referentials.flatMap((r) =>
        retriever.recordsOf(r.id).flatMap((rec) => rncpNumbersIn(rec.statement)),
      ),
    );
    PRINTED_RNCP.set(retriever, numbers);
  }
  return numbers;
}

/** Records the model reads: those the answer is built from first, then the other hits. */
function llmRecords(p: Prepared): KnowledgeRecord[] {
  const out = [...p.composed.used];
  for (const h of p.result?.hits ?? []) if (!out.includes(h.record)) out.push(h.record);
  return out.slice(0, 5);
}

/**
 * Answers one question: understanding, retrieval, then the LLM when
 * configured (falling back to the extractive answer on any error, timeout
 * or unsupported claim), else extractive.
 */
export async function answerQuestion(
  deps: AnswerDeps,
  question: string,
  opts: AskOptions = {},
): Promise<AnswerDetails> {
  const p = await prepare(deps, question, opts);
  const done = (answer: string, mode: AnswerDetails["mode"]): AnswerDetails => ({
    ...p.base,
    answer,
    mode,
    latencyMs: performance.now() - p.t0,
  });
  if (!deps.llm || !p.composed.found) return done(p.composed.text, "extractive");
  try {
    const records = llmRecords(p);
    const text = await deps.llm.complete(question, records, p.base.lang, p.history, {
      intent: p.intention.intent,
      draft: p.composed.text,
    });
    const unsupported = unsupportedClaims(text, [question, p.composed.text, ...records.map(recordEvidence)]);
    if (unsupported.length) throw new UnsupportedClaims(`unsupported claims: ${unsupported.join(", ")}`);
    return done(text, "llm");
  } catch (error) {
    logFallback(p.log, error, deps.llm.model);
    return done(`${p.composed.text}\n\n${fallbackNote(p.base.lang, error)}`, "fallback");
  }
}

/** A record's full text and the codes it points to: what an LLM answer may cite from it. */
function recordEvidence(r: KnowledgeRecord): string {
  return `${recordText(r)}\n${r.related.join(" ")}`;
}

/**
 * Same as answerQuestion, but hands the answer over in pieces as they come
 * (LLM lines once checked, or the extractive answer by paragraph) so Slack
 * can stream it. If the model fails or makes a claim the evidence does not
 * hold, what follows is the extractive answer, flagged.
 */
export async function answerQuestionStreaming(
  deps: AnswerDeps,
  question: string,
  onText: (delta: string) => Promise<void>,
  opts: AskOptions = {},
): Promise<AnswerDetails> {
  const p = await prepare(deps, question, opts);
  const extractive = p.composed.text;
  const done = (answer: string, mode: AnswerDetails["mode"]): AnswerDetails => ({
    ...p.base,
    answer,
    mode,
    latencyMs: performance.now() - p.t0,
  });
  const sendExtractive = async (prefix: string) => {
    for (const [i, para] of extractive.split("\n\n").entries())
      await onText(`${i || prefix ? "\n\n" : ""}${para}`);
  };
  if (!deps.llm || !p.composed.found) {
    await sendExtractive("");
    return done(extractive, "extractive");
  }
  const records = llmRecords(p);
  const evidence = [question, extractive, ...records.map(recordEvidence)];
  let sent = "";
  let pending = "";
  try {
    // Lines are checked before they are sent: nothing unsupported reaches the user.
    const flush = async (all: boolean) => {
      const cut = all ? pending.length : pending.lastIndexOf("\n") + 1;
      if (cut <= 0) return;
      const chunk = pending.slice(0, cut);
      const unsupported = unsupportedClaims(chunk, evidence);
      if (unsupported.length) throw new UnsupportedClaims(`unsupported claims: ${unsupported.join(", ")}`);
      pending = pending.slice(cut);
      sent += chunk;
      await onText(chunk);
    };
    for await (const delta of deps.llm.stream(question, records, p.base.lang, p.history, {
      intent: p.intention.intent,
      draft: extractive,
    })) {
      pending += delta;
      await flush(false);
    }
    await flush(true);
    if (!sent.trim()) throw new Error("empty completion");
    return done(sent, "llm");
  } catch (error) {
    logFallback(p.log, error, deps.llm.model);
    const note = fallbackNote(p.base.lang, error);
    await sendExtractive(sent);
    await onText(`\n\n${note}`);
    return done(`${extractive}\n\n${note}`, "fallback");
  }
}

class UnsupportedClaims extends Error {}

/** Why the extractive answer replaced the model's: it failed, or it claimed what the passages do not say. */
function fallbackNote(lang: "fr" | "en", error: unknown): string {
  if (error instanceof UnsupportedClaims)
    return lang === "en"
      ? "(Extractive answer: the language model's answer was not supported by the referentials.)"
      : "(Réponse extractive : la réponse du modèle de langage n'était pas étayée par les référentiels.)";
  return lang === "en"
    ? "(Extractive answer: the language model did not respond.)"
    : "(Réponse extractive : le modèle de langage n'a pas répondu.)";
}

function logFallback(log: Logger, error: unknown, model: string) {
  if (error instanceof UnsupportedClaims)
    log.warn("llm answer rejected, extractive fallback", { reason: error.message, model });
  else log.warn("llm unavailable, extractive fallback", { error: error as Error, model });
}

/** The public JSON shape (drops internal fields). */
export function toPublicAnswer(a: AnswerDetails): Answer {
  return {
    question: a.question,
    answer: a.answer,
    found: a.found,
    mode: a.mode,
    intent: a.intent,
    sources: a.sources,
  };
}
