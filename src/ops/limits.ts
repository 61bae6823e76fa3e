import type { Db, Queryable } from "../db/db.js";

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
 * the database clock. With a `hitKey` (the event id), the request counts
 * once whatever the attempts: a retry or a takeover of the same event gets
 * the first attempt's decision back instead of counting again.
 */
export async function takeRate(
  db: Db,
  userId: string,
  kind: RateKind,
  rule: RateRule,
  hitKey?: string,
): Promise<RateDecision> {
  if (rule.limit <= 0 || rule.windowSeconds <= 0) return { allowed: true };
  if (!hitKey) return countHit(db, userId, kind, rule);
  return db.transaction(async (tx) => {
    // A concurrent attempt of the same event waits on this row, then reads the decision it holds.
    const fresh = await tx.query(
      `insert into rate_limit_hits (hit_key, kind, allowed) values ($1, $2, true)
       on conflict (hit_key, kind) do nothing returning 1 as fresh`,
      [hitKey, kind],
    );
    if (!fresh.length) {
      const [prior] = await tx.query<{ allowed: boolean; retry: number | null }>(
        `select allowed, ceil(extract(epoch from retry_until - now()))::int as retry
           from rate_limit_hits where hit_key = $1 and kind = $2`,
        [hitKey, kind],
      );
      if (!prior || prior.allowed) return { allowed: true };
      return { allowed: false, retryAfterSeconds: Math.max(1, prior.retry ?? 1) };
    }
    const d = await countHit(tx, userId, kind, rule);
    if (!d.allowed)
      await tx.query(
        `update rate_limit_hits set allowed = false, retry_until = now() + make_interval(secs => $3::int)
          where hit_key = $1 and kind = $2`,
        [hitKey, kind, d.retryAfterSeconds],
      );
    return d;
  });
}

async function countHit(
  db: Queryable,
  userId: string,
  kind: RateKind,
  rule: RateRule,
): Promise<RateDecision> {
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
