import { Command, type CommanderError, type Help, type Option } from "commander";
import { COMMAND_TREE, type CommandInput, type CommandSpec } from "./command-tree.js";
import { usage } from "./context.js";

export const EXIT_CODES =
  "Codes de sortie : 0 fait, 1 échec, 2 entrée invalide (commande, option, fichier, configuration).";

const ROOT_ENV = [
  "CERTIBOT_DATA_DIR",
  "CERTIBOT_DEFAULT_REFERENTIAL",
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "OPENAI_MODEL",
  "OPENAI_EMBEDDINGS_MODEL",
  "DATABASE_URL (sinon PGlite sous CERTIBOT_DATA_DIR/pg)",
  "CERTIBOT_STORE_QUESTIONS (hash par défaut, ou text)",
];

const ROOT: CommandSpec = {
  name: "certibot",
  summary: "certibot — assistant des référentiels de certification",
  usage: "certibot --help : la liste des commandes",
  env: ROOT_ENV,
  examples: ['certibot ask "Que demande la compétence C12 ?"', "certibot help knowledge add"],
  notes: "Toute la configuration : docs/operations.md ; l'aide d'une commande : certibot <commande> --help.",
};

/** Commander's headings, in French. */
const TITLES: Record<string, string> = {
  "Usage:": "Usage :",
  "Arguments:": "Arguments :",
  "Options:": "Options :",
  "Commands:": "Commandes :",
  "Global Options:": "Options globales :",
};

const HELP_CONFIG: Partial<Help> = {
  styleTitle: (title: string) => TITLES[title] ?? title,
  styleUsage: (text: string) => text.replace("[command]", "[commande]"),
  optionDescription: (option: Option) =>
    option.defaultValue === undefined || option.negate
      ? option.description
      : `${option.description} (défaut : ${String(option.defaultValue)})`,
};

/** The command the line selected, with what commander read for it. */
export interface Selection {
  spec: CommandSpec;
  input: CommandInput;
}

/** Help was shown or the version printed: nothing left to run. */
export class HelpShown {
  constructor(readonly exitCode: number) {}
}

function afterText(spec: CommandSpec): string {
  const parts: string[] = [];
  if (spec.examples?.length) parts.push(`Exemples :\n${spec.examples.map((e) => `  $ ${e}`).join("\n")}`);
  if (spec.notes) parts.push(spec.notes);
  if (spec.env?.length) parts.push(`Variables d'environnement : ${spec.env.join(", ")}.`);
  parts.push(EXIT_CODES);
  return `\n${parts.join("\n\n")}`;
}

/** Commander's "(Did you mean x?)" in French. */
function suggestion(message: string): string {
  const m = /\(Did you mean (?:one of )?(.+)\?\)/.exec(message);
  if (!m) return "";
  const names = m[1]!.split(", ").map((n) => `« ${n} »`);
  return ` ; vouliez-vous dire ${names.join(" ou ")} ?`;
}

/** Commander's errors as ours: one French line, exit 2. */
function translate(err: CommanderError, spec: CommandSpec, isRoot: boolean): unknown {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? "";
  switch (err.code) {
    case "commander.helpDisplayed":
    case "commander.version":
      return new HelpShown(0);
    case "commander.help":
      // `certibot session help` shows help (0); `certibot session` alone is a missing subcommand (1 there).
      return err.exitCode === 0 ? new HelpShown(0) : usage(spec.usage);
    case "commander.unknownCommand":
      return usage(
        `${isRoot ? "commande" : "sous-commande"} inconnue « ${quoted} »${suggestion(err.message)} ; ${spec.usage}`,
      );
    case "commander.unknownOption":
      return usage(`option inconnue ${quoted}${suggestion(err.message)}`);
    case "commander.optionMissingArgument":
      return usage(`${quoted.split(/[ ,]/)[0]} attend une valeur`);
    default:
      // A missing subcommand or argument, one too many: the command's usage.
      return usage(spec.usage);
  }
}

function configure(cmd: Command, spec: CommandSpec, out: (text: string) => void, isRoot = false): Command {
  cmd
    .description(spec.summary)
    .exitOverride((err) => {
      throw translate(err, spec, isRoot);
    })
    // Errors are ours (translated above); help and version go to stdout.
    .configureOutput({ writeOut: out, writeErr: () => {}, outputError: () => {} })
    .configureHelp(HELP_CONFIG)
    .helpOption("-h, --help", "affiche cette aide")
    .addHelpText("after", afterText(spec));
  if (spec.subcommands?.length) cmd.helpCommand("help [commande]", "l'aide d'une commande");
  else cmd.helpCommand(false);
  return cmd;
}

interface BuildOptions {
  out: (text: string) => void;
  select: (s: Selection) => void;
  /** The `/session` grammar, shown under `certibot session --help` (loaded only for `session`). */
  sessionHelp: string;
}

function build(spec: CommandSpec, o: BuildOptions): Command {
  const cmd = configure(new Command(spec.name), spec, o.out);
  if (spec.aliases?.length) cmd.aliases(spec.aliases);
  for (const a of spec.args ?? []) cmd.argument(a.name, a.description);
  for (const o of spec.options ?? []) cmd.option(o.flags, o.description, o.default);
  if (spec.name === "session" && o.sessionHelp) cmd.addHelpText("after", `\n${o.sessionHelp}`);
  for (const sub of spec.subcommands ?? []) cmd.addCommand(build(sub, o), { hidden: sub.hidden ?? false });
  if (spec.run)
    cmd.action((...params: unknown[]) => {
      const self = params[params.length - 1] as Command;
      const args = (self.processedArgs as Array<string | string[] | undefined>)
        .flat()
        .filter((a): a is string => a !== undefined);
      o.select({ spec, input: { args, opts: self.opts() } });
    });
  return cmd;
}

/** The whole command line, built from COMMAND_TREE; fresh per call, as commander keeps parse state. */
export function buildProgram(
  version: string,
  opts: Partial<BuildOptions> & Pick<BuildOptions, "out">,
): Command {
  const o: BuildOptions = { select: () => {}, sessionHelp: "", ...opts };
  const program = configure(new Command("certibot"), ROOT, o.out, true);
  program.version(`certibot ${version}`, "-V, --version", "affiche la version");
  for (const spec of COMMAND_TREE) program.addCommand(build(spec, o), { hidden: spec.hidden ?? false });
  return program;
}

/** Every visible command's path, for the help test and the docs. */
export function commandPaths(specs: CommandSpec[] = COMMAND_TREE, prefix: string[] = []): string[][] {
  return specs
    .filter((s) => !s.hidden)
    .flatMap((s) => [[...prefix, s.name], ...commandPaths(s.subcommands ?? [], [...prefix, s.name])]);
}
