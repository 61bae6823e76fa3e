import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../src/db/db.js";
import { addKnowledgeDocument } from "../src/knowledge/admin.js";
import { silentLogger } from "../src/log.js";
import { LiveKnowledge } from "../src/retrieval/knowledge-base.js";
import { runCli } from "./helpers/cli.js";
import { buildGuideDocx, buildGuidePdf, GUIDE } from "./helpers/knowledge-documents.js";
import { runMain } from "./helpers/run-main.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { KNOWLEDGE_DIR, tempDir, testConfig } from "./helpers/temp.js";

interface Answer {
  answer: string;
  found: boolean;
  sources: { referential: string; code: string | null; title: string }[];
}

describeEachBackend("certibot knowledge add|list|show|remove", (backend) => {
  let store: TestStore;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  const pdf = () => join(files.path, "referentiel-cda.pdf");
  beforeAll(async () => {
    store = await backend.createStore();
    files = await tempDir();
    env = { ...store.env, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR };
    await writeFile(pdf(), await buildGuidePdf());
    await writeFile(join(files.path, "guide-data.docx"), await buildGuideDocx());
    await writeFile(
      join(files.path, "image.png"),
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 1, 2]),
    );
  });
  afterAll(async () => {
    await store?.cleanup();
    await files?.cleanup();
  });

  const ask = async (q: string): Promise<Answer> => {
    const r = await runMain(["ask", "--json", q], env);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Answer;
  };

  it("adds a 10-page PDF, prints what it understood with both timings, and answers from it at once", async () => {
    const r = await runMain(
      [
        "knowledge",
        "add",
        "--id",
        "cda-campus",
        "--title",
        "Concepteur développeur d'applications — Campus Numérique",
        pdf(),
      ],
      env,
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Ajouté : cda-campus — Concepteur développeur d'applications — Campus Numérique\n/,
    );
    expect(r.stdout).toMatch(/\(pdf, 10 pages\)/);
    expect(r.stdout).toMatch(/11 competency/);
    expect(r.stdout).toMatch(/codes \(11\) : CP1, CP2, CP3/);
    expect(r.stdout).toMatch(/coordonnées masquées : 2 numéro\(s\) de téléphone, 1 adresse\(s\) e-mail/);
    expect(r.stdout).toMatch(/lecture : \d+\.\d\d s ; reconstruction de l'index : \d+\.\d\d s/);

    const cp3 = await ask("Que demande la compétence CP3 ?");
    expect(cp3.found).toBe(true);
    expect(cp3.sources[0]).toMatchObject({ referential: "cda-campus", code: "CP3" });
    expect(cp3.answer).toContain("Les vulnérabilités de l'OWASP sont prises en compte dans le code");
    const duration = await ask(
      "Combien de temps dure la mise en situation professionnelle du concepteur développeur d'applications ?",
    );
    expect(duration.sources[0]?.referential).toBe("cda-campus");
    expect(duration.answer).toContain("1 h 20 min");
    // The shipped referentials answer as before.
    expect((await ask("Que demande la compétence C12 ?")).sources[0]).toMatchObject({
      referential: "rncp37827",
      code: "C12",
    });
  });

  it("never prints a phone number or an e-mail address of the document", async () => {
    for (const q of [
      "Quel est le numéro de téléphone du campus numérique ?",
      "contacts du service certification du concepteur développeur d'applications",
      "comment joindre le service certification pour mon inscription ?",
      "Campus Numérique référentiel CDA 2024",
    ]) {
      const a = await ask(q);
      const text = JSON.stringify(a);
      expect(text).not.toContain(GUIDE.phone);
      expect(text).not.toContain(GUIDE.contactPhone);
      expect(text).not.toContain(GUIDE.email);
    }
  });

  it("refuses a duplicate id without --replace, an unknown format and a missing file, in one line", async () => {
    const dup = await runMain(["knowledge", "add", "--id", "cda-campus", pdf()], env);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toBe(
      "certibot : Un document porte déjà cet identifiant (ajoutez --replace pour le remplacer). (cda-campus)\n",
    );
    const png = await runMain(["knowledge", "add", join(files.path, "image.png")], env);
    expect(png.code).toBe(2);
    expect(png.stderr).toMatch(/^certibot : Ce document ne peut pas être indexé : format inconnu.*\n$/);
    const missing = await runMain(["knowledge", "add", join(files.path, "nope.pdf")], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/fichier introuvable/);
  });

  it("adds a .docx, lists and shows documents, replaces and removes one (real process)", async () => {
    const add = await runCli(
      ["knowledge", "add", "--id", "data-engineer", "--rncp", "37638", join(files.path, "guide-data.docx")],
      { env },
    );
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/Ajouté : data-engineer — Guide du candidat — Data engineer/);
    expect(add.stdout).toMatch(/rncp 37638/);

    const list = await runMain(["knowledge", "list", "--json"], env);
    const docs = JSON.parse(list.stdout).documents as { id: string; shipped: boolean; records: object }[];
    expect(docs.map((d) => d.id)).toEqual(
      expect.arrayContaining(["rncp37827", "cda-campus", "data-engineer"]),
    );
    expect(docs.find((d) => d.id === "cda-campus")).toMatchObject({
      shipped: false,
      records: { competency: 11 },
    });

    const show = await runMain(["knowledge", "show", "cda-campus"], env);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/coordonnées masquées .*: 2 numéro\(s\) de téléphone, 1 adresse\(s\) e-mail/);
    expect(show.stdout).toMatch(/Bloc 2 — Concevoir et développer une application organisée en couches/);
    expect(show.stdout).toMatch(
      /CP7 +competency +Concevoir et mettre en place une base de données relationnelle \(2 critères\)/,
    );

    const c12 = await ask("RNCP 37638 : que demande la compétence C1.2 ?");
    expect(c12.sources[0]).toMatchObject({ referential: "data-engineer", code: "C1.2" });

    const replaced = await runMain(["knowledge", "add", "--id", "data-engineer", "--replace", pdf()], env);
    expect(replaced.code).toBe(0);
    const removed = await runMain(["knowledge", "remove", "data-engineer"], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Retiré : data-engineer ; reconstruction de l'index : \d+\.\d\d s/);
    const gone = await runMain(["knowledge", "show", "data-engineer"], env);
    expect(gone.code).toBe(2);
    const shipped = await runMain(["knowledge", "remove", "expert-ia"], env);
    expect(shipped.code).toBe(2);
    expect(shipped.stderr).toMatch(/livré avec certibot/);
  });

  it("every replica sees a document added elsewhere at its next question, without a restart", async () => {
    // Two replicas: their own data dirs (indexes), one database.
    const replicaDirs = [await tempDir(), await tempDir()];
    const dbs: Db[] = [];
    try {
      const lives: LiveKnowledge[] = [];
      for (const d of replicaDirs) {
        const config = testConfig(
          d.path,
          backend.name === "pglite" ? {} : { DATABASE_URL: store.env.DATABASE_URL! },
        );
        const db =
          backend.name === "pglite" ? (dbs[0] ?? (await store.openMigrated())) : await store.openMigrated();
        if (!dbs.includes(db)) dbs.push(db);
        lives.push(await LiveKnowledge.open({ ...config, dataDir: d.path }, db, silentLogger));
      }
      const before = await lives[1]!.retriever.search("Que demande la compétence CP4 du titre RNCP 41000 ?");
      expect(before.hits.some((h) => h.record.referential === "titre-41000")).toBe(false);
      const md = [
        "# Chef de projet digital",
        "## Bloc 1 — Piloter un projet digital",
        "CP4 - Animer une équipe projet pluridisciplinaire",
        "- Les rituels agiles sont tenus",
      ].join("\n");
      await addKnowledgeDocument(
        { config: { ...store.config, dataDir: replicaDirs[0]!.path }, db: dbs[0]! },
        {
          bytes: new TextEncoder().encode(md),
          fileName: "cdp.md",
          id: "titre-41000",
          rncp: "41000",
          addedBy: "test",
        },
      );
      const after = await lives[1]!.retriever.search("Que demande la compétence CP4 du titre RNCP 41000 ?");
      expect(after.hits[0]?.record).toMatchObject({ referential: "titre-41000", code: "CP4" });
      expect(lives[1]!.retriever.catalog.referentials.some((r) => r.id === "titre-41000")).toBe(true);
    } finally {
      for (const db of dbs) await db.close();
      for (const d of replicaDirs) await d.cleanup();
    }
  });
});
