import { spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/config.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a separate process (TypeScript sources through tsx). */
export function runCli(
  args: string[],
  opts: { env?: Record<string, string>; stdin?: string; entry?: "source" | "bin"; cwd?: string } = {},
): Promise<CliResult> {
  const entry =
    opts.entry === "bin"
      ? [join(PACKAGE_ROOT, "bin", "certibot.js")]
      : ["--import", "tsx", join(PACKAGE_ROOT, "src", "cli", "main.ts")];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: opts.cwd ?? PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  child.stdin.end(opts.stdin ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}
