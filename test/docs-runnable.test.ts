import { spawn } from "node:child_process";
import { chmod, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../src/config.js";
import { tempDir } from "./helpers/temp.js";

/**
 * The shell blocks of the README and docs/ marked ```sh runnable are run as
 * written from the checkout, offline, in a throwaway data dir (they must
 * not write into the checkout). `npx certibot` reaches this
 * checkout's sources (a shim first on PATH), so the docs are checked against
 * the code under test rather than a stale build; any other npx is refused.
 */
const DOC_FILES = [
  "README.md",
  ...(await readdir(join(PACKAGE_ROOT, "docs"))).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`),
];

interface Block {
  file: string;
  line: number;
  script: string;
}

async function runnableBlocks(): Promise<Block[]> {
  const blocks: Block[] = [];
  for (const file of DOC_FILES) {
    const text = await readFile(join(PACKAGE_ROOT, file), "utf8");
    for (const m of text.matchAll(/^```sh runnable\n([\s\S]*?)^```$/gm))
      blocks.push({ file, line: text.slice(0, m.index).split("\n").length, script: m[1]! });
  }
  return blocks;
}

const blocks = await runnableBlocks();

function run(script: string, env: Record<string, string>, cwd: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn("bash", ["-c", `set -eo pipefail\n${script}`], { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the docs' runnable blocks", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await tempDir();
    const shim = join(dir.path, "npx");
    await writeFile(
      shim,
      `#!/bin/sh
if [ "$1" = certibot ]; then
  shift
  exec "${process.execPath}" --import "${import.meta.resolve("tsx")}" "${join(PACKAGE_ROOT, "src", "cli", "main.ts")}" "$@"
fi
echo "npx $1: only certibot runs in the docs test" >&2
exit 127
`,
    );
    await chmod(shim, 0o755);
    env = {
      PATH: `${dir.path}:${process.env.PATH ?? ""}`,
      HOME: process.env.HOME ?? "",
      CERTIBOT_DATA_DIR: join(dir.path, "data"),
    };
  });
  afterAll(async () => {
    await dir?.cleanup();
  });

  it("are there: the README and every topic page has some", () => {
    expect(new Set(blocks.map((b) => b.file))).toEqual(
      new Set(DOC_FILES.filter((f) => !["docs/rgpd.md", "docs/benchmarks.md"].includes(f))),
    );
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line}`, b]))(
    "%s exits 0",
    async (_where, block) => {
      // From the checkout, as a reader of a clone would: blocks name its files (test/fixtures/…).
      const r = await run((block as Block).script, env, PACKAGE_ROOT);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toBe("");
    },
    120_000,
  );
});

describe("the README", () => {
  it("stays short and reaches every topic page in one hop", async () => {
    const readme = await readFile(join(PACKAGE_ROOT, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(250);
    expect(readme).toContain('npm ci && npx certibot ask "Que demande la compétence C12 ?"');
    for (const page of DOC_FILES.filter((f) => f.startsWith("docs/") && f !== "docs/rgpd.md"))
      expect(readme, page).toContain(`](${page})`);
  });

  it("links only to pages and anchors that exist", async () => {
    const slug = (h: string) =>
      h
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
    for (const file of DOC_FILES) {
      const text = await readFile(join(PACKAGE_ROOT, file), "utf8");
      for (const [, target] of text.matchAll(/\]\(((?:\.\.\/|docs\/)?[\w-]+\.md(?:#[^)]*)?|#[^)]+)\)/g)) {
        const [path, anchor] = target!.split("#");
        const base = file.startsWith("docs/") ? "docs" : ".";
        const resolved = path ? join(base, path!) : file;
        const page = await readFile(join(PACKAGE_ROOT, resolved), "utf8");
        if (!anchor) continue;
        const anchors = [...page.matchAll(/^#+ (.+)$/gm)].map((m) => slug(m[1]!));
        expect(anchors, `${file} → ${target}`).toContain(anchor);
      }
    }
  });
});
