import { TOC_ENTRY } from "../../lib/pdf-layout.js";
import { fold, squash } from "../../lib/text.js";
import { type KnowledgeRecord, makeRecord } from "../record.js";
import type { Block } from "./blocks.js";
import { readCertificationConventions } from "./certification.js";

export type CodeKind = "competency" | "criterion" | "evaluation" | "activity" | "bloc";

export interface CodeMatch {
  code: string;
  kind: CodeKind;
  /** Bloc number when the code names one ("Bloc 2", RNCP…BC02, B2C4). */
  bloc: number | null;
  /** The text after the code and its separator. */
  rest: string;
}

/**
 * Code families recognised wherever they open a heading, paragraph, item or
 * cell: RNCP38436BC01, B2Cr4, B2C4, CP1, C1, C1.2, C1.1.1, A1, A1.2, E3,
 * E31, "Bloc 2", "Compétence 3", "Activité 2", "Épreuve 3", "Épreuve E1.1" (and "Sous-épreuve E13").
 */
export function matchCode(text: string): CodeMatch | null {
  const t = text.trim();
  // « RNCP35512BC02 → RNCP41287BC02 »: a correspondence between two codes, not the first one's record.
  if (/^(?:RNCP\s?\d{4,6}\s?BC\s?\d{1,2}|bloc\s+\d{1,2}|\S+)\s*(?:→|⇒|->|=>)/iu.test(t)) return null;
  const sep = String.raw`\s*(?:[-–—:.)/]\s*|\s+|$)`;
  const m = (re: RegExp) => new RegExp(`^(?:${re.source})${sep}`, "iu").exec(t);
  // Lines kept: a cell's first line is its title, the items under it its detail.
  const rest = (r: RegExpExecArray) =>
    t.slice(r[0].length).split("\n").map(squash).filter(Boolean).join("\n");
  let r = m(/(RNCP\s?\d{4,6})\s?(BC)\s?(\d{1,2})/);
  if (r)
    return {
      code: `${r[1]!.replace(/\s/g, "").toUpperCase()}BC${r[3]!.padStart(2, "0")}`,
      kind: "bloc",
      bloc: Number(r[3]),
      rest: rest(r),
    };
  r = m(/B(\d{1,2})\s?Cr\s?(\d{1,2})/);
  if (r) return { code: `B${r[1]}Cr${r[2]}`, kind: "criterion", bloc: Number(r[1]), rest: rest(r) };
  r = m(/B(\d{1,2})\s?C\s?(\d{1,2})/);
  if (r) return { code: `B${r[1]}C${r[2]}`, kind: "competency", bloc: Number(r[1]), rest: rest(r) };
  // A titre professionnel's CCP n certifies its activité type n (the REAC numbers them AT1, AT2…).
  r = m(/CCP\s?(?:n°\s*)?(\d{1,2})/);
  if (r) return { code: `AT${Number(r[1])}`, kind: "activity", bloc: null, rest: rest(r) };
  r = m(/CP\s?(\d{1,2})/);
  if (r) return { code: `CP${Number(r[1])}`, kind: "competency", bloc: null, rest: rest(r) };
  r = m(/(?:sous-)?(?:é|e)preuve\s+(?:n°\s*)?(E?\d{1,2}(?:\.\d{1,2})?)/);
  if (r) return { code: `E${r[1]!.replace(/^E/i, "")}`, kind: "evaluation", bloc: null, rest: rest(r) };
  // "BC02": a bloc named by the last part of its France Compétences code.
  r = m(/BC\s?(\d{1,2})/);
  if (r) return { code: `Bloc ${Number(r[1])}`, kind: "bloc", bloc: Number(r[1]), rest: rest(r) };
  r = m(/bloc\s+(?:de\s+comp(?:é|e)tences?\s+)?(?:n°\s*)?(\d{1,2})/);
  if (r) return { code: `Bloc ${Number(r[1])}`, kind: "bloc", bloc: Number(r[1]), rest: rest(r) };
  r = m(/comp(?:é|e)tence\s+(?:n°\s*)?(\d{1,2}(?:\.\d{1,2}){0,2})/);
  if (r) return { code: `C${r[1]}`, kind: "competency", bloc: null, rest: rest(r) };
  r = m(/activit(?:é|e)\s+(?:type\s+)?(?:n°\s*)?(\d{1,2}(?:\.\d{1,2})?)/);
  if (r) return { code: `A${r[1]}`, kind: "activity", bloc: null, rest: rest(r) };
  // Bare letter codes are upper case as printed: "a 1" or "e2" in prose are not codes.
  r = /^([CAE])(\d{1,2}(?:\.\d{1,2}){0,2})(?:\s*(?:[-–—:.)/]\s*|\s+)|$)/u.exec(t);
  if (r) {
    const kind = r[1] === "C" ? "competency" : r[1] === "A" ? "activity" : "evaluation";
    return { code: `${r[1]}${r[2]}`, kind, bloc: null, rest: rest(r) };
  }
  return null;
}

interface Draft {
  match: CodeMatch;
  title: string;
  statement: string[];
  criteria: string[];
  activities: string[];
  modality: string[];
  bloc: string | null;
  path: string[];
  /** Read from a summary table's row: the bloc's own record, where the document has one, comes first. */
  summary?: boolean;
}

interface SectionDraft {
  path: string[];
  body: string[];
}

/** Columns of a grid named by its header row. */
type Role = "code" | "competency" | "criteria" | "modality" | "activity" | "other";
function columnRoles(cells: string[]): Role[] | null {
  const roles = cells.map((c): Role => {
    const f = fold(c);
    if (/crit/.test(f)) return "criteria";
    if (/modalit|evaluation|epreuve/.test(f)) return "modality";
    if (/activit/.test(f)) return "activity";
    if (/competence|skill/.test(f)) return "competency";
    if (/^(code|ref|n°|#)/.test(f)) return "code";
    return "other";
  });
  const known = roles.filter((r) => r !== "other").length;
  // A header row: short cells, most naming a column, no code opening the first.
  return known >= 2 && cells.every((c) => c.length < 80) && !matchCode(cells[0] ?? "") ? roles : null;
}

/**
 * A table row named by its header cells. In a table whose first column names
 * modalités or épreuves (a RE's "Modalités | Compétences évaluées | Durée |
 * Détail"), the row is an evaluation of its own, its duration kept with it.
 */
function tableRow(
  cells: string[],
  header: string[],
): { evaluation: string | null; duration: string | null; lines: string[] } {
  const first = fold(header[0] ?? "");
  const lines: string[] = [];
  let duration: string | null = null;
  // A grid's ticks name the columns they stand in: "✓" under "Entretien technique" is "évalué par
  // l'entretien technique".
  const ticked = cells.flatMap((c, i) => (/^(?:✓\s*)+$/.test(c) && header[i] ? [header[i]!] : []));
  cells.forEach((c, i) => {
    if (!c || /^(?:[✓☐]\s*)+$/.test(c)) return;
    const h = header[i] ?? "";
    if (/dur[ée]e/i.test(h) || /^\d{1,2}\s?h\s?\d{0,2}(?:\s?min)?$/i.test(c)) duration = c;
    lines.push(h && i > 0 ? `${h} : ${c}` : c);
  });
  if (ticked.length) lines.push(`Coché (✓) : ${ticked.join(" ; ")}`);
  // The épreuve is named in the first column, or in the second after its bloc ("Bloc | Épreuve | Durée").
  const at = /modalit|epreuve|evaluation/.test(first)
    ? 0
    : /^(?:modalites?|epreuves?)\b/.test(fold(header[1] ?? "")) && !/crit/.test(fold(header[1] ?? ""))
      ? 1
      : -1;
  const label = cells[Math.max(at, 0)] || (cells.find(Boolean) ?? "");
  const isEvaluation =
    at >= 0 &&
    Boolean(label) &&
    // A line across the table ("Autres modalités d'évaluation le cas échéant :") is a note, not an épreuve.
    cells.filter(Boolean).length >= 2;
  const title = squash(label.split("\n")[0]!.replace(/\s*:$/, ""));
  if (!isEvaluation) return { evaluation: null, duration, lines };
  // An épreuve's record says first what it is and how long it lasts, then its detail, then what it evaluates:
  // the duration is what candidates ask for, and it stays next to its modalité.
  const labelAt = cells.indexOf(label);
  const named = cells
    .map((c, i) => ({ h: header[i] ?? "", c }))
    .filter(({ c }, i) => c && (i > 0 || labelAt > 0) && i !== labelAt && c !== duration);
  const detail = named.filter(({ h }) => !/comp[ée]tence/i.test(h));
  const evaluated = named.filter(({ h }) => /comp[ée]tence/i.test(h));
  const out = [duration ? `${title} : durée ${duration}.` : `${title}.`];
  for (const { h, c } of [...detail, ...evaluated]) out.push(h ? `${h} : ${c}` : c);
  return { evaluation: title, duration, lines: out };
}

/** Where a cell naming several codes (« C7.2 … C8.2 … ») is cut: one record each. */
const CODES_IN_CELL = /\s(?=(?:[CAE]\d{1,2}(?:\.\d{1,2}){0,2}|CP\d{1,2}|B\d{1,2}Cr?\d{1,2})\s)/;
/** How a competency names the activity its row goes on with (« A3.2 — Organisation du travail »). */
const activityLabel = (m: CodeMatch) => `${m.code} — ${firstSentence(m.rest)}`;
const TABLE_OF_CONTENTS = /^(?:sommaire|table des matieres|contents|table of contents)\s*:?$/;

const firstSentence = (s: string) => {
  const one = s.split(/\n/)[0]!;
  const cut = /^(.{12,160}?[.;])(\s|$)/.exec(one);
  return squash((cut ? cut[1]! : one.slice(0, 160)).replace(/[.;:]$/, ""));
};

const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => squash(l.replace(/^\s*(?:[-•●▪◦❑✓➢►*–])\s+/, "")))
    .filter(Boolean);

/**
 * The rubrics of a titre's RNCP fiche and of the REAC's first pages, printed in the body's own type
 * ("Capacités attestées et descriptif des composantes de la certification", "Secteurs d'activité ou
 * types d'emploi accessibles par le détenteur du titre", "Liens avec d'autres certifications"): each
 * heads what follows it. A line that is only such a rubric becomes a heading, at the level of a rubric
 * already read as one (else the shallowest heading's level).
 */
const RUBRIC =
  /^(?:intitule|resume du referentiel d'emploi(?: ou elements de competence acquis)?|capacites attestees(?: et descriptif des composantes de la certification)?|descriptif des composantes de la certification|secteurs? d'activites? (?:ou|et) types? d'emplois? accessibles(?: par le detenteur du titre)?|codes? rome|reglementation (?:d'activites?|de l'activite)|equivalences avec d'autres certifications|liens avec d'autres certifications|modalites d'acces a cette certification|validite des composantes acquises|autorite responsable de la certification|bases legales(?: et reglementaires)?|pour plus d'informations)(?: \(le cas echeant\))?\s*:?$/;

const NUMBERED = /^\d{1,2}[.)]?\s+\p{Lu}/u;

function rubricHeadings(source: Block[]): Block[] {
  // A dash glued to its item ("-secrétaire comptable ;") is still a list item.
  const blocks = source.map(
    (b): Block =>
      b.kind === "paragraph" && /^-\p{L}/u.test(b.text) ? { kind: "item", text: b.text.slice(1).trim() } : b,
  );
  const isRubric = (text: string) => text.length <= 120 && RUBRIC.test(fold(squash(text)));
  const headings = blocks.filter((b): b is Block & { kind: "heading" } => b.kind === "heading");
  if (!blocks.some((b) => (b.kind === "paragraph" || b.kind === "heading") && isRubric(b.text)))
    return blocks;
  const level =
    headings.find((h) => isRubric(h.text))?.level ??
    (headings.length ? Math.min(...headings.map((h) => h.level)) : 1);
  // Under "Capacités attestées", a numbered capacity followed by its competences, one per line, heads
  // them ("quelles compétences composent la capacité 2 ?" finds them under it); the rubric lists them.
  const capacity = (i: number) => {
    const b = blocks[i]!;
    const next = blocks[i + 1];
    return (
      (b.kind === "item" || b.kind === "paragraph") &&
      NUMBERED.test(b.text) &&
      next?.kind === "paragraph" &&
      !/^\d/.test(next.text)
    );
  };
  const out: Block[] = [];
  let capacities = false;
  for (const [i, b] of blocks.entries()) {
    if ((b.kind === "paragraph" || b.kind === "heading") && isRubric(b.text)) {
      out.push({ kind: "heading", level, text: b.text });
      capacities = /^(?:capacites attestees|descriptif des composantes)/.test(fold(b.text));
      if (capacities) {
        const listed: string[] = [];
        for (let k = i + 1; k < blocks.length; k++) {
          const x = blocks[k]!;
          if (x.kind === "row" || isRubric(x.text)) break;
          // Capacities already set as headings of their own (a .docx's styles) are listed too.
          if (x.kind === "heading" && !NUMBERED.test(x.text)) break;
          if (x.kind === "heading" || capacity(k)) listed.push(x.text);
        }
        if (listed.length >= 2) {
          // One sentence: a question quoting one capacity finds that capacity's own list first.
          out.push({
            kind: "paragraph",
            text: `Les capacités attestées par le titre sont : ${listed.map((t) => t.replace(/^\d{1,2}[.)]?\s+/, "")).join(" ; ")}.`,
          });
        }
      }
      continue;
    }
    if (b.kind === "heading" && !NUMBERED.test(b.text)) capacities = false;
    out.push(
      capacities && capacity(i) && "text" in b ? { kind: "heading", level: level + 1, text: b.text } : b,
    );
  }
  return out;
}

/**
 * The generic structurer: blocks in reading order to records of today's
 * kinds. Codes open records wherever they stand (heading, paragraph, item,
 * first cell of a row); lists and criteria columns after a competency are its
 * criteria; blocs gather the competencies that follow them (uncoded ones are
 * numbered by position); every heading's own text is a section record titled
 * with its heading path.
 */
export function structure(referential: string, source: Block[]): KnowledgeRecord[] {
  const input = rubricHeadings(source);
  // The certification documents' fiches and glossaries first; the generic reading takes the rest.
  const conventions = readCertificationConventions(referential, input);
  const blocks = conventions.rest;
  const path: { level: number; text: string }[] = [];
  const drafts: Draft[] = [];
  const sections: SectionDraft[] = [{ path: [], body: [] }];
  let open: Draft | null = null;
  let openLevel = 99;
  /** The épreuve whose chapter is being read: its sub-headings (« Sujet », « livrable attendu ») are its own. */
  let chapter = null as { draft: Draft; level: number } | null;
  type OpenBloc = { label: string; number: number | null; code: string; position: number };
  let bloc: OpenBloc | null = null;
  let roles: Role[] | null = null;
  /**
   * A France Compétences grid (activités | compétences | modalités | critères): each column goes on with
   * its own coded item from row to row (a competency's criteria over several rows, an épreuve's modalité
   * beside the competencies it evaluates), and a row cut by a page break continues each column.
   */
  let grid: {
    width: number;
    at: number;
    activity: Draft | null;
    competency: Draft | null;
    evaluation: Draft | null;
    /** The open épreuve as its cell names it (« E1. Mise en situation (C1, C2) »). */
    evaluationLine: string | null;
  } | null = null;
  let inCriteria = false;
  const section = () => sections[sections.length - 1]!;
  // The document's own title (its first block, the only heading of its level) is left out of heading paths.
  const first = blocks[0];
  const docTitle =
    first?.kind === "heading" &&
    blocks.filter((b) => b.kind === "heading" && b.level <= first.level).length === 1
      ? first.text
      : null;
  const headingPath = () => {
    const all = path.map((p) => p.text);
    return all.length > 1 && all[0] === docTitle ? all.slice(1) : all;
  };

  const startDraft = (match: CodeMatch, text: string, level = 99): Draft => {
    if (match.kind === "bloc") {
      const n = match.bloc;
      const label = squash(`Bloc ${n ?? ""} — ${match.rest || text}`);
      bloc = { label, number: n, code: match.code, position: 0 };
      grid = null;
    }
    const d: Draft = {
      match,
      title: firstSentence(match.rest) || text,
      statement: match.rest && firstSentence(match.rest) !== squash(match.rest) ? [match.rest] : [],
      criteria: [],
      activities: [],
      modality: [],
      bloc: match.kind === "bloc" ? null : (bloc?.label ?? null),
      path: headingPath(),
    };
    if (match.kind === "competency" && bloc) bloc.position++;
    drafts.push(d);
    open = d;
    openLevel = level;
    inCriteria = false;
    if (match.kind === "evaluation" && level < 99) chapter = { draft: d, level };
    return d;
  };

  const uncodedCompetency = (title: string, rest: string[]): Draft => {
    const b = bloc!;
    b.position++;
    const d: Draft = {
      match: { code: "", kind: "competency", bloc: b.number, rest: title },
      title: `Compétence ${b.position} du bloc ${b.number ?? ""} — ${firstSentence(title)}`.replace(
        /\s+—/,
        " —",
      ),
      statement: [title],
      criteria: rest,
      activities: [],
      modality: [],
      bloc: b.label,
      path: headingPath(),
    };
    drafts.push(d);
    return d;
  };

  const gridRow = (cells: string[]): void => {
    const g = grid!;
    let opened = false;
    let modality = false;
    cells.forEach((c, i) => {
      if (!c.trim() || i < g.at) return;
      const col =
        i === g.at
          ? "activity"
          : i === g.at + 1
            ? "competency"
            : roles?.[i] === "criteria" || roles?.[i] === "modality"
              ? roles[i]
              : i === g.width - 1
                ? "criteria"
                : "modality";
      const m = matchCode(c);
      if (col === "activity") {
        if (m?.kind === "activity") g.activity = startDraft(m, c);
        else g.activity?.statement.push(...lines(c).map((l) => `- ${l.replace(/^[-–•]\s+/, "")}`));
      } else if (col === "competency") {
        // Several codes in one cell ("C7.2 … C8.2 …"): one record each.
        for (const part of c.split(CODES_IN_CELL)) {
          const pm = matchCode(part);
          if (pm && (pm.kind === "competency" || pm.kind === "criterion")) {
            const d = startDraft(pm, part);
            // The activity its row goes on with is the competency's ("A3.2 — Organisation du travail").
            if (g.activity) d.activities.push(activityLabel(g.activity.match));
            g.competency = d;
            opened = true;
          } else if (g.competency) {
            // A sentence cut by the page goes on where it stopped.
            const d = g.competency;
            const text = squash(part);
            const last = d.statement.length ? d.statement[d.statement.length - 1]! : null;
            if (/^\p{Ll}/u.test(text) && !/[.;:!?]$/.test(last ?? d.match.rest)) {
              const whole = `${last ?? d.match.rest} ${text}`;
              if (last) d.statement[d.statement.length - 1] = whole;
              else d.statement.push(whole);
              if (!last || d.title === firstSentence(last)) d.title = firstSentence(whole);
            } else d.statement.push(text);
          }
        }
      } else if (col === "modality") {
        if (m?.kind === "evaluation") {
          // One cell may name two épreuves, each on its line with its detail under it.
          for (const line of c.split("\n")) {
            const lm = matchCode(line);
            if (lm?.kind === "evaluation") {
              g.evaluation = startDraft(lm, line);
              g.evaluationLine = squash(line);
              g.competency?.modality.push(squash(line));
            } else if (squash(line)) (g.evaluation ?? g.competency)?.statement.push(squash(line));
          }
        } else if (g.evaluation && !opened) g.evaluation.statement.push(c);
        else {
          g.evaluation = null;
          g.evaluationLine = null;
          g.competency?.modality.push(squash(c));
        }
        modality = true;
      } else (g.competency ?? g.activity)?.criteria.push(...lines(c));
    });
    // A competency whose row leaves the modalities cell empty is evaluated by the épreuve whose cell spans
    // the rows (« E1. Mise en situation (C1, C2, C3) » beside C1, C2 and C3).
    if (opened && !modality && g.evaluationLine && g.competency && !g.competency.modality.length)
      g.competency.modality.push(g.evaluationLine);
    open = g.competency ?? g.activity ?? open;
  };

  for (const b of blocks) {
    if (b.kind === "heading") {
      grid = null;
      // A sommaire heads nothing: the headings after it are the document's own.
      if (path.length && TABLE_OF_CONTENTS.test(fold(path[path.length - 1]!.text))) path.pop();
      while (path.length && path[path.length - 1]!.level >= b.level) path.pop();
      // A heading citing its code after the title: "Cas pratique 2 (réf. E3)".
      const cited = /\((?:r[ée]f\.?|code)\s*:?\s*([A-Z]{1,4}\d{1,2}(?:\.\d{1,2})?)\)/i.exec(b.text);
      const citedMatch = cited ? matchCode(cited[1]!.toUpperCase()) : null;
      // A numbered heading ("7. Épreuve E4 – Mémoire", "II – Bloc 2") names its code after its number.
      const unnumbered = b.text.replace(/^(?:\d{1,2}(?:\.\d{1,2})*|[IVX]{1,4}|[A-H])\s*[.)–-]\s*(?=\S)/u, "");
      const match =
        matchCode(b.text) ??
        (unnumbered !== b.text ? matchCode(unnumbered) : null) ??
        (citedMatch ? { ...citedMatch, rest: squash(b.text.replace(cited![0], "")) } : null);
      // A heading as deep as the épreuve's or above ends its chapter, unless it is one of its rubrics
      // (a heading opening with a small letter: « livrable attendu » set at the épreuve's level).
      const rubric = b.level === chapter?.level && /^\p{Ll}/u.test(b.text) && !match;
      if (chapter && b.level <= chapter.level && !rubric) chapter = null;
      if (open && b.level <= openLevel) open = null;
      if (match) {
        path.push({ level: b.level, text: b.text });
        startDraft(match, b.text, b.level);
        continue;
      }
      path.push({ level: b.level, text: b.text });
      roles = null;
      if (open && /crit|indicateur/i.test(fold(b.text))) {
        inCriteria = true;
        continue;
      }
      if (open && /modalit|evaluation/.test(fold(b.text)) && (open as Draft).match.kind === "competency") {
        continue;
      }
      // An épreuve's chapter ("7. Épreuve E4" › "7.4 Dépôt", "7.6 Évaluation") is one record: asked
      // by its code, the épreuve answers with its deadline and its marking, not only its first lines.
      if (open && (open as Draft).match.kind === "evaluation" && b.level > openLevel) {
        (open as Draft).statement.push(`${squash(b.text).replace(/\s*:$/, "")} :`);
        continue;
      }
      // Back in the chapter after a competency it cites (« Compétence(s) visée(s) : C14 … » then « livrable
      // attendu »).
      if (chapter && (b.level > chapter.level || rubric)) {
        open = chapter.draft;
        openLevel = chapter.level;
        chapter.draft.statement.push(`${squash(b.text).replace(/\s*:$/, "")} :`);
        continue;
      }
      open = null;
      sections.push({ path: headingPath(), body: [] });
      continue;
    }
    // An activité type's row with its competencies (« CCP 1 Assurer les travaux courants… | ► Produire… »):
    // a coded record, read as a grid's row below.
    const activityRow =
      b.kind === "row" &&
      b.header !== undefined &&
      columnRoles(b.header)?.[0] === "activity" &&
      matchCode(b.cells[0] ?? "")?.kind === "activity";
    if (b.kind === "row" && b.header && !activityRow) {
      // A row of a table read with its header: the header names each cell.
      const named = tableRow(b.cells, b.header);
      if (named.evaluation) {
        const where = headingPath();
        // What the table is about: the nearest heading that is not the table's own caption
        // (a CCP's name, or the titre as a whole).
        // A CCP or a bloc named in the body just above the table, under the same heading, comes first.
        const owner = [...drafts]
          .reverse()
          .find(
            (d) =>
              (d.match.kind === "activity" || d.match.kind === "bloc") &&
              !d.summary &&
              d.path.join("\u0000") === where.join("\u0000"),
          );
        const ownerName =
          owner &&
          (owner.match.kind === "activity" && /^AT\d/.test(owner.match.code)
            ? `CCP ${owner.match.code.slice(2)} – ${owner.title}`
            : owner.title);
        // Else the nearest heading that is not its caption, with the chapter above when it names the épreuve
        // and the section does not name a CCP or a bloc (« Éléments de l'épreuve de synthèse › Présentation
        // de l'épreuve »).
        const headings = where.filter((h) => !/modalit|organisation de l.epreuve|tableau/.test(fold(h)));
        const [parent, nearest] = headings.slice(-2);
        const about =
          ownerName ??
          (nearest &&
          parent &&
          /epreuve|session|examen/.test(fold(parent)) &&
          !/^(?:ccp|bloc)\b/.test(fold(nearest))
            ? `${parent} › ${nearest}`
            : (nearest ?? parent));
        // "E1 – Étude de cas écrite": the épreuve's code, when its name opens with one.
        const coded = matchCode(named.evaluation);
        const code = coded?.kind === "evaluation" && coded.rest ? coded.code : "";
        const name = code ? coded!.rest : named.evaluation;
        drafts.push({
          match: { code, kind: "evaluation", bloc: null, rest: name },
          title: about && !code ? `${name} — ${about}` : name,
          statement: named.lines,
          criteria: [],
          activities: [],
          modality: named.duration ? [named.duration] : [],
          bloc: null,
          path: where,
        });
        open = null;
        continue;
      }
      // A table of the titre's blocs (« RNCP40318BC01 Élaborer la stratégie… | C1.1 … | E1 — … »): each
      // row is its bloc, named by the rest of its first cell or by the next one, the other cells its detail.
      const blocCell = matchCode(b.cells[0] ?? "");
      if (blocCell?.kind === "bloc" && b.cells.filter(Boolean).length >= 2) {
        const name = (blocCell.rest.split("\n")[0] || squash(b.cells[1]!.split("\n")[0]!)).replace(
          /^bloc\s+\d{1,2}\s*[-–—:]\s*/i,
          "",
        );
        const around: OpenBloc | null = bloc;
        const d = startDraft({ ...blocCell, rest: name }, name);
        d.statement.push(...named.lines.slice(blocCell.rest ? 1 : 2));
        // The modalities' cell is how the bloc is evaluated (« comment est évalué le bloc 2 ? »).
        const column = (re: RegExp) =>
          b.header!.findIndex((h, i) => i > 0 && re.test(fold(h)) && !/crit/.test(fold(h)));
        const how = column(/modalit/) > 0 ? column(/modalit/) : column(/evaluation|epreuve/);
        if (how > 0 && b.cells[how]) d.modality.push(squash(b.cells[how]!));
        d.summary = true;
        // A row does not open a bloc: what follows the table is not the last row's.
        bloc = around;
        open = null;
        continue;
      }
      // A row is one line of its section: the lines inside its cells ("M. Julien / MARTINEZ") join.
      // Cells apart with a middle dot: a semicolon would end the row's sentence in the middle.
      const text = named.lines.map((l) => l.replace(/\s*\n\s*/g, " ")).join(" · ");
      if (!text) continue;
      if (open) (open as Draft).statement.push(text);
      else section().body.push(text);
      continue;
    }
    if (b.kind === "row") {
      if (activityRow) roles = columnRoles(b.header!);
      const header = activityRow ? null : columnRoles(b.cells);
      if (header) {
        roles = header;
        continue;
      }
      const cells = b.cells;
      // A rule typed as text ("-- | --- | --") holds nothing.
      if (cells.every((c) => !c.replace(/[-–—_=.\s]/g, ""))) continue;
      const codeAt = cells.findIndex((c) => matchCode(c) !== null);
      const match = codeAt >= 0 && codeAt <= 1 ? matchCode(cells[codeAt]!) : null;
      const competencyNext = matchCode(cells[codeAt + 1] ?? "")?.kind;
      if (
        match?.kind === "activity" &&
        cells.length >= 3 &&
        (competencyNext === "competency" || competencyNext === "criterion")
      ) {
        grid = {
          width: cells.length,
          at: codeAt,
          activity: null,
          competency: null,
          evaluation: null,
          evaluationLine: null,
        };
        gridRow(cells);
        continue;
      }
      if (grid && cells.length === grid.width && (!match || codeAt === grid.at || codeAt === grid.at + 1)) {
        gridRow(cells);
        continue;
      }
      grid = null;
      // A row of a four-column grid (activity | competency | modality | criteria): a second cell opening with
      // a code of another kind is its own record, and the columns after it belong to it.
      const second = match
        ? cells.findIndex(
            (c, i) =>
              i > codeAt &&
              i <= codeAt + 1 &&
              matchCode(c)?.kind !== undefined &&
              matchCode(c)!.kind !== match.kind,
          )
        : -1;
      if (match && second > 0) {
        startDraft(match, cells[codeAt]!);
        // Several codes in one cell ("C7.2 … C8.2 …"): one record each.
        const parts = cells[second]!.split(CODES_IN_CELL);
        let d: Draft | null = null;
        for (const part of parts) {
          const m = matchCode(part);
          if (m) {
            d = startDraft(m, part);
            // The activity its row opens with is the competency's ("A3.2 — Organisation du travail").
            if (match.kind === "activity") d.activities.push(activityLabel(match));
          } else if (d) d.statement.push(squash(part));
        }
        if (d)
          cells.forEach((c, i) => {
            if (i <= second || !c) return;
            const role = roles?.[i] ?? (i === cells.length - 1 ? "criteria" : "modality");
            if (role === "criteria") d!.criteria.push(...lines(c));
            else d!.modality.push(squash(c));
          });
        continue;
      }
      if (match) {
        const d = startDraft(match, cells[codeAt]!);
        cells.forEach((c, i) => {
          if (i === codeAt || !c) return;
          const role =
            roles?.[i] ??
            (i > codeAt ? (i === codeAt + 1 && !match.rest ? "competency" : "criteria") : "other");
          if (role === "criteria") d.criteria.push(...lines(c));
          else if (role === "modality") d.modality.push(squash(c));
          else if (role === "activity") d.activities.push(...lines(c));
          else if (role === "competency" && !match.rest) {
            d.title = firstSentence(c);
            d.statement.push(squash(c));
          } else d.statement.push(squash(c));
        });
        if (match.kind === "bloc") open = null;
        continue;
      }
      // A grid row without a code under a bloc: a competency numbered by position.
      if (bloc && (roles?.includes("competency") || roles?.includes("criteria"))) {
        const ci = roles?.indexOf("competency") ?? 0;
        const title = cells[ci >= 0 ? ci : 0] ?? "";
        const crit = cells.flatMap((c, i) => (roles?.[i] === "criteria" ? lines(c) : []));
        if (title) {
          const d = uncodedCompetency(squash(title), crit);
          cells.forEach((c, i) => {
            if (roles?.[i] === "modality") d.modality.push(squash(c));
          });
          continue;
        }
      }
      const text = cells.filter(Boolean).join(" — ");
      if (open) (open as Draft).statement.push(text);
      else section().body.push(text);
      continue;
    }
    // Paragraphs and items; a sommaire's line (« RNCP38417BC01 – Administrer le personnel.....10 ») names
    // a code without being its record.
    const match =
      (b.kind === "paragraph" || b.kind === "item") && !TOC_ENTRY.test(b.text.trim())
        ? matchCode(b.text)
        : null;
    if (match && (match.rest.length > 0 || b.kind === "paragraph")) {
      // An item naming a code under an open competency is a criterion or a reference, not a new record,
      // unless it opens its own line as a code family of the same kind.
      if (
        !(
          b.kind === "item" &&
          open &&
          (open as Draft).match.kind !== "bloc" &&
          match.kind !== (open as Draft).match.kind
        )
      ) {
        startDraft(match, b.text);
        continue;
      }
    }
    if (open) {
      const d = open as Draft;
      if (/^(crit[eè]res?|indicateurs?)\b.*:?$/i.test(b.text) && b.text.length < 80) {
        inCriteria = true;
        continue;
      }
      if (b.kind === "item" && (inCriteria || d.match.kind === "competency" || d.match.kind === "criterion"))
        d.criteria.push(b.text);
      else if (b.kind === "item" && d.match.kind === "bloc") {
        // Competencies listed under a bloc without codes: numbered by position.
        uncodedCompetency(b.text, []);
      } else if (/^modalit[ée]s?\b/i.test(b.text))
        d.modality.push(b.text.replace(/^modalit[ée]s?[^:]*:\s*/i, ""));
      else d.statement.push(b.kind === "item" ? `- ${b.text}` : b.text);
      continue;
    }
    section().body.push(b.kind === "item" ? `- ${b.text}` : b.text);
  }

  const records: KnowledgeRecord[] = [];
  const ids = new Set<string>();
  for (const r of conventions.records) {
    ids.add(r.id);
    records.push(r);
  }
  const unique = (r: KnowledgeRecord) => {
    let id = r.id;
    for (let n = 2; ids.has(id); n++) id = `${r.id}-${n}`;
    ids.add(id);
    r.id = id;
    records.push(r);
  };
  const codeRecords = new Map<string, KnowledgeRecord>(
    conventions.records.filter((r) => r.code).map((r) => [r.code!, r]),
  );
  const blocMembers = new Map<string, string[]>();
  const blocRecords = new Map<string, KnowledgeRecord>();
  for (const d of [...drafts.filter((x) => !x.summary), ...drafts.filter((x) => x.summary)]) {
    const code = d.match.code && !d.match.code.startsWith("Bloc ") ? d.match.code : null;
    const statement = squash(d.statement.join("\n")) ? d.statement.join("\n") : d.title;
    // The same code met again (a summary table, then its detail): one record, enriched.
    const known = code ? codeRecords.get(code) : undefined;
    if (known) {
      // The synthesis table's row after the grid's épreuve adds its duration and its coefficient.
      const timed = d.match.kind === "evaluation" && d.modality.length > 0;
      if (
        (statement.length > known.statement.length || timed) &&
        statement !== d.title &&
        !known.statement.includes(statement)
      )
        known.statement = `${known.statement}\n${statement}`.trim();
      known.criteria.push(...d.criteria.filter((c) => !known.criteria.includes(c)));
      if (!known.modality && d.modality.length) known.modality = d.modality.join(" ");
      continue;
    }
    const kind = d.match.kind;
    const title =
      kind === "bloc"
        ? squash(`Bloc ${d.match.bloc ?? ""} — ${d.title}`).replace(/^Bloc\s+—/, "Bloc —")
        : d.title;
    // A bloc's title printed again over its grid on the next page is the same bloc.
    const sameBloc = kind === "bloc" ? blocRecords.get(title) : undefined;
    if (sameBloc) {
      if (statement !== d.title && !sameBloc.statement.includes(statement))
        sameBloc.statement = `${sameBloc.statement}\n${statement}`.trim();
      continue;
    }
    const rec = makeRecord({
      referential,
      kind,
      code,
      title,
      bloc: d.bloc,
      statement,
      criteria: d.criteria.map(squash).filter(Boolean),
      activities: d.activities,
      modality: d.modality.length ? squash(d.modality.join(" ")) : null,
    });
    if (!code) rec.id = `${referential}:${kind}-${rec.id.split(":")[1]!.replace(/^[a-z]+-/, "")}`;
    if (code) codeRecords.set(code, rec);
    if (kind === "bloc") blocRecords.set(title, rec);
    if (d.bloc)
      blocMembers.set(d.bloc, [...(blocMembers.get(d.bloc) ?? []), code ? `${code} — ${d.title}` : d.title]);
    unique(rec);
  }
  for (const r of records) {
    if (r.kind !== "bloc") continue;
    const members =
      blocMembers.get(r.title) ?? blocMembers.get(squash(`Bloc ${r.title.replace(/^Bloc\s*/, "")}`));
    if (members?.length) r.statement = `${r.statement}\nCompétences : ${members.join(" ; ")}`.trim();
  }
  // A bloc titled by number and code (« Bloc 1 — RNCP38417BC01 – Administrer… ») beside its coded record
  // (the grid's title row) is that bloc, said twice.
  for (const r of [...records]) {
    if (r.kind !== "bloc" || r.code) continue;
    const same = records.find(
      (x) => x.kind === "bloc" && x.code && /BC\d/.test(x.code) && r.title.includes(x.code),
    );
    if (!same) continue;
    if (!same.statement.includes(r.statement)) same.statement = `${same.statement}\n${r.statement}`.trim();
    records.splice(records.indexOf(r), 1);
  }
  // References between codes: a record citing another code points to it.
  const known = [...codeRecords.keys()].filter((c) => c.length >= 2);
  if (known.length) {
    const re = new RegExp(`\\b(${known.map((c) => c.replace(/\./g, "\\.")).join("|")})\\b`, "g");
    for (const r of records) {
      // An épreuve's name cites what it evaluates: « Mise en situation (C1, C2, C3) ».
      const text = `${r.kind === "evaluation" ? r.title : ""} ${r.statement} ${r.criteria.join(" ")} ${r.modality ?? ""}`;
      for (const m of text.matchAll(re))
        if (m[1] !== r.code && !r.related.includes(m[1]!)) r.related.push(m[1]!);
    }
  }
  for (const s of sections) {
    const body = s.body.join("\n").trim();
    if (!body.replace(/[\s….-]/g, "")) continue;
    // The top heading and the section's own: "Option à domicile › 2.1 Voie scolaire".
    // Deeper: the top and the section's own, with the certification unit between when one heads it
    // ("… › CCP Développer une application sécurisée › Le dossier de projet").
    const unit = s.path
      .slice(1, -1)
      .filter((h) => /^(?:ccp|ccs|bloc|activite type|epreuve|sous-epreuve)\b/.test(fold(h)));
    const shown = s.path.length > 2 ? [s.path[0]!, ...unit.slice(-1), s.path[s.path.length - 1]!] : s.path;
    const title = shown.length ? shown.join(" › ") : "Introduction";
    unique(makeRecord({ referential, kind: "section", code: null, title, statement: body }));
  }
  return records;
}
