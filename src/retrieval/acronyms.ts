import type { KnowledgeRecord } from "../knowledge/record.js";
import { fold } from "../lib/text.js";

/** Little words an acronym skips ("Période de Formation en Milieu Professionnel" is PFMP). */
const SKIPPED = new Set([
  "de",
  "du",
  "des",
  "d",
  "en",
  "la",
  "le",
  "les",
  "l",
  "et",
  "a",
  "au",
  "aux",
  "pour",
  "of",
  "the",
  "and",
]);

/**
 * The acronyms a document defines and their long forms: « le dossier professionnel (DP) », « période de
 * formation en milieu professionnel (PFMP) ». A candidate asks with either form, and a passage often uses
 * only one (« Remise du DP complet »): the index holds the other beside it.
 */
export function definedAcronyms(records: KnowledgeRecord[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const r of records) {
    const text = `${r.title}\n${r.statement}`;
    for (const m of text.matchAll(/([^()\n]{3,160})\(\s*([A-Z]{2,7})\s*\)/g)) {
      const acronym = m[2]!;
      if (found.has(acronym)) continue;
      const words = m[1]!
        .trim()
        .split(/[\s'’-]+/)
        .filter(Boolean);
      const letters = acronym.toLowerCase().split("");
      let w = words.length - 1;
      let l = letters.length - 1;
      let first = -1;
      while (w >= 0 && l >= 0) {
        const word = fold(words[w]!).replace(/[^a-z0-9]/g, "");
        const before = w > 0 ? fold(words[w - 1]!) : "";
        // « évaluations en cours de formation (ECF) »: a little word is skipped when the word before it
        // also has the letter.
        const skip = SKIPPED.has(word) && before[0] === letters[l];
        if (word && word[0] === letters[l] && !skip) {
          first = w;
          l--;
        } else if (!SKIPPED.has(word)) break;
        w--;
      }
      if (l < 0 && first >= 0) found.set(acronym, words.slice(first).join(" "));
    }
  }
  return found;
}

interface Compiled {
  forms: { acronym: string; long: string; re: RegExp; plainLong: string }[];
  /** Expansions already computed: evidence units are asked again with every question. */
  done: Map<string, string>;
}
const COMPILED = new WeakMap<Map<string, string>, Compiled>();

const plain = (t: string) => fold(t).replace(/['’-]/g, " ").replace(/\s+/g, " ");

/** Each acronym a text uses given its long form, and each long form its acronym: what BM25 adds to it. */
export function acronymExpansion(text: string, acronyms: Map<string, string>): string {
  if (!acronyms.size) return "";
  let compiled = COMPILED.get(acronyms);
  if (!compiled) {
    compiled = {
      forms: [...acronyms].map(([acronym, long]) => ({
        acronym,
        long,
        re: new RegExp(`\\b${acronym}\\b`),
        plainLong: plain(long),
      })),
      done: new Map(),
    };
    COMPILED.set(acronyms, compiled);
  }
  const cached = compiled.done.get(text);
  if (cached !== undefined) return cached;
  const folded = plain(text);
  const extra: string[] = [];
  for (const { acronym, long, re, plainLong } of compiled.forms) {
    const hasAcronym = re.test(text);
    const hasLong = folded.includes(plainLong);
    if (hasAcronym && !hasLong) extra.push(long);
    else if (hasLong && !hasAcronym) extra.push(acronym);
  }
  const result = extra.join(" ");
  if (compiled.done.size < 50_000) compiled.done.set(text, result);
  return result;
}
