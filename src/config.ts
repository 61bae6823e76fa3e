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
