import type { KnowledgeRecord } from "../knowledge/record.js";
import { squash, terms } from "../lib/text.js";
import type { Unit } from "../understanding/intent.js";

/**
 * One sentence or list item of a record: the unit answers are built from.
 * A list item keeps its lead-in ("Le rapport doit contenir, entre 20 et 30
 * pages :"), since the item alone rarely says what it is a part of.
 */
export interface Evidence {
  record: KnowledgeRecord;
  /** Rank of the record among the hits (0: best). */
  rank: number;
  /** Position in the record, for document order. */
  order: number;
  text: string;
  /** For a list item: the sentence that introduces its list (or its parent item). */
  leadIn: number | null;
  /** List depth: 0 for a sentence, 1 for an item, 2 for a nested item. */
  depth: number;
  /** Paragraph (source line) the sentence belongs to: its neighbours are its context. */
  line: number;
  part: "statement" | "activity" | "modality" | "criterion";
}

const ITEM = /^(\s*)(?:[-•*◦▪–✔✓►➢❑]|\d{1,2}[.)]|[a-z][.)])\s+/;
// Abbreviations after which a period does not end a sentence.
const ABBREV =
  /(?:\b(?:cf|ex|etc|p|pp|n°|no|art|al|vol|fig|env|min|max|approx|e\.g|i\.e|M|Mme|Dr|[Cc]oef|[Nn]b|[Ee]nv|[Tt]el)\.|(?:^|\s)(?:[Éé]val|[Tt]él|[Rr]éf)\.|\b[A-Z]{1,2}r?\d{1,2}(?:\.\d)?\.)$/;

/**
 * Lines wrapped by the PDF extraction ("Étude de cas pratique et\nthéorique
 * sur…") are joined; a line ending a sentence or starting an item is not.
 */
function unwrap(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n").filter((l) => l.trim());
  // Text cut into a narrow column (expert-ia's interleaved table): every line
  // not ending a sentence continues on the next.
  const lengths = lines.map((l) => l.trim().length).sort((a, b) => a - b);
  const open = lines.filter((l) => !/[.:;!?,]\s*$/.test(l)).length;
  const column =
    lines.length >= 6 && (lengths[Math.floor(lengths.length / 2)] ?? 0) < 45 && open >= lines.length * 0.6;
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, "");
    const prev = out[out.length - 1];
    const next = line.trim();
    const connector =
      /\b(?:de|du|des|la|le|les|et|ou|à|au|aux|ce|cette|en|un|une|par|pour|sur|dans|avec|d’|l’|d'|l')$/i;
    // In a narrow column a line starting with a small letter or a number goes
    // on with the one before, a label's value included ("Durée de la
    // soutenance orale :" / "45 minutes…"); a capital starts a new statement.
    const wrapped =
      prev !== undefined &&
      !ITEM.test(line) &&
      (column
        ? !/[.;!?]$/.test(prev) &&
          (/^[a-zà-öø-ÿ’'(0-9]/.test(next) || (connector.test(prev) && !/:$/.test(prev)))
        : !/[.:;!?]$/.test(prev) && (/^[a-zà-öø-ÿ’'(]/.test(next) || connector.test(prev)));
    if (wrapped) out[out.length - 1] = `${prev} ${line.trim()}`;
    else out.push(line);
  }
  return withCaptions(out);
}

const FIGURE = /^[+~≈]?\d[\d.,]*\s*(?:%|€)?$/;
const CAPTION = (line: string) => /^\p{Lu}/u.test(line.trim()) && !/\p{Ll}/u.test(line);

/**
 * A brochure's figures stand over their captions ("31%" / "DE FEMMES DANS
 * LES FORMATIONS"); extraction leaves the figure alone or at the end of the
 * line before. A figure and its caption are one statement.
 */
function withCaptions(lines: string[]): string[] {
  const out = [...lines];
  for (let i = 0; i + 1 < out.length; i++) {
    if (!CAPTION(out[i + 1]!)) continue;
    const line = out[i]!.trim();
    if (FIGURE.test(line)) {
      out[i + 1] = `${line} ${out[i + 1]!.trim()}`;
      out[i] = "";
      continue;
    }
    const trailing = /^(.*\S)\s+([+~≈]?\d[\d.,]*\s*(?:%|€)?)$/.exec(line);
    if (trailing && (!/\d$/.test(trailing[1]!) || trailing[2]!.endsWith("%"))) {
      out[i] = trailing[1]!;
      out[i + 1] = `${trailing[2]} ${out[i + 1]!.trim()}`;
    }
  }
  return out.filter((l) => l.trim());
}

// The label is consumed with its break: « Code(s) NSF : » is one label, not « Code(s) » then « NSF : ».
const RUN_IN_LABEL = /([)\p{Ll}\d])(\s+\p{Lu}[\p{L}()’'.]*(?:\s+[\p{L}()’'.]+){0,3}\s:\s)/gu;

/** Sentences of one line of prose, not cut after "cf." or a code ("C17."). */
export function splitSentences(line: string): string[] {
  const out: string[] = [];
  let current = "";
  // A label run in after its neighbour's value, as a table cell's paragraphs come out on one line
  // (« … (IDCC 2941) Code(s) NSF : 330t … Code(s) Formacode : 42056 »), opens a statement of its own.
  // Only in a long run with two labels at least (a table cell's fields): a short one (« Préparation : 20 min
  // Jeu de rôle : 20 min ») answers whole, and prose citing « … au Code du travail : … » once is prose.
  const labels = line.length > 200 ? (line.match(RUN_IN_LABEL)?.length ?? 0) : 0;
  const labelled = labels >= 2 ? line.replace(RUN_IN_LABEL, "$1\u0001$2") : line;
  for (const word of labelled.split(/\s+/)) {
    if (word.endsWith("\u0001")) {
      current = current ? `${current} ${word.slice(0, -1)}` : word.slice(0, -1);
      out.push(current);
      current = "";
      continue;
    }
    current = current ? `${current} ${word}` : word;
    if (/[.!?;]["»)]?$/.test(word) && !ABBREV.test(current)) {
      out.push(current);
      current = "";
    }
  }
  if (current) out.push(current);
  // Merge fragments that start lowercase or are a bare number into the previous sentence.
  const merged: string[] = [];
  for (const s of out) {
    const prev = merged[merged.length - 1];
    if (prev !== undefined && (/^[a-zà-öø-ÿ(]/.test(s) || /^\d{1,2}(?:\.\d{1,2})*\.$/.test(prev)))
      merged[merged.length - 1] = `${prev} ${s}`;
    else merged.push(s);
  }
  return merged.map(squash).filter(Boolean);
}

/** "1. Réaliser … 2. Rédiger … 3. Soumettre …" on one line → its items. */
function inlineNumbered(line: string): string[] | null {
  if (!/^\s*1[.)]\s/.test(line)) return null;
  const items = line.split(/\s+(?=\d{1,2}[.)]\s+[A-ZÀ-Ý])/);
  return items.length >= 2 ? items : null;
}

// Records are immutable once indexed: their units are split once.
const UNITS = new WeakMap<KnowledgeRecord, Evidence[]>();

/** Every sentence and list item of a record, in document order. */
export function evidenceOf(record: KnowledgeRecord, rank = 0): Evidence[] {
  let units = UNITS.get(record);
  if (!units) {
    units = splitRecord(record);
    UNITS.set(record, units);
  }
  return rank === 0 ? units : units.map((u) => ({ ...u, rank }));
}

function splitRecord(record: KnowledgeRecord): Evidence[] {
  const out: Evidence[] = [];
  let paragraph = 0;
  const push = (e: Omit<Evidence, "record" | "rank" | "order" | "line">) =>
    out.push({ record, rank: 0, order: out.length, line: paragraph, ...e });

  const prose = (text: string, part: Evidence["part"]) => {
    // Index of the last sentence (depth 0) and of the last item per depth, for lead-ins.
    let lastSentence: number | null = null;
    const lastItem: number[] = [];
    for (const line of unwrap(text)) {
      paragraph++;
      const inline = inlineNumbered(line);
      const lines = inline ?? [line];
      for (const l of lines) {
        const m = ITEM.exec(l);
        if (m) {
          const depth = m[1]!.length >= 2 ? 2 : 1;
          const leadIn = depth === 2 ? (lastItem[1] ?? lastSentence) : lastSentence;
          push({ text: squash(l.slice(m[0].length)), leadIn, depth, part });
          lastItem[depth] = out.length - 1;
        } else {
          // A bare label ("Sujet :", "livrable attendu :") introduces the sentence after it.
          const prev = lastSentence !== null ? out[lastSentence] : undefined;
          const label =
            prev &&
            prev.depth === 0 &&
            prev.text.length <= 40 &&
            /:\s*$/.test(prev.text) &&
            out.length - 1 === lastSentence
              ? lastSentence
              : null;
          for (const s of splitSentences(l)) {
            push({ text: s, leadIn: label, depth: 0, part });
            lastSentence = out.length - 1;
          }
          lastItem.length = 0;
        }
      }
    }
  };
  prose(record.statement, "statement");
  for (const a of record.activities) {
    paragraph++;
    push({ text: a, leadIn: null, depth: 0, part: "activity" });
  }
  if (record.modality) prose(record.modality, "modality");
  for (const c of record.criteria) {
    paragraph++;
    push({ text: squash(c), leadIn: null, depth: 0, part: "criterion" });
  }
  return out.filter((e) => e.text.length > 1);
}

const NUMBER = String.raw`(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?|un|une|deux|trois|quatre|cinq|six|sept|huit|dix|one|two|three|four|five|ten)`;
const RANGE = String.raw`${NUMBER}(?:\s*(?:à|a|et|-|–|ou|to|and)\s*${NUMBER})?`;
const UNIT_PATTERNS: Record<Exclude<Unit, "duration" | "count">, RegExp> = {
  pages: new RegExp(String.raw`${RANGE}\s*pages?\b`, "i"),
  minutes: new RegExp(String.raw`${RANGE}\s*(?:min(?:utes?)?|mn|h(?:eures?)?|hours?)\b`, "i"),
  hours: new RegExp(String.raw`${RANGE}\s*(?:h\b|heures?|hours?)`, "i"),
  days: new RegExp(String.raw`${RANGE}\s*(?:jours?|journées?|days?)\b`, "i"),
  months: new RegExp(String.raw`${RANGE}\s*(?:mois|semaines?|months?|weeks?|ans?|années?)\b`, "i"),
  years: new RegExp(String.raw`${RANGE}\s*(?:ans?|années?|years?)\b`, "i"),
  points: new RegExp(String.raw`${RANGE}\s*(?:points?|pts?)\b|\/\s*20\b`, "i"),
  people: new RegExp(
    String.raw`${NUMBER}\s*(?:professionnels?|membres?|personnes?|jurés?|examinateurs?|évaluateurs?|formateurs?|apprenants?|candidats?|élèves?|diplômés?|alumni|entreprises?|partenaires?)\b`,
    "i",
  ),
  money: /\d[\d\s.,]*\s*(?:€|euros?|k€)|salaires?\s+\w+\s+\d/i,
  percent: /\d+(?:[.,]\d+)?\s*%/,
  date: /\b(?:19|20)\d\d\b/,
};

const DURATION = ["minutes", "hours", "days", "months", "years"] as const;

/** Whether a text holds a number in the unit asked ("count": a number before the counted word). */
export function holdsUnit(text: string, unit: Unit, counted: string | null = null): boolean {
  if (unit === "duration")
    return (
      DURATION.some((u) => UNIT_PATTERNS[u].test(text)) || /illimit|unlimited|durée de validité/i.test(text)
    );
  if (unit === "count") {
    if (!counted) return false;
    const ws = text.split(/\s+/);
    return ws.some(
      (w, i) =>
        new RegExp(`^${NUMBER}$`, "i").test(w) && ws.slice(i + 1, i + 3).some((x) => terms(x)[0] === counted),
    );
  }
  return UNIT_PATTERNS[unit].test(text);
}

const TERMS = new Map<string, Set<string>>();

/** Stemmed terms of a text, once each (memoised: the same sentences are scored again and again). */
export function termSet(text: string): Set<string> {
  let set = TERMS.get(text);
  if (!set) {
    set = new Set(terms(text));
    // Bounded: the corpus has a few thousand sentences; questions' own texts do not pile up.
    if (TERMS.size > 50_000) TERMS.clear();
    TERMS.set(text, set);
  }
  return set;
}
