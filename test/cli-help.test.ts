import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProgram } from "../src/cli/program.js";
import { runMain } from "./helpers/run-main.js";
import { tempDir } from "./helpers/temp.js";

/** Every visible command of the real commander tree, as the words that reach it. */
function walk(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands
    .filter((c) => !(c as unknown as { _hidden: boolean })._hidden)
    .flatMap((c) => [[...prefix, c.name()], ...walk(c, [...prefix, c.name()])]);
}

const paths = walk(buildProgram("0.0.0", { out: () => {} }));

describe("certibot help", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await tempDir();
    env = { CERTIBOT_DATA_DIR: dir.path };
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it("walks the whole tree", () => {
    expect(paths).toContainEqual(["knowledge", "add"]);
    expect(paths).toContainEqual(["session", "plan"]);
    expect(paths).toContainEqual(["jobs", "run"]);
    expect(paths.length).toBeGreaterThan(25);
  });

  it.each(paths.map((p) => [p.join(" "), p]))(
    "`%s --help` and `help %s` answer in French with examples and exit codes",
    async (_name, path) => {
      const flag = await runMain([...(path as string[]), "--help"], env);
      expect(flag.code, flag.stderr).toBe(0);
      expect(flag.stderr).toBe("");
      expect(flag.stdout).toMatch(new RegExp(`^Usage : certibot ${(path as string[]).join(" ")}\\b`));
      expect(flag.stdout).toMatch(/\nExemples :\n {2}\$ certibot /);
      expect(flag.stdout).toMatch(/Codes de sortie : 0 fait, 1 échec, 2 entrée invalide/);
      expect(flag.stdout).not.toMatch(/\b(Usage|Options|Commands|Arguments|default):/);
      const word = await runMain(["help", ...(path as string[])], env);
      expect(word).toEqual(flag);
    },
  );

  it("lists every option of a command with its default", async () => {
    const stats = await runMain(["stats", "--help"], env);
    expect(stats.stdout).toMatch(/--days <n> +nombre de jours \(défaut : 30\)/);
    expect(stats.stdout).toMatch(/--json +sortie JSON/);
    const add = await runMain(["knowledge", "add", "--help"], env);
    for (const option of ["--id", "--title", "--certification", "--rncp", "--aliases", "--replace"])
      expect(add.stdout).toContain(option);
    expect(add.stdout).toMatch(/Variables d'environnement : CERTIBOT_DATA_DIR, DATABASE_URL\./);
  });

  it("shows the /session grammar under session help, without Slack markup", async () => {
    const help = await runMain(["session", "help"], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/certibot session decision/);
    expect(help.stdout).not.toMatch(/[*`]|<#| \/session/);
  });

  it.each([
    [
      ["knowlege"],
      /^certibot : Commande invalide\. commande inconnue « knowlege » ; vouliez-vous dire « knowledge » \?/,
    ],
    [["knowledge", "lsit"], /sous-commande inconnue « lsit » ; vouliez-vous dire « list » \?/],
    [["ask", "--jsn", "C12"], /option inconnue --jsn ; vouliez-vous dire « --json » \?/],
    [["stats", "--days"], /--days attend une valeur/],
    [["index", "now"], /certibot index ne prend pas d'argument/],
  ])("%j is a usage error in one line with a suggestion (exit 2)", async (args, message) => {
    const r = await runMain(args, env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it("without a command, prints the list of commands and exits 2", async () => {
    const r = await runMain([], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Usage : certibot \[options\] \[commande\]/);
    expect(r.stdout).toMatch(/\n {2}knowledge +les documents/);
  });

  it("completes commands, subcommands and options in bash from the same tree", async () => {
    const script = await runMain(["completion", "bash"], env);
    expect(script.code).toBe(0);
    const complete = async (...words: string[]) => {
      const probe = `${script.stdout}\nCOMP_WORDS=(certibot ${words.map((w) => `"${w}"`).join(" ")}); COMP_CWORD=${words.length}; _certibot; echo "\${COMPREPLY[*]}"`;
      return (await promisify(execFile)("bash", ["-c", probe])).stdout.trim();
    };
    expect(await complete("know")).toBe("knowledge");
    expect(await complete("knowledge", "")).toBe("add list show remove help --help");
    expect(await complete("knowledge", "add", "--r")).toBe("--rncp --replace");
    expect(await complete("jobs", "run", "--")).toBe("--at --help");
    expect((await runMain(["completion", "fish"], env)).code).toBe(2);
  });
});
