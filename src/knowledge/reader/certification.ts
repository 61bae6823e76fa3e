import { fold, squash } from "../../lib/text.js";
import { type KnowledgeRecord, makeRecord } from "../record.js";
import type { Block } from "./blocks.js";

/**
 * The conventions of the French certification documents, read from their
 * headings rather than from one file's layout. A REAC (Référentiel Emploi
 * Activités Compétences) of a titre professionnel has "FICHE ACTIVITÉ TYPE N° k"
 * and "FICHE COMPÉTENCE PROFESSIONNELLE N° k" pages (title, description,
 * contexte, critères de performance, savoirs), a "FICHE DES COMPÉTENCES
 * TRANSVERSALES" and glossaries. What they hold becomes activity, competency
 * and glossary records; every other block is left to the generic structurer.
 */
export interface CertificationReading {
  records: KnowledgeRecord[];
  /** Blocks no convention claimed, in order. */
  rest: Block[];
}

type FicheKind = "activity" | "competency" | "transversal";

/** How a REAC's transversal competency is titled: counted apart from the titre's professional ones. */
const TRANSVERSAL = "Compétence transversale";
export const isTransversalCompetency = (r: Pick<KnowledgeRecord, "kind" | "title">): boolean =>
  r.kind === "competency" && r.title.startsWith(TRANSVERSAL);

const FICHE =
  /^fiche\s+(?:des\s+)?(activite\s+type|competences?\s+professionnelles?|competences?\s+transversales?)\b(?:.*?n\s*°\s*(\d{1,2}))?/;
const GLOSSARY =
  /^(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?(?:glossaire|lexique|abreviations|sigles et acronymes|definitions)\b/;
// A glossary line naming its term before a colon: a short name (no sentence in it), then the definition.
const INLINE_TERM = /^[\s❑•●▪◦✓➢►*–-]*([^\s:.;!?][^:.;!?]{0,58}?)\s*:\s+(?=\S.{9})/u;
// What goes on a definition rather than naming a term (« Exemple : … », « Source : … »).
const LEAD_IN =
  /^(?:exemples?|par exemple|source|sources|remarques?|notes?|nb|n\.b|voir|attention|illustration)$/;
const LEGAL_NOTICE = /^(?:reproduction interdite|article l\.? ?122-4)\b/;
// A fiche's own sub-headings: what the text under them is.
const CRITERIA = /^crit[e]res?\s+(?:de\s+performance|d'evaluation)/;
const KNOW_HOW = /^savoir|^connaissances?\b/;
const MEMBERS = /^liste des competences professionnelles/;

interface Fiche {
  kind: FicheKind;
  number: number | null;
  title: string;
  level: number;
  statement: string[];
  criteria: string[];
  knowHow: string[];
  members: string[];
  mode: "statement" | "criteria" | "knowHow" | "members";
}

const newFiche = (kind: FicheKind, number: number | null, title: string, level: number): Fiche => ({
  kind,
  number,
  title,
  level,
  statement: [],
  criteria: [],
  knowHow: [],
  members: [],
  mode: "statement",
});

const ficheOf = (text: string): { kind: FicheKind; number: number | null } | null => {
  const m = FICHE.exec(fold(squash(text)));
  if (!m) return null;
  const what = m[1]!;
  const kind: FicheKind = what.startsWith("activite")
    ? "activity"
    : what.includes("transversal")
      ? "transversal"
      : "competency";
  return { kind, number: m[2] ? Number(m[2]) : null };
};

const textOf = (b: Block) => (b.kind === "row" ? b.cells.filter(Boolean).join(" — ") : b.text);

// The rubrics of a fiche, when printed as body text rather than as headings.
const RUBRIC =
  /^(?:\d{1,2}\s*[.)]\s*)?(?:description de la competence|processus de mise en oeuvre|contexte(?:\(s\)|s)? professionnel|criteres? de performance|savoir-faire|savoirs|connaissances|liste des competences professionnelles|definition, description|definition de l'activite|description de l'activite|reglementation|conditions d'exercice|competences transversales de l'activite|informations complementaires|designation, description et composantes)/;
const titleLike = (b: Block | undefined): b is Block & { kind: "paragraph" } =>
  b?.kind === "paragraph" && b.text.length <= 200 && /^\p{Lu}/u.test(b.text) && !/[.:;,]\s*$/.test(b.text);

/**
 * Fiches whose title and rubrics are printed as body text (a bold line, not a
 * heading of the outline): the title after the fiche's label, and the rubrics
 * within it, are read as the headings they stand for.
 */
function promoteFicheHeadings(blocks: Block[]): Block[] {
  const out: (Block | null)[] = [...blocks];
  let label: number | null = null;
  let labelKind: FicheKind | null = null;
  let afterDesignation = false;
  for (let i = 0; i < out.length; i++) {
    const b = out[i];
    if (!b) continue;
    if (b.kind === "heading") {
      const head = ficheOf(b.text);
      // A fiche's rubric read as a heading elsewhere ("Réglementation d'activités") stays inside the fiche.
      if (!head && label !== null && RUBRIC.test(fold(squash(b.text)))) {
        out[i] = { ...b, level: label + 2 };
        continue;
      }
      label = head ? b.level : b.level <= (label ?? 0) ? null : label;
      labelKind = head ? head.kind : label === null ? null : labelKind;
      afterDesignation = false;
      if (head && head.kind !== "transversal" && titleLike(out[i + 1] ?? undefined)) {
        out[i + 1] = { kind: "heading", level: b.level + 1, text: (out[i + 1] as { text: string }).text };
        i++;
      }
      continue;
    }
    if (label === null || b.kind === "row") continue;
    const f = fold(squash(b.text));
    if (b.text.length < 160 && RUBRIC.test(f)) {
      // A competency's name before its "Description de la compétence" opens a fiche of its own,
      // even when its label was printed as a running line on every such page (and so dropped).
      const prev = out[i - 1];
      // « Activité type : … » under the competency's name says which activity the fiche belongs to.
      const activityLine =
        prev && prev.kind !== "row" && /^activites? types?\b[^:]{0,12}:/.test(fold(prev.text));
      if (/^description de la competence/.test(f) && titleLike(prev ?? undefined) && !activityLine) {
        const level = label;
        out[i - 1] = { kind: "heading", level: level + 1, text: (prev as { text: string }).text };
        // Under the transversal competencies' fiche, each name is one of them, not a fiche of its own.
        if (labelKind !== "transversal") {
          out.splice(i - 1, 0, { kind: "heading", level, text: "FICHE COMPÉTENCE PROFESSIONNELLE" });
          i++;
        }
      }
      afterDesignation = /^designation/.test(f);
      // The label before each transversal competence names no content of its own.
      out[i] = afterDesignation
        ? null
        : { kind: "heading", level: label + 2, text: b.text.replace(/^\d{1,2}\s*[.)]\s*/, "") };
      continue;
    }
    // A transversal competence's name follows its "Désignation, description et composantes".
    if (afterDesignation && titleLike(b)) out[i] = { kind: "heading", level: label + 1, text: b.text };
    afterDesignation = false;
  }
  return out.filter((b): b is Block => b !== null);
}

export function readCertificationConventions(referential: string, source: Block[]): CertificationReading {
  // A fiche's label missing from the outline (a bookmarked document that did not bookmark every fiche)
  // is a heading all the same, at the level of the labels that are.
  const labelLevel =
    source.flatMap((b) => (b.kind === "heading" && ficheOf(b.text) ? [b.level] : []))[0] ?? 1;
  // Printed in capitals as labels are ("FICHE COMPÉTENCE PROFESSIONNELLE"), not a sommaire's line.
  const labelled = source.map(
    (b): Block =>
      b.kind === "paragraph" && b.text.length <= 90 && /^FICHE\s/.test(b.text) && ficheOf(b.text)
        ? { kind: "heading", level: labelLevel, text: b.text }
        : b,
  );
  const blocks = labelled.some((b) => b.kind === "heading" && ficheOf(b.text))
    ? promoteFicheHeadings(labelled)
    : labelled;
  const fiches: Fiche[] = [];
  const glossary: { term: string; definition: string[] }[] = [];
  const rest: Block[] = [];
  let fiche: Fiche | null = null;
  let transversal: { level: number } | null = null;
  let glossaryLevel: number | null = null;
  let term: { term: string; definition: string[] } | null = null;

  const closeAll = () => {
    fiche = null;
    transversal = null;
    glossaryLevel = null;
    term = null;
  };

  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    // The ministry's closing page ("Reproduction interdite", article L 122-4) ends the last fiche or glossary.
    if (LEGAL_NOTICE.test(fold(squash(textOf(b))))) {
      closeAll();
      rest.push(b);
      continue;
    }
    if (b.kind === "heading") {
      const f = fold(squash(b.text));
      const head = ficheOf(b.text);
      if (head) {
        closeAll();
        // The fiche's title is the heading that follows its label.
        const next = blocks[i + 1];
        if (head.kind === "transversal") {
          transversal = { level: next?.kind === "heading" ? next.level : b.level };
          continue;
        }
        if (next?.kind === "heading" && !ficheOf(next.text)) {
          fiche = newFiche(head.kind, head.number, squash(next.text), next.level);
          fiches.push(fiche);
          i++;
          continue;
        }
        rest.push(b);
        continue;
      }
      if (GLOSSARY.test(f)) {
        closeAll();
        glossaryLevel = b.level;
        continue;
      }
      if (glossaryLevel !== null) {
        if (b.level > glossaryLevel) {
          term = { term: squash(b.text), definition: [] };
          glossary.push(term);
          continue;
        }
        closeAll();
      }
      if (transversal) {
        if (b.level <= transversal.level && !CRITERIA.test(f) && !/^description|^contexte/.test(f)) {
          if (b.level < transversal.level) closeAll();
          else {
            fiche = newFiche("transversal", null, squash(b.text), b.level);
            fiches.push(fiche);
            continue;
          }
        }
      }
      const open = fiche as Fiche | null;
      if (open) {
        if (b.level <= open.level && !transversal) {
          closeAll();
          rest.push(b);
          continue;
        }
        if (CRITERIA.test(f)) open.mode = "criteria";
        else if (KNOW_HOW.test(f)) open.mode = "knowHow";
        else if (MEMBERS.test(f)) open.mode = "members";
        else {
          open.mode = "statement";
          if (!/^description/.test(f)) open.statement.push(`${squash(b.text)} :`);
        }
        continue;
      }
      rest.push(b);
      continue;
    }
    const openTerm = term as { term: string; definition: string[] } | null;
    if (glossaryLevel !== null) {
      // A two-cell row in a glossary is a term and its definition.
      if (b.kind === "row" && b.cells.filter(Boolean).length === 2) {
        const [t, d] = b.cells.filter(Boolean) as [string, string];
        // The table's own header ("Terme | Définition") defines nothing.
        if (
          /^(?:termes?|mots?|sigles?|abreviations?|acronymes?)$/.test(fold(t)) &&
          /^(?:definitions?|significations?)$/.test(fold(d))
        )
          continue;
        term = { term: squash(t), definition: [d] };
        glossary.push(term);
        continue;
      }
      // A glossary table's header read as a line ("Terme Définition") names no term.
      if (
        b.kind === "paragraph" &&
        /^(?:termes?|mots?|sigles?)\s+(?:definitions?|significations?)$/.test(fold(squash(b.text)))
      )
        continue;
      // A term printed as a short line of its own, its definition in the paragraph after it.
      const next = blocks[i + 1];
      if (
        titleLike(b) &&
        b.text.length <= 80 &&
        next?.kind === "paragraph" &&
        next.text.length > b.text.length &&
        (!openTerm || openTerm.definition.length > 0)
      ) {
        term = { term: squash(b.text), definition: [] };
        glossary.push(term);
        continue;
      }
      // A term and its definition on one line, as lists print them (« ❑ MLOps : pratique qui… »).
      // An item names its term in a few words; a paragraph's opening words before a colon are more
      // often the definition going on (« Il permet au jury de s'assurer que le candidat possède : »).
      const inline = b.kind !== "row" ? INLINE_TERM.exec(b.text) : null;
      const words = inline
        ? inline[1]!
            .replace(/\([^)]*\)/g, "")
            .trim()
            .split(/\s+/).length
        : 0;
      if (inline && words <= (b.kind === "item" ? 6 : 3) && !LEAD_IN.test(fold(inline[1]!))) {
        term = { term: squash(inline[1]!), definition: [textOf(b).slice(inline[0].length)] };
        glossary.push(term);
        continue;
      }
      if (openTerm) {
        openTerm.definition.push(textOf(b));
        continue;
      }
      rest.push(b);
      continue;
    }
    const open = fiche as Fiche | null;
    if (!open) {
      rest.push(b);
      continue;
    }
    const text = squash(textOf(b));
    if (!text) continue;
    if (open.mode === "criteria") open.criteria.push(text);
    else if (open.mode === "knowHow") open.knowHow.push(text);
    else if (open.mode === "members") open.members.push(text);
    else open.statement.push(b.kind === "item" ? `- ${text}` : text);
  }
  return { records: toRecords(referential, fiches, glossary), rest };
}

function toRecords(
  referential: string,
  fiches: Fiche[],
  glossary: { term: string; definition: string[] }[],
): KnowledgeRecord[] {
  const records: KnowledgeRecord[] = [];
  const activities = fiches.filter((f) => f.kind === "activity");
  // A competency belongs to the activité type whose fiche lists it; its position there makes it citable.
  const owner = new Map<string, { activity: Fiche; position: number }>();
  for (const a of activities)
    a.members.forEach((m, k) => {
      owner.set(fold(m), { activity: a, position: k + 1 });
    });
  const activityLabel = (a: Fiche) => `Activité type ${a.number ?? ""} — ${a.title}`.replace("  ", " ");
  const seen = new Set<string>();
  const push = (r: KnowledgeRecord) => {
    let id = r.id;
    for (let n = 2; seen.has(id); n++) id = `${r.id}-${n}`;
    seen.add(id);
    records.push({ ...r, id });
  };
  const competencies = fiches.filter((f) => f.kind === "competency");
  const codeOf = (title: string) => {
    const k = competencies.findIndex((c) => fold(c.title) === fold(title));
    return k < 0 ? null : `CP${competencies[k]!.number ?? k + 1}`;
  };
  for (const a of activities) {
    const members = a.members.map((m, k) => `${k + 1}. ${m}`);
    const related = a.members.map(codeOf).filter((c): c is string => c !== null);
    push(
      makeRecord({
        referential,
        kind: "activity",
        code: a.number !== null ? `AT${a.number}` : null,
        title: a.title,
        statement: [
          `Activité type n° ${a.number ?? "?"} : ${a.title}.`,
          // Each activité type also says which others the titre has: "quelles sont les activités types ?"
          // finds any of them. One line per item under its lead-in: a list question takes the whole list.
          activities.length > 1
            ? `Les activités types du titre sont :\n${activities.map((x) => `- ${x.title}`).join(" ;\n")}.`
            : "",
          // The lead-in names the activité type: it is what a question about its competencies quotes.
          members.length
            ? `Ses compétences professionnelles (« ${a.title} ») :\n${members.join(" ;\n")}.`
            : "",
          ...a.statement,
        ]
          .filter(Boolean)
          .join("\n"),
        related,
      }),
    );
  }
  if (activities.length) {
    // The titre at a glance: "quelles sont les activités types ?" is answered by one record.
    const lines = activities.map(
      (a) =>
        `${a.number ?? ""}. ${a.title}${a.members.length ? ` — compétences professionnelles : ${a.members.join(" ; ")}` : ""}`,
    );
    push(
      makeRecord({
        referential,
        kind: "section",
        code: null,
        title: "Activités types et compétences professionnelles du titre",
        statement: [`Le titre comporte ${activities.length} activité(s) type(s) :`, ...lines].join("\n"),
        related: activities.flatMap((a) => (a.number !== null ? [`AT${a.number}`] : [])),
      }),
    );
  }
  let position = 0;
  for (const c of competencies) {
    position++;
    const own = owner.get(fold(c.title));
    const n = c.number ?? position;
    const where = own
      ? `Compétence professionnelle n° ${n}, compétence ${own.position} de l'activité type ${own.activity.number ?? ""} « ${own.activity.title} ».`
      : `Compétence professionnelle n° ${n}.`;
    push(
      makeRecord({
        referential,
        kind: "competency",
        code: `CP${n}`,
        title: c.title,
        bloc: own ? activityLabel(own.activity) : null,
        statement: [
          where,
          ...c.statement,
          c.knowHow.length ? `Savoir-faire et savoirs :\n${c.knowHow.map((k) => `- ${k}`).join("\n")}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
        criteria: c.criteria,
        related: own?.activity.number != null ? [`AT${own.activity.number}`] : [],
      }),
    );
  }
  const transversal = fiches.filter((f) => f.kind === "transversal");
  for (const t of transversal)
    push(
      makeRecord({
        referential,
        kind: "competency",
        code: null,
        title: `${TRANSVERSAL} — ${t.title}`,
        statement: [
          `Compétence transversale de l'emploi : ${t.title}.`,
          // As for activités types: "quelles sont les compétences transversales ?" finds any of them.
          transversal.length > 1
            ? `Les compétences transversales de l'emploi sont :\n${transversal.map((x) => `- ${x.title}`).join(" ;\n")}.`
            : "",
          ...t.statement,
        ]
          .filter(Boolean)
          .join("\n"),
        criteria: t.criteria,
      }),
    );
  for (const g of glossary) {
    const definition = squash(g.definition.join("\n")) ? g.definition.join("\n") : "";
    if (!definition) continue;
    // The definition names its term ("DICP : Indicateurs de sécurité…"): a sentence of it answers
    // "que signifie DICP ?" on its own.
    const named = fold(definition).startsWith(fold(g.term)) ? definition : `${g.term} : ${definition}`;
    push(makeRecord({ referential, kind: "glossary", code: null, title: g.term, statement: named }));
  }
  return records;
}
