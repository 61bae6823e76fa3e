import type { Queryable } from "../db/db.js";

export type RateKind = "question" | "report";

export interface RateRule {
  /** Requests allowed per window; 0 turns the limit off. */
  limit: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts one request of `kind` by a user in the current fixed window and
 * says whether it is allowed. The counter is a row in the database, updated
 * atomically, so every replica sees the same count; windows are aligned on
 * the database clock.
 */
export async function takeRate(
  db: Queryable,
  userId: string,
  kind: RateKind,
  rule: RateRule,
): Promise<RateDecision> {
  if (rule.limit <= 0 || rule.windowSeconds <= 0) return { allowed: true };
  const [row] = await db.query<{ hits: number; retry: number }>(
    `insert into rate_limit_windows (slack_user_id, kind, window_start)
     values ($1, $2, to_timestamp(floor(extract(epoch from now()) / $3::int) * $3::int))
     on conflict (slack_user_id, kind, window_start) do update set hits = rate_limit_windows.hits + 1
     returning hits, ceil(extract(epoch from window_start + make_interval(secs => $3::int) - now()))::int as retry`,
    [userId, kind, rule.windowSeconds],
  );
  if (!row || row.hits <= rule.limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, row.retry) };
}

/** "2 min", "45 s", "1 h 05": how long to wait, for the user. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")}`;
}

/** The friendly refusal, in French (or English when the question was). */
export function rateLimitedText(kind: RateKind, retryAfterSeconds: number, lang: "fr" | "en" = "fr"): string {
  const wait = waitText(retryAfterSeconds);
  if (lang === "en")
    return kind === "question"
      ? `You have asked many questions in a short time. Please try again in ${wait}.`
      : `You have sent many reports in a short time. Please send this one again in ${wait}.`;
  return kind === "question"
    ? `Vous avez posé beaucoup de questions en peu de temps : réessayez dans ${wait}, merci.`
    : `Vous avez envoyé beaucoup de rapports en peu de temps : renvoyez celui-ci dans ${wait}, merci.`;
}

/**
 * A global limit on how many of something run at once in this process
 * (report parsing, LLM calls). Waiters are served in arrival order.
 */
export class ConcurrencyLimit {
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(
    /** 0: no limit. */
    readonly max: number,
    private readonly observe: (active: number, waiting: number) => void = () => {},
  ) {}

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  async acquire(): Promise<void> {
    if (this.max > 0 && this.#active >= this.max) {
      await new Promise<void>((resolve) => {
        this.#queue.push(resolve);
        this.observe(this.#active, this.#queue.length);
      });
    } else {
      this.#active += 1;
    }
    this.observe(this.#active, this.#queue.length);
  }

  release(): void {
    const next = this.#queue.shift();
    // The slot passes straight to the next waiter: active stays the same.
    if (next) next();
    else this.#active -= 1;
    this.observe(this.#active, this.#queue.length);
  }
}
