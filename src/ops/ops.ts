import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import { inboxStats } from "../db/inbound-events.js";
import type { KnowledgeRecord } from "../knowledge/record.js";
import type { Logger } from "../log.js";
import { ConcurrencyLimit, type RateDecision, type RateKind, takeRate } from "./limits.js";
import { Metrics } from "./metrics.js";

/** What adapters use to observe and protect the bot: metrics, limits, error counts. Built once per app. */
export interface Ops {
  metrics: Metrics;
  /** Report parsing (PDF and DOCX) running at once in this process. */
  reportParses: ConcurrencyLimit;
  /** LLM calls in flight at once in this process. */
  llmCalls: ConcurrencyLimit;
  /** Counts a request against the user's limit (shared by replicas); refusals are counted in the metrics. */
  /** `hitKey` (the event id): counted once, whatever the attempts of that event. */
  rate(userId: string, kind: RateKind, hitKey?: string): Promise<RateDecision>;
  /** An internal error, counted for the error-rate alert (code only); never throws. */
  recordError(code: string): Promise<void>;
  /** Knowledge gauges: records per referential and the content version. */
  setKnowledge(records: readonly KnowledgeRecord[], version: string | null): void;
}

export function createOps(
  config: Config,
  db: Db,
  log: Logger,
  opts: { metrics?: Metrics; processMetrics?: boolean } = {},
): Ops {
  const metrics = opts.metrics ?? new Metrics({ processMetrics: opts.processMetrics });
  const { concurrency, rate } = config.ops;
  const limit = (kind: string, max: number) => {
    metrics.concurrencyLimit.set({ kind }, max);
    return new ConcurrencyLimit(max, (active, waiting) => {
      metrics.concurrencyInUse.set({ kind }, active);
      metrics.concurrencyWaiting.set({ kind }, waiting);
    });
  };
  for (const [kind, rule] of Object.entries(rate))
    metrics.rateLimit.set({ kind, window_seconds: String(rule.windowSeconds) }, rule.limit);
  // Both inbox gauges of one scrape share one read.
  let backlog: { at: number; stats: ReturnType<typeof inboxStats> } | null = null;
  const readBacklog = () => {
    if (!backlog || Date.now() - backlog.at > 1_000) backlog = { at: Date.now(), stats: inboxStats(db) };
    return backlog.stats;
  };
  metrics.gaugeFrom("certibot_inbox_depth", "Inbound events received and not finished yet", async () =>
    readBacklog().then((s) => s.depth),
  );
  metrics.gaugeFrom(
    "certibot_inbox_oldest_age_seconds",
    "Age of the oldest unfinished inbound event, in seconds",
    async () => readBacklog().then((s) => s.oldestAgeSeconds),
  );
  return {
    metrics,
    reportParses: limit("report_parse", concurrency.reportParse),
    llmCalls: limit("llm", concurrency.llm),
    async rate(userId, kind, hitKey) {
      const d = await takeRate(db, userId, kind, rate[kind], hitKey);
      if (!d.allowed) metrics.rateLimited.inc({ kind });
      return d;
    },
    async recordError(code) {
      await db
        .query("insert into ops_errors (code) values ($1)", [code])
        .catch((e) => log.warn("could not count an error", { error: e as Error }));
    },
    setKnowledge(records, version) {
      metrics.knowledgeRecords.reset();
      const per = new Map<string, number>();
      for (const r of records) per.set(r.referential, (per.get(r.referential) ?? 0) + 1);
      for (const [referential, n] of per) metrics.knowledgeRecords.set({ referential }, n);
      metrics.knowledgeInfo.reset();
      if (version) metrics.knowledgeInfo.set({ version }, 1);
    },
  };
}
