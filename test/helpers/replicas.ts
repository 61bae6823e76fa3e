import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/config.js";
import type { FakeSlack } from "./fake-slack.js";
import { eventBody, nextTs, postJson } from "./slack-requests.js";

/** A `certibot serve` replica as its own process (TypeScript sources through tsx), on a free loopback port. */
export class ServeReplica {
  private out = "";
  private err = "";
  readonly exit: Promise<number | null>;
  port = 0;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (d) => {
      this.out += d;
    });
    child.stderr.on("data", (d) => {
      this.err += d;
    });
    this.exit = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  }

  get pid(): number {
    return this.child.pid!;
  }
  get stderr(): string {
    return this.err;
  }

  static async start(env: Record<string, string>): Promise<ServeReplica> {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(PACKAGE_ROOT, "src", "cli", "main.ts"), "serve"],
      {
        cwd: PACKAGE_ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: process.env.HOME ?? "",
          HOST: "127.0.0.1",
          PORT: "0",
          ...env,
        },
        stdio: ["pipe", "pipe", "pipe"],
      },
    );
    const r = new ServeReplica(child);
    const listening = new Promise<number>((resolve, reject) => {
      child.stdout.on("data", () => {
        const m = /écoute sur le port (\d+)/.exec(r.out);
        if (m) resolve(Number(m[1]));
      });
      r.exit.then((code) => reject(new Error(`serve exited ${code} before listening: ${r.err}`)));
    });
    r.port = await listening;
    return r;
  }

  /** kill -9: no shutdown of any kind, as when a container is killed. */
  async kill(): Promise<void> {
    this.child.kill("SIGKILL");
    await this.exit;
  }

  /** SIGTERM: the bot finishes what it holds, then exits. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    return this.exit;
  }
}

/** One mention sent by the simulated Slack, and how its deliveries went. */
interface Sent {
  ts: string;
  body: ReturnType<typeof eventBody>;
  acked: boolean;
  deliveries: number;
}

export interface LoadResult {
  sent: number;
  acked: number;
  answered: number;
  lost: number;
  duplicated: number;
  apologies: number;
}

/**
 * Slack's delivery rules, simulated: an event goes to one replica; one that
 * got a 2xx is never redelivered, one that did not (error status, refused or
 * cut connection) is redelivered to another replica after `retryDelayMs`,
 * up to `maxDeliveries`. Mentions carry a short question so each answer is
 * one message in the mention's thread.
 */
export class SlackLoad {
  readonly sent: Sent[] = [];
  private pending = new Set<Promise<void>>();
  private rr = 0;

  constructor(
    private readonly fake: FakeSlack,
    private readonly ports: () => number[],
    private readonly opts: { retryDelayMs?: number; maxDeliveries?: number; redeliverShare?: number } = {},
  ) {}

  /** Sends `count` mentions at `perSecond`; calls `at(i)` before the i-th (to kill or restart something mid-load). */
  async fire(count: number, perSecond: number, at?: (i: number) => Promise<void> | void): Promise<void> {
    const start = Date.now();
    for (let i = 0; i < count; i++) {
      await at?.(i);
      const due = start + (i * 1000) / perSecond;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const ts = nextTs();
      const s: Sent = {
        ts,
        body: eventBody({
          type: "app_mention",
          user: `U0LOAD${i % 7}`,
          text: "<@U0BOT> C12 ?",
          ts,
          channel: "C0LOAD",
        }),
        acked: false,
        deliveries: 0,
      };
      this.sent.push(s);
      this.track(this.deliver(s));
      // A share of acknowledged events is redelivered anyway, as Slack sometimes does.
      if (this.opts.redeliverShare && Math.random() < this.opts.redeliverShare)
        this.track(this.deliver(s, true));
    }
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Resolves when no delivery is in flight or waiting to be retried. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private async deliver(s: Sent, extra = false): Promise<void> {
    const max = this.opts.maxDeliveries ?? 20;
    while (extra || !s.acked) {
      const ports = this.ports();
      const port = ports[this.rr++ % ports.length]!;
      s.deliveries++;
      const headers: Record<string, string> =
        s.deliveries > 1
          ? { "x-slack-retry-num": String(s.deliveries - 1), "x-slack-retry-reason": "http_error" }
          : {};
      const ok = await postJson(port, s.body, headers).then(
        (r) => r.status >= 200 && r.status < 300,
        () => false,
      );
      if (ok) {
        s.acked = true;
        return;
      }
      if (extra || s.deliveries >= max) return;
      await new Promise((r) => setTimeout(r, this.opts.retryDelayMs ?? 300));
    }
  }

  /** Answer messages per mention thread (apologies apart). */
  private postsByThread(): { answers: Map<string, number>; apologies: Map<string, number> } {
    const answers = new Map<string, number>();
    const apologies = new Map<string, number>();
    for (const m of this.fake.messages) {
      if (m.channel !== "C0LOAD" || !m.thread_ts) continue;
      const key = (m.metadata as { event_payload?: { key?: string } } | undefined)?.event_payload?.key ?? "";
      const into = key.endsWith(":apology") ? apologies : answers;
      into.set(m.thread_ts, (into.get(m.thread_ts) ?? 0) + 1);
    }
    return { answers, apologies };
  }

  result(): LoadResult {
    const { answers, apologies } = this.postsByThread();
    const acked = this.sent.filter((s) => s.acked);
    const answered = acked.filter((s) => answers.has(s.ts) || apologies.has(s.ts)).length;
    let duplicated = 0;
    for (const n of answers.values()) duplicated += n - 1;
    for (const n of apologies.values()) duplicated += n - 1;
    return {
      sent: this.sent.length,
      acked: acked.length,
      answered,
      lost: acked.length - answered,
      duplicated,
      apologies: apologies.size,
    };
  }

  /** Whether every acknowledged mention has its answer (or apology) in its thread. */
  allAnswered(): boolean {
    const r = this.result();
    return r.lost === 0;
  }
}
