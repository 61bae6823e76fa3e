import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/config.js";

export interface CliResult {
  code: number | null;
  /** Set when the process was killed (a fault test kills it on purpose). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  stdin?: string;
  /** `source`: TypeScript through tsx; `bin`: the built package; or node arguments before the CLI's own. */
  entry?: "source" | "bin" | string[];
  cwd?: string;
}

/**
 * Starts the real CLI as a separate process, handing back the process (to
 * kill it mid-run), what it printed so far and its outcome. The environment is only what is given,
 * with PATH and HOME.
 */
export function startCli(
  args: string[],
  opts: CliOptions = {},
): { child: ChildProcess; done: Promise<CliResult>; out: () => string } {
  const entry = Array.isArray(opts.entry)
    ? opts.entry
    : opts.entry === "bin"
      ? [join(PACKAGE_ROOT, "bin", "certibot.js")]
      : ["--import", "tsx", join(PACKAGE_ROOT, "src", "cli", "main.ts")];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  child.stdin!.end(opts.stdin ?? "");
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  // out(): what it printed so far (a server announces its port before it ends).
  return { child, done, out: () => stdout };
}

/** Runs the real CLI as a separate process (TypeScript sources through tsx). */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}
