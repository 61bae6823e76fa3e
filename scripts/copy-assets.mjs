// Copies the non-TypeScript files the code reads at run time (SQL
// migrations) next to the compiled modules, since tsc only emits .js.
// Usage: node scripts/copy-assets.mjs [outDir]   (default: dist)
import { cp, readdir } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(root, "src");
const out = resolve(root, process.argv[2] ?? "dist");
const ASSET = /\.sql$/;

let copied = 0;
for (const entry of await readdir(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !ASSET.test(entry.name)) continue;
  // parentPath arrived in Node 20.12; engines allows 20.11, which calls it path.
  const from = join(entry.parentPath ?? entry.path, entry.name);
  await cp(from, join(out, relative(src, from)));
  copied++;
}
console.log(`copy-assets: ${copied} file(s) into ${relative(root, out) || "."}`);
