import { DOMParser } from "@xmldom/xmldom";
import { squash } from "../../lib/text.js";
import type { Block, ReadDocument } from "./blocks.js";

interface XNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<XNode>;
}

const text = (n: XNode): string => {
  if (n.nodeType === 3) return n.nodeValue ?? "";
  let s = "";
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i]!;
    const t = text(c);
    s += /^(p|li|h\d|br|tr)$/i.test(c.nodeName) ? `\n${t}\n` : t;
  }
  return s;
};

const cellLines = (n: XNode) => text(n).split("\n").map(squash).filter(Boolean).join("\n");

/**
 * HTML from mammoth (heading styles whatever their language become h1…h6,
 * lists li, tables tr/td) to blocks.
 */
export function htmlBlocks(html: string): Block[] {
  const doc = new DOMParser({ errorHandler: () => undefined }).parseFromString(
    `<root>${html.replace(/&nbsp;/g, " ")}</root>`,
    "text/xml",
  ) as unknown as { documentElement: XNode };
  const out: Block[] = [];
  const walk = (n: XNode) => {
    for (let i = 0; i < n.childNodes.length; i++) {
      const c = n.childNodes[i]!;
      const name = c.nodeName.toLowerCase();
      const h = /^h([1-6])$/.exec(name);
      if (h) {
        const t = squash(text(c));
        if (t) out.push({ kind: "heading", level: Number(h[1]), text: t });
      } else if (name === "p") {
        const t = squash(text(c));
        if (t) out.push({ kind: "paragraph", text: t });
      } else if (name === "li") {
        const t = squash(text(c));
        if (t) out.push({ kind: "item", text: t });
      } else if (name === "tr") {
        const cells: string[] = [];
        for (let j = 0; j < c.childNodes.length; j++) {
          const td = c.childNodes[j]!;
          if (/^t[dh]$/i.test(td.nodeName)) cells.push(cellLines(td));
        }
        if (cells.some(Boolean)) out.push({ kind: "row", cells });
      } else if (c.childNodes.length) {
        walk(c);
      }
    }
  };
  walk(doc.documentElement);
  return out;
}

export async function docxBlocks(bytes: Uint8Array): Promise<ReadDocument> {
  const mammoth = (await import("mammoth")).default;
  const { value } = await mammoth.convertToHtml(
    { buffer: Buffer.from(bytes) },
    {
      // Outline levels and localized heading styles ("Titre 1") read as headings too.
      styleMap: [
        "p[style-name='Title'] => h1:fresh",
        "p[style-name='Titre'] => h1:fresh",
        ...[1, 2, 3, 4, 5, 6].flatMap((n) => [
          `p[style-name='Titre ${n}'] => h${n}:fresh`,
          `p[style-name='titre ${n}'] => h${n}:fresh`,
          `p[style-name='Überschrift ${n}'] => h${n}:fresh`,
        ]),
      ],
    },
  );
  const blocks = htmlBlocks(value);
  return {
    format: "docx",
    blocks,
    pages: null,
    headingSource: blocks.some((b) => b.kind === "heading") ? "styles" : "none",
    droppedRunning: 0,
    dropped: [],
  };
}
