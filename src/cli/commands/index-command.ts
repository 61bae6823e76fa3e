import { openKnowledgeBase } from "../../retrieval/knowledge-base.js";
import type { Handler } from "../command-tree.js";
import { println } from "../context.js";

/** `certibot index`: (re)builds the index and prints what it holds. */
export const indexCommand: Handler = async (_input, ctx) => {
  const t0 = performance.now();
  const kb = await openKnowledgeBase(ctx.config, { forceRebuild: true });
  const ms = performance.now() - t0;
  const counts = new Map<string, Map<string, number>>();
  for (const r of kb.retriever.records) {
    const byKind = counts.get(r.referential) ?? new Map<string, number>();
    byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    counts.set(r.referential, byKind);
  }
  println(
    ctx.stdout,
    `Index construit en ${Math.round(ms)} ms (${kb.manifest.embedderId}, ${kb.manifest.dims} dimensions)`,
  );
  for (const [ref, byKind] of counts) {
    const total = [...byKind.values()].reduce((s, n) => s + n, 0);
    const detail = [...byKind].map(([k, n]) => `${n} ${k}`).join(", ");
    println(ctx.stdout, `  ${ref.padEnd(28)} ${String(total).padStart(4)} enregistrements (${detail})`);
  }
  println(ctx.stdout, `  ${"total".padEnd(28)} ${String(kb.retriever.records.length).padStart(4)}`);
  println(ctx.stdout, `Emplacement : ${ctx.config.dataDir}/index`);
  return 0;
};
