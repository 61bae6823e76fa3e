import { fold, squash } from "../lib/text.js";
import { decodeEntities } from "./html.js";
import { type KnowledgeRecord, makeRecord } from "./record.js";

interface Section {
  level: number;
  heading: string;
  code: string | null;
  major: string | null;
  body: string[];
}

// Headings that only make sense under their parent ("Sujet" of which case?).
const SUBHEADING = /^(sujet|competences? visees?|competence\(s\) visee\(s\)|livrables? attendus?)$/;
const GENERIC =
  /^(mode d'emploi|a qui s'adresse ce doc|quand est-ce qu'on renseigne ce doc|exemple de questions|sommaire)/;
const MAJOR = /^(section \d|\d+\.\s|[a-c]\.\s)/;

function cleanInline(s: string): string {
  return decodeEntities(
    s
      .replace(/<sup>\s*\d+\s*<\/sup>/gi, " ")
      .replace(/<[^>]+>/g, "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\\_/g, "_")
      .replace(/_{3,}/g, "…")
      .replace(/\*\*|__/g, "")
      .replace(/(^|\s)\*(\S[^*]*?)\*(?=\s|[.,;:]|$)/g, "$1$2")
      .replace(/[①-⑳]/g, "")
      .replace(/\/!\\/g, "⚠"),
  );
}

function cleanHeading(s: string): string {
  return squash(cleanInline(s)).replace(/\s*:$/, "");
}

/**
 * Markdown documents (guide, brochure): one record per heading section. The
 * extraction's heading levels are unreliable, so structure comes from the
 * text: sections naming a code ("Cas pratique 2 (ref. E3)") absorb their
 * generic sub-headings (Sujet, Livrable attendu), and repeated headings
 * ("Mode d'emploi") are titled after the numbered section they sit in.
 */
export function parseMarkdownSections(referential: string, source: string): KnowledgeRecord[] {
  const sections: Section[] = [];
  let current: Section = { level: 0, heading: "", code: null, major: null, body: [] };
  let coded: Section | null = null;
  let major: string | null = null;

  const startSection = (level: number, heading: string) => {
    const folded = fold(heading);
    if (SUBHEADING.test(folded) && coded) {
      current = coded;
      current.body.push(`${heading} :`);
      return;
    }
    const code = /\(ref\.\s*(E\d+)\)/i.exec(heading)?.[1]?.toUpperCase() ?? null;
    if (MAJOR.test(folded)) major = heading;
    current = { level, heading, code, major: MAJOR.test(folded) ? null : major, body: [] };
    coded = code ? current : SUBHEADING.test(folded) ? coded : null;
    sections.push(current);
  };

  for (const rawLine of source.split("\n")) {
    const h = /^(#{1,6})\s+(.*)$/.exec(rawLine);
    const boldLine = /^\*\*([^*]+)\*\*\s*$/.exec(rawLine.trim());
    if (h && !/^[\d\s%+.,]+$/.test(cleanHeading(h[2]!))) {
      startSection(h[1]!.length, cleanHeading(h[2]!));
      continue;
    }
    if (boldLine && /^[^a-z]+$/.test(boldLine[1]!) && boldLine[1]!.trim().split(/\s+/).length >= 3) {
      startSection(6, cleanHeading(boldLine[1]!));
      continue;
    }
    const text = h ? cleanInline(h[2]!) : cleanInline(rawLine);
    if (/^\s*(---|\*\*\*)\s*$/.test(rawLine)) continue;
    const indent = /^(\s*)[-*]\s/.exec(text);
    const line = indent
      ? `${indent[1]!.length >= 2 ? "  " : ""}- ${squash(text.replace(/^\s*[-*]\s/, ""))}`
      : squash(text);
    current.body.push(line);
  }

  // Join PDF-broken lines back into paragraphs; keep list items apart.
  const paragraphs = (lines: string[]): string => {
    const out: string[] = [];
    let para = "";
    for (const l of lines) {
      if (!l) {
        if (para) out.push(para);
        para = "";
      } else if (/^\s*-\s/.test(l) || /:$/.test(para) || !para) {
        if (para) out.push(para);
        para = l;
      } else {
        para = `${para} ${l}`;
      }
    }
    if (para) out.push(para);
    return out.join("\n");
  };

  const headingCounts = new Map<string, number>();
  for (const s of sections) headingCounts.set(fold(s.heading), (headingCounts.get(fold(s.heading)) ?? 0) + 1);

  const records: KnowledgeRecord[] = [];
  const usedIds = new Set<string>();
  for (const s of sections) {
    const body = paragraphs(s.body);
    if (!body.replace(/[\s…]/g, "")) continue;
    const folded = fold(s.heading);
    const ambiguous = GENERIC.test(folded) || (headingCounts.get(folded) ?? 0) > 1;
    const title = ambiguous && s.major ? `${s.major} — ${s.heading}` : s.heading || "Introduction";
    const rec = makeRecord({ referential, kind: "section", code: s.code, title, statement: body });
    let id = rec.id;
    for (let n = 2; usedIds.has(id); n++) id = `${rec.id}-${n}`;
    usedIds.add(id);
    rec.id = id;
    records.push(rec);

    // Competencies quoted by coded sections ("C17. Concevoir un système de veille…").
    if (s.code) {
      for (const m of body.matchAll(/^C(\d+)\.\s+(.+)$/gm)) {
        const code = `C${m[1]}`;
        if (records.some((r) => r.code === code)) continue;
        const statement = squash(m[2]!);
        records.push(
          makeRecord({
            referential,
            kind: "competency",
            code,
            title: statement.split(/\s(?:afin|pour|en)\s/)[0]!.replace(/[.\s]+$/, ""),
            statement,
            modality: `${s.code} — ${s.heading}`,
            related: [s.code],
          }),
        );
        rec.related.push(code);
      }
    }
  }
  return records;
}
