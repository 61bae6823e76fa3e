import { isNumberedHeading } from "../../lib/pdf-layout.js";
import { squash } from "../../lib/text.js";
import { decodeEntities } from "../html.js";
import { type Block, isBullet, type ReadDocument, stripBullet } from "./blocks.js";
import { htmlBlocks } from "./read-docx.js";

const inline = (s: string) =>
  decodeEntities(
    s
      .replace(/<sup>\s*\d+\s*<\/sup>/gi, " ")
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(?:p|li)>/gi, "\n")
      .replace(/<li>/gi, "\n- ")
      .replace(/<[^>]+>/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\\([_*#])/g, "$1")
      .replace(/\*\*|__/g, "")
      .replace(/(^|\s)\*(\S[^*]*?)\*(?=\s|[.,;:]|$)/g, "$1$2"),
  );

const cell = (s: string) =>
  inline(s)
    .split("\n")
    .map((l) => squash(l))
    .filter(Boolean)
    .join("\n");

/**
 * Heading level of a line standing alone between blank lines: numbered
 * titles by their depth ("1." 2, "2.1" 3, "2.3.1" 4), other short capitalised
 * lines that do not end like a sentence at level 1; 0 for anything else.
 */
function standaloneTitleLevel(t: string): number {
  if (t.length < 4 || t.length > 110 || /[.;:,!?…]$/.test(t) || t.split(" ").length > 16) return 0;
  // A form's field left blank (« Date d'examen : ___ / ___ », « Adresse du lieu : _ ») is not a title.
  if (/:\s*[/_\s]*$|_{2,}/.test(t)) return 0;
  const num = /^(\d+(?:\.\d+)*)\.?\s+\p{Lu}/u.exec(t);
  if (num) return Math.min(num[1]!.split(".").length + 1, 6);
  return /^\p{Lu}/u.test(t) && !/^\p{Lu}[\p{Lu}\d]*$/u.test(t) ? 1 : 0;
}

/**
 * Markdown and plain text: `#` headings, short bold or upper-case lines and
 * numbered titles ("2.1 Le jury") as headings, list items, table rows (pipes,
 * tabs, HTML <tr>), paragraphs separated by blank lines.
 */
export function textBlocks(source: string, format: "md" | "txt"): ReadDocument {
  const out: Block[] = [];
  let para: string[] = [];
  let markup = false;
  let numbering = false;
  const flush = () => {
    const t = squash(para.join(" "));
    // A short line standing alone ("2.1 Voie scolaire", "Option à domicile") is a title in text without markup.
    const level = para.length === 1 ? standaloneTitleLevel(t) : 0;
    if (level) {
      out.push({ kind: "heading", level, text: t });
      numbering = true;
    } else if (t) out.push({ kind: "paragraph", text: t });
    para = [];
  };
  // HTML tables spread over lines are read as a whole.
  const normalized = source.replace(/\r\n?/g, "\n").replace(/<table[\s\S]*?<\/table>/gi, (t) => {
    return `\n\u0000${Buffer.from(t).toString("base64")}\n`;
  });
  for (const raw of normalized.split("\n")) {
    const line = raw.replace(/\s+$/, "");
    if (line.startsWith("\u0000")) {
      flush();
      const html = Buffer.from(line.slice(1), "base64").toString("utf8");
      for (const b of htmlBlocks(html.replace(/<br\s*>/gi, "<br/>")))
        out.push(b.kind === "row" ? { kind: "row", cells: b.cells.map(cell) } : b);
      continue;
    }
    if (!line.trim() || /^\s*(?:---+|\*\*\*+|\|?[\s:|-]+\|[\s:|-]*)$/.test(line)) {
      flush();
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const t = squash(inline(h[2]!));
      if (t) {
        out.push({ kind: "heading", level: h[1]!.length, text: t });
        markup = true;
      }
      continue;
    }
    if (line.includes("\t") || /^\s*\|.*\|\s*$/.test(line)) {
      flush();
      const cells = (line.includes("\t") ? line.split("\t") : line.trim().slice(1, -1).split("|")).map(cell);
      if (cells.filter(Boolean).length >= 2) out.push({ kind: "row", cells });
      else if (cells.some(Boolean)) out.push({ kind: "paragraph", text: cells.filter(Boolean).join(" ") });
      continue;
    }
    const text = squash(inline(line));
    if (!text) continue;
    const bold = /^\*\*([^*]+)\*\*:?$/.exec(line.trim());
    const upper = text.length >= 6 && text.length <= 90 && !/\p{Ll}/u.test(text) && /\p{Lu}{3}/u.test(text);
    if ((bold && text.split(" ").length <= 12) || (upper && !para.length)) {
      flush();
      out.push({ kind: "heading", level: 6, text: text.replace(/:$/, "") });
      markup = true;
      continue;
    }
    if (format === "txt" && !para.length && isNumberedHeading(text) && text.length <= 80) {
      flush();
      out.push({
        kind: "heading",
        level: (text.match(/^\d+(\.\d+)*/)?.[0].split(".").length ?? 1) + 1,
        text,
      });
      numbering = true;
      continue;
    }
    if (isBullet(line) && !/^\s*\d{1,2}[).]\s/.test(line)) {
      flush();
      out.push({ kind: "item", text: stripBullet(text) });
      continue;
    }
    // A line continuing a list item (indented, or the item did not end).
    const prev = out[out.length - 1];
    if (!para.length && prev?.kind === "item" && /^\s{2,}/.test(raw)) {
      prev.text = `${prev.text} ${text}`;
      continue;
    }
    para.push(text);
  }
  flush();
  return {
    format,
    blocks: out,
    pages: null,
    headingSource: markup ? "markup" : numbering ? "numbering" : "none",
    droppedRunning: 0,
    dropped: [],
  };
}
