import { editDistance, isStopword, stem, terms, words } from "../lib/text.js";
import type { Vocabulary, WeightedTerm } from "./query.js";

/** A document's tokens: `words` alternates a folded word and its stem. */
export interface Bm25Tokens {
  title: string[];
  body: string[];
  words: string[];
}

/**
 * A built index as saved with the knowledge index: postings packed per term
 * ([doc, tf, doc, tf…]) and unpacked only for the terms a question uses, so a
 * cold start does not rebuild millions of map entries.
 */
export interface Bm25Snapshot {
  ids: string[];
  lengths: number[];
  titleTerms: string[][];
  postings: Record<string, number[]>;
  /** Folded words and their stems, alternating. */
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
  /** Postings still packed (from a snapshot): unpacked on first use. */
  private packed: Record<string, number[]> = {};
  private readonly titleTerms: Set<string>[] = [];
  private readonly lengths: number[] = [];
  private readonly avgLength: number;
  /** Words of the records as written (folded) with their stems, by first letter and length ("e10"). */
  private readonly wordsBySkeleton = new Map<string, Map<string, string>>();
  readonly ids: string[];

  constructor(
    docs: Bm25Doc[] | { ids: string[]; tokens: Bm25Tokens[] } | Bm25Snapshot,
    private readonly k1 = 1.2,
    private readonly b = 0.6,
    private readonly titleWeight = 0.8,
  ) {
    if (!Array.isArray(docs) && "postings" in docs) {
      this.ids = docs.ids;
      this.lengths = docs.lengths;
      this.titleTerms = docs.titleTerms.map((t) => new Set(t));
      this.packed = docs.postings;
      this.addWords(docs.words);
      this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, this.lengths.length);
      return;
    }
    // Tokens may come from the per-document cache (no record tokenized twice).
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
      this.addWords(t.words);
    });
    this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, this.lengths.length);
  }

  private addWords(flat: string[]): void {
    for (let j = 0; j < flat.length; j += 2) {
      const w = flat[j]!;
      const key = `${w[0]}${w.length}`;
      let bucket = this.wordsBySkeleton.get(key);
      if (!bucket) {
        bucket = new Map<string, string>();
        this.wordsBySkeleton.set(key, bucket);
      }
      bucket.set(w, flat[j + 1]!);
    }
  }

  /** The postings of a term, unpacked from the snapshot the first time a question uses it. */
  private posting(term: string): Map<number, number> | undefined {
    let p = this.postings.get(term);
    if (p) return p;
    const packed = Object.hasOwn(this.packed, term) ? this.packed[term] : undefined;
    if (!packed) return undefined;
    p = new Map();
    for (let j = 0; j < packed.length; j += 2) p.set(packed[j]!, packed[j + 1]!);
    this.postings.set(term, p);
    return p;
  }

  /** Everything needed to open the index again without its documents' text. */
  snapshot(): Bm25Snapshot {
    const postings: Record<string, number[]> = { ...this.packed };
    for (const [term, p] of this.postings) postings[term] = [...p].flat();
    const words: string[] = [];
    for (const bucket of this.wordsBySkeleton.values()) for (const [w, s] of bucket) words.push(w, s);
    return {
      ids: this.ids,
      lengths: this.lengths,
      titleTerms: this.titleTerms.map((t) => [...t]),
      postings,
      words,
    };
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
    return this.postings.has(term) || Object.hasOwn(this.packed, term);
  }

  contains(doc: number, term: string): boolean {
    return this.posting(term)?.has(doc) ?? false;
  }

  idf(term: string): number {
    const df = this.posting(term)?.size ?? 0;
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
      const p = this.posting(term);
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
