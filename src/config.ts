import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { CertibotError } from "./errors.js";

/** The package root, so `npx certibot` finds its knowledge from any working directory. */
// Both src/config.ts and dist/config.js sit one level below the root.
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const onOff = z
  .preprocess(emptyToUndefined, z.enum(["on", "off", "true", "false", "1", "0"]).optional())
  .transform((v) => v === "on" || v === "true" || v === "1");

// Checked here so a typo fails at start with the variable's name; the value is
// never echoed since it usually holds a password.
const postgresUrl = z.string().refine(
  (v) => {
    try {
      return ["postgres:", "postgresql:"].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { message: "attendu : une URL postgres://utilisateur:motdepasse@hôte:port/base" },
);

const count = (d: number) => z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).default(d));
const ratio = (d: number) => z.preprocess(emptyToUndefined, z.coerce.number().min(0).max(1).default(d));

/** Running it in production (issue 16): metrics port, limits, retention, operator alerts. */
const OPS_ENV = {
  METRICS_PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65_535).optional()),
  CERTIBOT_RATE_QUESTIONS: count(30),
  CERTIBOT_RATE_QUESTIONS_WINDOW_S: count(600),
  CERTIBOT_RATE_REPORTS: count(10),
  CERTIBOT_RATE_REPORTS_WINDOW_S: count(3600),
  CERTIBOT_MAX_REPORT_PARSES: count(2),
  CERTIBOT_MAX_LLM_CALLS: count(8),
  CERTIBOT_RETENTION_EVENTS_DAYS: count(7),
  CERTIBOT_RETENTION_TURNS_DAYS: count(30),
  CERTIBOT_RETENTION_QA_DAYS: count(365),
  CERTIBOT_RETENTION_REPORTS_DAYS: count(730),
  CERTIBOT_RETENTION_VEILLE_DAYS: count(1095),
  OPS_CHANNEL_ID: optionalString,
  OPS_ALERT_WINDOW_MINUTES: count(60),
  OPS_ALERT_MIN_SAMPLES: count(5),
  OPS_ALERT_FALLBACK_RATE: ratio(0.2),
  OPS_ALERT_ERROR_RATE: ratio(0.05),
  OPS_ALERT_DOWNVOTE_RATIO: ratio(0.3),
  OPS_ALERT_INBOX_DEPTH: count(100),
  OPS_ALERT_INBOX_AGE_S: count(300),
  OPS_ALERT_COOLDOWN_MINUTES: count(30),
};

type OpsEnv = z.infer<z.ZodObject<typeof OPS_ENV>>;

function opsConfig(env: OpsEnv) {
  return {
    /** Per user, stored in the database so replicas share them; a limit of 0 turns it off. */
    rate: {
      question: { limit: env.CERTIBOT_RATE_QUESTIONS, windowSeconds: env.CERTIBOT_RATE_QUESTIONS_WINDOW_S },
      report: { limit: env.CERTIBOT_RATE_REPORTS, windowSeconds: env.CERTIBOT_RATE_REPORTS_WINDOW_S },
    },
    /** Per process: reports parsed at once, LLM calls in flight at once (0: no limit). */
    concurrency: { reportParse: env.CERTIBOT_MAX_REPORT_PARSES, llm: env.CERTIBOT_MAX_LLM_CALLS },
    /** Days kept, per kind of data, by the nightly retention job (0: kept until erased on request). */
    retentionDays: {
      inboundEvents: env.CERTIBOT_RETENTION_EVENTS_DAYS,
      conversationTurns: env.CERTIBOT_RETENTION_TURNS_DAYS,
      qaLog: env.CERTIBOT_RETENTION_QA_DAYS,
      reportChecks: env.CERTIBOT_RETENTION_REPORTS_DAYS,
      veilleEntries: env.CERTIBOT_RETENTION_VEILLE_DAYS,
    },
    alerts: {
      channelId: env.OPS_CHANNEL_ID ?? null,
      windowMinutes: env.OPS_ALERT_WINDOW_MINUTES,
      minSamples: env.OPS_ALERT_MIN_SAMPLES,
      fallbackRate: env.OPS_ALERT_FALLBACK_RATE,
      errorRate: env.OPS_ALERT_ERROR_RATE,
      downvoteRatio: env.OPS_ALERT_DOWNVOTE_RATIO,
      inboxDepth: env.OPS_ALERT_INBOX_DEPTH,
      inboxAgeSeconds: env.OPS_ALERT_INBOX_AGE_S,
      cooldownMinutes: env.OPS_ALERT_COOLDOWN_MINUTES,
    },
  };
}

export const ConfigSchema = z
  .object({
    CERTIBOT_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./data")),
    CERTIBOT_KNOWLEDGE_DIR: optionalString,
    CERTIBOT_DEFAULT_REFERENTIAL: z.preprocess(emptyToUndefined, z.string().default("rncp37827")),
    CERTIBOT_EMBEDDER: z.preprocess(emptyToUndefined, z.enum(["local", "openai"]).optional()),
    CERTIBOT_LOG_LEVEL: z.preprocess(
      emptyToUndefined,
      z.enum(["debug", "info", "warn", "error"]).default("info"),
    ),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    OPENAI_MODEL: z.preprocess(emptyToUndefined, z.string().default("gpt-4o-mini")),
    OPENAI_EMBEDDINGS_MODEL: optionalString,
    OPENAI_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(20_000)),
    CERTIBOT_LLM_DISABLED: onOff,
    DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
    CERTIBOT_STORE_QUESTIONS: z.preprocess(emptyToUndefined, z.enum(["hash", "text"]).default("hash")),
    SLACK_BOT_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith("xoxb-").optional()),
    SLACK_SIGNING_SECRET: optionalString,
    SLACK_APP_TOKEN: z.preprocess(emptyToUndefined, z.string().startsWith("xapp-").optional()),
    SLACK_API_URL: z.preprocess(emptyToUndefined, z.url().optional()),
    PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65_535).default(3000)),
    HOST: optionalString,
    CERTIBOT_EVENT_LEASE_S: z.preprocess(
      emptyToUndefined,
      z.coerce.number().positive().max(3_600).default(60),
    ),
    CERTIBOT_JOB_LEASE_S: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(86_400).optional()),
    ADMIN_USER_IDS: z.preprocess(emptyToUndefined, z.string().default("")),
    CERTIBOT_REPORT_MAX_MB: z.preprocess(emptyToUndefined, z.coerce.number().positive().max(500).default(25)),
    CERTIBOT_FEEDS_ALLOW_PRIVATE: onOff,
    CERTIBOT_REPORT_TIMEOUT_MS: z.preprocess(
      emptyToUndefined,
      z.coerce.number().int().positive().default(30_000),
    ),
    ...OPS_ENV,
  })
  .transform((env) => ({
    dataDir: resolve(env.CERTIBOT_DATA_DIR),
    knowledgeDir: resolve(env.CERTIBOT_KNOWLEDGE_DIR ?? resolve(PACKAGE_ROOT, "knowledge")),
    defaultReferential: env.CERTIBOT_DEFAULT_REFERENTIAL,
    logLevel: env.CERTIBOT_LOG_LEVEL,
    llm:
      env.OPENAI_API_KEY && !env.CERTIBOT_LLM_DISABLED
        ? {
            apiKey: env.OPENAI_API_KEY,
            baseURL: env.OPENAI_BASE_URL,
            model: env.OPENAI_MODEL,
            timeoutMs: env.OPENAI_TIMEOUT_MS,
          }
        : null,
    embedder:
      (env.CERTIBOT_EMBEDDER ?? (env.OPENAI_EMBEDDINGS_MODEL && env.OPENAI_API_KEY ? "openai" : "local")) ===
      "openai"
        ? {
            kind: "openai" as const,
            apiKey: env.OPENAI_API_KEY ?? "",
            baseURL: env.OPENAI_BASE_URL,
            model: env.OPENAI_EMBEDDINGS_MODEL ?? "text-embedding-3-small",
            timeoutMs: env.OPENAI_TIMEOUT_MS,
          }
        : { kind: "local" as const },
    /** null: the embedded PGlite under `<dataDir>/pg` (one process at a time). */
    databaseUrl: env.DATABASE_URL ?? null,
    /** Data protection: the Q&A log keeps a hash of each question unless "text". */
    storeQuestions: env.CERTIBOT_STORE_QUESTIONS,
    slack: {
      botToken: env.SLACK_BOT_TOKEN ?? null,
      signingSecret: env.SLACK_SIGNING_SECRET ?? null,
      appToken: env.SLACK_APP_TOKEN ?? null,
      /** Web API base URL override (tests, outside checks); Slack's own when unset. */
      apiUrl: env.SLACK_API_URL ? env.SLACK_API_URL.replace(/\/?$/, "/") : null,
      port: env.PORT,
      /** HTTP mode: the interface to listen on; null = all interfaces. */
      host: env.HOST ?? null,
      /** Socket Mode: port of /metrics and /readyz (HTTP mode serves them on `port`). */
      metricsPort: env.METRICS_PORT ?? null,
      /** Socket Mode when an app token is given, HTTP when token + signing secret, else not configured. */
      mode:
        env.SLACK_APP_TOKEN && env.SLACK_BOT_TOKEN
          ? ("socket" as const)
          : env.SLACK_BOT_TOKEN && env.SLACK_SIGNING_SECRET
            ? ("http" as const)
            : null,
    },
    /**
     * How long a replica holds an inbound event it handles before another may
     * take it over (renewed while the handler runs, so a short lease is safe).
     */
    eventLeaseMs: Math.round(env.CERTIBOT_EVENT_LEASE_S * 1000),
    /** Lease of every job claim (ticks and their posts); null: each job's own (5 or 10 minutes). */
    jobLeaseMs: env.CERTIBOT_JOB_LEASE_S === undefined ? null : Math.round(env.CERTIBOT_JOB_LEASE_S * 1000),
    /** Slack users who administer the bot before the sessions feature brings roles. */
    adminUserIds: env.ADMIN_USER_IDS.split(/[\s,]+/).filter(Boolean),
    /** Report checker limits: hostile uploads get a verdict, never a stuck or exhausted process. */
    // Intranet RSS feeds: off by default, so a feed URL cannot reach internal services.
    feedsAllowPrivateHosts: env.CERTIBOT_FEEDS_ALLOW_PRIVATE,
    reports: {
      maxBytes: Math.round(env.CERTIBOT_REPORT_MAX_MB * 1024 * 1024),
      // A DOCX is a zip: its XML may inflate far beyond the upload size (zip bomb).
      maxUncompressedBytes: Math.round(env.CERTIBOT_REPORT_MAX_MB * 1024 * 1024 * 8),
      timeoutMs: env.CERTIBOT_REPORT_TIMEOUT_MS,
    },
    ops: opsConfig(env),
  }));

export type Config = z.infer<typeof ConfigSchema>;

/** Builds the one Config from an environment; call once at start and pass it down. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join(".")).join(", ");
    throw new CertibotError("CONFIG_INVALID", {
      hint: `Variables concernées : ${fields}.`,
      detail: z.prettifyError(parsed.error),
    });
  }
  if (parsed.data.embedder.kind === "openai" && !parsed.data.embedder.apiKey) {
    throw new CertibotError("CONFIG_INVALID", { hint: "CERTIBOT_EMBEDDER=openai demande OPENAI_API_KEY." });
  }
  return parsed.data;
}
