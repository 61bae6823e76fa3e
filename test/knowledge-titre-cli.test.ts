import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runMain } from "./helpers/run-main.js";
import { describeEachBackend, type TestStore } from "./helpers/stores.js";
import { KNOWLEDGE_DIR, tempDir } from "./helpers/temp.js";

interface Answer {
  answer: string;
  found: boolean;
  sources: { referential: string; code: string | null; title: string }[];
}

// A school's candidate guide that names its titre by RNCP number only in the operator's title.
const GUIDE = [
  "# Guide du candidat",
  "## Les épreuves de la session",
  "La session comprend une mise en situation professionnelle et un entretien final.",
  "L'entretien final avec le jury dure 20 minutes ; il porte sur le dossier professionnel.",
  "## Le dossier professionnel",
  "Le dossier professionnel est remis au centre quinze jours avant la session.",
].join("\n");

// Its référentiel d'évaluation: the RNCP number is on its cover, the operator types none.
const RE = [
  "# Référentiel d'évaluation du titre professionnel",
  "Intitulé du titre professionnel : Gestionnaire de paie",
  "Sigle du titre professionnel : GP",
  "Niveau : 5",
  "Enregistré au RNCP sous le numéro RNCP 12345.",
  "## Mise en situation professionnelle",
  "La mise en situation professionnelle dure 3 h 30 min : le candidat établit les bulletins de salaire d'une entreprise fictive.",
].join("\n");

describeEachBackend("certibot knowledge add and ask by titre", (backend) => {
  let store: TestStore;
  let files: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    store = await backend.createStore();
    files = await tempDir();
    env = { ...store.env, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR };
    await writeFile(join(files.path, "guide.md"), GUIDE);
    await writeFile(join(files.path, "re-gp.md"), RE);
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

  it("answers « Pour le titre RNCP 12345, … » from a document named by its number, and groups its RE with it", async () => {
    const add = await runMain(
      [
        "knowledge",
        "add",
        "--id",
        "rncp12345",
        "--title",
        "Guide du candidat — Gestionnaire de paie (RNCP 12345)",
        join(files.path, "guide.md"),
      ],
      env,
    );
    expect(add.stderr).toBe("");
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/\n {2}titre : Gestionnaire de paie · RNCP12345 · guide\n/);

    for (const q of [
      "Pour le titre RNCP 12345, combien de temps dure l'entretien final ?",
      "Pour le titre RNCP12345, combien de temps dure l'entretien final ?",
    ]) {
      const a = await ask(q);
      expect(a.found, a.answer).toBe(true);
      expect(a.sources[0]?.referential).toBe("rncp12345");
      expect(a.answer).toContain("20 minutes");
    }

    const re = await runMain(["knowledge", "add", "--id", "gp-re", join(files.path, "re-gp.md")], env);
    expect(re.code, re.stderr).toBe(0);
    expect(re.stdout).toMatch(/titre : GP · Gestionnaire de paie · RNCP12345 · niveau 5 · RE\n/);
    expect(re.stdout).toMatch(/même titre que rncp12345 : .*« rncp 12345 ».*les cherche ensemble/);

    const show = await runMain(["knowledge", "show", "gp-re"], env);
    expect(show.stdout).toMatch(/\n {2}RNCP : RNCP12345\n/);
    expect(show.stdout).toMatch(/\n {2}sigle : GP\n/);
    expect(show.stdout).toMatch(/\n {2}intitulé : Gestionnaire de paie\n/);
    expect(show.stdout).toMatch(/\n {2}type de document : RE\n/);
    const list = JSON.parse((await runMain(["knowledge", "list", "--json"], env)).stdout) as {
      documents: { id: string; identity: { rncp: string | null } }[];
    };
    expect(list.documents.find((d) => d.id === "rncp12345")?.identity.rncp).toBe("RNCP12345");

    // The titre named by number, by sigle or by job name searches both documents.
    for (const q of [
      "Pour le titre RNCP 12345, combien de temps dure la mise en situation professionnelle ?",
      "Dans le titre GP, combien de temps dure la mise en situation professionnelle ?",
      "titre pro gestionnaire de paie : durée de la mise en situation professionnelle ?",
    ]) {
      const a = await ask(q);
      expect(a.found, q).toBe(true);
      expect(a.sources[0]?.referential, q).toBe("gp-re");
      expect(a.answer).toContain("3 h 30 min");
    }
  });

  it("declines a titre that is not indexed, listing the indexed ones", async () => {
    for (const [q, named] of [
      ["Quelle est la durée de l'épreuve du titre pro comptable assistant ?", "comptable assistant"],
      ["Pour le titre RNCP 54321, combien de temps dure l'entretien final ?", "RNCP 54321"],
      ["Combien dure l'entretien final du titre professionnel gestionnaire de paie et RH ?", null],
    ] as const) {
      const a = await ask(q);
      if (!named) {
        // A longer name that starts with an indexed titre's is that titre, named loosely.
        expect(a.found, q).toBe(true);
        continue;
      }
      expect(a.found, q).toBe(false);
      expect(a.sources).toEqual([]);
      expect(a.answer).toContain(`« ${named} »`);
      expect(a.answer).toContain("GP — Gestionnaire de paie (RNCP12345)");
    }
  });
});
