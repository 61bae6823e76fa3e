import { type Logger as CronLogger, createTask, type ScheduledTask } from "node-cron";
import type { Logger } from "../log.js";
import type { JobDeps } from "./job.js";
import type { JobRegistry } from "./registry.js";
import { runOccurrence } from "./runner.js";

export interface Scheduler {
  /** Stops ticking and waits for runs in progress to finish. */
  stop(): Promise<void>;
}

function cronLogger(log: Logger): CronLogger {
  const text = (m: string | Error) => (m instanceof Error ? m.message : m);
  return {
    info: (m) => log.info(`node-cron: ${m}`),
    warn: (m) => log.warn(`node-cron: ${m}`),
    error: (m, e) => log.error(`node-cron: ${text(m)}`, e ? { error: e } : {}),
    debug: (m) => log.debug(`node-cron: ${text(m)}`),
  };
}

/**
 * Ticks every job of the registry in this process. Every replica does the
 * same; the claim in runOccurrence makes each occurrence run once overall.
 */
export function startScheduler(registry: JobRegistry, deps: JobDeps): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = [];
  for (const job of registry.all()) {
    const task = createTask(
      job.cron,
      (ctx) => {
        // ctx.date is the planned slot, not the (slightly later) firing time.
        const p = runOccurrence(job, ctx.date, deps).catch((e) =>
          deps.log.error("job tick failed", { job: job.name, error: e as Error }),
        );
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
        return p;
      },
      { name: `certibot:${job.name}`, timezone: job.timezone, noOverlap: true, logger: cronLogger(deps.log) },
    );
    tasks.push(task);
  }
  for (const t of tasks) void t.start();
  return {
    async stop() {
      await Promise.all(tasks.map((t) => t.stop()));
      await Promise.all([...inFlight]);
      await Promise.all(tasks.map((t) => t.destroy()));
    },
  };
}
