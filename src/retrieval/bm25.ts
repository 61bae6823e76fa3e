import { editDistance, isStopword, stem, terms, words } from "../lib/text.js";
import type { Vocabulary, WeightedTerm } from "./query.js";

/** A document's tokens: `words` alternates a folded word and its stem. */
export interface Bm25Tokens {
  title: string[];
  body: string[];
  words: string[];
}

export interface Bm25Doc {
  id: string;
  /** Short fields that describe the record (code, title) weigh more than its body. */
  title: string;
  body: string;
}

/**
 * BM25 over the records, with a bonus for words of the title, and the
 * vocabulary the query side needs: which terms exist, and which words of the
 * records a typo stands for.
 */
export class Bm25Index implements Vocabulary {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly titleTerms: Set<string>[] = [];
  private readonly lengths: number[] = [];
  private readonly avgLength: number;
  /** Words of the records as written (folded) with their stems, by first letter and length ("e10"). */
  private readonly wordsBySkeleton = new Map<string, Map<string, string>>();
  readonly ids: string[];

  constructor(
    docs: Bm25Doc[] | { ids: string[]; tokens: Bm25Tokens[] },
    private readonly k1 = 1.2,
    private readonly b = 0.6,
    private readonly titleWeight = 0.8,
  ) {
    // Tokens may come saved with the index (cold starts skip tokenizing every record again).
    const tokens = Array.isArray(docs) ? docs.map(Bm25Index.tokenize) : docs.tokens;
    this.ids = Array.isArray(docs) ? docs.map((d) => d.id) : docs.ids;
    tokens.forEach((t, i) => {
      this.titleTerms.push(new Set(t.title));
      this.lengths.push(t.title.length + t.body.length);
      for (const list of [t.title, t.body]) {
        for (const term of list) {
          let p = this.postings.get(term);
          if (!p) {
            p = new Map();
            this.postings.set(term, p);
          }
          p.set(i, (p.get(i) ?? 0) + 1);
        }
      }
      for (let j = 0; j < t.words.length; j += 2) {
        const w = t.words[j]!;
        const key = `${w[0]}${w.length}`;
        const bucket = this.wordsBySkeleton.get(key) ?? new Map<string, string>();
        bucket.set(w, t.words[j + 1]!);
        this.wordsBySkeleton.set(key, bucket);
      }
    });
    this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, this.lengths.length);
  }

  /** What the index keeps of one document: title and body terms, and its typo-able words with their stems. */
  static tokenize(d: Bm25Doc): Bm25Tokens {
    const seen = new Set<string>();
    const flat: string[] = [];
    for (const w of words(`${d.title} ${d.body}`)) {
      if (w.length < 5 || /\d/.test(w) || isStopword(w) || seen.has(w)) continue;
      seen.add(w);
      flat.push(w, stem(w));
    }
    return { title: terms(d.title), body: terms(d.body), words: flat };
  }

  get size(): number {
    return this.ids.length;
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  contains(doc: number, term: string): boolean {
    return this.postings.get(term)?.has(doc) ?? false;
  }

  idf(term: string): number {
    const df = this.postings.get(term)?.size ?? 0;
    return Math.log(1 + (this.ids.length - df + 0.5) / (df + 0.5));
  }

  /**
   * Stems of the record words one typo away from a folded word (shorter
   * words have too many neighbours). Compared as written, not stemmed: a typo
   * can keep a word from being stemmed like its correct form ("validaton").
   */
  nearest(word: string): string[] {
    if (word.length < 5 || /\d/.test(word)) return [];
    const out = new Set<string>();
    for (let len = word.length - 1; len <= word.length + 1; len++) {
      for (const [w, s] of this.wordsBySkeleton.get(`${word[0]}${len}`) ?? []) {
        if (editDistance(word, w, 1) <= 1) out.add(s);
      }
    }
    return [...out];
  }

  /** Scores per document index (sparse), for the given terms. */
  score(query: WeightedTerm[], allowed?: (i: number) => boolean): Map<number, number> {
    const scores = new Map<number, number>();
    for (const { term, weight } of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      const idf = this.idf(term);
      for (const [i, tf] of p) {
        if (allowed && !allowed(i)) continue;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[i]!) / this.avgLength);
        // A word of the title (code, competency name, heading) says more than one in the body.
        const titleBonus = this.titleTerms[i]!.has(term) ? this.titleWeight : 0;
        scores.set(i, (scores.get(i) ?? 0) + weight * idf * ((tf * (this.k1 + 1)) / norm + titleBonus));
      }
    }
    return scores;
  }
}
