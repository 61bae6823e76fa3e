import { openDb } from "../../db/db.js";
import { migrate } from "../../db/migrate.js";
import { isCertibotError } from "../../errors.js";
import { seedShippedDocuments } from "../../knowledge/documents.js";
import type { Handler } from "../command-tree.js";
import { println } from "../context.js";

/** `certibot db migrate`: brings the schema up to date (also done at every start). */
export const dbCommand: Handler = async (_input, ctx) => {
  const db = await openDb(ctx.config, ctx.log);
  try {
    const result = await migrate(db, ctx.log);
    // The shipped referentials live in the database too (knowledge_documents); a build without its
    // knowledge/ folder migrates all the same, and seeds at its first start.
    const seeded = await seedShippedDocuments(db, ctx.config.knowledgeDir).catch((e) => {
      if (isCertibotError(e) && e.code === "KNOWLEDGE_MISSING") return false;
      throw e;
    });
    if (seeded) ctx.log.info("shipped referentials seeded");
    println(ctx.stdout, `Base : ${db.location}`);
    if (result.applied.length) {
      println(ctx.stdout, `Migrations appliquées (${result.applied.length}) :`);
      for (const m of result.applied)
        println(ctx.stdout, `  ${String(m.version).padStart(3, "0")}-${m.name}`);
    } else {
      println(ctx.stdout, "Schéma déjà à jour : aucune migration à appliquer.");
    }
    println(ctx.stdout, `Version du schéma : ${result.version}`);
    return 0;
  } finally {
    await db.close();
  }
};
