/**
 * Competency coverage of a report: for each competency an épreuve evaluates, the
 * sentences of the report that show it (what the candidate did, how, with what
 * result), the criteria they meet, and the sentences that only mention it (a plan,
 * a wish, a negation, something out of scope, someone else's work). Offline and
 * deterministic; an LLM may judge the same evidence afterwards (coverage-llm.ts).
 * Never a pass/fail verdict: advice, with the criteria to work on.
 */
import { z } from "zod";
import { splitSentences } from "../answering/evidence.js";
import { parseKnowledgeYaml, readKnowledgeFile } from "../knowledge/yaml-file.js";
import { fold, squash, terms, words } from "../lib/text.js";
import type { Lexicon } from "../retrieval/lexicon.js";
import type { Epreuve, EpreuveCompetency } from "./epreuves.js";
import type { ExtractedReport } from "./types.js";

export interface CoverageQuote {
  page: number | null;
  section: string | null;
  /** Verbatim from the report's text (whitespace squashed). */
  quote: string;
}

export interface CompetencyCoverage {
  code: string;
  title: string;
  covered: boolean;
  criteria: { text: string; met: boolean }[];
  evidence: CoverageQuote[];
  /** Named in the report but not shown: only plans, wishes, negations or others' work. */
  mentionedOnly: boolean;
  /** The passages that only mention it, and why they are not evidence. */
  mentions: (CoverageQuote & { reason: string })[];
  /** Who decided: the offline matcher, or the model with quotes checked against the report. */
  judgedBy: "rules" | "llm";
  advice: string;
}

// ---------------------------------------------------------------------------
// Phrasings (knowledge/coverage-phrasings.yml)

const PatternSchema = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: "expression régulière invalide" },
);
const PhrasingsSchema = z.object({
  kinds: z.record(
    z.string(),
    z.object({ label: z.string().min(3), patterns: z.array(PatternSchema).min(1) }),
  ),
  modalHeadings: z.array(PatternSchema).default([]),
  contextHeadings: z.array(PatternSchema).default([]),
});

export interface Phrasings {
  kinds: { kind: string; label: string; patterns: RegExp[] }[];
  modalHeadings: RegExp[];
  contextHeadings: RegExp[];
}

export function parsePhrasings(yamlText: string): Phrasings {
  const raw = parseKnowledgeYaml(yamlText, "coverage-phrasings.yml", PhrasingsSchema);
  return {
    kinds: Object.entries(raw.kinds).map(([kind, k]) => ({
      kind,
      label: k.label,
      patterns: k.patterns.map((p) => new RegExp(p)),
    })),
    modalHeadings: raw.modalHeadings.map((p) => new RegExp(`\\b(?:${p})\\b`)),
    contextHeadings: raw.contextHeadings.map(
      (p) => new RegExp(`^(?:(?:\\d+(?:\\.\\d+)*|[ivx]+)[.)\\s-]+)?(?:${p})\\b`),
    ),
  };
}

export async function loadPhrasings(knowledgeDir: string): Promise<Phrasings> {
  return parsePhrasings(await readKnowledgeFile(knowledgeDir, "coverage-phrasings.yml"));
}

/** Why a sentence is a mention and not evidence (the kind's label), or null when it reads as done. */
export function modalityOf(sentence: string, phrasings: Phrasings): string | null {
  const text = fold(sentence).replace(/\s+/g, " ");
  for (const k of phrasings.kinds) if (k.patterns.some((p) => p.test(text))) return k.label;
  return null;
}

// ---------------------------------------------------------------------------
// The report's sentences, with their page and section

export interface ReportSentence {
  text: string;
  page: number | null;
  section: string | null;
  index: number;
}

export interface ReportText {
  sentences: ReportSentence[];
  /** What comes before the first heading (a title page), for the épreuve it names. */
  titleText: string;
  /** False when no heading was found: the text before "the first heading" is then the whole report. */
  hasHeadings: boolean;
}

/**
 * Sentences in reading order. A PDF gives lines: those of one section are joined
 * (a sentence runs across lines and pages) and each sentence takes the page it
 * starts on. A DOCX gives paragraphs, each split on its own.
 */
export function reportSentences(report: ExtractedReport): ReportText {
  const sentences: ReportSentence[] = [];
  let section: string | null = null;
  let title: string[] = [];
  let seenHeading = false;
  let run: { text: string; starts: { at: number; page: number | null }[] } = { text: "", starts: [] };
  const flush = () => {
    if (!run.text) return;
    let cursor = 0;
    for (const s of splitSentences(run.text)) {
      const at = run.text.indexOf(s, cursor);
      const start = at >= 0 ? at : cursor;
      cursor = at >= 0 ? at + s.length : cursor;
      let page: number | null = null;
      for (const p of run.starts) if (p.at <= start) page = p.page;
      sentences.push({ text: s, page, section, index: sentences.length });
    }
    run = { text: "", starts: [] };
  };
  for (const block of report.body) {
    const text = squash(block.text);
    if (!text) continue;
    if (block.heading) {
      flush();
      section = text;
      seenHeading = true;
      continue;
    }
    if (!seenHeading) title.push(text);
    if (report.format === "docx") {
      run = { text, starts: [{ at: 0, page: block.page }] };
      flush();
    } else {
      run.starts.push({ at: run.text ? run.text.length + 1 : 0, page: block.page });
      run.text = run.text ? `${run.text} ${text}` : text;
    }
  }
  flush();
  if (!title.length) title = report.body.filter((b) => b.page === 1).map((b) => b.text);
  return { sentences, titleText: title.join("\n"), hasHeadings: seenHeading };
}

// ---------------------------------------------------------------------------
// Matching sentences to competencies

type Weights = Map<string, number>;
// Épreuves are read once per set of records: their vocabularies are built once.
const VOCABULARIES = new WeakMap<Epreuve, Weights[]>();

/** A competency's vocabulary: its title weighs most, then its statement, criteria and activities. */
function vocabulary(c: EpreuveCompetency): Weights {
  const w: Weights = new Map();
  const seen = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const t of new Set(terms(text))) {
      w.set(t, Math.max(w.get(t) ?? 0, weight));
      seen.set(t, (seen.get(t) ?? 0) + 1);
    }
  };
  for (const a of c.activities) add(a, 0.5);
  for (const k of c.criteria) add(k, 0.6);
  add(c.statement, 1.2);
  add(c.title, 2);
  // A word the criteria come back to is what the competency is about.
  for (const [t, n] of seen) w.set(t, w.get(t)! + Math.min(0.6, 0.15 * (n - 1)));
  return w;
}

/** The terms of a report sentence, with the lexicon's bridges (English words reach the French referential). */
function sentenceTerms(text: string, lexicon: Lexicon): Set<string> {
  const out = new Set(terms(text));
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    const one = lexicon.expansions[ws[i]!];
    if (one) for (const t of terms(one)) out.add(t);
    const two = i + 1 < ws.length ? lexicon.expansions[`${ws[i]} ${ws[i + 1]}`] : undefined;
    if (two) for (const t of terms(two)) out.add(t);
  }
  return out;
}

// Below this, a sentence shares only generic words with the competency.
const MIN_SCORE = 3.2;
// A sentence goes to the competencies scoring near its best one, not to every one it brushes.
const NEAR_BEST = 0.85;
// Shown: sentences of evidence adding up to this much, two of them or one detailed one.
const COVER_SCORE = 9;
const STRONG_SENTENCE = 9;
// A word in at most this many of the épreuve's competencies tells them apart.
const DISTINCT_DF = 2;
// A section heading's words count for its sentences, at this weight.
const HEADING_WEIGHT = 0.7;
// A heading is about one competency when it scores this much, and this many times the next one.
const OWNER_SCORE = 2.5;
const OWNER_MARGIN = 1.5;

interface Scored {
  sentence: ReportSentence;
  terms: Set<string>;
  score: number;
  reason: string | null;
}

export interface CoverageOptions {
  phrasings: Phrasings;
  lexicon: Lexicon;
  /** Quotes kept per competency. */
  maxQuotes?: number;
}

export function coverageOf(text: ReportText, epreuve: Epreuve, opts: CoverageOptions): CompetencyCoverage[] {
  const comps = epreuve.competencies;
  let vocab = VOCABULARIES.get(epreuve);
  if (!vocab) {
    vocab = comps.map(vocabulary);
    VOCABULARIES.set(epreuve, vocab);
  }
  // A term every competency of the épreuve shares ("modèle", "données") tells them apart less.
  const df = new Map<string, number>();
  for (const v of vocab) for (const t of v.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = (t: string) => Math.log(1 + comps.length / (df.get(t) ?? comps.length));
  const score = (ts: Set<string>, i: number) => {
    let s = 0;
    for (const t of ts) {
      const w = vocab![i]!.get(t);
      if (w) s += w * idf(t);
    }
    return s;
  };
  interface HeadingInfo {
    scores: number[];
    /** The competency a section is plainly about ("Monitoring du modèle"), if one. */
    owner: number | null;
    modal: boolean;
    /** Title page, introduction, context, conclusion: where a report announces rather than shows. */
    context: boolean;
  }
  const distinctive = (ts: Set<string>, i: number) => {
    for (const t of ts) if ((df.get(t) ?? comps.length) <= DISTINCT_DF && vocab![i]!.has(t)) return true;
    return false;
  };
  const headingCache = new Map<string | null, HeadingInfo>();
  const headingOf = (section: string | null) => {
    let h = headingCache.get(section);
    if (!h) {
      const ts = sentenceTerms(section ?? "", opts.lexicon);
      const folded = fold(section ?? "").trim();
      const scores = comps.map((_, i) => score(ts, i));
      const order = scores.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0]);
      const [first, second] = [order[0], order[1]];
      h = {
        scores,
        owner:
          first && first[0] >= OWNER_SCORE && (!second || first[0] >= second[0] * OWNER_MARGIN)
            ? first[1]
            : null,
        modal: opts.phrasings.modalHeadings.some((p) => p.test(folded)),
        context:
          section === null ? text.hasHeadings : opts.phrasings.contextHeadings.some((p) => p.test(folded)),
      };
      headingCache.set(section, h);
    }
    return h;
  };

  const perComp: Scored[][] = comps.map(() => []);
  for (const sentence of text.sentences) {
    if (sentence.text.length < 25) continue;
    const ts = sentenceTerms(sentence.text, opts.lexicon);
    const heading = headingOf(sentence.section);
    // A sentence speaks of a competency when it holds a word that sets it apart from the others.
    const own = comps.map((_, i) => (distinctive(ts, i) ? score(ts, i) : 0));
    const scores = own.map((v, i) => v + HEADING_WEIGHT * heading.scores[i]!);
    const best = Math.max(...scores);
    if (best < MIN_SCORE * 0.8) continue;
    // In a section plainly about one competency, a sentence speaks of another only when it says so plainly.
    const owner = heading.owner;
    const targets = scores
      .map((_, i) => i)
      .filter((i) =>
        owner === null
          ? scores[i]! >= best * NEAR_BEST
          : i === owner || own[i]! >= Math.max(own[owner]!, 1) * OWNER_MARGIN,
      )
      .filter((i) => scores[i]! >= MIN_SCORE);
    const reason =
      modalityOf(sentence.text, opts.phrasings) ??
      (heading.modal
        ? "perspective, pas une réalisation"
        : heading.context
          ? "annoncé en introduction ou en conclusion, pas montré"
          : owner === null && targets.length >= 3
            ? "énumération, sans ce qui a été fait ni comment"
            : null);
    for (const i of targets) perComp[i]!.push({ sentence, terms: ts, score: scores[i]!, reason });
  }

  // A section about one competency that mostly says it was not done (by me, yet, here) taints the rest
  // of what it says about it: "un collègue s'en est occupé. Il vérifie la précision…" is not evidence;
  // and what other sections say of it in passing does not outweigh its own section.
  const disowned = new Set<number>();
  perComp.forEach((hits, i) => {
    const bySection = new Map<string | null, Scored[]>();
    for (const h of hits)
      bySection.set(h.sentence.section, [...(bySection.get(h.sentence.section) ?? []), h]);
    for (const [section, list] of bySection) {
      if (section === null || headingOf(section).owner !== i) continue;
      const said = list.filter((h) => h.reason !== null);
      if (said.length * 2 > list.length) {
        for (const h of list) h.reason ??= `${said[0]!.reason} (même section)`;
        disowned.add(i);
      }
    }
  });

  const maxQuotes = opts.maxQuotes ?? 4;
  return comps.map((c, i) => {
    const hits = perComp[i]!;
    const evidence = hits.filter(
      (h) => h.reason === null && (!disowned.has(i) || headingOf(h.sentence.section).owner === i),
    );
    const mentions = hits.filter((h) => !evidence.includes(h));
    const total = evidence.reduce((s, h) => s + h.score, 0);
    const covered =
      total >= COVER_SCORE && (evidence.length >= 2 || evidence.some((h) => h.score >= STRONG_SENTENCE));
    if (process.env.COVDBG)
      for (const h of hits)
        console.error(c.code, h.score.toFixed(1), h.reason ?? "EVID", h.sentence.text.slice(0, 90));
    const criteria = c.criteria.map((k) => ({ text: k, met: covered && criterionMet(k, evidence, idf) }));
    const quote = (h: Scored): CoverageQuote => ({
      page: h.sentence.page,
      section: h.sentence.section,
      quote: h.sentence.text,
    });
    const top = (list: Scored[]) =>
      [...list]
        .sort((a, b) => b.score - a.score)
        .slice(0, maxQuotes)
        .sort((a, b) => a.sentence.index - b.sentence.index);
    const result: CompetencyCoverage = {
      code: c.code,
      title: c.title,
      covered,
      criteria,
      evidence: covered ? top(evidence).map(quote) : [],
      mentionedOnly: !covered && hits.length > 0,
      mentions: top(covered ? mentions : hits).map((h) => ({
        ...quote(h),
        reason: h.reason ?? "mention en passant, sans ce qui a été fait ni comment",
      })),
      judgedBy: "rules",
      advice: "",
    };
    result.advice = adviceFor(result);
    return result;
  });
}

/** A criterion is met when one piece of evidence carries a good share of its distinctive words. */
function criterionMet(criterion: string, evidence: Scored[], idf: (t: string) => number): boolean {
  const ts = [...new Set(terms(criterion))];
  const weight = ts.reduce((s, t) => s + idf(t), 0);
  if (!weight) return false;
  return evidence.some((h) => {
    const shared = ts.filter((t) => h.terms.has(t));
    const w = shared.reduce((s, t) => s + idf(t), 0);
    return shared.length >= 2 && w >= weight * 0.25;
  });
}

const MAX_ADVICE_CRITERIA = 3;

/** What to work on, never a verdict: the criteria the jury will look for that the report does not show. */
export function adviceFor(c: CompetencyCoverage): string {
  const open = c.criteria.filter((k) => !k.met).map((k) => k.text);
  const list = open
    .slice(0, MAX_ADVICE_CRITERIA)
    .map((t) => `« ${t} »`)
    .join(" ; ");
  if (c.covered)
    return open.length
      ? `Montré dans le rapport. Critères que les passages cités ne montrent pas encore : ${list}.`
      : "Montré dans le rapport, et les passages cités touchent chacun de ses critères.";
  if (c.mentionedOnly)
    return `Mentionné, pas montré : ${c.mentions[0]?.reason ?? "mention en passant"}. Décrivez ce que vous avez fait vous-même, comment et avec quel résultat${list ? `, au regard de : ${list}` : ""}.`;
  return `Le jury ne le trouvera pas dans ce rapport. Ajoutez ce que vous avez fait${list ? `, au regard de : ${list}` : ""}.`;
}
