import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/config.js";

const WORKER = join(PACKAGE_ROOT, "test", "helpers", "db-worker.ts");

export interface Worker {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  /** Parsed from the "result <json>" line; rejects if the process ends without one. */
  result: Promise<unknown>;
  exit: Promise<number | null>;
  stderr(): string;
  go(): void;
}

/** Starts test/helpers/db-worker.ts as a real separate process (through tsx). */
export function startWorker(action: string[], env: Record<string, string>): Worker {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER, ...action], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let onReady: () => void;
  const ready = new Promise<void>((r) => {
    onReady = r;
  });
  let onResult: (v: unknown) => void;
  const result = new Promise<unknown>((r) => {
    onResult = r;
  });
  child.stdout.on("data", (d) => {
    out += d;
    if (/^ready$/m.test(out)) onReady();
    const m = /^result (.*)$/m.exec(out);
    if (m) onResult(JSON.parse(m[1]!));
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const failed = exit.then((code) => {
    throw new Error(`worker ${action.join(" ")} exited ${code} without a result: ${err}`);
  });
  return {
    child,
    ready: Promise.race([ready, failed]),
    result: Promise.race([result, failed]),
    exit,
    stderr: () => err,
    go: () => child.stdin.write("go\n"),
  };
}

/**
 * Starts n workers, waits until all are set up, then releases them at once
 * and collects their results: as close to simultaneous as processes get.
 */
export async function raceWorkers(
  n: number,
  action: string[],
  env: Record<string, string>,
): Promise<unknown[]> {
  const workers = Array.from({ length: n }, () => startWorker(action, env));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  const results = await Promise.all(workers.map((w) => w.result));
  const codes = await Promise.all(workers.map((w) => w.exit));
  if (codes.some((c) => c !== 0))
    throw new Error(`worker exit codes ${codes.join(", ")}: ${workers.map((w) => w.stderr()).join("\n")}`);
  return results;
}
