import type { LlmSettings } from "../answering/llm.js";
import { CertibotError, toCertibotError } from "../errors.js";
import type { Logger } from "../log.js";
import type { Lexicon } from "../retrieval/lexicon.js";
import { type CompetencyCoverage, coverageOf, type Phrasings, reportSentences } from "./coverage.js";
import { judgeCoverageWithLlm } from "./coverage-llm.js";
import type { Deliverable } from "./deliverables.js";
import { extractDocx } from "./docx.js";
import { type Epreuve, epreuveOnTitlePage, findEpreuve } from "./epreuves.js";
import {
  bigramSimilarity,
  type CompiledSection,
  compileSection,
  normalizeHeading,
  scoreHeading,
} from "./matching.js";
import { extractPdf } from "./pdf.js";
import type { ExtractedReport, ReportLimits } from "./types.js";

export interface SectionVerdict {
  name: string;
  found: boolean;
  page: number | null;
  /** The heading that names the section (found), as written in the report. */
  heading?: string;
  /** For a missing section: the heading that came closest, and its page, so the candidate sees why. */
  closest?: { heading: string; page: number | null };
}

/** The verdict, exactly the `check-report --json` contract. */
export interface ReportVerdict {
  deliverable: string;
  format: "pdf" | "docx";
  pages: number | null;
  pagesApproximate: boolean;
  pageRange: [number, number];
  pagesOk: boolean | null;
  sections: SectionVerdict[];
  missing: string[];
  textExtracted: boolean;
  /** False when the text could not be read (a scan): sections are then neither found nor missing. */
  sectionsChecked: boolean;
  /** Where the page count comes from: the PDF itself, the DOCX's app.xml, or an estimate from the content. */
  pagesSource: ExtractedReport["pagesSource"];
  hints: string[];
  ok: boolean;
  /** The épreuve whose competencies were looked for (with --epreuve, or named on the title page). */
  epreuve?: { referential: string; code: string; title: string; fromTitlePage: boolean };
  /** Per competency of the épreuve: shown, mentioned only, or not found. Advice, never a verdict. */
  coverage?: CompetencyCoverage[];
}

export interface CheckResult {
  verdict: ReportVerdict;
  /** True when no deliverable was given and it was inferred from pages and headings. */
  guessed: boolean;
  /** The deliverable's definition, for titles and the rule's source. */
  deliverable: Deliverable;
}

/** Decides the format from the bytes, never from the file name (a PNG renamed .pdf is still a PNG). */
export function sniffFormat(bytes: Uint8Array): "pdf" | "docx" | null {
  // "%PDF-" may follow some junk bytes; readers accept it within the first kilobyte.
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return "docx";
  return null;
}

/** The one refusal of an oversized report, wherever its size is first known (file, upload, download). */
export function tooLarge(maxBytes: number, size?: number): CertibotError {
  return new CertibotError("REPORT_TOO_LARGE", {
    hint: `Limite : ${Math.round(maxBytes / 1024 / 1024)} Mo.`,
    ...(size === undefined ? {} : { detail: `${size} bytes` }),
  });
}

/** What is logged of a check: never the file or its text. */
export function logCheck(log: Logger, result: CheckResult): void {
  log.info("report checked", {
    deliverable: result.verdict.deliverable,
    format: result.verdict.format,
    pages: result.verdict.pages,
    ok: result.verdict.ok,
    guessed: result.guessed,
  });
}

export async function extractReport(bytes: Uint8Array, limits: ReportLimits): Promise<ExtractedReport> {
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(limits.maxBytes, bytes.byteLength);
  const format = sniffFormat(bytes);
  if (!format) throw new CertibotError("REPORT_UNSUPPORTED");
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CertibotError("REPORT_TIMEOUT", { detail: `${limits.timeoutMs} ms` }));
    }, limits.timeoutMs);
  });
  try {
    const work =
      format === "pdf" ? extractPdf(bytes, controller.signal) : extractDocx(bytes, limits, controller.signal);
    return await Promise.race([work, timeout]);
  } catch (e) {
    const err = toCertibotError(e);
    // Parsers throw plain errors on garbage: that is a broken file, not a bug of ours.
    if (err.code === "INTERNAL") throw new CertibotError("REPORT_CORRUPT", { detail: String(e), cause: e });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

const compiled = new WeakMap<Deliverable, CompiledSection[]>();
function sectionsOf(d: Deliverable): CompiledSection[] {
  let c = compiled.get(d);
  if (!c) {
    c = d.sections.map(compileSection);
    compiled.set(d, c);
  }
  return c;
}

const quote = (s: string) => `« ${s} »`;

/** Applies one deliverable's rules to what was extracted. Pure and deterministic. */
export function judge(report: ExtractedReport, d: Deliverable): ReportVerdict {
  const rules = sectionsOf(d);
  const headings = report.headings.map((h, index) => ({ ...h, index, norm: normalizeHeading(h.text) }));
  const sectionsChecked = report.textExtracted;
  // Each section takes its most specific heading; ties go to the earliest one.
  const hits = rules.map((rule) => {
    let best: ((typeof headings)[number] & { score: number }) | null = null;
    if (sectionsChecked)
      for (const h of headings) {
        const { match } = scoreHeading(h.text, rule);
        if (match > 0 && (!best || match > best.score)) best = { ...h, score: match };
      }
    return best;
  });
  const used = new Set(hits.filter((h) => h !== null).map((h) => h.index));
  const sections: SectionVerdict[] = rules.map((rule, i) => {
    const hit = hits[i];
    if (hit) return { name: rule.name, found: true, page: hit.page, heading: hit.text };
    const v: SectionVerdict = { name: rule.name, found: false, page: null };
    if (sectionsChecked) {
      const near = closestHeading(rule, headings, used, hits, i);
      if (near) v.closest = { heading: near.text, page: near.page };
    }
    return v;
  });
  const missing = sectionsChecked ? sections.filter((s) => !s.found).map((s) => s.name) : [];
  const [min, max] = d.pages;
  let pagesOk: boolean | null = null;
  if (report.pages !== null) {
    const inRange = report.pages >= min && report.pages <= max;
    // An estimate only says "out of range" when it is clearly out; otherwise we do not know.
    if (!report.pagesApproximate) pagesOk = inRange;
    // An estimate clearly inside the range passes; near a bound we cannot tell (null).
    else if (report.pages >= min * 1.08 && report.pages <= max * 0.92) pagesOk = true;
    else if (report.pages < Math.floor(min * 0.6) || report.pages > Math.ceil(max * 1.5)) pagesOk = false;
  }
  const hints = [...report.hints];
  if (!sectionsChecked)
    hints.unshift(
      rules.length
        ? "Les sections n'ont pas pu être vérifiées : aucun texte n'a pu être lu dans le fichier (document scanné ou converti en images ?). Envoyez le PDF exporté depuis votre traitement de texte."
        : "Aucun texte n'a pu être lu dans le fichier (document scanné ou converti en images ?) : seules les pages ont été comptées. Envoyez le PDF exporté depuis votre traitement de texte.",
    );
  for (const s of sections)
    if (!s.found && sectionsChecked)
      hints.push(
        s.closest
          ? `${quote(s.name)} introuvable ; titre le plus proche : ${quote(s.closest.heading)}${s.closest.page !== null ? ` p. ${s.closest.page}` : ""}.`
          : `${quote(s.name)} introuvable : aucun titre du rapport ne s'en approche.`,
      );
  const found = sections.filter((s) => s.found && s.page !== null);
  for (let i = 1; i < found.length; i++)
    if (found[i]!.page! < found[i - 1]!.page!) {
      hints.push(
        `Ordre : ${quote(found[i]!.name)} apparaît avant ${quote(found[i - 1]!.name)} ; l'ordre attendu suit le référentiel.`,
      );
      break;
    }
  return {
    deliverable: d.id,
    format: report.format,
    pages: report.pages,
    pagesApproximate: report.pagesApproximate,
    pagesSource: report.pagesSource,
    pageRange: [min, max],
    pagesOk,
    sections,
    missing,
    textExtracted: report.textExtracted,
    sectionsChecked,
    hints,
    ok: pagesOk !== false && missing.length === 0 && (sectionsChecked || rules.length === 0),
  };
}

/**
 * The heading a reviewer would look at for a missing section: the one sharing most of an
 * alias's words, else the most similar in spelling, else the first heading not claimed by
 * another section that sits where the section was expected (after the previous one found).
 */
function closestHeading<H extends { text: string; norm: string; page: number | null; index: number }>(
  rule: CompiledSection,
  headings: H[],
  used: Set<number>,
  hits: (H | null)[],
  i: number,
): H | null {
  let best: H | null = null;
  let bestScore = 0;
  const name = rule.nameWords.join(" ");
  for (const h of headings) {
    const { near } = scoreHeading(h.text, rule);
    const score = Math.max(near, bigramSimilarity(h.norm, name) * 0.9) - (used.has(h.index) ? 0.05 : 0);
    if (score > bestScore) [best, bestScore] = [h, score];
  }
  if (best && bestScore >= 0.4) return best;
  const previous = hits.slice(0, i).reduce<number>((at, h) => (h ? Math.max(at, h.index) : at), -1);
  return headings.find((h) => h.index > previous && !used.has(h.index)) ?? best;
}

/**
 * Picks the deliverable a report most likely is: expected sections found weigh most,
 * then a page count inside (or nearest to) the range.
 */
export function guessDeliverable(report: ExtractedReport, all: Deliverable[]): Deliverable {
  const pages = report.pages ?? 0;
  const score = (d: Deliverable) => {
    const v = judge(report, d);
    const found = v.sections.filter((s) => s.found).length;
    const [min, max] = d.pages;
    const distance = pages < min ? min - pages : pages > max ? pages - max : 0;
    // A deliverable whose mandated sections are all absent is a worse guess than one with none.
    const noneOfMany = d.sections.length > 0 && found === 0 ? 1 : 0;
    return found * 10 + (found === d.sections.length && found > 0 ? 5 : 0) - distance - noneOfMany;
  };
  // Each judged once; the first of the best wins, as a stable sort would keep it.
  let best = all[0]!;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const d of all) {
    const s = score(d);
    if (s > bestScore) [best, bestScore] = [d, s];
  }
  return best;
}

/** What competency coverage needs: the épreuves read from the records, the phrasings, the lexicon. */
export interface CoverageSetup {
  epreuves: Epreuve[];
  phrasings: Phrasings;
  lexicon: Lexicon;
}

export interface CoverageRequest {
  setup: CoverageSetup;
  /** Referential id; null: any referential, when the épreuve's name is unambiguous. */
  referential: string | null;
  /** "E3", "mémoire"…; null: read from the report's title page. */
  epreuve: string | null;
  /** With a model configured, it judges the same evidence (kept only when its quotes are in the report). */
  llm?: LlmSettings | null;
  log?: Logger;
}

const listEpreuves = (all: Epreuve[]) =>
  `Épreuves connues : ${all.map((e) => `${e.referential} ${e.code}`).join(", ")}.`;

/** The épreuve named by code in a referential (or, without one, in the only referential that has it). */
export function namedEpreuve(setup: CoverageSetup, referential: string | null, name: string): Epreuve {
  const refs = referential ? [referential] : [...new Set(setup.epreuves.map((e) => e.referential))];
  const hits = refs.map((r) => findEpreuve(setup.epreuves, r, name)).filter((e) => e !== null);
  if (hits.length === 1) return hits[0]!;
  const pool = referential ? setup.epreuves.filter((e) => e.referential === referential) : setup.epreuves;
  throw new CertibotError("UNKNOWN_EPREUVE", {
    hint:
      hits.length > 1 ? `Précisez le référentiel (--referential). ${listEpreuves(hits)}` : listEpreuves(pool),
  });
}

/** An épreuve without a deliverable rule of its own: no sections or page bounds to check, only competencies. */
function epreuveDeliverable(e: Epreuve): Deliverable {
  return {
    id: `${e.referential}-${e.code}`.toLowerCase(),
    title: `${e.code} — ${e.title}`,
    keywords: [],
    referential: e.referential,
    pages: [1, 1000],
    source: e.statement.length >= 20 ? e.statement : `${e.title} (${e.referential})`,
    sections: [],
    epreuve: { referential: e.referential, code: e.code },
  };
}

export async function checkReport(
  bytes: Uint8Array,
  opts: {
    deliverables: Deliverable[];
    deliverableId?: string | null;
    limits: ReportLimits;
    coverage?: CoverageRequest;
  },
): Promise<CheckResult & { epreuve?: Epreuve }> {
  let chosen: Deliverable | undefined;
  if (opts.deliverableId) {
    chosen = opts.deliverables.find((d) => d.id === opts.deliverableId);
    if (!chosen)
      throw new CertibotError("UNKNOWN_DELIVERABLE", {
        hint: `Livrables connus : ${opts.deliverables.map((d) => d.id).join(", ")}.`,
      });
  }
  const cov = opts.coverage;
  // Refused before reading the file: a wrong name is the user's to fix first.
  let epreuve = cov?.epreuve ? namedEpreuve(cov.setup, cov.referential, cov.epreuve) : undefined;
  if (!epreuve && cov && !cov.referential && chosen?.epreuve)
    epreuve = namedEpreuve(cov.setup, chosen.epreuve.referential, chosen.epreuve.code);
  const report = await extractReport(bytes, opts.limits);
  let fromTitlePage = false;
  let text: ReturnType<typeof reportSentences> | undefined;
  if (cov && !epreuve) {
    text = reportSentences(report);
    const pool = cov.referential
      ? cov.setup.epreuves.filter((e) => e.referential === cov.referential)
      : cov.setup.epreuves;
    epreuve = epreuveOnTitlePage(text.titleText, pool) ?? undefined;
    if (!epreuve)
      throw new CertibotError("UNKNOWN_EPREUVE", {
        hint: `La page de titre ne nomme pas d'épreuve : précisez --epreuve. ${listEpreuves(pool)}`,
      });
    fromTitlePage = true;
  }
  const forEpreuve = epreuve
    ? opts.deliverables.find(
        (d) => d.epreuve?.referential === epreuve.referential && d.epreuve.code === epreuve.code,
      )
    : undefined;
  const deliverable =
    chosen ??
    forEpreuve ??
    (epreuve ? epreuveDeliverable(epreuve) : guessDeliverable(report, opts.deliverables));
  const verdict = judge(report, deliverable);
  if (cov && epreuve) {
    text ??= reportSentences(report);
    verdict.epreuve = {
      referential: epreuve.referential,
      code: epreuve.code,
      title: epreuve.title,
      fromTitlePage,
    };
    verdict.coverage = report.textExtracted
      ? coverageOf(text, epreuve, { phrasings: cov.setup.phrasings, lexicon: cov.setup.lexicon })
      : [];
    if (cov.llm && verdict.coverage.length)
      verdict.coverage = await judgeCoverageWithLlm(cov.llm, epreuve, text, verdict.coverage, cov.log);
  }
  return { verdict, guessed: !chosen && !epreuve, deliverable, ...(epreuve ? { epreuve } : {}) };
}
