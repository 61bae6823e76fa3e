import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import {
  type ClaimedEvent,
  claimDueEvents,
  claimEvent,
  finishEvent,
  renewEventLease,
  storeEvent,
} from "../db/inbound-events.js";
import { CertibotError } from "../errors.js";
import type { SlackDeps } from "./deps.js";
import { postOnce } from "./post-once.js";
import { isTransient } from "./transient.js";

/** What a listener learns about the event it handles (Bolt's context.inbox). */
export interface InboxContext {
  eventId: string;
  attempt: number;
  /** A retry or a takeover: an earlier attempt may have posted already, look before posting. */
  recheck: boolean;
  /**
   * Called just before posting: renews the lease, and throws LeaseLostError
   * when another replica took the event over meanwhile (this one stalled past
   * its lease), so that only the taker posts.
   */
  beforePost(): Promise<void>;
}

/** This attempt no longer holds its event: another replica handles it. */
export class LeaseLostError extends Error {
  constructor(readonly eventId: string) {
    super(`lease on event ${eventId} lost to another replica`);
  }
}

export function inboxOf(context: Record<string, unknown>): InboxContext | undefined {
  return context.inbox as InboxContext | undefined;
}

export interface InboxOptions {
  /** Attempts before giving up with an apology. */
  maxAttempts?: number;
  /** Events handled at once by this replica; more wait in the table for any replica. */
  concurrency?: number;
  /** How often idle replicas look for due retries and expired leases. */
  sweepMs?: number;
  /** Time spent retrying a store before answering Slack with an error (it redelivers). */
  storeBudgetMs?: number;
}

export const APOLOGY =
  "Désolé, je n'ai pas pu traiter votre message malgré plusieurs essais (service momentanément indisponible). Pouvez-vous le renvoyer dans quelques minutes ?";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The event now belongs to another replica (its lease expired): this attempt must stop, silently. */
export function leaseLost(e: unknown): boolean {
  if (e instanceof LeaseLostError) return true;
  const original = (e as { original?: unknown })?.original;
  return original !== undefined && original !== e && leaseLost(original);
}

/** Drops what handling never needs (rich-text blocks duplicate the text) before storing. */
function minimalPayload(body: Record<string, unknown>): Record<string, unknown> {
  const event = { ...(body.event as Record<string, unknown>) };
  delete event.blocks;
  const {
    type,
    team_id,
    api_app_id,
    event_id,
    event_time,
    authorizations,
    enterprise_id,
    is_ext_shared_channel,
  } = body;
  return {
    type,
    team_id,
    api_app_id,
    event_id,
    event_time,
    enterprise_id,
    is_ext_shared_channel,
    authorizations,
    event,
  };
}

/** Where a failed event's author is waiting, when it is a message: its thread. */
function threadOf(payload: Record<string, unknown>): { channel: string; threadTs: string } | null {
  const e = payload.event as {
    type?: string;
    channel?: string;
    ts?: string;
    thread_ts?: string;
    user?: string;
  };
  if ((e?.type !== "app_mention" && e?.type !== "message") || !e.channel || !e.ts || !e.user) return null;
  return { channel: e.channel, threadTs: e.thread_ts ?? e.ts };
}

/**
 * The durable inbox between Slack and the listeners. An Events API request is
 * stored first (retried briefly if the database hiccups) and acknowledged
 * only then; when it cannot be stored the request fails, so Slack redelivers
 * it. Stored events are handled under a renewed lease by this replica, or by
 * any replica once their lease expires (a crashed replica's); transient
 * failures are retried with backoff; after the last attempt the user gets
 * one short apology in their thread.
 */
export class EventInbox {
  private app: App | null = null;
  private inFlight = new Set<Promise<void>>();
  /** Ids of the events this process is handling (never re-claimed by its own sweep). */
  private handling = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private nextSweepAt = Number.POSITIVE_INFINITY;
  private stopped = true;
  private backlog = false;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private readonly sweepMs: number;
  private readonly storeBudgetMs: number;

  constructor(
    private readonly deps: SlackDeps,
    opts: InboxOptions = {},
  ) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.concurrency = opts.concurrency ?? 8;
    this.sweepMs = opts.sweepMs ?? Math.min(5_000, Math.max(200, deps.config.eventLeaseMs / 4));
    this.storeBudgetMs = opts.storeBudgetMs ?? 1_500;
  }

  /** Wraps the Slack receiver: events reach the app through the inbox, the rest as before. */
  receiver(inner: Receiver): Receiver & { inner: Receiver } {
    return {
      inner,
      init: (app: App) => {
        this.app = app;
        const proxy = Object.create(app) as App;
        proxy.processEvent = (event: ReceiverEvent) => this.receive(event, app);
        inner.init(proxy);
      },
      start: (...args: unknown[]) => inner.start(...args),
      stop: (...args: unknown[]) => inner.stop(...args),
    };
  }

  private async receive(event: ReceiverEvent, app: App): Promise<void> {
    const body = event.body as Record<string, unknown>;
    const eventId = body.event_id;
    if (body.type !== "event_callback" || typeof eventId !== "string") return app.processEvent(event);
    // Bot posts (ours included) are never answered: acknowledged, not stored.
    if ((body.event as { bot_id?: unknown } | undefined)?.bot_id) return event.ack();
    const stored = await this.store(eventId, minimalPayload(body));
    await event.ack();
    if (stored) this.kick(eventId);
    else this.deps.log.info("duplicate event dropped", { eventId });
  }

  /** Stores with a short retry budget; throws DB_UNAVAILABLE when the database stays out of reach. */
  private async store(eventId: string, payload: Record<string, unknown>): Promise<boolean> {
    const deadline = Date.now() + this.storeBudgetMs;
    for (let delay = 50; ; delay *= 2) {
      try {
        return await storeEvent(this.deps.db, eventId, payload);
      } catch (e) {
        if (!isTransient(e) || Date.now() + delay > deadline) {
          this.deps.log.warn("event not stored: Slack gets an error and will redeliver", {
            eventId,
            error: e as Error,
          });
          throw e instanceof CertibotError ? e : new CertibotError("DB_UNAVAILABLE", { cause: e });
        }
        await sleep(delay);
      }
    }
  }

  /** This replica handles the event it just stored, unless busy: then any replica's sweep will. */
  private kick(eventId: string): void {
    if (this.stopped) return;
    if (this.inFlight.size >= this.concurrency) {
      this.backlog = true;
      return;
    }
    this.track(
      claimEvent(this.deps.db, eventId, this.deps.config.eventLeaseMs).then((c) =>
        c ? this.handle(c) : undefined,
      ),
    );
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((e) => this.deps.log.error("inbox: event handling failed", { error: e as Error }))
      .finally(() => {
        this.inFlight.delete(tracked);
        if (this.backlog && !this.stopped) this.sweepSoon(0);
      });
    this.inFlight.add(tracked);
  }

  start(): void {
    this.stopped = false;
    this.sweepSoon(0);
  }

  /** Stops taking work and waits for the events in hand (their leases stay valid until then). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  /** Schedules the next sweep in `ms`, unless one is due sooner. */
  private sweepSoon(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && at >= this.nextSweepAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextSweepAt = at;
    this.timer = setTimeout(() => void this.sweep(), ms);
    this.timer.unref?.();
  }

  /** Claims what is due (retries, expired leases, overflow) up to the free slots. */
  private async sweep(): Promise<void> {
    this.timer = null;
    this.nextSweepAt = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    try {
      const free = this.concurrency - this.inFlight.size;
      this.backlog = false;
      const claimed = await claimDueEvents(this.deps.db, free, this.deps.config.eventLeaseMs, [
        ...this.handling,
      ]);
      for (const c of claimed) this.track(this.handle(c));
      if (claimed.length === free && free > 0) this.backlog = true;
    } catch (e) {
      this.deps.log.warn("inbox sweep failed", { error: e as Error });
    }
    this.sweepSoon(this.sweepMs);
  }

  private async handle(c: ClaimedEvent): Promise<void> {
    this.handling.add(c.eventId);
    try {
      await this.handleClaimed(c);
    } finally {
      this.handling.delete(c.eventId);
    }
  }

  private async handleClaimed(c: ClaimedEvent): Promise<void> {
    const { db, log, config } = this.deps;
    const leaseMs = config.eventLeaseMs;
    const renew = setInterval(
      () =>
        void renewEventLease(db, c.eventId, c.attempt, leaseMs).catch((e) =>
          log.warn("inbox: lease not renewed", { eventId: c.eventId, error: e as Error }),
        ),
      Math.max(100, leaseMs / 3),
    );
    let outcome: Parameters<typeof finishEvent>[3];
    try {
      if (c.attempt > this.maxAttempts) throw new Error("too many attempts");
      await this.dispatch(c);
      outcome = { state: "done" };
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (leaseLost(e)) {
        // Another replica has it (this one stalled past its lease): nothing to post or record here.
        log.warn("inbox: event taken over while handled here", { eventId: c.eventId, attempt: c.attempt });
        clearInterval(renew);
        return;
      }
      if (isTransient(e) && c.attempt < this.maxAttempts) {
        const retryInMs = Math.min(60_000, 500 * 2 ** (c.attempt - 1));
        log.warn("inbox: event failed, will retry", {
          eventId: c.eventId,
          attempt: c.attempt,
          retryInMs,
          error: e as Error,
        });
        outcome = { state: "retry", error, retryInMs };
      } else {
        log.error("inbox: event failed for good", {
          eventId: c.eventId,
          attempt: c.attempt,
          error: e as Error,
        });
        outcome = (await this.apologize(c))
          ? { state: "failed", error }
          : { state: "retry", error, retryInMs: 5_000 };
      }
    } finally {
      clearInterval(renew);
    }
    await this.record(c, outcome);
    // Back at its time, here or in any replica that sweeps first.
    if (outcome.state === "retry") this.sweepSoon(outcome.retryInMs);
  }

  private dispatch(c: ClaimedEvent): Promise<void> {
    if (!this.app) throw new Error("inbox not attached to an app");
    const { db, config } = this.deps;
    const inbox: InboxContext = {
      eventId: c.eventId,
      attempt: c.attempt,
      recheck: c.attempt > 1,
      async beforePost() {
        if (!(await renewEventLease(db, c.eventId, c.attempt, config.eventLeaseMs)))
          throw new LeaseLostError(c.eventId);
      },
    };
    return this.app.processEvent({
      body: c.payload,
      ack: async () => {},
      retryNum: undefined,
      retryReason: undefined,
      customProperties: { inbox },
    });
  }

  /** One short apology in the user's thread (once, whatever the retries); false if it could not be posted. */
  private async apologize(c: ClaimedEvent): Promise<boolean> {
    const where = threadOf(c.payload);
    if (!where || !this.app) return true;
    try {
      await postOnce(
        this.app.client as WebClient,
        { key: `${c.eventId}:apology`, recheck: true },
        {
          channel: where.channel,
          thread_ts: where.threadTs,
          text: APOLOGY,
        },
      );
      return true;
    } catch (e) {
      this.deps.log.warn("inbox: apology not posted", { eventId: c.eventId, error: e as Error });
      return c.attempt > this.maxAttempts + 3;
    }
  }

  /** Records the outcome, retrying while the database is away; if it never comes back, the lease expires and a re-run finds the posts. */
  private async record(c: ClaimedEvent, outcome: Parameters<typeof finishEvent>[3]): Promise<void> {
    for (let delay = 200; ; delay *= 2) {
      try {
        const held = await finishEvent(this.deps.db, c.eventId, c.attempt, outcome);
        if (!held)
          this.deps.log.warn("inbox: outcome not recorded, lease lost", {
            eventId: c.eventId,
            attempt: c.attempt,
          });
        return;
      } catch (e) {
        if (delay > this.deps.config.eventLeaseMs || this.stopped) {
          this.deps.log.warn("inbox: outcome not recorded", { eventId: c.eventId, error: e as Error });
          return;
        }
        await sleep(delay);
      }
    }
  }
}
