import { beforeAll, describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { type Catalog, loadCatalog, type Referential, ReferentialSchema } from "../knowledge/catalog.js";
import { readIdentity } from "../knowledge/identity.js";
import { withTitreNames } from "../knowledge/titres.js";
import { analyzeQuery } from "../retrieval/query.js";
import { indexedTitres, unindexedTitre } from "./titre.js";

const FOOTER = (sigle: string, type: string, tp: string) => [
  `${sigle} ${type} ${tp} 04 24/05/2023 24/05/2023 1/40`,
];

/** An added document as `knowledge add` stores it: its identity read from its title and footer table. */
function added(
  id: string,
  title: string,
  lines: string[] = [],
  extra: Partial<Referential> = {},
): Referential {
  const identity = readIdentity({ id, title, lines, aliases: extra.aliases });
  return ReferentialSchema.parse({
    id,
    title,
    file: `${id}.pdf`,
    parser: "generic",
    codeFamilies: [],
    rncp: identity.rncp ?? undefined,
    ...extra,
    identity,
  });
}

let catalog: Catalog;
beforeAll(async () => {
  const shipped = await loadCatalog(KNOWLEDGE_DIR);
  catalog = withTitreNames({
    referentials: [
      ...shipped.referentials,
      added(
        "cda-reac",
        "REAC Concepteur développeur d'applications (CDA)",
        FOOTER("CDA", "REAC", "TP-01281"),
      ),
      added("cda-re", "RE Concepteur développeur d'applications (CDA)", FOOTER("CDA", "RE", "TP-01281")),
      added("dwwm", "REAC et RE Développeur web et web mobile (DWWM)", FOOTER("DWWM", "REAC", "TP-01280")),
      added("rncp12345", "Guide du candidat — Data engineer (RNCP 12345)"),
    ],
    groups: shipped.groups,
  });
});

describe("routing by titre", () => {
  it.each([
    ["Quelles sont les activités types du titre pro CDA ?", ["cda-reac", "cda-re"]],
    [
      "Dans le titre CDA, quelles compétences professionnelles composent l'activité type 1 ?",
      ["cda-reac", "cda-re"],
    ],
    ["le titre concepteur développeur d'applications, c'est quel niveau ?", ["cda-reac", "cda-re"]],
    ["Le titre concepteur développeur d’applications est de quel niveau ?", ["cda-reac", "cda-re"]],
    ["concepteur developpeur d applications : durée de l'entretien technique ?", ["cda-reac", "cda-re"]],
    ["Quel est le code TP-01281 ?", ["cda-reac", "cda-re"]],
    ["TP 01281 durée de l'épreuve", ["cda-reac", "cda-re"]],
    ["le titre DWWM dure combien ?", ["dwwm"]],
    ["Pour le titre RNCP 12345, combien de blocs ?", ["rncp12345"]],
    ["RNCP12345 : quels blocs ?", ["rncp12345"]],
    ["C12 du RNCP 37827", ["rncp37827"]],
    ["Dans le REAC du titre CDA, que signifie le sigle DICP ?", ["cda-reac"]],
    ["Selon le référentiel d'évaluation du titre CDA, combien dure l'entretien final ?", ["cda-re"]],
    ["Que disent le REAC et le RE du CDA sur l'anglais ?", ["cda-reac", "cda-re"]],
    // A document named by its own name stays beside the kind of document named.
    [
      "what's the difference between C8 in the guide and in RNCP37827?",
      ["rncp37827", "simplon-dev-ia-guide"],
    ],
  ])("%s → %j", (q, ids) => {
    expect([...analyzeQuery(q, catalog).include].sort()).toEqual([...ids].sort());
    expect(unindexedTitre(q, catalog)).toBeNull();
  });
});

describe("declining a titre that is not indexed", () => {
  it.each([
    ["Quelle est la durée de l'épreuve du titre pro comptable assistant ?", "comptable assistant"],
    ["Le titre professionnel secrétaire assistant comporte combien de CCP ?", "secretaire assistant"],
    [
      "Quelles compétences pour le titre concepteur développeur informatique ?",
      "concepteur developpeur informatique",
    ],
    ["le titre développeur logiciel, c'est quel niveau ?", "developpeur logiciel"],
    ["Le titre pro TSSR a combien de blocs ?", "TSSR"],
    ["Pour le titre RNCP 99999, combien de blocs ?", "RNCP 99999"],
    ["Quelles sont les épreuves du TP-00412 ?", "TP-00412"],
    ["What does the certification data analyst require?", "data analyst"],
    [
      "Quels sont les blocs et les épreuves du titre « Responsable de la distribution » des CCI ?",
      "Responsable de la distribution",
    ],
    [
      "Quelles sont les épreuves du Mastère Manager de la transformation digitale ?",
      "Manager de la transformation digitale",
    ],
  ])("%s → %s", (q, named) => {
    expect(unindexedTitre(q, catalog)).toBe(named);
  });

  it.each([
    "Le titre professionnel est-il reconnu par l'État ?",
    "Combien de temps dure la formation ?",
    "le titre pro CDA en alternance, c'est possible ?",
    "le titre développeur web dure combien de temps ?",
    "Quel est le niveau du titre ?",
    "Pendant la formation durant le stage, qui évalue ?",
    "la certification des compétences se passe comment ?",
    "Le titre de niveau 6 comporte combien de blocs ?",
    "What is the official code of the CDA professional title (concepteur développeur d'applications)?",
    "Quels sont les CCP du titre ?",
    "C'est quoi un ECF ?",
  ])("keeps %s", (q) => {
    expect(unindexedTitre(q, catalog)).toBeNull();
  });

  it("takes the initials of an indexed titre's name for that titre, though its documents never print them", () => {
    const withLivret = withTitreNames({
      referentials: [
        ...catalog.referentials,
        added("livret-sa", "Livret d'accueil stagiaire — Titre professionnel Secrétaire assistant(e)"),
      ],
      groups: catalog.groups,
    });
    expect(unindexedTitre("Combien d'heures dure la formation SA au total ?", withLivret)).toBeNull();
    // Its whole job name, in the feminine, the sentence going on after it.
    expect(
      unindexedTitre(
        "titre pro secretaire assistante jpeux le passer en vae ?? faut cmb d experience",
        withLivret,
      ),
    ).toBeNull();
    // Without it, "SA" names a titre the bot does not hold.
    expect(unindexedTitre("Combien d'heures dure la formation SA au total ?", catalog)).toBe("SA");
  });

  it("takes a part of an indexed titre's name typed as its initials (« Responsable RH ») for that titre", () => {
    const withRc = withTitreNames({
      referentials: [
        ...catalog.referentials,
        added("rc-rrh", "Référentiel de certification – Responsable en gestion des ressources humaines"),
      ],
      groups: catalog.groups,
    });
    expect(
      unindexedTitre("Peut-on se présenter au titre Responsable RH en candidat libre ?", withRc),
    ).toBeNull();
    expect(unindexedTitre("Peut-on se présenter au titre Responsable RH en candidat libre ?", catalog)).toBe(
      "Responsable RH",
    );
  });

  it("takes a word of an indexed titre's name cut short (« responsable log ») for that titre", () => {
    const withFiche = withTitreNames({
      referentials: [...catalog.referentials, added("fiche-rl", "Fiche RNCP41287 – Responsable logistique")],
      groups: catalog.groups,
    });
    const q = "si je commence la formation responsable log en sept 2027 je pourrai encore avoir le diplome ?";
    expect(unindexedTitre(q, withFiche)).toBeNull();
    expect(unindexedTitre(q, catalog)).toBe("responsable log");
    // Two letters are no word cut short, and a word longer than the titre's is another word.
    expect(unindexedTitre("la formation responsable lo en alternance ?", withFiche)).toBe("responsable lo");
  });

  it("reads « le guide du mémoire » as the guide titled so, « le guide » alone as the shipped guide", () => {
    const withGuide = withTitreNames({
      referentials: [
        ...catalog.referentials,
        added(
          "guide-memoire",
          "Guide du mémoire professionnel et de la soutenance – Mastère Expert en cybersécurité",
        ),
      ],
      groups: catalog.groups,
    });
    const named = (q: string) => [...analyzeQuery(q, withGuide).include];
    expect(named("Qu'est-ce que l'avis de soutenabilité dans le guide du mémoire ?")).toEqual([
      "guide-memoire",
    ]);
    expect(named("que dit le guide sur le jury ?")).toEqual(["simplon-dev-ia-guide"]);
  });

  it("declines only by code while a document's titre could not be read", () => {
    const withAnonymous = withTitreNames({
      referentials: [...catalog.referentials, added("notes-2024", "Notes 2024")],
      groups: catalog.groups,
    });
    expect(
      unindexedTitre("Quelle est la durée de l'épreuve du titre pro comptable assistant ?", withAnonymous),
    ).toBeNull();
    expect(unindexedTitre("Pour le titre RNCP 99999, combien de blocs ?", withAnonymous)).toBe("RNCP 99999");
  });

  it("lists the indexed titres by sigle, job name and RNCP number", () => {
    const titres = indexedTitres(catalog);
    expect(titres).toEqual(
      expect.arrayContaining([
        "CDA — Concepteur développeur d'applications",
        "DWWM — Développeur web et web mobile",
        "Data engineer (RNCP12345)",
        "Développeur en intelligence artificielle (RNCP37827)",
      ]),
    );
  });
});
