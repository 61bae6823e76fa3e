/**
 * The few DOM helpers the DOCX reader needs over `@xmldom/xmldom`. Elements are matched
 * on their local name (WordprocessingML as Word writes it, or Strict OOXML, share them);
 * attributes likewise ("w:val" is found as "val" whatever the prefix).
 */
import { DOMParser } from "@xmldom/xmldom";
import { CertibotError } from "../errors.js";

export interface XNode {
  nodeType: number;
  localName?: string | null;
  nodeValue?: string | null;
  childNodes: { length: number; [i: number]: XNode };
  attributes?: { length: number; [i: number]: { localName?: string | null; name: string; value: string } };
}

const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;

/** Parses one part of the package. A DOCTYPE has no business in OOXML: refused (no entity tricks). */
export function parseXml(xml: string, part: string): XNode {
  if (/<!DOCTYPE/i.test(xml.slice(0, 4096)))
    throw new CertibotError("REPORT_CORRUPT", { detail: `${part}: DOCTYPE in an OOXML part` });
  const fatal: string[] = [];
  const parser = new DOMParser({
    errorHandler: { warning: () => {}, error: () => {}, fatalError: (m: string) => fatal.push(m) },
  });
  let root: XNode | null = null;
  try {
    const doc = parser.parseFromString(xml, "text/xml") as unknown as { documentElement?: XNode | null };
    root = doc?.documentElement ?? null;
  } catch (e) {
    throw new CertibotError("REPORT_CORRUPT", { detail: `${part}: ${String(e)}`, cause: e });
  }
  if (!root || fatal.length)
    throw new CertibotError("REPORT_CORRUPT", { detail: `${part}: ${fatal[0] ?? "no root element"}` });
  return root;
}

export function children(n: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i]!;
    if (c.nodeType === ELEMENT && (name === undefined || c.localName === name)) out.push(c);
  }
  return out;
}

export function child(n: XNode | null | undefined, name: string): XNode | null {
  if (!n) return null;
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i]!;
    if (c.nodeType === ELEMENT && c.localName === name) return c;
  }
  return null;
}

/** Descendants with that local name, in document order. */
export function descendants(n: XNode, name: string, out: XNode[] = []): XNode[] {
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i]!;
    if (c.nodeType !== ELEMENT) continue;
    if (c.localName === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}

export function attr(n: XNode | null | undefined, name: string): string | null {
  const attrs = n?.attributes;
  if (!attrs) return null;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if ((a.localName ?? a.name.replace(/^.*:/, "")) === name) return a.value;
  }
  return null;
}

/** `<w:b/>`, `<w:b w:val="true"/>` are on; `w:val="0"`, `"false"`, `"off"`, `"none"` are off. Null when absent. */
export function toggle(n: XNode | null): boolean | null {
  if (!n) return null;
  const v = attr(n, "val");
  return v === null || !/^(?:0|false|off|none)$/i.test(v);
}

export function intAttr(n: XNode | null | undefined, name = "val"): number | null {
  const v = attr(n, name);
  if (v === null) return null;
  const x = Number.parseInt(v, 10);
  return Number.isFinite(x) ? x : null;
}

export function textOf(n: XNode): string {
  let s = "";
  for (let i = 0; i < n.childNodes.length; i++) {
    const c = n.childNodes[i]!;
    if (c.nodeType === TEXT || c.nodeType === CDATA) s += c.nodeValue ?? "";
    else if (c.nodeType === ELEMENT) s += textOf(c);
  }
  return s;
}
