/**
 * Section matching by meaning: a heading names a section when, after folding accents,
 * case, numbering, articles, possessives and plurals, and after mapping each word
 * through the section's synonym table, it contains every word of one of the
 * section's aliases (in any order). A heading may name several sections.
 */

/**
 * Compares headings and aliases on letters only: a candidate writes "ÉTAT DE L'ART",
 * "2.1 Etat de l’art" or "Partie 2 – état de l'art" for the same section.
 */
export function normalizeHeading(text: string): string {
  let s = text
    .replace(/[œŒ]/g, "oe")
    .replace(/[æÆ]/g, "ae")
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[’'`´‘]/g, " ")
    .replace(/[\s\u00a0\u202f]+/g, " ")
    .trim();
  // Numbering prefixes, possibly stacked ("Partie 1 - 1.2 ...", "Chapitre II : 2.1 ...").
  const prefix =
    /^(?:(?:partie|part|chapitre|chapter|section|annexe|appendix)\s+(?:[0-9]+|[ivxlc]+|[a-h]|premiere|deuxieme|seconde|troisieme|quatrieme|one|two|three|four)\b|[0-9]+(?:\.[0-9]+)*\.?(?=[\s.)\-–—:]|$)|[ivxlc]+(?=[.)\-–—:])|[a-h](?=[.)]))\s*[.)\-–—:]?\s*/;
  for (let i = 0; i < 3 && prefix.test(s); i++) s = s.replace(prefix, "");
  return s
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

// Articles, prepositions, possessives and pronouns of French and English headings.
// "s" is what remains of an English possessive ("client's" → "client s").
const STOP = new Set(
  `a au aux d de des du en et l la le les un une ou par pour sur dans avec sans sous ce cet cette ces qui que quoi
je j nous on mon ma mes ton ta tes notre nos votre vos son sa ses leur leurs y ete etre est sont
the an of and or for to in on at by with from into our my your their its his her this that these those
s is are was be we i how what`.split(/\s+/),
);

/** One word reduced to a comparable stem: plurals and French feminine endings folded. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && (w.endsWith("s") || w.endsWith("x"))) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith("e")) w = w.slice(0, -1);
  return w;
}

/** Normalized, stop words dropped, stemmed. */
export function headingWords(text: string): string[] {
  return normalizeHeading(text)
    .split(" ")
    .filter((w) => w && !STOP.has(w))
    .map(stem);
}

export interface SectionRule {
  name: string;
  aliases: string[];
  /** Word → words or phrases that stand for it in this section ("besoin": ["attentes", "needs"]). */
  synonyms?: Record<string, string[]>;
}

/** A section's rule compiled once: aliases as word lists, synonyms as phrase → canonical word. */
export interface CompiledSection {
  name: string;
  aliases: string[][];
  /** Variant phrases (stemmed words), longest first, each with the canonical word it stands for. */
  variants: { words: string[]; canonical: string }[];
  nameWords: string[];
}

export function compileSection(rule: SectionRule): CompiledSection {
  const variants: CompiledSection["variants"] = [];
  for (const [key, list] of Object.entries(rule.synonyms ?? {})) {
    const canonical = headingWords(key).join(" ");
    if (!canonical) continue;
    for (const v of list) {
      const words = headingWords(v);
      if (words.length) variants.push({ words, canonical });
    }
  }
  variants.sort((a, b) => b.words.length - a.words.length);
  const compiled: CompiledSection = { name: rule.name, aliases: [], variants, nameWords: [] };
  compiled.aliases = [rule.name, ...rule.aliases]
    .map((a) => [...new Set(headingWords(a))])
    .filter((a) => a.length > 0);
  compiled.nameWords = headingWords(rule.name);
  return compiled;
}

/** The words of a heading plus, for every synonym phrase found in it, the canonical word it stands for. */
function canonicalSet(words: string[], section: CompiledSection): Set<string> {
  const out = new Set(words);
  for (const v of section.variants)
    for (let i = 0; i + v.words.length <= words.length; i++)
      if (v.words.every((w, k) => words[i + k] === w)) {
        for (const c of v.canonical.split(" ")) out.add(c);
        break;
      }
  return out;
}

/**
 * How well a heading names a section: the number of words of the most specific alias it
 * contains entirely (0: no alias), and for ranking near misses the best share of an
 * alias's words present.
 */
export function scoreHeading(headingText: string, section: CompiledSection): { match: number; near: number } {
  const own = headingWords(headingText);
  const words = canonicalSet(own, section);
  let match = 0;
  let near = 0;
  for (const alias of section.aliases) {
    const present = alias.filter((w) => words.has(w)).length;
    // The most specific alias wins; between equals, the heading with the fewest other words.
    if (present === alias.length)
      match = Math.max(match, alias.length + alias.length / Math.max(1, own.length) / 2);
    near = Math.max(near, present / alias.length);
  }
  return { match, near };
}

/** Letter-pair similarity (Dice) of two normalized strings, for the "closest heading" of a missing section. */
export function bigramSimilarity(a: string, b: string): number {
  const pairs = (s: string) => {
    const m = new Map<string, number>();
    const t = s.replace(/ /g, "");
    for (let i = 0; i + 1 < t.length; i++) m.set(t.slice(i, i + 2), (m.get(t.slice(i, i + 2)) ?? 0) + 1);
    return m;
  };
  const pa = pairs(a);
  const pb = pairs(b);
  let common = 0;
  let total = 0;
  for (const [k, n] of pa) {
    common += Math.min(n, pb.get(k) ?? 0);
    total += n;
  }
  for (const n of pb.values()) total += n;
  return total ? (2 * common) / total : 0;
}
