import type { HNSWLib } from "@langchain/community/vectorstores/hnswlib";
import type { Embeddings } from "@langchain/core/embeddings";
import type { Catalog } from "../knowledge/catalog.js";
import { type KnowledgeRecord, recordText } from "../knowledge/record.js";
import { fold, terms } from "../lib/text.js";
import type { Question } from "../understanding/question.js";
import { acronymExpansion, definedAcronyms } from "./acronyms.js";
import { Bm25Index } from "./bm25.js";
import type { Lexicon } from "./lexicon.js";
import { LocalHashEmbeddings } from "./local-embedder.js";
import { analyzeQuery, type QueryAnalysis, type TypedTerm } from "./query.js";

export interface Hit {
  record: KnowledgeRecord;
  /** Fused relevance in [0, 1], best first. */
  score: number;
  via: ("code" | "keyword" | "vector")[];
}

export type SearchOutcome = "ok" | "out-of-scope" | "unsafe" | "unknown-code";

export interface SearchResult {
  analysis: QueryAnalysis;
  hits: Hit[];
  found: boolean;
  outcome: SearchOutcome;
  /** Codes named in the question that no referential defines. */
  unknownCodes: string[];
  /** For each code answered, the other referentials that define it too. */
  alsoIn: { code: string; referentials: string[] }[];
  /** IDF-weighted share of the question's words one of the best passages holds together (0 to 1). */
  coverage: number;
}

export interface RetrieverOptions {
  defaultReferential: string;
  /** Vocabulary bridges from `knowledge/lexicon.yml`. */
  lexicon?: Lexicon;
  /** Reciprocal-rank-fusion constant: small values keep rank 1 decisive. */
  rrfK?: number;
  /**
   * Weight of the vector ranking against the keyword one. By default 0 with
   * the local hashing embedder: on the eval sets it only added noise to
   * BM25 over the lexicon-expanded query (every weight tried from 0.2 up
   * lowered recall@1); a semantic embedding model keeps 0.6.
   */
  vectorWeight?: number;
  /**
   * Share of the question's informative words the best passages must hold
   * (see coverage()); a third of it when the question names a referential or
   * uses the vocabulary of certification.
   */
  minCoverage?: number;
  /** A BM25 index already built over `records` (loaded with a saved index). */
  bm25?: Bm25Index;
}

/** The vector store, or how to build it on first use (the hashing embedder's ranking is not fused). */
export type VectorStoreSource = HNSWLib | (() => Promise<HNSWLib>);

/**
 * Codes whose shape the query analysis does not know (CP1, RNCP38436BC01,
 * E31, C1.1.1), recognised in questions because the corpus defines them.
 */
function corpusCodeMatcher(codes: Iterable<string>): ((folded: string) => string[]) | null {
  const odd = [...codes].filter((c) => /^(?:CP\d+|RNCP\d+BC\d+|[A-Z]\d+\.\d+\.\d+|E\d{2,})$/.test(c));
  if (!odd.length) return null;
  const pattern = (c: string) =>
    c
      .toLowerCase()
      .replace(/\./g, "[.,]")
      .replace(/([a-z])(?=\d)|(\d)(?=[a-z])/g, "$1$2\\s?");
  const re = new RegExp(`\\b(${odd.map(pattern).join("|")})\\b`, "g");
  const canon = new Map(odd.map((c) => [c.toLowerCase(), c]));
  return (folded) =>
    [...folded.matchAll(re)]
      .map((m) => canon.get(m[1]!.replace(/\s/g, "").replace(",", "."))!)
      .filter(Boolean);
}

/** A date as French documents print it: "18 décembre 2008", "1er mars 2013", "24/05/2023". */
const DATE =
  /\b(?:\d{1,2}(?:er)?\s+(?:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)\s+\d{4}|\d{1,2}\/\d{1,2}\/\d{4})\b/i;

/** IDF weight of the question's words one passage holds and another lacks for it to be about something else. */
const DISTINCT = 2.5;

/** A line of an address or a contact block: a postal code before a town's name, a Cedex, a SIRET, masked details. */
const CONTACT_LINE =
  /(?<![\p{L}\p{N}-])\d{5}\s+\p{Lu}[\p{L}'-]+|\b(?:CEDEX|Cedex|SIRET|Siret)\b|\[coordonnées masquées\]/u;
/** Share of the best passage's words a bloc's record must hold to be what a question naming it asks. */
const BLOC_TOPIC = 0.5;
/** Weight of the coordination factor (share of the question's words a passage holds) in its score. */
const COORDINATION = 0.2;

const UNIT = /\b(?:ccp|certificats? de competences? professionnelles?)\b/;

/**
 * The name a question would quote a record by: an épreuve's title before what it belongs to
 * ("Entretien technique — CCP …"), a section's last heading, a glossary term. Two words at least, or
 * one acronym ("DICP"): single common words name too many records.
 */
export function titleHead(r: KnowledgeRecord): string | null {
  const raw = (r.title.split(" — ")[0] ?? "").split(" › ").pop()!.trim();
  const head = fold(raw)
    .replace(/^\d+(?:\.\d+)*\.?\s+/, "")
    .replace(/[^\p{L}\p{N}/]+/gu, " ")
    .trim();
  if (!head || head.length > 120) return null;
  const words = head.split(" ").length;
  if (words >= 2) return head;
  return /^[A-Z][A-Z0-9/]{2,}$/.test(raw) ? head : null;
}

/**
 * What BM25 indexes of a record: code and title weigh more than the rest; the acronyms its document
 * defines are read both ways (« DP » is also « dossier professionnel »).
 */
export function bm25Doc(
  r: KnowledgeRecord,
  acronyms: Map<string, string> = new Map(),
): { id: string; title: string; body: string } {
  const body = recordText(r);
  const extra = acronymExpansion(`${r.title}\n${body}`, acronyms);
  return { id: r.id, title: `${r.code ?? ""} ${r.title}`, body: extra ? `${body}\n${extra}` : body };
}

/**
 * The BM25 documents of records, each read with the acronyms its own referential defines (`acronymsOf`,
 * when the caller already knows them: the retriever reads them once for the index and the evidence).
 */
export function bm25Docs(
  records: KnowledgeRecord[],
  acronymsOf?: (referential: string) => Map<string, string>,
): { id: string; title: string; body: string }[] {
  const known = new Map<string, Map<string, string>>();
  const of = (referential: string) => {
    let map = known.get(referential);
    if (!map) {
      map =
        acronymsOf?.(referential) ?? definedAcronyms(records.filter((r) => r.referential === referential));
      known.set(referential, map);
    }
    return map;
  };
  return records.map((r) => bm25Doc(r, of(r.referential)));
}

/**
 * Hybrid retrieval: exact code lookup first, then keyword (BM25) and vector
 * (HNSW) rankings fused by reciprocal rank, with referential filters taken
 * from the question.
 */
export class Retriever {
  private readonly bm25: Bm25Index;
  private readonly byId: Map<string, KnowledgeRecord>;
  private readonly indexOf: Map<string, number>;
  private readonly codes: Map<string, KnowledgeRecord[]>;
  /** Folded once: bloc questions compare them for every record. */
  private readonly foldedTitles: string[];
  private readonly foldedBlocs: (string | null)[];
  /** What a question names a record by (its épreuve, its heading, its term), folded; null if too vague. */
  private readonly titleHeads: (string | null)[];
  /** Records of a certificate of the titre (CCP): its épreuves, its dossier de projet. */
  private readonly ofUnit: boolean[];
  private readonly rrfK: number;
  private readonly vectorWeight: number;
  private readonly minCoverage: number;
  private readonly corpusCodes: ((folded: string) => string[]) | null;
  private store: HNSWLib | Promise<HNSWLib> | null;
  private readonly storeSource: VectorStoreSource;
  private readonly refTerms = new Map<string, Set<string>>();
  private readonly refAcronyms = new Map<string, Map<string, string>>();
  private contactOnlyTerms: Set<string> | null = null;

  constructor(
    readonly catalog: Catalog,
    readonly records: KnowledgeRecord[],
    store: VectorStoreSource,
    private readonly embeddings: Embeddings,
    private readonly options: RetrieverOptions,
  ) {
    this.storeSource = store;
    this.store = typeof store === "function" ? null : store;
    this.bm25 = options.bm25 ?? new Bm25Index(bm25Docs(records, (id) => this.acronymsOf(id)));
    this.byId = new Map(records.map((r) => [r.id, r]));
    this.indexOf = new Map(records.map((r, i) => [r.id, i]));
    this.foldedTitles = records.map((r) => fold(r.title));
    this.foldedBlocs = records.map((r) => (r.bloc ? fold(r.bloc) : null));
    // A heading that repeats the document's own name or an alias ("École IA" in the École IA brochure)
    // is named by every question about that document: it tells nothing.
    const names = new Map(
      catalog.referentials.map((c) => [
        c.id,
        ` ${[c.title, ...c.aliases, c.identity?.job ?? ""]
          .map((n) => fold(n).replace(/[^\p{L}\p{N}/]+/gu, " "))
          .join(" ")} `,
      ]),
    );
    this.titleHeads = records.map((r) => {
      const head = titleHead(r);
      return head && !names.get(r.referential)?.includes(` ${head} `) ? head : null;
    });
    this.ofUnit = records.map((r) => UNIT.test(fold(`${r.title} ${r.bloc ?? ""}`)));
    this.codes = new Map();
    for (const r of records) {
      if (!r.code) continue;
      const list = this.codes.get(r.code) ?? [];
      list.push(r);
      this.codes.set(r.code, list);
    }
    this.rrfK = options.rrfK ?? 8;
    // Measured on the gold, dev and typo sets: fusing the local hashing
    // embedder's ranking lowers recall at every weight tried (0.1 to 0.6),
    // so only a real embedding model's vectors are fused.
    this.vectorWeight = options.vectorWeight ?? (embeddings instanceof LocalHashEmbeddings ? 0 : 0.6);
    this.minCoverage = options.minCoverage ?? 0.45;
    this.corpusCodes = corpusCodeMatcher(this.codes.keys());
  }

  /** Referentials that define a code. */
  referentialsOf(code: string): string[] {
    return [...new Set((this.codes.get(code) ?? []).map((r) => r.referential))];
  }

  record(id: string): KnowledgeRecord | undefined {
    return this.byId.get(id);
  }

  /** The record a referential gives a code, if any. */
  byCode(referential: string, code: string): KnowledgeRecord | undefined {
    return this.codes.get(code)?.find((r) => r.referential === referential);
  }

  /** Every record of one referential, in document order. */
  recordsOf(referential: string): KnowledgeRecord[] {
    return this.records.filter((r) => r.referential === referential);
  }

  /** Every (stemmed) term of a referential's records, computed once. */
  termsOf(referential: string): Set<string> {
    let set = this.refTerms.get(referential);
    if (!set) {
      // The same words as the index holds: with the acronyms the referential defines, both ways.
      const acronyms = this.acronymsOf(referential);
      set = new Set(
        this.recordsOf(referential).flatMap((r) => {
          const text = recordText(r);
          return terms(`${text} ${acronymExpansion(`${r.title}\n${text}`, acronyms)}`);
        }),
      );
      this.refTerms.set(referential, set);
    }
    return set;
  }

  /** The acronyms a referential defines, computed once. */
  acronymsOf(referential: string): Map<string, string> {
    let map = this.refAcronyms.get(referential);
    if (!map) {
      map = definedAcronyms(this.recordsOf(referential));
      this.refAcronyms.set(referential, map);
    }
    return map;
  }

  /** How much a (stemmed) term tells apart the records: its inverse document frequency. */
  idf(term: string): number {
    return this.bm25.has(term) ? this.bm25.idf(term) : 0;
  }

  /** Reads a question as the search does (codes, referentials, weighted terms). */
  analyze(question: string | Question): QueryAnalysis {
    const analysis = analyzeQuery(question, this.catalog, this.bm25, this.options.lexicon);
    for (const code of this.corpusCodes?.(typeof question === "string" ? fold(question) : question.folded) ??
      []) {
      // "C1.1.1" was read as C1.1 by the analysis: the longer code the corpus knows wins.
      analysis.codes = analysis.codes.filter((c) => !code.startsWith(`${c}.`));
      if (!analysis.codes.includes(code)) analysis.codes.push(code);
    }
    // "activité type 2": a REAC numbers its activités types AT1, AT2…; other referentials A1, A2….
    analysis.codes = [
      ...new Set(
        analysis.codes.map((c) => {
          const n = /^AT(\d+)$/.exec(c)?.[1];
          return n && !this.codes.has(c) && this.codes.has(`A${n}`) ? `A${n}` : c;
        }),
      ),
    ];
    return analysis;
  }

  get defaultReferential(): string {
    return this.options.defaultReferential;
  }

  /**
   * `defaultReferential` overrides the configured one for this question (a
   * Slack channel may have its own).
   */
  async search(
    question: string | Question,
    k = 5,
    opts: { defaultReferential?: string; only?: string[] } = {},
  ): Promise<SearchResult> {
    const defaultReferential = opts.defaultReferential ?? this.options.defaultReferential;
    const analysis = this.analyze(question);
    // One side of a comparison: the question as asked, within one referential.
    if (opts.only) analysis.include = new Set(opts.only);
    const empty = (outcome: SearchOutcome, unknownCodes: string[] = []): SearchResult => ({
      analysis,
      hits: [],
      found: false,
      outcome,
      unknownCodes,
      alsoIn: [],
      coverage: 0,
    });
    if (analysis.unsafe) return empty("unsafe");

    const allowed = (r: KnowledgeRecord) =>
      !analysis.exclude.has(r.referential) &&
      (analysis.include.size === 0 || analysis.include.has(r.referential));

    // 1. Exact codes.
    const unknownCodes = analysis.codes.filter((c) => !this.codes.has(c));
    // Asked about a code that exists nowhere: answering about something else would mislead.
    if (analysis.codes.length && unknownCodes.length === analysis.codes.length)
      return empty("unknown-code", unknownCodes);
    const contentScores = this.bm25.score(analysis.terms, (i) => allowed(this.records[i]!));
    const keywordRank = [...contentScores].sort((a, b) => b[1] - a[1]).map(([i]) => i);
    // The passage the question's words point to, whatever its code: "malade le jour de l'épreuve E3" is
    // the guide's absence rule, and tells which referential's E3 is meant.
    const topical = keywordRank[0];
    const codeHits: KnowledgeRecord[] = [];
    const alsoIn: SearchResult["alsoIn"] = [];
    for (const code of analysis.codes) {
      const candidates = (this.codes.get(code) ?? []).filter(allowed);
      if (!candidates.length) continue;
      let ranked = this.rankCodeCandidates(candidates, contentScores, analysis, defaultReferential);
      const about = topical === undefined ? undefined : this.records[topical]!;
      const own = about && ranked.find((r) => r.referential === about.referential);
      if (own && own !== ranked[0] && this.absentFrom(topical!, ranked[0]!.referential, analysis) >= DISTINCT)
        ranked = [own, ...ranked.filter((r) => r !== own)];
      // A code several referentials define: its first two meanings; the others only crowd out the passages
      // the rest of the question points to (the note « existe aussi dans » names them).
      codeHits.push(
        ...ranked.slice(0, analysis.include.size ? ranked.length : 2).filter((r) => !codeHits.includes(r)),
      );
      // Named, the referential is the one meant: the code's other meanings are not worth a note.
      const others = analysis.include.size
        ? []
        : this.referentialsOf(code).filter((id) => id !== ranked[0]!.referential);
      if (others.length) alsoIn.push({ code, referentials: others });
    }

    // 2. Keyword and vector rankings, fused.
    const vectorRank = this.vectorWeight > 0 ? await this.vectorRank(analysis.text, allowed) : [];

    const fused = new Map<number, { score: number; via: Set<Hit["via"][number]> }>();
    const add = (i: number, s: number, via: Hit["via"][number]) => {
      const e = fused.get(i) ?? { score: 0, via: new Set() };
      e.score += s;
      e.via.add(via);
      fused.set(i, e);
    };
    for (const [rank, i] of keywordRank.slice(0, 30).entries()) add(i, 1 / (this.rrfK + rank + 1), "keyword");
    for (const [rank, i] of vectorRank.entries())
      add(i, this.vectorWeight / (this.rrfK + rank + 1), "vector");

    // A bloc named without a referential is the default referential's bloc first; a question about something
    // in a bloc (« l'étude de cas du bloc 1 : combien de pages ? ») is the passage that says it, and a bloc
    // record holding little of its words is not that answer.
    const weighed = this.weighedWords(analysis);
    const topShare = Math.max(0, ...keywordRank.slice(0, 5).map((i) => this.share(weighed, i)));
    const aboutBloc = (i: number) =>
      analysis.include.size > 0 || this.share(weighed, i) >= BLOC_TOPIC * topShare;
    if (analysis.blocs.length) {
      for (const b of analysis.blocs) {
        for (const [i, r] of this.records.entries()) {
          if (
            r.kind === "bloc" &&
            allowed(r) &&
            this.foldedTitles[i]!.startsWith(`bloc ${b} `) &&
            aboutBloc(i)
          ) {
            const boost = r.referential === defaultReferential || analysis.include.size ? 1.5 : 1;
            add(i, boost / (this.rrfK + 1), "keyword");
          }
        }
      }
    }
    // The question's words, and what its two-word phrases translate to ("technical interview" names the
    // "Entretien technique").
    const words = ` ${fold(analysis.text).replace(/[^\p{L}\p{N}/]+/gu, " ")} `;
    const phrases = Object.entries(this.options.lexicon?.expansions ?? {}).filter(
      ([k]) => k.includes(" ") && words.includes(` ${k} `),
    );
    const asked = `${words}${phrases.map(([, v]) => `${v} `).join("")}`;
    // A certificate of the titre (CCP, bloc) restates the titre's épreuves with its own durations and
    // page counts: unless the question names one, the titre's own passage answers.
    const namesUnit = /\b(?:ccp|certificats? de competences?|bloc|blocs|block|module)\b/.test(asked);
    const asksDuration = /\b(?:combien de temps|duree|dure|durent|how long|last|lasts|duration)\b/.test(
      asked,
    );
    const asksDate = /\b(?:quand|quelle date|a quelle date|since when|when|what date|which date)\b/.test(
      asked,
    );
    for (const [i, e] of fused) {
      const r = this.records[i]!;
      if (analysis.kind && r.kind === analysis.kind && (r.kind !== "bloc" || aboutBloc(i))) e.score *= 1.35;
      const head = this.titleHeads[i];
      // A glossary defines the word in general: named, it answers only when a definition is asked.
      if (head && asked.includes(` ${head} `) && (r.kind !== "glossary" || analysis.kind === "glossary"))
        e.score *= 1.4;
      if (!namesUnit && this.ofUnit[i]) e.score *= 0.7;
      if (asksDuration && r.modality && /\d\s*h\b|\bmin\b/.test(r.modality)) e.score *= 1.25;
      if (asksDate && DATE.test(r.statement)) e.score *= 1.25;
      const bloc = this.foldedBlocs[i];
      if (analysis.blocs.length && bloc && analysis.blocs.some((b) => bloc.startsWith(`bloc ${b}`)))
        e.score *= r.kind === "bloc" && aboutBloc(i) ? 1.6 : 1.2;
      if (analysis.codes.length && r.code && analysis.codes.includes(r.code)) e.score *= 1.5;
      // A channel's own referential (a session's titre) answers questions that name none.
      if (opts.defaultReferential && !analysis.include.size && r.referential === opts.defaultReferential)
        e.score *= 1.6;
    }
    // Coordination: a passage holding more of the question's words, weighed by rarity, goes up (« règles
    // de mise en page du mémoire : pages, police, marges » is the passage that says all three). Measured:
    // 0.2 raised gold recall@1 0.924 → 0.932 and lost nothing on the answer sets; 0.4 lost on dev.
    const shares = new Map([...fused.keys()].map((i) => [i, this.share(weighed, i)]));
    const most = Math.max(0, ...shares.values());
    if (most > 0)
      for (const [i, e] of fused) e.score *= 1 - COORDINATION + (COORDINATION * shares.get(i)!) / most;
    const maxScore = (1 + this.vectorWeight) / (this.rrfK + 1);
    const ordered = [...fused].sort((a, b) => b[1].score - a[1].score);

    // 3. Is the question about the referentials at all?
    const coverage = this.coverage(
      analysis,
      ordered.slice(0, 5).map(([i]) => i),
    );
    const hasCode = codeHits.length > 0 || (analysis.blocs.length > 0 && ordered.length > 0);
    // Naming a referential, or asking about skills, juries, reports…, is itself a sign the question is in scope.
    const bar =
      analysis.include.size || analysis.certificationVocabulary ? this.minCoverage / 3 : this.minCoverage;
    if (!hasCode && (coverage < bar || ordered.length === 0)) {
      return { ...empty(unknownCodes.length ? "unknown-code" : "out-of-scope", unknownCodes), coverage };
    }

    const hits: Hit[] = [];
    // The code names where, the other words what: when the coded record lacks what the rest of the question
    // asks and a passage of the same referential holds it, that passage answers first.
    if (topical !== undefined && codeHits.length && !analysis.include.size) {
      const about = this.records[topical]!;
      const first = this.indexOf.get(codeHits[0]!.id)!;
      if (
        about.referential === codeHits[0]!.referential &&
        this.referentialsOf(codeHits[0]!.code!).length > 1 &&
        !codeHits.includes(about) &&
        // Two words at least: one rare word is not what the question is about (« pages » beside the E3).
        this.distinctWeight(topical, first, analysis, 2) >= DISTINCT
      ) {
        const e = fused.get(topical);
        hits.push({ record: about, score: 1, via: e ? [...e.via] : ["keyword"] });
      }
    }
    for (const r of codeHits) {
      const e = fused.get(this.indexOf.get(r.id)!);
      hits.push({ record: r, score: 1, via: ["code", ...(e ? [...e.via] : [])] });
    }
    for (const [i, e] of ordered) {
      if (hits.length >= k) break;
      const r = this.records[i]!;
      if (hits.some((h) => h.record.id === r.id)) continue;
      hits.push({ record: r, score: Math.min(0.99, e.score / maxScore), via: [...e.via] });
    }
    return { analysis, hits: hits.slice(0, k), found: true, outcome: "ok", unknownCodes, alsoIn, coverage };
  }

  /** Allowed records by similarity to the question's embedding, best first. */
  private async vectorRank(text: string, allowed: (r: KnowledgeRecord) => boolean): Promise<number[]> {
    if (!this.store) {
      const build = (this.storeSource as () => Promise<HNSWLib>)();
      this.store = build;
      build.catch(() => {
        this.store = null;
      });
    }
    const store = await this.store;
    const hits = await store.similaritySearchVectorWithScore(
      await this.embeddings.embedQuery(text),
      Math.min(30, this.records.length),
    );
    return hits
      .map(([doc]) => this.indexOf.get(doc.metadata.id as string))
      .filter((i): i is number => i !== undefined && allowed(this.records[i]!));
  }

  /**
   * Several referentials define the code: the configured default wins unless
   * another one clearly matches the rest of the question better ("E3 …
   * combien de pages" is the guide's E3, which states the page count).
   */
  private rankCodeCandidates(
    candidates: KnowledgeRecord[],
    content: Map<number, number>,
    analysis: QueryAnalysis,
    defaultReferential: string,
  ): KnowledgeRecord[] {
    if (candidates.length === 1) return candidates;
    const score = (r: KnowledgeRecord) => content.get(this.indexOf.get(r.id)!) ?? 0;
    const sorted = [...candidates].sort((a, b) => score(b) - score(a));
    const preferred = candidates.find((r) => r.referential === defaultReferential);
    if (!preferred) return sorted;
    const distinct = (r: KnowledgeRecord) =>
      this.distinctWeight(this.indexOf.get(r.id)!, this.indexOf.get(preferred.id)!, analysis);
    // A numbered title the question quotes ("cas pratique 1" is the guide's "Cas pratique 1 (ref. E2)").
    const folded = fold(analysis.text);
    const quoted = candidates.find((r) => {
      const m = /^([a-z' ]+ \d+)\b/.exec(fold(r.title));
      return m !== null && folded.includes(m[1]!);
    });
    if (quoted && quoted !== preferred)
      return [quoted, preferred, ...sorted.filter((r) => r !== preferred && r !== quoted)];
    const challenger = sorted.find(
      (r) => r !== preferred && distinct(r) >= DISTINCT && score(r) > score(preferred),
    );
    if (challenger)
      return [challenger, preferred, ...sorted.filter((r) => r !== preferred && r !== challenger)];
    return [preferred, ...sorted.filter((r) => r !== preferred)];
  }

  /** Weight (IDF) of the question's words record `i` holds and record `p` does not. */
  private distinctWeight(i: number, p: number, analysis: QueryAnalysis, minWords = 1): number {
    let w = 0;
    let words = 0;
    for (const typed of analysis.typedTerms) {
      const forms = this.forms(typed).map((f) => f.form);
      if (forms.some((t) => this.bm25.contains(i, t)) && !forms.some((t) => this.bm25.contains(p, t))) {
        w += Math.max(...forms.map((t) => this.bm25.idf(t)));
        words++;
      }
    }
    return words >= minWords ? w : 0;
  }

  /**
   * Weight (IDF) of the question's words record `i` holds and no record of `referential` does; 0 unless two
   * words at least are missing there (one may only be the other document's vocabulary, two are a topic).
   */
  private absentFrom(i: number, referential: string, analysis: QueryAnalysis): number {
    const vocabulary = this.termsOf(referential);
    let w = 0;
    let words = 0;
    for (const typed of analysis.typedTerms) {
      // Form by form: « malade » reaches « absence » (which any règlement has) and « médical » (which it may not).
      const lacking = this.forms(typed)
        .map((f) => f.form)
        .filter((t) => this.bm25.contains(i, t) && !vocabulary.has(t));
      if (!lacking.length) continue;
      w += Math.max(...lacking.map((t) => this.bm25.idf(t)));
      words++;
    }
    return words >= 2 ? w : 0;
  }

  /**
   * IDF-weighted share of the question's words found together in one of the
   * best records (typos and translations included). Words merely present
   * somewhere in the corpus are not enough: "relativité générale en 2 lignes"
   * has known words, but no passage is about them together.
   */
  private coverage(analysis: QueryAnalysis, top: number[]): number {
    if (!analysis.typedTerms.length || !top.length) return 0;
    const words = this.weighedWords(analysis);
    return Math.max(...top.map((doc) => this.share(words, doc)));
  }

  /** The question's typed words with their corpus forms, IDF and credit. */
  private weighedWords(
    analysis: QueryAnalysis,
  ): { forms: { form: string; exact: boolean }[]; idf: number; credit: number }[] {
    const maxIdf = Math.log(1 + this.bm25.size);
    const contactOnly = this.contactOnly();
    return analysis.typedTerms.map((typed) => {
      const forms = this.forms(typed).filter((f) => !contactOnly.has(f.form));
      // An unknown word weighs twice the rarest word: it is probably the topic, and the corpus lacks it.
      const idf = forms.length ? Math.max(...forms.map((f) => this.bm25.idf(f.form))) : 2 * maxIdf;
      // A typo match ("retard" read as "regard"?) is only half the evidence of the word itself.
      const credit = forms.some((f) => f.exact) ? 1 : 0.5;
      return { forms, idf, credit };
    });
  }

  /** IDF-weighted share of the words one record holds. */
  private share(words: ReturnType<Retriever["weighedWords"]>, doc: number): number {
    const total = words.reduce((s, w) => s + w.idf, 0);
    if (!total) return 0;
    let known = 0;
    for (const w of words)
      if (w.forms.some((f) => this.bm25.contains(doc, f.form))) known += w.idf * w.credit;
    return known / total;
  }

  /**
   * Words the documents print only in a contact or address line (« 14 avenue Duquesne – 75350 Paris »,
   * « Montreuil Cedex »): a question borrowing them (« quelle ligne de métro pour l'avenue Duquesne ? »)
   * is not about what the documents cover.
   */
  private contactOnly(): Set<string> {
    if (this.contactOnlyTerms) return this.contactOnlyTerms;
    const contact = new Set<string>();
    const other = new Set<string>();
    for (const r of this.records) {
      for (const t of terms(r.title)) other.add(t);
      for (const line of r.statement.split("\n"))
        for (const t of terms(line)) (CONTACT_LINE.test(line) ? contact : other).add(t);
    }
    this.contactOnlyTerms = new Set([...contact].filter((t) => !other.has(t)));
    return this.contactOnlyTerms;
  }

  /** Corpus terms standing for a typed word: itself and its translations, else its typo corrections. */
  private forms({ term, expansions, typos }: TypedTerm): { form: string; exact: boolean }[] {
    return [
      ...[term, ...expansions].filter((t) => this.bm25.has(t)).map((form) => ({ form, exact: true })),
      ...typos.filter((t) => this.bm25.has(t)).map((form) => ({ form, exact: false })),
    ];
  }
}
