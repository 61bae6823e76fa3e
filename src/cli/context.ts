import type { Readable, Writable } from "node:stream";
import type { Config } from "../config.js";
import { CertibotError } from "../errors.js";
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

/** A usage error: exit 2, one line, « Commande invalide. » and the hint. */
export function usage(hint: string): CertibotError {
  return new CertibotError("USAGE", { hint });
}

export function println(out: Writable, text = ""): void {
  out.write(`${text}\n`);
}

/** Human-readable output: through the CLI's one renderer (plain text, no Slack markup). */
export function printText(out: Writable, text = "", opts: { sessionCommands?: boolean } = {}): void {
  out.write(`${plainText(text, opts)}\n`);
}
