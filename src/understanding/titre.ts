import type { Catalog } from "../knowledge/catalog.js";
import { fold, isStopword, words } from "../lib/text.js";

// A titre or certification named in a question: "le titre concepteur développeur
// d'applications", "la certification data engineer", "RNCP 12345".
const NAMED =
  /\b(?:titre|title|certification|diplome|degree|formation|cursus|bachelor|master|bts|licence)\s+(?:pro(?:fessionnel)?\s+)?(?:(?:de|du|des|en|of|in|as)\s+|d')?([a-z' -]{3,60})/;
const RNCP = /\brncp\s?(\d{4,6})\b/;
// Job names: what a titre is named after.
const JOB =
  /(?:eur|euse|rice|iste|icien|icienne|engineer|developer|designer|manager|analyst|architect|scientist|officer|administrator|technician|consultant)$/;

const NAMES = new WeakMap<Catalog, { words: Set<string>; rncp: Set<string> }>();

function known(catalog: Catalog) {
  let k = NAMES.get(catalog);
  if (!k) {
    const text = catalog.referentials
      .flatMap((r) => [r.id, r.title, r.certification ?? "", ...r.aliases, ...r.qualifiers])
      .concat(Object.keys(catalog.groups))
      .join(" ");
    k = {
      words: new Set(words(text)),
      rncp: new Set(catalog.referentials.flatMap((r) => (r.rncp ? [r.rncp.replace(/\D/g, "")] : []))),
    };
    NAMES.set(catalog, k);
  }
  return k;
}

/**
 * The titre a question names when no indexed referential is that titre
 * ("concepteur développeur d'applications", "RNCP 12345"), else null: the bot
 * must say it does not know this titre rather than answer about another one.
 */
export function unindexedTitre(question: string, catalog: Catalog): string | null {
  const folded = fold(question);
  const k = known(catalog);
  const rncp = RNCP.exec(folded);
  if (rncp && k.rncp.size && !k.rncp.has(rncp[1]!)) return `RNCP${rncp[1]}`;
  const m = NAMED.exec(folded);
  if (!m) return null;
  const content = words(m[1]!)
    .filter((w) => !isStopword(w) && w.length >= 3)
    .slice(0, 3);
  const job = content.slice(0, 2).find((w) => JOB.test(w) && !k.words.has(w));
  return job ? m[1]!.trim().split(/\s+/).slice(0, 4).join(" ") : null;
}
