import { editDistance, terms } from "../lib/text.js";
import type { WeightedTerm } from "./query.js";

export interface Bm25Doc {
  id: string;
  /** Short fields that describe the record (code, title) weigh more than its body. */
  title: string;
  body: string;
}

/**
 * BM25 over the records, with the title counted twice and typo-tolerant term
 * lookup (a query word missing from the vocabulary matches its nearest
 * vocabulary words at reduced weight).
 */
export class Bm25Index {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly titleTerms: Set<string>[] = [];
  private readonly lengths: number[] = [];
  private readonly avgLength: number;
  private readonly vocabByLength = new Map<number, string[]>();
  readonly ids: string[];

  constructor(
    docs: Bm25Doc[],
    private readonly k1 = 1.2,
    private readonly b = 0.6,
    private readonly titleWeight = 0.8,
  ) {
    this.ids = docs.map((d) => d.id);
    docs.forEach((d, i) => {
      const title = terms(d.title);
      this.titleTerms.push(new Set(title));
      const toks = [...title, ...terms(d.body)];
      this.lengths.push(toks.length);
      for (const t of toks) {
        let p = this.postings.get(t);
        if (!p) {
          p = new Map();
          this.postings.set(t, p);
        }
        p.set(i, (p.get(i) ?? 0) + 1);
      }
    });
    this.avgLength = this.lengths.reduce((s, n) => s + n, 0) / Math.max(1, this.lengths.length);
    for (const t of this.postings.keys()) {
      const list = this.vocabByLength.get(t.length) ?? [];
      list.push(t);
      this.vocabByLength.set(t.length, list);
    }
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

  /** Vocabulary words within one edit (two for long words) of a word absent from the vocabulary. */
  fuzzy(term: string): string[] {
    if (term.length < 5 || /\d/.test(term)) return [];
    const max = term.length >= 9 ? 2 : 1;
    const out: string[] = [];
    for (let len = term.length - max; len <= term.length + max; len++) {
      for (const v of this.vocabByLength.get(len) ?? []) {
        if (v[0] === term[0] && editDistance(term, v, max) <= max) out.push(v);
      }
    }
    return out;
  }

  /** Resolve typed terms to vocabulary terms (typos → nearest words). */
  resolve(query: WeightedTerm[]): WeightedTerm[] {
    const out: WeightedTerm[] = [];
    for (const q of query) {
      if (this.postings.has(q.term)) out.push(q);
      else for (const v of this.fuzzy(q.term)) out.push({ term: v, weight: q.weight * 0.7 });
    }
    return out;
  }

  /** Scores per document index (sparse), for the given resolved terms. */
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
