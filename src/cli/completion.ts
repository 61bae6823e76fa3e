import { COMMAND_TREE, type CommandSpec, type Handler } from "./command-tree.js";
import { println, usage } from "./context.js";

/** Each visible command's words (" knowledge add") and what may follow it, from the one tree. */
function entries(specs: CommandSpec[], prefix = ""): Array<[string, string[]]> {
  return specs
    .filter((s) => !s.hidden)
    .flatMap((s) => {
      const path = `${prefix} ${s.name}`;
      const subs = (s.subcommands ?? []).filter((c) => !c.hidden);
      const words = [
        ...subs.map((c) => c.name),
        ...(subs.length ? ["help"] : []),
        ...(s.options ?? []).map((o) => o.flags.split(/[ ,]/)[0]!),
        "--help",
      ];
      return [[path, words] as [string, string[]], ...entries(subs, path)];
    });
}

/**
 * A static bash completion script: no process started per Tab. zsh runs the
 * same through bashcompinit.
 */
export function completionScript(shell: "bash" | "zsh"): string {
  const all = entries(COMMAND_TREE);
  const top = [...COMMAND_TREE.filter((s) => !s.hidden).map((s) => s.name), "help", "--help", "--version"];
  const cases = all.map(([path, words]) => `    "${path}") words="${words.join(" ")}" ;;`).join("\n");
  const known = all.map(([path]) => `"${path}"`).join("|");
  return `${shell === "zsh" ? "autoload -U +X bashcompinit && bashcompinit\n" : ""}# certibot completion (certibot completion ${shell})
_certibot() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$path \${COMP_WORDS[i]}" in
      ${known}) path="$path \${COMP_WORDS[i]}" ;;
    esac
  done
  case "$path" in
    "") words="${top.join(" ")}" ;;
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _certibot certibot`;
}

/** `certibot completion [bash|zsh]`. */
export const completionHandler: Handler = async ({ args }, ctx) => {
  const shell = args[0] ?? "bash";
  if (shell !== "bash" && shell !== "zsh") throw usage(`shell inconnu « ${shell} » ; bash ou zsh.`);
  println(ctx.stdout, completionScript(shell));
  return 0;
};
