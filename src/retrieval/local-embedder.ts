import { Embeddings } from "@langchain/core/embeddings";
import { fnv1a, fold, isStopword, stem, words } from "../lib/text.js";

export const LOCAL_EMBEDDER_ID = "local-hash-v1";

/**
 * Deterministic, offline embedder: stemmed words and character 4-grams of
 * each word hashed into a fixed number of signed dimensions (the hashing
 * trick), weighted by sublinear term frequency and by an IDF fitted on the
 * indexed records. N-grams make "monitorer"/"monitoring" or a typo land near
 * each other; the IDF keeps "données" from dominating.
 */
export class LocalHashEmbeddings extends Embeddings {
  readonly dims: number;
  private idf: Map<string, number>;
  private defaultIdf: number;

  constructor(opts: { dims?: number; idf?: Record<string, number> } = {}) {
    super({});
    this.dims = opts.dims ?? 512;
    this.idf = new Map(Object.entries(opts.idf ?? {}));
    this.defaultIdf = this.idf.size ? Math.max(...this.idf.values()) : 1;
  }

  /** Sets the IDF fitted on the corpus (the vector index is built on first use, after opening). */
  setIdf(idf: Record<string, number>): void {
    this.idf = new Map(Object.entries(idf));
    this.defaultIdf = this.idf.size ? Math.max(...this.idf.values()) : 1;
  }

  get id(): string {
    return `${LOCAL_EMBEDDER_ID}-d${this.dims}`;
  }

  /** Features of a text: stemmed words (weight 1) and their character 4-grams (shared weight 1). */
  static features(text: string): Map<string, number> {
    const feats = new Map<string, number>();
    for (const w of words(fold(text))) {
      if (isStopword(w) || (w.length < 2 && !/\d/.test(w))) continue;
      const s = stem(w);
      feats.set(`w:${s}`, (feats.get(`w:${s}`) ?? 0) + 1);
      const padded = `^${w}$`;
      if (padded.length > 4) {
        const n = padded.length - 3;
        for (let i = 0; i < n; i++) {
          const g = `g:${padded.slice(i, i + 4)}`;
          feats.set(g, (feats.get(g) ?? 0) + 1 / n);
        }
      }
    }
    return feats;
  }

  /** Fit document frequencies on the corpus; returns the IDF table to persist. */
  static fitIdf(texts: string[]): Record<string, number> {
    const df = new Map<string, number>();
    for (const t of texts)
      for (const f of LocalHashEmbeddings.features(t).keys()) df.set(f, (df.get(f) ?? 0) + 1);
    const idf: Record<string, number> = {};
    for (const [f, n] of df) idf[f] = Math.round(Math.log(1 + texts.length / n) * 1000) / 1000;
    return idf;
  }

  embedText(text: string): number[] {
    const v = new Float64Array(this.dims);
    for (const [f, tf] of LocalHashEmbeddings.features(text)) {
      const h = fnv1a(f);
      const weight = (1 + Math.log(1 + tf)) * (this.idf.get(f) ?? this.defaultIdf);
      v[h % this.dims]! += h & 0x80000000 ? -weight : weight;
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    return Array.from(v, (x) => x / norm);
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    return documents.map((d) => this.embedText(d));
  }

  override async embedQuery(document: string): Promise<number[]> {
    return this.embedText(document);
  }
}
