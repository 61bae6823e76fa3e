import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { addedDocument } from "../../../test/helpers/knowledge-documents.js";
import { PACKAGE_ROOT } from "../../config.js";
import { type ParsedDocument, parseDocument } from "../parse-document.js";
import type { KnowledgeRecord } from "../record.js";
import type { Block } from "./blocks.js";
import { readCertificationConventions } from "./certification.js";
import { type DocumentReading, readDocument } from "./read-document.js";
import { structure } from "./structure.js";

// The real published documents of ../shared/documents (REAC and RE of two titres professionnels).
const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "knowledge");

const doc = (bytes: Uint8Array, id: string, file: string) => addedDocument(bytes, file, id);

async function read(file: string, id: string): Promise<{ parsed: ParsedDocument; reading: DocumentReading }> {
  const bytes = new Uint8Array(await readFile(join(FIXTURES, file)));
  const [parsed, reading] = await Promise.all([
    parseDocument(doc(bytes, id, file), "generic"),
    readDocument(bytes),
  ]);
  return { parsed, reading };
}

const ofKind = (records: KnowledgeRecord[], kind: KnowledgeRecord["kind"]) =>
  records.filter((r) => r.kind === kind);
const byCode = (records: KnowledgeRecord[], code: string) => records.find((r) => r.code === code);

describe("REAC of Concepteur développeur d'applications (50 pages, portrait)", () => {
  let parsed: ParsedDocument;
  let reading: DocumentReading;
  beforeAll(async () => {
    ({ parsed, reading } = await read("reac-cda-2023.pdf", "cda-reac"));
  });

  it("has 3 activités types and 11 compétences professionnelles, each under its activité type", () => {
    const activities = ofKind(parsed.records, "activity");
    expect(activities.map((a) => a.code)).toEqual(["AT1", "AT2", "AT3"]);
    expect(activities[1]!.title).toBe(
      "Concevoir et développer une application sécurisée organisée en couches",
    );
    const professional = ofKind(parsed.records, "competency").filter((c) => c.code?.startsWith("CP"));
    expect(professional).toHaveLength(11);
    // The vue synoptique: 4 + 4 + 3 compétences.
    expect(activities.map((a) => a.related)).toEqual([
      ["CP1", "CP2", "CP3", "CP4"],
      ["CP5", "CP6", "CP7", "CP8"],
      ["CP9", "CP10", "CP11"],
    ]);
    const cp7 = byCode(parsed.records, "CP7")!;
    expect(cp7.title).toBe("Concevoir et mettre en place une base de données relationnelle");
    expect(cp7.bloc).toBe(
      "Activité type 2 — Concevoir et développer une application sécurisée organisée en couches",
    );
    expect(cp7.statement).toContain("compétence 3 de l'activité type 2");
    expect(parsed.summary.structure).toMatchObject({ activities: 3, competencies: 11, transversal: 3 });
    // Lists stated one item per line under their lead-in: a list question is answered with every item.
    expect(activities[2]!.statement).toContain(
      "Ses compétences professionnelles (« Préparer le déploiement d’une application sécurisée ») :\n1. Préparer et exécuter les plans de tests d’une application ;\n2.",
    );
    expect(activities[0]!.statement).toContain(
      "Les activités types du titre sont :\n- Développer une application sécurisée ;\n- ",
    );
    const transversal = ofKind(parsed.records, "competency").filter((c) => c.code === null);
    expect(transversal.map((c) => c.statement.split("\n").slice(1, 5))).toEqual(
      Array(3).fill([
        "Les compétences transversales de l'emploi sont :",
        "- Communiquer en français et en anglais ;",
        "- Mettre en oeuvre une démarche de résolution de problème ;",
        "- Apprendre en continu.",
      ]),
    );
  });

  it("keeps each fiche's critères de performance one per line, and its savoirs", () => {
    const cp1 = byCode(parsed.records, "CP1")!;
    expect(cp1.criteria).toEqual([
      "Les outils de développement nécessaires sont installés",
      "Les outils de gestion des versions et de collaboration sont installés",
      "Les conteneurs implémentent les services requis",
      "La documentation technique de l’environnement de travail est comprise, en langue française ou anglaise (niveau B1 CECRL pour l’anglais)",
    ]);
    expect(cp1.statement).toContain(
      "Savoir-faire et savoirs :\n- Mettre en place et utiliser un environnement",
    );
  });

  it("reads the glossary as terms, and never takes the English grid's levels for activities or competencies", () => {
    const glossary = ofKind(parsed.records, "glossary");
    expect(glossary.find((g) => g.title === "DICP")?.statement).toContain(
      "disponibilité, intégrité, confidentialité",
    );
    expect(glossary.find((g) => g.title === "Fuzzing")?.statement).toContain("données aléatoires");
    const levels = parsed.records.filter(
      (r) => r.kind !== "glossary" && r.kind !== "section" && /^[ABC][12]$/.test(r.code ?? ""),
    );
    expect(levels).toEqual([]);
    expect(parsed.records.some((r) => /Introductif|Maîtrise/.test(r.title))).toBe(false);
  });

  it("drops the footer table on every page but keeps what it says once, and skips blank pages", () => {
    const all = parsed.records.map((r) => `${r.title} ${r.statement}`).join("\n");
    expect(all.match(/Code titre : TP-01281/g)).toHaveLength(1);
    expect(all).not.toMatch(/SIGLE Type de document/);
    expect(reading.blankPages).toEqual([2, 4, 7, 12, 20, 30, 38]);
    expect(reading.parts).toEqual([[1, 50]]);
  });

  it("reads lines printed one per item under a lead-in ending with a colon as that list's items", () => {
    const jobs = parsed.records.find((r) => r.title.includes("types d’emplois accessibles"));
    expect(jobs?.statement).toContain(
      "Les types d’emplois accessibles sont les suivants :\n- Concepteur développeur, concepteur d'applications informatiques.",
    );
    expect(jobs?.statement).toContain("\n- Analyste programmeur informatique.");
  });
});

describe("RE of Concepteur développeur d'applications (42 pages, landscape tables)", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    ({ parsed } = await read("re-cda-2023.pdf", "cda-re"));
  });

  it("keeps each épreuve's duration in the record of its table row, for the titre and for each CCP", () => {
    const evaluations = ofKind(parsed.records, "evaluation");
    const titre = (name: string) =>
      evaluations.find((e) => e.title.startsWith(name) && /titre professionnel CDA/.test(e.title))!;
    expect(titre("Entretien technique").statement).toMatch(/^Entretien technique : durée 00 h 45 min\./);
    expect(titre("Entretien technique").statement).toContain("Le jury questionne le candidat");
    expect(titre("Questionnaire professionnel").statement).toContain("00 h 30 min");
    expect(titre("Questionnaire professionnel").statement).toContain("deux questions fermées à choix unique");
    expect(titre("Entretien final").statement).toContain("00 h 20 min");
    expect(titre("Durée totale de l’épreuve pour le candidat").statement).toContain("02 h 15 min");
    const ccp = evaluations.find(
      (e) =>
        e.title ===
        "Durée totale de l’épreuve pour le candidat — CCP Préparer le déploiement d’une application sécurisée",
    );
    expect(ccp?.statement).toContain("01 h 10 min");
  });

  it("reads the rows of a table continued on the next page as one row", () => {
    const questionnaire = ofKind(parsed.records, "evaluation").find(
      (e) => e.title === "Questionnaire professionnel — CCP Développer une application sécurisée",
    )!;
    expect(questionnaire.statement).toMatch(/rédigeant la réponse en anglais/);
  });

  it("reads the evaluation grid: upright column headers, rows from the drawn cells, ticks against empty boxes", () => {
    const grid = ofKind(parsed.records, "section").find((s) => /3\.2\. Critères d’évaluation/.test(s.title))!;
    const row = grid.statement
      .split(/\n(?=[A-Z][^\n]* · Critères d’évaluation :)/)
      .find((r) =>
        r.startsWith("Installer et configurer son environnement de travail en fonction du projet ·"),
      )!;
    expect(row).toContain("Critères d’évaluation : Les outils de développement nécessaires sont installés");
    // CP1 is evaluated by the entretien technique and the questionnaire, not by the project's presentation.
    expect(row).toMatch(/Coché \(✓\) : Entretien technique ; Questionnaire professionnel$/);
  });

  it("reads a glossary term whose definition opens with a bold lead-in as that term, named in its definition", () => {
    const glossary = ofKind(parsed.records, "glossary").find((g) => g.title.startsWith("Entretien final"))!;
    expect(glossary.title).toBe("Entretien final");
    expect(glossary.statement).toMatch(
      /^Entretien final : Il permet au jury de s’assurer que le candidat possède :\s+la compréhension et la vision globale/,
    );
    // The closing "Reproduction interdite" page is not the last term's definition.
    expect(glossary.statement).not.toMatch(/122-4|Reproduction interdite/);
    const protocol = ofKind(parsed.records, "section").find((s) => /4\.2\. Protocole/.test(s.title))!;
    expect(protocol.statement).not.toContain("4.3.");
  });

  it("titles the sections of each CCP with the CCP, apart from the titre's own", () => {
    const dossiers = ofKind(parsed.records, "section").filter((s) =>
      s.title.endsWith("› Le dossier de projet"),
    );
    expect(dossiers.map((d) => d.title.replace(/^.* › (?=.* › )/, ""))).toEqual([
      "REFERENTIEL D’EVALUATION DU TITRE PROFESSIONNEL › Le dossier de projet",
      "CCP Développer une application sécurisée › Le dossier de projet",
      "CCP Concevoir et développer une application sécurisée organisée en couches › Le dossier de projet",
      "CCP Préparer le déploiement d’une application sécurisée › Le dossier de projet",
    ]);
    expect(dossiers[0]!.statement).toContain("entre 40 et 60 pages");
  });
});

describe("REAC then RE of Développeur web et web mobile in one file", () => {
  it("takes the page-number reset and the turn to landscape as a second document, each with its footers", async () => {
    const { parsed, reading } = await read("reac-re-dwwm-2023.pdf", "dwwm");
    expect(reading.parts).toEqual([
      [1, 40],
      [41, 76],
    ]);
    const all = parsed.records.map((r) => r.statement).join("\n");
    expect(all).toContain("Type de document : REAC");
    expect(all).toContain("Type de document : RE ;");
    expect(all).not.toMatch(/Date dernier JO Date de mise à jour Page/);
    expect(ofKind(parsed.records, "activity").map((a) => a.title)).toEqual([
      "Développer la partie front-end d’une application web ou web mobile sécurisée",
      "Développer la partie back-end d’une application web ou web mobile sécurisée",
    ]);
    expect(parsed.summary.structure).toMatchObject({ activities: 2, competencies: 8 });
    // A member of an activité type's list that fills its line to the margin is still a line of its own.
    expect(ofKind(parsed.records, "activity").map((a) => a.related)).toEqual([
      ["CP1", "CP2", "CP3", "CP4"],
      ["CP5", "CP6", "CP7", "CP8"],
    ]);
    expect(
      ofKind(parsed.records, "evaluation").find((e) => e.title.startsWith("Entretien technique — 3"))
        ?.statement,
    ).toContain("00 h 40 min");
    // Its first column is shaded line by line (boxes no taller than a line): a wrapped label or a
    // wrapped cell of another column stays in its row, whose detail is read whole.
    const evaluations = ofKind(parsed.records, "evaluation").filter((e) => e.title.endsWith("DWWM"));
    expect(evaluations.map((e) => e.title.split(" — ")[0])).toEqual([
      "Présentation d'un projet réalisé en amont de la session",
      "Entretien technique",
      "Questionnaire professionnel",
      "Questionnement à partir de production(s)",
      "Entretien final",
      "Durée totale de l’épreuve pour le candidat",
    ]);
    expect(evaluations[1]?.statement).toContain("Un questionnement complémentaire lui permet");
    expect(evaluations[2]?.statement).toContain("deux questions fermées à choix unique");
    // An item's last words wrapped onto a line of their own are not a heading ("… y compris pour la" /
    // "sécurité :"): the item is whole, and what it lists stays in its section.
    expect(all).toContain("les arguments qui ont conduit à ses choix, y compris pour la sécurité :");
    expect(ofKind(parsed.records, "section").some((r) => /› sécurité/.test(r.title))).toBe(false);
  });
});

describe("certification conventions on blocks", () => {
  it("numbers fiches without a number by position and leaves everything else to the generic reader", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 2, text: "Présentation" },
      { kind: "paragraph", text: "Un texte." },
      { kind: "heading", level: 3, text: "Fiche compétence professionnelle" },
      { kind: "heading", level: 2, text: "Accueillir le public" },
      { kind: "heading", level: 3, text: "Critères de performance" },
      { kind: "paragraph", text: "L'accueil est courtois" },
      { kind: "heading", level: 2, text: "Annexes" },
      { kind: "paragraph", text: "Fin." },
    ];
    const r = readCertificationConventions("t", blocks);
    expect(r.records).toMatchObject([
      {
        kind: "competency",
        code: "CP1",
        title: "Accueillir le public",
        criteria: ["L'accueil est courtois"],
      },
    ]);
    expect(r.rest.map((b) => (b.kind === "row" ? "" : b.text))).toEqual([
      "Présentation",
      "Un texte.",
      "Annexes",
      "Fin.",
    ]);
  });
});

describe("the rubrics of a titre's RNCP fiche", () => {
  it("heads what follows each rubric printed as body text, and each numbered capacity its competences", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Résumé du référentiel d’emploi" },
      { kind: "paragraph", text: "Le secrétaire comptable assure des travaux variés." },
      { kind: "paragraph", text: "Capacités attestées et descriptif des composantes de la certification" },
      { kind: "item", text: "1. Assurer les travaux courants de secrétariat" },
      { kind: "paragraph", text: "Produire des documents professionnels courants." },
      { kind: "paragraph", text: "Accueillir un visiteur." },
      { kind: "item", text: "2. Réaliser les travaux courants de paie" },
      { kind: "paragraph", text: "Produire les bulletins de paie." },
      {
        kind: "paragraph",
        text: "Secteurs d’activité ou types d’emploi accessibles par le détenteur du titre",
      },
      { kind: "paragraph", text: "Les types d’emplois accessibles sont les suivants :" },
      { kind: "paragraph", text: "-secrétaire comptable ;" },
      { kind: "paragraph", text: "-secrétaire facturier (e)." },
    ];
    const sections = structure("sc", blocks).filter((r) => r.kind === "section");
    expect(sections.map((s) => [s.title, s.statement])).toEqual([
      ["Résumé du référentiel d’emploi", "Le secrétaire comptable assure des travaux variés."],
      [
        "Capacités attestées et descriptif des composantes de la certification",
        "Les capacités attestées par le titre sont : Assurer les travaux courants de secrétariat ; Réaliser les travaux courants de paie.",
      ],
      [
        "Capacités attestées et descriptif des composantes de la certification › 1. Assurer les travaux courants de secrétariat",
        "Produire des documents professionnels courants.\nAccueillir un visiteur.",
      ],
      [
        "Capacités attestées et descriptif des composantes de la certification › 2. Réaliser les travaux courants de paie",
        "Produire les bulletins de paie.",
      ],
      [
        "Secteurs d’activité ou types d’emploi accessibles par le détenteur du titre",
        "Les types d’emplois accessibles sont les suivants :\n- secrétaire comptable ;\n- secrétaire facturier (e).",
      ],
    ]);
  });
});

describe("an épreuve's chapter in a guide", () => {
  it("keeps its rubrics, those after a competency it cites and one set at its own level, in the épreuve's record", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Guide de certification" },
      { kind: "heading", level: 2, text: "Cas pratique 2 (ref. E3)" },
      { kind: "heading", level: 3, text: "Sujet" },
      { kind: "paragraph", text: "Améliorer une application existante." },
      { kind: "heading", level: 3, text: "Compétence(s) visée(s)" },
      { kind: "paragraph", text: "C14. Améliorer l'application d'intelligence artificielle" },
      { kind: "heading", level: 2, text: "livrable attendu" },
      { kind: "paragraph", text: "Un rapport de 5 à 10 pages." },
      { kind: "heading", level: 2, text: "Le jury" },
      { kind: "paragraph", text: "Trois membres." },
    ];
    const records = structure("g", blocks);
    const e3 = records.find((r) => r.code === "E3")!;
    expect(e3.statement).toContain("livrable attendu :");
    expect(e3.statement).toContain("Un rapport de 5 à 10 pages.");
    expect(records.find((r) => r.code === "C14")?.statement ?? "").not.toContain("rapport");
    // The next chapter is a section of its own.
    expect(records.find((r) => r.title.endsWith("Le jury"))?.statement).toBe("Trois membres.");
  });
});

describe("a France Compétences grid (activités | compétences | modalités | critères)", () => {
  it("goes on column by column over rows a page cut: the activity's items, the competency's sentence, the épreuve's modalité", () => {
    const row = (...cells: string[]): Block => ({ kind: "row", cells });
    const blocks: Block[] = [
      { kind: "paragraph", text: "Bloc de compétences 1 : Collecter les données" },
      row(
        "A1 : Programmer la collecte\n- Identification des sources",
        "C1. Automatiser l'extraction de données depuis un service web",
        "E1. Mise en situation (C1, C2)\nL'évaluation se fait sur un projet",
        "- Le script est fonctionnel.",
      ),
      row("- Lecture d'un fichier de données", "", "réel ou fictif.", "- Le script est versionné."),
      row(
        "- Ecriture des requêtes SQL",
        "C2. Développer des requêtes SQL depuis un système",
        "",
        "- Les requêtes sont justes.",
      ),
      row("", "de gestion de base de données.", "", "- La documentation est complète."),
      row("--", "---", "--", "---"),
    ];
    const records = structure("g", blocks);
    const a1 = byCode(records, "A1")!;
    expect(a1.statement).toContain("Lecture d'un fichier de données");
    expect(a1.statement).toContain("Ecriture des requêtes SQL");
    const c1 = byCode(records, "C1")!;
    expect(c1.criteria).toEqual(["Le script est fonctionnel.", "Le script est versionné."]);
    expect(c1.modality).toBe("E1. Mise en situation (C1, C2)");
    expect(c1.activities).toEqual(["A1 — Programmer la collecte"]);
    const e1 = byCode(records, "E1")!;
    expect(e1.kind).toBe("evaluation");
    expect(e1.statement).toContain("réel ou fictif.");
    expect(e1.related).toEqual(expect.arrayContaining(["C1", "C2"]));
    const c2 = byCode(records, "C2")!;
    expect(c2.title).toBe("Développer des requêtes SQL depuis un système de gestion de base de données");
    expect(c2.criteria).toEqual(["Les requêtes sont justes.", "La documentation est complète."]);
    // Its modalities cell left empty, it is evaluated by the épreuve whose cell spans the rows.
    expect(c2.modality).toBe("E1. Mise en situation (C1, C2)");
    // No competency numbered by position out of a continued row, nothing out of a typed rule.
    expect(records.filter((r) => r.kind === "competency").map((r) => r.code)).toEqual(["C1", "C2"]);
  });
});

describe("a glossary printed as a list", () => {
  it("takes « Term : definition » items as terms, not a definition's own colon", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 2, text: "Glossaire :" },
      { kind: "item", text: "❑ MLOps : ensemble de pratiques qui déploient et maintiennent les modèles." },
      { kind: "item", text: "❑ REST (API) : c'est une architecture d'API utilisée pour les services web." },
      { kind: "heading", level: 2, text: "Lexique" },
      { kind: "heading", level: 3, text: "Entretien final" },
      {
        kind: "paragraph",
        text: "Il permet au jury de s'assurer que le candidat possède : la vision globale du métier.",
      },
    ];
    const terms = ofKind(structure("g", blocks), "glossary");
    expect(terms.map((r) => r.title)).toEqual(["MLOps", "REST (API)", "Entretien final"]);
    expect(terms[2]!.statement).toContain("vision globale du métier");
  });
});

describe("a sommaire", () => {
  it("heads nothing: the sections after it are titled by their own headings", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Livret du stagiaire" },
      { kind: "paragraph", text: "Session 2025-2026." },
      { kind: "heading", level: 1, text: "SOMMAIRE" },
      { kind: "item", text: "1. Bienvenue....................3" },
      { kind: "heading", level: 2, text: "1. BIENVENUE" },
      { kind: "paragraph", text: "Toute l'équipe est heureuse de vous accueillir." },
      { kind: "heading", level: 3, text: "1.1 Le premier jour" },
      { kind: "paragraph", text: "Accueil à 8 h 45." },
      { kind: "heading", level: 1, text: "Annexes" },
      { kind: "paragraph", text: "Fiche de présence." },
    ];
    const titles = structure("l", blocks).map((r) => r.title);
    expect(titles).toContain("1. BIENVENUE");
    expect(titles).toContain("1. BIENVENUE › 1.1 Le premier jour");
    expect(titles).toContain("Annexes");
    expect(titles.some((t) => /SOMMAIRE ›/.test(t))).toBe(false);
  });
});

describe("the transversal competencies' fiche with its names in body type", () => {
  it("reads each name before « Description de la compétence » as a transversal competency, not a fiche of its own", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "FICHE DES COMPÉTENCES TRANSVERSALES DE L’EMPLOI TYPE" },
      { kind: "paragraph", text: "Faire preuve de rigueur et de précision" },
      { kind: "paragraph", text: "Description de la compétence" },
      { kind: "paragraph", text: "Appliquer strictement les règles légales et les procédures internes." },
      { kind: "paragraph", text: "Critères de performance" },
      { kind: "item", text: "Les données saisies sont exactes" },
      { kind: "paragraph", text: "Apprendre en continu" },
      { kind: "paragraph", text: "Description de la compétence" },
      { kind: "paragraph", text: "Assurer une veille réglementaire." },
    ];
    const records = structure("reac", blocks).filter((r) => r.kind === "competency");
    expect(records.map((r) => r.title)).toEqual([
      "Compétence transversale — Faire preuve de rigueur et de précision",
      "Compétence transversale — Apprendre en continu",
    ]);
    expect(records[0]!.criteria).toEqual(["Les données saisies sont exactes"]);
  });
});

describe("a référentiel de certification's sommaire, bloc titles and épreuves", () => {
  it("takes no sommaire line for a record, reads « Épreuve E1.1 » whole, and one bloc said twice as one", () => {
    const blocks: Block[] = [
      { kind: "heading", level: 1, text: "Sommaire" },
      { kind: "item", text: "RNCP38417BC01 – Administrer le personnel...................10" },
      { kind: "heading", level: 1, text: "Bloc de compétences 1 : RNCP38417BC01 – Administrer le personnel" },
      { kind: "paragraph", text: "RNCP38417BC01 – Administrer le personnel" },
      { kind: "paragraph", text: "Épreuve E1.1 – Étude de cas écrite. Durée : 4 h." },
    ];
    const records = structure("rc", blocks);
    expect(records.filter((r) => r.kind === "bloc").map((r) => r.code)).toEqual(["RNCP38417BC01"]);
    expect(records.find((r) => r.kind === "evaluation")?.code).toBe("E1.1");
  });
});

describe("a competency fiche naming its activité type under the competency's name", () => {
  it("keeps the competency's name and reads « Activité type : … » as no fiche of its own", () => {
    const blocks: Block[] = [
      { kind: "paragraph", text: "FICHE COMPÉTENCE PROFESSIONNELLE N° 4" },
      { kind: "paragraph", text: "Réaliser et contrôler les bulletins de salaire" },
      { kind: "paragraph", text: "Activité type : Assurer la production de la paie" },
      { kind: "paragraph", text: "Description de la compétence – processus de travail" },
      { kind: "paragraph", text: "Établir les bulletins de salaire à partir des éléments variables." },
      { kind: "paragraph", text: "Critères de performance" },
      { kind: "item", text: "Le bulletin de paie comporte les mentions obligatoires" },
    ];
    const competencies = ofKind(structure("reac", blocks), "competency");
    expect(competencies.map((r) => [r.code, r.title])).toEqual([
      ["CP4", "Réaliser et contrôler les bulletins de salaire"],
    ]);
    expect(competencies[0]!.criteria).toEqual(["Le bulletin de paie comporte les mentions obligatoires"]);
  });
});
