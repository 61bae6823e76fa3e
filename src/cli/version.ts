import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../config.js";
import type { Handler } from "./command-tree.js";
import { println } from "./context.js";

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** `certibot version`, as `certibot --version`. */
export const versionHandler: Handler = async (_input, ctx) => {
  println(ctx.stdout, `certibot ${await packageVersion()}`);
  return 0;
};
