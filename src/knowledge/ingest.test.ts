import { cp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR, tempDir } from "../../test/helpers/temp.js";
import { CertibotError } from "../errors.js";
import { type Knowledge, loadKnowledge } from "./ingest.js";
import type { KnowledgeRecord } from "./record.js";

const range = (prefix: string, from: number, to: number, suffix = "") =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}${suffix}`);

let k: Knowledge;
const codes = (ref: string, kind: KnowledgeRecord["kind"]) =>
  k.records.filter((r) => r.referential === ref && r.kind === kind).map((r) => r.code);
const rec = (ref: string, code: string) => {
  const r = k.records.find((x) => x.referential === ref && x.code === code);
  if (!r) throw new Error(`${ref} ${code} missing`);
  return r;
};

beforeAll(async () => {
  k = await loadKnowledge(KNOWLEDGE_DIR);
});

describe("inventory", () => {
  it("rncp37827 has exactly C1..C21, E1..E5 and A1..A9", () => {
    expect(codes("rncp37827", "competency")).toEqual(range("C", 1, 21));
    expect(codes("rncp37827", "evaluation")).toEqual(range("E", 1, 5));
    expect(codes("rncp37827", "activity")).toEqual(range("A", 1, 9));
    expect(
      k.records.filter((r) => r.referential === "rncp37827" && r.kind === "bloc").map((r) => r.title),
    ).toEqual([
      expect.stringMatching(/^Bloc 1 — Réaliser la collecte/),
      expect.stringMatching(/^Bloc 2 — Intégrer des modèles/),
      expect.stringMatching(/^Bloc 3 — Réaliser une application/),
    ]);
  });

  it("expert-ia has B1C1..B4C4 and every scored criterion, 20 points per bloc", () => {
    expect(codes("expert-ia", "competency")).toEqual([
      ...range("B1C", 1, 5),
      ...range("B2C", 1, 5),
      ...range("B3C", 1, 5),
      ...range("B4C", 1, 4),
    ]);
    // The source numbers the last two criteria of bloc 4 "B5Cr9" and "B5Cr10": kept as printed.
    expect(codes("expert-ia", "criterion")).toEqual([
      ...range("B1Cr", 1, 7),
      ...range("B2Cr", 1, 9),
      ...range("B3Cr", 1, 10),
      ...range("B4Cr", 1, 8),
      "B5Cr9",
      "B5Cr10",
    ]);
    const crits = k.records.filter((r) => r.referential === "expert-ia" && r.kind === "criterion");
    expect(crits.every((c) => typeof c.points === "number")).toBe(true);
    for (const bloc of [1, 2, 3, 4]) {
      const total = crits
        .filter((c) => c.bloc?.startsWith(`Bloc ${bloc} `))
        .reduce((s, c) => s + c.points!, 0);
      expect(total, `bloc ${bloc}`).toBe(20);
    }
  });

  it("aivancity referentials keep their own Cn.b codes", () => {
    expect(codes("aivancity-dev-ia", "competency")).toEqual([
      ...["C1.1", "C2.1", "C3.1", "C4.1"],
      ...["C1.2", "C2.2", "C3.2", "C4.2", "C5.2", "C6.2", "C7.2", "C8.2"],
      ...["C1.3", "C2.3", "C3.3", "C4.3", "C5.3", "C6.3", "C7.3"],
      ...["C1.4", "C2.4", "C3.4"],
      ...["C1.5", "C2.5", "C4.5", "C5.5", "C6.5", "C7.5"],
    ]);
    expect(codes("aivancity-chef-projet-ia", "competency")).toEqual([
      ...["C1.1", "C2.1", "C3.1", "C4.1", "C5.1"],
      ...["C1.2", "C2.2", "C3.2", "C4.2", "C5.2"],
      ...["C1.3", "C2.3", "C3.3", "C4.3", "C5.3", "C6.3", "C7.3"],
      ...["C1.4", "C2.4", "C3.4", "C4.4", "C5.4", "C6.4"],
      ...["C1.5", "C2.5", "C3.5", "C4.5"],
      ...["C1.6", "C2.6", "C3.6", "C4.6"],
    ]);
    expect(k.records.filter((r) => r.referential === "aivancity-dev-ia" && r.kind === "bloc")).toHaveLength(
      5,
    );
    expect(
      k.records.filter((r) => r.referential === "aivancity-chef-projet-ia" && r.kind === "bloc"),
    ).toHaveLength(6);
  });

  it("the guide keeps its own E1..E3 and its older C8, C14, C17", () => {
    expect(
      k.records
        .filter((r) => r.referential === "simplon-dev-ia-guide" && r.code?.startsWith("E"))
        .map((r) => r.code)
        .sort(),
    ).toEqual(["E1", "E2", "E3"]);
    expect(codes("simplon-dev-ia-guide", "competency")).toEqual(["C8", "C14", "C17"]);
    expect(rec("simplon-dev-ia-guide", "C17").statement).toMatch(/^Concevoir un système de veille/);
    expect(rec("rncp37827", "C17").statement).not.toMatch(/veille/);
  });

  it("the brochure is split into its sections, with no codes", () => {
    const sections = k.records.filter((r) => r.referential === "simplon-ecole-ia-brochure");
    expect(sections.every((r) => r.code === null && r.kind === "section")).toBe(true);
    expect(sections.map((r) => r.title)).toEqual(
      expect.arrayContaining(["DURÉE DU PARCOURS", "LES CERTIFICATIONS PROPOSÉES", "AIDES À L'EMBAUCHE"]),
    );
  });

  it("indexes no session calendar and no personal documents", () => {
    expect(new Set(k.records.map((r) => r.referential))).toEqual(
      new Set([
        "rncp37827",
        "simplon-dev-ia-guide",
        "aivancity-dev-ia",
        "aivancity-chef-projet-ia",
        "expert-ia",
        "simplon-ecole-ia-brochure",
      ]),
    );
    expect(k.records.some((r) => /curriculum|lettre de recommandation|Bayonne/i.test(r.statement))).toBe(
      false,
    );
  });
});

describe("record texts", () => {
  it("rncp37827 competencies carry title, activity, evaluation and criteria", () => {
    const c12 = rec("rncp37827", "C12");
    expect(c12.title).toBe("Programmer les tests automatisés d'un modèle d'intelligence artificielle");
    expect(c12.activities).toEqual([expect.stringMatching(/^A5 — Faciliter le déploiement/)]);
    expect(c12.modality).toBe("E3 — Mise en situation");
    expect(c12.criteria).toHaveLength(7);
    expect(c12.criteria[0]).toMatch(/^L'ensemble des cas à tester sont listés/);
    expect(rec("rncp37827", "C6").criteria.join(" ")).toMatch(/une heure hebdomadaire/);
    expect(rec("rncp37827", "E3").related).toEqual(["C9", "C10", "C11", "C12", "C13"]);
    // A criterion cut by a page break is joined back together.
    expect(rec("rncp37827", "C1").criteria).toContain(
      "Le périmètre des spécifications techniques est complet : il couvre l'ensemble des moyens techniques à mettre en œuvre pour l'extraction et l'agrégation des données en un jeu de données brutes final.",
    );
  });

  it("expert-ia texts are routed to their own code despite the interleaved columns", () => {
    const cr3 = rec("expert-ia", "B1Cr3");
    expect(cr3.statement).toBe(
      "La réglementation encadrant la protection et le traitement des données est respectée dans le projet présenté. (2 points)",
    );
    expect(rec("expert-ia", "B1C3").statement).toMatch(
      /^Concevoir et conduire les phases de tests et de recette/,
    );
    expect(rec("expert-ia", "B1C3").statement).not.toMatch(/points|réglementation encadrant/);
    expect(rec("expert-ia", "B2C3").statement).toMatch(/sur site \(on premise\) et sur Cloud/);
    expect(rec("expert-ia", "B2C2").statement).toMatch(/latence des transferts de mémoire, afin de répondre/);
    expect(rec("expert-ia", "B4Cr8").statement).toMatch(/L’extrait des indicateurs les plus usuels/);
    expect(rec("expert-ia", "B4Cr3").statement).toMatch(
      /\(journalière, hebdomadaire, \.\.\.\)\. \(2 points\)$/,
    );
    expect(rec("expert-ia", "B2C1").title).toBe("Apprentissage machine");
    const memoire = k.records.find(
      (r) => r.referential === "expert-ia" && r.title === "Mémoire professionnel",
    );
    expect(memoire?.statement).toMatch(/50 pages \(min 30 pages\)/);
  });

  it("aivancity competencies sharing a cell are split apart", () => {
    const c31 = rec("aivancity-dev-ia", "C3.1");
    const c41 = rec("aivancity-dev-ia", "C4.1");
    expect(c31.statement).toMatch(/^Analyser les composantes et enjeux intrinsèques/);
    expect(c31.statement).not.toMatch(/C4\.1/);
    expect(c41.statement).toMatch(/^Identifier l'impact de l'intelligence artificielle/);
    expect(c31.modality).toBe(c41.modality);
    expect(rec("aivancity-dev-ia", "C5.5").statement).toMatch(/^Intégrer les contraintes légales/);
    expect(rec("aivancity-chef-projet-ia", "C1.2").statement).not.toBe(
      rec("aivancity-dev-ia", "C1.2").statement,
    );
  });

  it("guide sections absorb their sub-headings", () => {
    expect(rec("simplon-dev-ia-guide", "E3").statement).toMatch(/Un rapport de 2 à 5 pages/);
    expect(rec("simplon-dev-ia-guide", "E2").statement).toMatch(/de 5 à 10 pages/);
    expect(rec("simplon-dev-ia-guide", "E1").statement).toMatch(/entre 20 et 30 pages/);
  });
});

describe("bad knowledge files", () => {
  it("rejects a catalog that does not match the schema", async () => {
    const dir = await tempDir();
    try {
      await cp(KNOWLEDGE_DIR, dir.path, { recursive: true });
      await writeFile(join(dir.path, "referentials.yml"), "referentials:\n  - id: Bad Id\n    file: x.md\n");
      const err = await loadKnowledge(dir.path).catch((e) => e);
      expect(err).toBeInstanceOf(CertibotError);
      expect(err.code).toBe("KNOWLEDGE_INVALID");
      expect(err.detail).toMatch(/referentials\.yml/);
    } finally {
      await dir.cleanup();
    }
  });

  it("names the referential whose file is missing", async () => {
    const dir = await tempDir();
    try {
      await cp(KNOWLEDGE_DIR, dir.path, { recursive: true });
      await rm(join(dir.path, "referentials", "expert-ia.txt"));
      const err = await loadKnowledge(dir.path).catch((e) => e);
      expect(err.code).toBe("KNOWLEDGE_MISSING");
      expect(err.detail).toMatch(/expert-ia/);
    } finally {
      await dir.cleanup();
    }
  });

  it("refuses a referential file from which nothing can be parsed", async () => {
    const dir = await tempDir();
    try {
      await cp(KNOWLEDGE_DIR, dir.path, { recursive: true });
      await writeFile(join(dir.path, "referentials", "rncp37827.md"), "rien d'utile ici\n");
      const err = await loadKnowledge(dir.path).catch((e) => e);
      expect(err.code).toBe("KNOWLEDGE_INVALID");
      expect(err.detail).toMatch(/rncp37827/);
      expect(await readFile(join(KNOWLEDGE_DIR, "referentials", "rncp37827.md"), "utf8")).toMatch(/C12/);
    } finally {
      await dir.cleanup();
    }
  });
});
