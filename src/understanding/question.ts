import type { Catalog } from "../knowledge/catalog.js";
import { fold, squash } from "../lib/text.js";
import { blocsIn, codesIn, detectLang, type Lang, namedReferentials } from "../retrieval/query.js";
import { foldQuestion, type Intention, intentionOf, type Unit, unitOf } from "./intent.js";
import { type Ask, phrasings } from "./phrasings.js";
import { unindexedTitre } from "./titre.js";

/** One thing a question asks ("qui la signe", "et quand la remet-on"), in the order asked. */
export interface Part {
  /** Folded text of the part. */
  text: string;
  asks: Ask[];
  /** The unit a number asked for by this part is in. */
  unit: Unit | null;
}

/**
 * A question read once: what retrieval and answering both work from
 * (language, folded words, codes, referentials and titre named, intent,
 * parts, aspect).
 */
export interface Question extends Intention {
  /** As typed, whitespace squashed. */
  text: string;
  folded: string;
  lang: Lang;
  /** Canonical codes named, in order ("C12", "B2Cr4", "C1.2"). */
  codes: string[];
  /** Bloc numbers named ("bloc 2"). */
  blocs: number[];
  /** Referentials named, and those excluded ("pas aivancity"). */
  include: Set<string>;
  exclude: Set<string>;
  /** The referentials named as read (with where their names are, for the search to set them aside). */
  named: { include: Set<string>; exclude: Set<string>; spans: [number, number][] };
  /** A titre named that no indexed referential is ("concepteur développeur d'applications"). */
  titre: string | null;
  /** What the question asks, split: one part for a simple question. */
  parts: Part[];
  /** The same thing asked of each referential named ("in both", "de chaque côté"). */
  both: boolean;
  /** Names a deliverable or exam piece: about the referentials, however terse. */
  namesDeliverable: boolean;
}

const NO_CATALOG = {
  include: new Set<string>(),
  exclude: new Set<string>(),
  spans: [] as [number, number][],
};

/** Reads a question once; `catalog` tells which referentials and titres it names. */
export function readQuestion(raw: string, catalog?: Catalog): Question {
  const text = squash(raw);
  const folded = foldQuestion(text);
  const codes = codesIn(folded, text);
  const blocs = blocsIn(folded);
  const named = catalog ? namedReferentials(folded, catalog, text) : NO_CATALOG;
  const intention = intentionOf(folded, { codes, referentials: named.include.size, blocs: blocs.length });
  // A pastime may be lifted later (a cook's titre is about cooking): personal data asked stays declined.
  const decline =
    intention.decline === "pastime"
      ? (personalData(folded, text) ?? "pastime")
      : (intention.decline ?? (intention.smallTalk ? null : personalData(folded, text)));
  return {
    ...intention,
    decline,
    text,
    folded,
    lang: detectLang(text),
    codes,
    blocs,
    include: named.include,
    exclude: named.exclude,
    named,
    titre: catalog ? unindexedTitre(text, catalog) : null,
    parts: intention.smallTalk ? [] : partsOf(folded),
    both: phrasings().both.test(folded),
    namesDeliverable: phrasings().deliverable.test(folded),
  };
}

/** Someone's grades, address or phone: asked of a role, or of a name typed with its capital. */
function personalData(folded: string, text: string): "personal-data" | null {
  const p = phrasings();
  if (p.personalOfRole.test(folded)) return "personal-data";
  const typed = text.split(/[^\p{L}'-]+/u);
  for (const m of folded.matchAll(p.personalOfName)) {
    const name = m[1]!;
    const asTyped = typed.find((w) => fold(w) === name);
    if (asTyped && /^\p{Lu}\p{Ll}/u.test(asTyped) && !p.notNames.has(name)) return "personal-data";
  }
  return null;
}

/**
 * Splits at the joins ("et", "and", commas) where each side asks something
 * of its own; a side asking nothing ("C1 et C2") stays with the one before.
 */
export function partsOf(folded: string): Part[] {
  const p = phrasings();
  // Most questions ask one thing: no join, no need to read what each side asks.
  if (!p.joins.some((j) => folded.includes(j))) return [{ text: folded, asks: [], unit: null }];
  // A question mark ends a question: what follows is asked of its own ("…en tout ? et il lit mon
  // dossier avant ou pendant ?"), even without a question word; the other joins split only where
  // each side asks something.
  const parts: Part[] = [];
  const inherits = new Set<Part>();
  for (const sentence of folded.split(/\?\s+/)) {
    // Each piece with the join before it ("et", a comma…): the split keeps the joins between pieces.
    const split = sentence.split(p.joinSplit);
    const pieces = split
      .filter((_, k) => k % 2 === 0)
      .map((piece, k) => ({ piece: piece.trim(), join: k ? split[2 * k - 1]! : "" }));
    let first = true;
    for (const { piece, join } of pieces.filter((x) => x.piece)) {
      const asks = p.asks.filter(([, re]) => re.test(piece)).map(([a]) => a);
      const last = parts[parts.length - 1];
      // "Et pour le DWWM ?" asks the same again of another titre: not a question of its own.
      const own =
        first && parts.length > 0 && piece.split(/\s+/).length >= 4 && !phrasings().both.test(piece);
      first = false;
      // "combien dure la mise en situation et l'entretien final": the same asked of a second thing
      // after "et" (a thing of several words, not a code: "C1 et C2" is one comparison).
      const again =
        !asks.length &&
        last?.asks.length &&
        join === " et " &&
        piece.split(/\s+/).length >= 2 &&
        !/\b[a-z]{1,3}\d/.test(piece) &&
        /^(?:l'|le |la |les |du |de la |des |d')/.test(piece);
      if (!asks.length && last && !own && !again) {
        last.text = `${last.text}${join && join !== "? " ? join : " "}${piece}`;
        continue;
      }
      parts.push({ text: piece, asks: again ? [...last!.asks] : asks, unit: null });
      if (again) inherits.add(parts[parts.length - 1]!);
    }
  }
  // A first piece that only names the subject ("cas pratique 2 :") is context, not a part.
  if (parts.length > 1 && !parts[0]!.asks.length) {
    const [subject, next] = parts;
    next!.text = `${subject!.text} ${next!.text}`;
    parts.shift();
  }
  parts.forEach((part, k) => {
    part.unit = part.asks.includes("how-many") ? unitOf(part.text) : null;
    // "…et l'entretien final": the unit asked of the thing before.
    if (!part.unit && inherits.has(part)) part.unit = parts[k - 1]?.unit ?? null;
  });
  return parts;
}
