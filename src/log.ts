import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { type DestinationStream, type Logger as PinoLogger, pino, stdTimeFunctions } from "pino";

/**
 * Structured logs on stderr through pino: one JSON object per line, or
 * pino-pretty's colours when stderr is a terminal. Never pass report
 * contents, tokens or question texts here: the redaction paths below and
 * the secret-looking keys are only a last line of defence.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The shape every caller uses: a message, then fields (copied as given, Errors reduced to name and message). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `bindings` (an event id, a command…) to every line. */
  child(bindings: Record<string, unknown>): Logger;
}

const SECRET_KEY = /token|secret|password|authorization|api_?key|cookie/i;

/**
 * Paths pino censors wherever they appear at these depths: tokens and
 * credentials, and the free texts users type (questions, answers, reports).
 */
export const REDACT_PATHS = [
  "token",
  "*.token",
  "botToken",
  "*.botToken",
  "appToken",
  "*.appToken",
  "apiKey",
  "*.apiKey",
  "signingSecret",
  "*.signingSecret",
  "authorization",
  "headers.authorization",
  "*.headers.authorization",
  "password",
  "databaseUrl",
  "text",
  "*.text",
  "question",
  "*.question",
  "answer",
  "*.answer",
  "comment",
  "*.comment",
  "content",
  "*.content",
];

/**
 * What is being handled right now (a Slack event id, a command, a job
 * occurrence): every line logged while handling it carries these fields,
 * without passing a child logger through every function.
 */
const scope = new AsyncLocalStorage<Record<string, unknown>>();

/** Runs fn with `bindings` added to every log line written during it (nested scopes add up). */
export function withLogScope<T>(bindings: Record<string, unknown>, fn: () => T): T {
  return scope.run({ ...scope.getStore(), ...bindings }, fn);
}

function clean(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (SECRET_KEY.test(k)) out[k] = "[redacted]";
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message };
    else out[k] = v;
  }
  return out;
}

function wrap(p: PinoLogger): Logger {
  const emit = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(lvl)) return;
    if (fields) p[lvl](clean(fields), msg);
    else p[lvl](msg);
  };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    child: (bindings) => wrap(p.child(clean(bindings))),
  };
}

/** pino-pretty as a synchronous stream (no worker thread), loaded only for people reading a terminal. */
function prettyStream(): DestinationStream | null {
  try {
    const build = createRequire(import.meta.url)("pino-pretty") as (
      o: Record<string, unknown>,
    ) => DestinationStream;
    return build({ destination: 2, sync: true, translateTime: "SYS:HH:MM:ss.l", colorize: true });
  } catch {
    return null;
  }
}

/**
 * The process logger. `write` receives each JSON line without its newline
 * (tests collect them); by default lines go to stderr, pretty when stderr is
 * a terminal (CERTIBOT_LOG_FORMAT=json forces JSON).
 */
export function createLogger(level: LogLevel = "info", write?: (line: string) => void): Logger {
  let stream: DestinationStream;
  if (write) {
    stream = { write: (s: string) => write(s.endsWith("\n") ? s.slice(0, -1) : s) };
  } else if (process.stderr.isTTY && process.env.CERTIBOT_LOG_FORMAT !== "json") {
    stream = prettyStream() ?? pino.destination({ fd: 2, sync: false });
  } else {
    stream = pino.destination({ fd: 2, sync: true });
  }
  const p = pino(
    {
      level,
      base: undefined,
      messageKey: "msg",
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => scope.getStore() ?? {},
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    },
    stream,
  );
  return wrap(p);
}

export const silentLogger: Logger = createLogger("error", () => {});
