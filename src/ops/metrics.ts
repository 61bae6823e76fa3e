import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The bot's Prometheus metrics (prom-client), one registry per running app
 * so several apps in one process (tests, benchmarks) keep their own counts.
 * Adapters and jobs call the small methods below; nothing here knows Slack.
 * Labels are bounded sets (modes, verdicts, job names, Slack method names),
 * never user ids or texts.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly questions = new Counter({
    name: "certibot_questions_total",
    help: "Questions answered, by answer mode (extractive, llm, fallback), intent, whether found, and channel",
    labelNames: ["mode", "intent", "found", "via"] as const,
    registers: [this.registry],
  });
  readonly declined = new Counter({
    name: "certibot_questions_declined_total",
    help: "Questions the referentials do not cover, or refused (found: false)",
    labelNames: ["via"] as const,
    registers: [this.registry],
  });
  readonly answerLatency = new Histogram({
    name: "certibot_answer_latency_seconds",
    help: "Time to compute an answer (retrieval and LLM), by mode",
    labelNames: ["mode"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30],
    registers: [this.registry],
  });
  readonly llmErrors = new Counter({
    name: "certibot_llm_errors_total",
    help: "LLM calls that failed, by kind (timeout, error)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly feedback = new Counter({
    name: "certibot_feedback_total",
    help: "Feedback votes given on answers (up, down)",
    labelNames: ["vote"] as const,
    registers: [this.registry],
  });
  readonly reports = new Counter({
    name: "certibot_reports_checked_total",
    help: "Reports checked, by verdict (ok, incomplete, unreadable)",
    labelNames: ["verdict"] as const,
    registers: [this.registry],
  });
  readonly notifications = new Counter({
    name: "certibot_notifications_sent_total",
    help: "Scheduled messages delivered, by kind (deadline-alert, veille-reminder, veille-digest, feed-problems, ops-alert)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: "certibot_job_runs_total",
    help: "Job occurrences by outcome (done, failed, skipped: claimed by another run)",
    labelNames: ["job", "outcome"] as const,
    registers: [this.registry],
  });
  readonly slackErrors = new Counter({
    name: "certibot_slack_api_errors_total",
    help: "Slack Web API calls that failed, by method and error",
    labelNames: ["method", "error"] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: "certibot_errors_total",
    help: "Internal errors met while handling Slack requests, by error code",
    labelNames: ["code"] as const,
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: "certibot_rate_limited_total",
    help: "Requests refused by a per-user rate limit, by kind (question, report)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly concurrencyInUse = new Gauge({
    name: "certibot_concurrency_in_use",
    help: "Slots in use of a global concurrency limit (pdf, llm)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly concurrencyWaiting = new Gauge({
    name: "certibot_concurrency_waiting",
    help: "Callers waiting for a slot of a global concurrency limit (pdf, llm)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly concurrencyLimit = new Gauge({
    name: "certibot_concurrency_limit",
    help: "Configured size of a global concurrency limit (pdf, llm)",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly rateLimit = new Gauge({
    name: "certibot_rate_limit_per_window",
    help: "Configured per-user rate limit, requests per window, by kind",
    labelNames: ["kind", "window_seconds"] as const,
    registers: [this.registry],
  });
  readonly knowledgeRecords = new Gauge({
    name: "certibot_knowledge_records",
    help: "Knowledge records loaded, by referential",
    labelNames: ["referential"] as const,
    registers: [this.registry],
  });
  readonly knowledgeInfo = new Gauge({
    name: "certibot_knowledge_info",
    help: "Always 1; the label is the content hash of the knowledge files served",
    labelNames: ["version"] as const,
    registers: [this.registry],
  });
  readonly opsAlertsFiring = new Gauge({
    name: "certibot_ops_alert_firing",
    help: "1 while an operator alert is firing (as last evaluated by this replica)",
    labelNames: ["alert"] as const,
    registers: [this.registry],
  });

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: "certibot_" });
  }

  /** Where an adapter receives an answer. `intent` is read when the answering feature provides one. */
  answered(
    a: { mode: string; found: boolean; latencyMs: number; intent?: string | null },
    via: "slack" | "cli",
  ): void {
    const intent = a.intent ?? "unknown";
    this.questions.inc({ mode: a.mode, intent, found: String(a.found), via });
    if (!a.found) this.declined.inc({ via });
    this.answerLatency.observe({ mode: a.mode }, a.latencyMs / 1000);
  }

  /** Gauges read from elsewhere at scrape time (the inbox table, the database). */
  gaugeFrom(name: string, help: string, read: () => Promise<number | null>): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        const v = await read().catch(() => null);
        if (v !== null) this.set(v);
      },
    });
  }

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
