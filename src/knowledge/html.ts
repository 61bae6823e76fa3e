import { squash } from "../lib/text.js";

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  rsquo: "’",
  lsquo: "‘",
  laquo: "«",
  raquo: "»",
  hellip: "…",
};

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === "#") {
      const n =
        e[1] === "x" || e[1] === "X" ? Number.parseInt(e.slice(2), 16) : Number.parseInt(e.slice(1), 10);
      return Number.isFinite(n) ? String.fromCodePoint(n) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * Plain text of an HTML table cell from the PDF extraction. List items become
 * lines starting with "- " so that criteria stay separable; footnote markers
 * and emphasis are dropped.
 */
export function cellText(html: string): string {
  const text = html
    .replace(/<sup>\s*\d+\s*<\/sup>/gi, " ")
    .replace(/\*(?=[\s,.;:)<]|$)/g, "") // glossary asterisks: "scraping*"
    .replace(/<li>\s*/gi, "\n")
    .replace(/<\/(?:p|ul|li)>/gi, "\n")
    .replace(/<(?:p|ul)[^>]*>/gi, "\n")
    .replace(/<[^>]+>/g, "");
  return decodeEntities(text).split("\n").map(squash).filter(Boolean).join("\n");
}

/** Text between the first <tag> and its closing tag, if the cell starts with it. */
export function leadingTagText(html: string, tag: string): string | null {
  const m = new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "i").exec(html);
  return m ? squash(decodeEntities(m[1]!.replace(/<[^>]+>/g, ""))) : null;
}

/**
 * Split flowing text into list items. Items are introduced by "- " at line
 * start, or (in some extractions) by " - " followed by a capital letter
 * inside one line. Lines that do not start an item continue the previous one:
 * PDF page breaks cut items in two.
 */
export function listItems(text: string, inlineDashes = false): string[] {
  const items: string[] = [];
  const lines = text
    .split("\n")
    .flatMap((l) => (inlineDashes ? l.split(/\s(?=-\s+[A-ZÀ-ÖØ-Ý«"])/) : [l]))
    .map((l) => squash(l))
    .filter(Boolean);
  for (const line of lines) {
    const startsItem = /^[-•❑]\s/.test(line) || /^[-•❑]$/.test(line);
    const body = line.replace(/^[-•❑]\s*/, "");
    if (!body) continue;
    if (!startsItem && items.length > 0) {
      items[items.length - 1] = `${items[items.length - 1]} ${body}`;
    } else {
      items.push(body);
    }
  }
  return items;
}
