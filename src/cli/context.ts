import type { Readable, Writable } from "node:stream";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { plainText } from "./render.js";

/** What a CLI command gets: no globals, so tests run commands in-process or as real processes alike. */
export interface CliContext {
  config: Config;
  log: Logger;
  stdout: Writable;
  stderr: Writable;
  stdin: Readable;
}

export type Command = (argv: string[], ctx: CliContext) => Promise<number>;

export function println(out: Writable, text = ""): void {
  out.write(`${text}\n`);
}

/** Human-readable output: through the CLI's one renderer (plain text, no Slack markup). */
export function printText(out: Writable, text = "", opts: { sessionCommands?: boolean } = {}): void {
  out.write(`${plainText(text, opts)}\n`);
}
