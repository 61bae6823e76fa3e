/**
 * styles.xml and numbering.xml of a DOCX: which paragraph styles are headings (by name,
 * whatever the UI language, or by outline level inherited through `w:basedOn`), their
 * formatting, and the list numbering that turns a heading into "2.3 …" even when the
 * number is not typed.
 */
import { attr, child, children, intAttr, toggle, type XNode } from "./docx-xml.js";

// Word writes style ids in the UI language: Heading1 (English), Titre1 (French),
// berschrift1 (German), Ttulo1 (Spanish); the style's name stays "heading 1".
const HEADING_STYLE = /^(?:heading|titre|[uü]?berschrift|t[ií]tulo|titolo|kop|nagłówek)\s*([1-9])$/i;
// Tables of contents: "toc 1" (Word), "Contents 1" (LibreOffice), "TM1" (Word in French), "TOC Heading".
const TOC_STYLE =
  /^(?:toc|tm|contents|sommaire|table des mati[eè]res|inhaltsverzeichnis|index|toc heading|contents heading|en-t[eê]te de table des mati[eè]res)\s*[0-9]*(?:\s*heading)?$/i;

export interface ResolvedStyle {
  /** 1-based outline level; null for body text. */
  level: number | null;
  toc: boolean;
  /** The document's title or subtitle ("Title", "Titre", "Subtitle"): not a section. */
  title: boolean;
  caption: boolean;
  bold: boolean | null;
  /** Font size in points. */
  size: number | null;
  font: string | null;
  numId: string | null;
  ilvl: number | null;
  pageBreakBefore: boolean;
  /** Spacing in points, and line spacing as a multiple of single (or an exact height in points). */
  before: number | null;
  after: number | null;
  line: { multiple: number } | { exact: number } | null;
}

interface RawStyle {
  id: string;
  name: string;
  type: string;
  basedOn: string | null;
  outline: number | null;
  builtinLevel: number | null;
  toc: boolean;
  title: boolean;
  caption: boolean;
  bold: boolean | null;
  size: number | null;
  font: string | null;
  numId: string | null;
  ilvl: number | null;
  pageBreakBefore: boolean | null;
  before: number | null;
  after: number | null;
  line: ResolvedStyle["line"];
}

export interface DocxStyles {
  resolve(styleId: string | null): ResolvedStyle;
  /** The default paragraph style id ("Normal", "Standard"…). */
  defaultParagraph: string | null;
  resolveRun(styleId: string | null): { bold: boolean | null; size: number | null; font: string | null };
}

export function spacingOf(pPr: XNode | null): Pick<RawStyle, "before" | "after" | "line"> {
  const sp = child(pPr, "spacing");
  const before = intAttr(sp, "before");
  const after = intAttr(sp, "after");
  const line = intAttr(sp, "line");
  const rule = attr(sp, "lineRule");
  return {
    before: before === null ? null : before / 20,
    after: after === null ? null : after / 20,
    line:
      line === null
        ? null
        : rule === "exact" || rule === "atLeast"
          ? { exact: line / 20 }
          : { multiple: line / 240 },
  };
}

export function runFormat(rPr: XNode | null): {
  bold: boolean | null;
  size: number | null;
  font: string | null;
} {
  const sz = intAttr(child(rPr, "sz"));
  return {
    bold: toggle(child(rPr, "b")),
    size: sz === null ? null : sz / 2,
    font: attr(child(rPr, "rFonts"), "ascii") ?? attr(child(rPr, "rFonts"), "hAnsi"),
  };
}

// Average width of a character of running text, in ems, by font family (for the page estimate).
const FONT_WIDTHS: [RegExp, number][] = [
  [/dejavu sans|verdana|tahoma|bitstream vera sans/i, 0.53],
  [/dejavu serif|bitstream vera serif/i, 0.52],
  [/georgia|trebuchet|segoe|open sans|roboto|lato|noto sans/i, 0.5],
  [/arial|helvetica|liberation sans|arimo|nimbus sans/i, 0.48],
  [/calibri|carlito|aptos/i, 0.44],
  [/cambria|caladea/i, 0.46],
  [/times|liberation serif|tinos|nimbus roman|garamond|computer modern|latin modern/i, 0.43],
];
export function charWidth(font: string | null): number {
  if (!font) return 0.47;
  return FONT_WIDTHS.find(([re]) => re.test(font))?.[1] ?? 0.47;
}

export function readStyles(root: XNode | null): DocxStyles {
  const raw = new Map<string, RawStyle>();
  let defaultParagraph: string | null = null;
  let defaults: Pick<RawStyle, "bold" | "size" | "font" | "before" | "after" | "line"> = {
    bold: null,
    size: null,
    font: null,
    before: null,
    after: null,
    line: null,
  };
  if (root) {
    const docDefaults = child(root, "docDefaults");
    const rPr = child(child(docDefaults, "rPrDefault"), "rPr");
    const pPr = child(child(docDefaults, "pPrDefault"), "pPr");
    defaults = { ...runFormat(rPr), ...spacingOf(pPr) };
    for (const s of children(root, "style")) {
      const id = attr(s, "styleId");
      if (!id) continue;
      const type = attr(s, "type") ?? "paragraph";
      const name = attr(child(s, "name"), "val") ?? "";
      const pPr = child(s, "pPr");
      const numPr = child(pPr, "numPr");
      const outline = intAttr(child(pPr, "outlineLvl"));
      const builtin = HEADING_STYLE.exec(name) ?? HEADING_STYLE.exec(id);
      if (type === "paragraph" && /^(?:1|true|on)$/i.test(attr(s, "default") ?? "")) defaultParagraph = id;
      raw.set(id, {
        id,
        name,
        type,
        basedOn: attr(child(s, "basedOn"), "val"),
        outline,
        builtinLevel: builtin ? Number(builtin[1]) : null,
        toc:
          TOC_STYLE.test(name) ||
          /^(?:TOC|TM|Contents|Verzeichnis)\s*\d+$/i.test(id) ||
          /^TOCHeading$/i.test(id),
        title: /^(?:title|subtitle|titre|sous-titre|titel|untertitel|t[ií]tulo|subt[ií]tulo)$/i.test(name),
        caption: /^(?:caption|l[ée]gende|beschriftung)$/i.test(name),
        ...runFormat(child(s, "rPr")),
        numId: attr(child(numPr, "numId"), "val"),
        ilvl: intAttr(child(numPr, "ilvl")),
        pageBreakBefore: toggle(child(pPr, "pageBreakBefore")),
        ...spacingOf(pPr),
      });
    }
  }
  const cache = new Map<string, ResolvedStyle>();
  const resolve = (styleId: string | null): ResolvedStyle => {
    const id = styleId ?? defaultParagraph;
    const hit = id === null ? undefined : cache.get(id);
    if (hit) return hit;
    // The chain from the style up to its root (cycles cut).
    const chain: RawStyle[] = [];
    const seen = new Set<string>();
    for (
      let s = id === null ? undefined : raw.get(id);
      s && !seen.has(s.id);
      s = s.basedOn ? raw.get(s.basedOn) : undefined
    ) {
      seen.add(s.id);
      chain.push(s);
    }
    const first = <K extends keyof RawStyle>(k: K): RawStyle[K] | null => {
      for (const s of chain) if (s[k] !== null) return s[k];
      return null;
    };
    // Outline level: the nearest style that states one (9 = body text) or is a built-in heading.
    let level: number | null = null;
    for (const s of chain) {
      if (s.outline !== null) {
        level = s.outline >= 0 && s.outline <= 8 ? s.outline + 1 : null;
        break;
      }
      if (s.builtinLevel !== null) {
        level = s.builtinLevel;
        break;
      }
    }
    const toc = chain.some((s) => s.toc);
    const r: ResolvedStyle = {
      level: toc ? null : level,
      toc,
      title: chain.some((s) => s.title),
      caption: chain.some((s) => s.caption),
      bold: first("bold") ?? defaults.bold,
      size: first("size") ?? defaults.size,
      font: first("font") ?? defaults.font,
      numId: first("numId"),
      ilvl: first("ilvl"),
      pageBreakBefore: first("pageBreakBefore") ?? false,
      before: first("before") ?? defaults.before,
      after: first("after") ?? defaults.after,
      line: first("line") ?? defaults.line,
    };
    if (id !== null) cache.set(id, r);
    return r;
  };
  const resolveRun = (styleId: string | null) => {
    const s = styleId ? raw.get(styleId) : undefined;
    if (!s) return { bold: null, size: null, font: null };
    let bold: boolean | null = null;
    let size: number | null = null;
    let font: string | null = null;
    const seen = new Set<string>();
    for (
      let c: RawStyle | undefined = s;
      c && !seen.has(c.id);
      c = c.basedOn ? raw.get(c.basedOn) : undefined
    ) {
      seen.add(c.id);
      bold ??= c.bold;
      size ??= c.size;
      font ??= c.font;
    }
    return { bold, size, font };
  };
  return { resolve, defaultParagraph, resolveRun };
}

interface LevelDef {
  start: number;
  fmt: string;
  text: string;
  legal: boolean;
}

/** Turns each numbered paragraph into its label ("2.3", "II.", "A)"), counting as Word does. */
export interface Numbering {
  label(numId: string, ilvl: number): string | null;
}

export function readNumbering(root: XNode | null): Numbering {
  const abstracts = new Map<string, Map<number, LevelDef>>();
  const nums = new Map<string, { abs: string; starts: Map<number, number> }>();
  if (root) {
    for (const a of children(root, "abstractNum")) {
      const levels = new Map<number, LevelDef>();
      for (const l of children(a, "lvl"))
        levels.set(intAttr(l, "ilvl") ?? 0, {
          start: intAttr(child(l, "start")) ?? 1,
          fmt: attr(child(l, "numFmt"), "val") ?? "decimal",
          text: attr(child(l, "lvlText"), "val") ?? "",
          legal: toggle(child(l, "isLgl")) ?? false,
        });
      abstracts.set(attr(a, "abstractNumId") ?? "", levels);
    }
    for (const n of children(root, "num")) {
      const starts = new Map<number, number>();
      for (const o of children(n, "lvlOverride")) {
        const start = intAttr(child(o, "startOverride"));
        if (start !== null) starts.set(intAttr(o, "ilvl") ?? 0, start);
      }
      nums.set(attr(n, "numId") ?? "", { abs: attr(child(n, "abstractNumId"), "val") ?? "", starts });
    }
  }
  const counters = new Map<string, (number | undefined)[]>();
  const overridden = new Set<string>();
  return {
    label(numId, ilvl) {
      const num = nums.get(numId);
      const levels = num ? abstracts.get(num.abs) : undefined;
      const def = levels?.get(ilvl);
      if (!num || !levels || !def) return null;
      let c = counters.get(num.abs);
      if (!c) {
        c = [];
        counters.set(num.abs, c);
      }
      // A num with start overrides restarts its list the first time it is used.
      if (num.starts.size && !overridden.has(numId)) {
        overridden.add(numId);
        c.length = 0;
      }
      const startOf = (l: number) => num.starts.get(l) ?? levels.get(l)?.start ?? 1;
      c[ilvl] = c[ilvl] === undefined ? startOf(ilvl) : c[ilvl]! + 1;
      for (let l = ilvl + 1; l < 9; l++) c[l] = undefined;
      if (def.fmt === "bullet" || def.fmt === "none") return null;
      return def.text.replace(/%([1-9])/g, (_, k: string) => {
        const l = Number(k) - 1;
        const value = c[l] ?? startOf(l);
        const fmt = def.legal && l < ilvl ? "decimal" : (levels.get(l)?.fmt ?? "decimal");
        return formatNumber(value, fmt);
      });
    },
  };
}

function roman(n: number): string {
  const table: [number, string][] = [
    [1000, "M"],
    [900, "CM"],
    [500, "D"],
    [400, "CD"],
    [100, "C"],
    [90, "XC"],
    [50, "L"],
    [40, "XL"],
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let s = "";
  let x = n;
  for (const [v, r] of table)
    while (x >= v) {
      s += r;
      x -= v;
    }
  return s;
}

function letters(n: number): string {
  const c = String.fromCharCode(65 + ((n - 1) % 26));
  return c.repeat(Math.floor((n - 1) / 26) + 1);
}

function formatNumber(n: number, fmt: string): string {
  switch (fmt) {
    case "upperRoman":
      return roman(n);
    case "lowerRoman":
      return roman(n).toLowerCase();
    case "upperLetter":
      return letters(n);
    case "lowerLetter":
      return letters(n).toLowerCase();
    case "decimalZero":
      return String(n).padStart(2, "0");
    default:
      return String(n);
  }
}
