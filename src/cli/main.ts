#!/usr/bin/env node
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../config.js";
import { isCertibotError, toCertibotError } from "../errors.js";
import { createLogger } from "../log.js";
import type { CliContext } from "./context.js";
import { buildProgram, HelpShown, type Selection } from "./program.js";
import { plainText } from "./render.js";
import { packageVersion } from "./version.js";

/** The `/session` grammar for `certibot session --help`, loaded only there (it pulls in the sessions feature). */
async function sessionHelp(): Promise<string> {
  const { SESSION_HELP } = await import("../sessions/commands.js");
  return plainText(SESSION_HELP, { sessionCommands: true });
}

export async function main(
  argv: string[],
  io: Omit<CliContext, "config" | "log">,
  env = process.env,
): Promise<number> {
  const out = (text: string) => io.stdout.write(text);
  // `certibot help knowledge add` as `certibot knowledge add --help`, at any depth.
  const line = argv[0] === "help" && argv.length > 1 ? [...argv.slice(1), "--help"] : argv;
  let selected: Selection | undefined;
  // Read only when asked: a build copied without its package.json still runs.
  const version = line[0] === "--version" || line[0] === "-V" ? await packageVersion() : "";
  const program = buildProgram(version, {
    out,
    select: (s) => {
      selected = s;
    },
    sessionHelp: line[0] === "session" ? await sessionHelp() : "",
  });
  // Without a command: the list of commands, as a usage error.
  if (!argv.length) {
    out(program.helpInformation());
    return 2;
  }
  try {
    program.parse(line, { from: "user" });
    if (!selected?.spec.run) return 0;
    const config = loadConfig(env);
    // The CLI prints answers on stdout; only warnings go to stderr unless asked.
    const log = createLogger(env.CERTIBOT_LOG_LEVEL ? config.logLevel : "warn", (l) =>
      io.stderr.write(`${l}\n`),
    );
    const handler = await selected.spec.run();
    return await handler(selected.input, { ...io, config, log });
  } catch (e) {
    if (e instanceof HelpShown) return e.exitCode;
    const err = toCertibotError(e);
    io.stderr.write(
      `certibot : ${plainText(err.userMessage("fr"), { sessionCommands: argv[0] === "session" })}\n`,
    );
    if (!isCertibotError(e) || err.code === "INTERNAL") io.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    else if (err.detail && env.CERTIBOT_LOG_LEVEL === "debug") io.stderr.write(`${err.detail}\n`);
    return err.exitCode;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Output piped into `head` that stops reading is not an error: stop quietly, as Unix tools do.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
