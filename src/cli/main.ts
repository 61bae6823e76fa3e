#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, PACKAGE_ROOT } from "../config.js";
import { isCertibotError, toCertibotError } from "../errors.js";
import { createLogger } from "../log.js";
import type { CliContext, Command } from "./context.js";
import { plainText } from "./render.js";

// Commands are loaded on use: `ask` must not pay for Bolt, PGlite or pg at start.
const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  ask: {
    load: async () => (await import("./commands/ask-command.js")).askCommand,
    help: 'ask [--json] "question"   répond à une question (sans question : lit stdin, une par ligne)',
  },
  "check-report": {
    load: async () => (await import("./commands/check-report-command.js")).checkReportCommand,
    help: "check-report [--json] --deliverable <id> <fichier>\n                            vérifie un rapport PDF/DOCX (pages, sections attendues)",
  },
  index: {
    load: async () => (await import("./commands/index-command.js")).indexCommand,
    help: "index                     (re)construit l'index des référentiels",
  },
  knowledge: {
    load: async () => (await import("./commands/knowledge-command.js")).knowledgeCommand,
    help: 'knowledge add [--id ID] [--title "…"] [--certification "…"] [--rncp RNCPxxxxx] [--aliases "a,b"] [--replace] <fichier>\n                            indexe un référentiel ou un guide (PDF, DOCX, Markdown, texte)\n  knowledge list | show <id> | remove <id>\n                            documents indexés, ce qui en a été compris, retrait',
  },
  privacy: {
    load: async () => (await import("./commands/privacy-command.js")).privacyCommand,
    help: "privacy forget-user <id>  efface tout ce qui est conservé sur un utilisateur Slack (RGPD)\n  privacy export <id>       ses données en JSON (droit d'accès)",
  },
  stats: {
    load: async () => (await import("./commands/stats-command.js")).statsCommand,
    help: "stats [--days N] [--json] usage : questions par jour, codes, questions sans réponse, avis, latence",
  },
  session: {
    load: async () => (await import("./commands/session-command.js")).sessionCommand,
    help: "session plan --json --launch … --prairie-end … --session-start … --session-end …\n                            échéances d'un calendrier de session (sans base)\n  session roster --json --agate <code> <fichier.csv>\n                            identifiants PV d'une liste de candidats (sans base)\n  session <status|create|set|list|done|roster import|jury|decision|pv> …\n                            comme /session dans Slack (voir certibot session help)",
  },
  serve: {
    load: async () => (await import("./commands/serve-command.js")).serveCommand,
    help: "serve                     lance le bot Slack (npm start)",
  },
  db: {
    load: async () => (await import("./commands/db-command.js")).dbCommand,
    help: "db migrate                met le schéma de la base à jour",
  },
  jobs: {
    load: async () => (await import("./commands/jobs-command.js")).jobsCommand,
    help: "jobs list [--json]        tâches planifiées : prochaine exécution, dernier résultat\n  jobs run <tâche> [--at <date ISO>]\n                            exécute une occurrence à la main (rattrapage)",
  },
};

const HELP = `certibot — assistant des référentiels de certification

Usage : certibot <commande> [options]   (certibot --version : la version)

${Object.values(COMMANDS)
  .map((c) => `  ${c.help}`)
  .join("\n")}

Configuration par variables d'environnement (voir README.md) :
  CERTIBOT_DATA_DIR, CERTIBOT_DEFAULT_REFERENTIAL, OPENAI_API_KEY, OPENAI_BASE_URL,
  OPENAI_MODEL, OPENAI_EMBEDDINGS_MODEL, DATABASE_URL (sinon PGlite sous CERTIBOT_DATA_DIR/pg),
  CERTIBOT_STORE_QUESTIONS (hash par défaut, ou text)`;

export async function main(
  argv: string[],
  io: Omit<CliContext, "config" | "log">,
  env = process.env,
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.stdout.write(`${HELP}\n`);
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V" || name === "version") {
    const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
    io.stdout.write(`certibot ${pkg.version}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`certibot : commande inconnue « ${name} ».\n\n${HELP}\n`);
    return 2;
  }
  try {
    const config = loadConfig(env);
    // The CLI prints answers on stdout; only warnings go to stderr unless asked.
    const log = createLogger(env.CERTIBOT_LOG_LEVEL ? config.logLevel : "warn", (l) =>
      io.stderr.write(`${l}\n`),
    );
    return await (await command.load())(rest, { ...io, config, log });
  } catch (e) {
    const err = toCertibotError(e);
    io.stderr.write(
      `certibot : ${plainText(err.userMessage("fr"), { sessionCommands: name === "session" })}\n`,
    );
    if (!isCertibotError(e) || err.code === "INTERNAL") io.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    else if (err.detail && env.CERTIBOT_LOG_LEVEL === "debug") io.stderr.write(`${err.detail}\n`);
    return err.exitCode;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin }).then(
    (code) => {
      process.exitCode = code;
    },
  );
}
