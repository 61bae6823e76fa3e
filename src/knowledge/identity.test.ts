import { describe, expect, it } from "vitest";
import { describeIdentity, identityRecord, readIdentity, titreNames } from "./identity.js";

// The cover and footer table of the CDA REAC as the reader gives them (reac-cda-2023.pdf).
const CDA_REAC = {
  head: [
    "REFERENTIEL EMPLOI ACTIVITES COMPETENCES",
    "DU TITRE PROFESSIONNEL",
    "Concepteur développeur d’applications",
    "Niveau 6",
    "Site : http://travail-emploi.gouv.fr",
    "SOMMAIRE",
  ],
  lines: [
    "SIGLE Type de document Code titre Millésime Date de Validation Date de mise à jour Page",
    "CDA REAC TP-01281 04 24/05/2023 24/05/2023 1/50",
    "CDA REAC TP-01281 04 24/05/2023 24/05/2023 3/50",
    "La version de 2018 du titre professionnel « Concepteur développeur d’applications » présentait trois blocs.",
  ],
};

describe("readIdentity", () => {
  it("reads a REAC's cover and footer table", () => {
    const id = readIdentity({
      id: "cda-reac",
      title: "REAC Concepteur développeur d'applications (CDA)",
      ...CDA_REAC,
    });
    expect(id).toEqual({
      rncp: null,
      tp: "TP-01281",
      sigle: "CDA",
      job: "Concepteur développeur d’applications",
      level: 6,
      levelLabel: null,
      docTypes: ["REAC"],
      version: "04",
      date: "24/05/2023",
      aliases: [],
    });
    expect(describeIdentity(id)).toBe(
      "CDA · Concepteur développeur d’applications · TP-01281 · niveau 6 · REAC version 04 (24/05/2023)",
    );
  });

  it("reads the RE's « Intitulé » and « Sigle » lines, and a footer table read cell by cell", () => {
    const id = readIdentity({
      id: "dwwm",
      head: [
        "REFERENTIEL D’EVALUATION",
        "DU TITRE PROFESSIONNEL",
        "Développeur web et web mobile",
        "Intitulé du titre professionnel : Développeur web et web mobile",
        "Sigle du titre professionnel : DWWM",
        "Niveau : 5 (Cadre national des certifications 2019)",
      ],
      lines: [
        "SIGLE Type de document DWWM REAC Code titre Millésime Date de Validation Date de mise à jour Page TP-01280 04 24/05/2023 24/05/2023 1/40",
        "DWWM RE TP-01280 04 13/05/2023 24/05/2023 2/36",
      ],
    });
    expect(id).toMatchObject({
      tp: "TP-01280",
      sigle: "DWWM",
      job: "Développeur web et web mobile",
      level: 5,
      docTypes: ["REAC", "RE"],
      version: "04",
      date: "24/05/2023",
    });
  });

  it("reads a Roman level of the 1969 nomenclature with its 2019 equivalent", () => {
    const id = readIdentity({
      id: "tssr",
      title: "REAC TSSR",
      head: [
        "RÉFÉRENTIEL EMPLOI ACTIVITÉS COMPÉTENCES DU TITRE PROFESSIONNEL",
        "Technicien supérieur systèmes et réseaux",
        "Niveau III",
      ],
    });
    expect(id).toMatchObject({ level: 5, levelLabel: "III" });
    expect(describeIdentity(id)).toContain("niveau III (niveau 5 du cadre national de 2019)");
    expect(readIdentity({ id: "x", head: ["Titre professionnel de niveau V"] })).toMatchObject({
      level: 3,
      levelLabel: "V",
    });
    expect(
      readIdentity({ id: "z", head: ["Technicien supérieur systèmes et réseaux Niveau III"] }),
    ).toMatchObject({ level: 5, levelLabel: "III", job: null });
    // A level printed in figures has no Roman label.
    expect(readIdentity({ id: "y", head: ["Niveau 6"] })).toMatchObject({ level: 6, levelLabel: null });
  });

  it("never takes a titre professionnel code printed once in the body for the document's own", () => {
    const id = readIdentity({
      id: "rc-guc",
      title: "Référentiel de certification GUC",
      lines: [
        "Les titulaires du titre professionnel « Manager d'unité marchande » (TP-01318) sont dispensés de l'épreuve E5.",
      ],
    });
    expect(id.tp).toBeNull();
    expect(readIdentity({ id: "x", lines: ["TP-01281 p. 1", "TP-01281 p. 2"] }).tp).toBe("TP-01281");
  });

  it("takes the RNCP number from the title, the id, then the cover, and --rncp over all", () => {
    expect(
      readIdentity({ id: "guide", title: "Guide du candidat — Data engineer (RNCP 12345)" }),
    ).toMatchObject({
      rncp: "RNCP12345",
      job: "Data engineer",
      docTypes: ["guide"],
    });
    expect(readIdentity({ id: "rncp12345", title: "Guide" }).rncp).toBe("RNCP12345");
    expect(
      readIdentity({
        id: "livret",
        head: ["Livret d'accueil", "Titre RNCP n° 36061 de niveau 6", "Mis à jour le 12/09/2024"],
        lines: ["RNCP36061BC01 Concevoir", "RNCP36061BC02 Développer"],
      }),
    ).toMatchObject({ rncp: "RNCP36061", docTypes: ["livret"], date: "12/09/2024" });
    expect(readIdentity({ id: "rncp12345", rncp: "37638", title: "x (RNCP 12345)" }).rncp).toBe("RNCP37638");
    // Bloc codes printed on every page give the number when nothing else does.
    expect(
      readIdentity({ id: "x", lines: ["Bloc RNCP35584BC03", "RNCP35584BC01", "voir RNCP1234"] }).rncp,
    ).toBe("RNCP35584");
  });

  it("reads the job from the title when the cover has none, without the document kind or the school", () => {
    const job = (title: string) => readIdentity({ id: "x", title }).job;
    expect(job("Concepteur développeur d'applications — Campus Numérique")).toBe(
      "Concepteur développeur d'applications",
    );
    expect(job("RE Concepteur développeur d'applications (CDA)")).toBe(
      "Concepteur développeur d'applications",
    );
    expect(job("Référentiel d'évaluation du titre professionnel Comptable assistant")).toBe(
      "Comptable assistant",
    );
    expect(job("Livret du candidat — Secrétaire assistant")).toBe("Secrétaire assistant");
    expect(readIdentity({ id: "x", title: "Comptable assistant (TP-00412)" })).toMatchObject({
      tp: "TP-00412",
      job: "Comptable assistant",
    });
    // The publisher or the sigle in brackets after the name is not the name.
    expect(job("Fiche RNCP41287 – Responsable logistique (France compétences)")).toBe(
      "Responsable logistique",
    );
    // A job's own brackets stay.
    expect(job("Guide — Conducteur (transport de voyageurs)")).toBe("Conducteur (transport de voyageurs)");
    expect(job("Guide — Chargé de projet (technicien supérieur)")).toBe(
      "Chargé de projet (technicien supérieur)",
    );
  });

  it("takes an alias in capitals as the sigle the operator means, the others as names", () => {
    const id = readIdentity({
      id: "x",
      title: "Titre professionnel Secrétaire assistant",
      aliases: ["SA", "secrétaire"],
    });
    expect(id).toMatchObject({ sigle: "SA", aliases: ["secrétaire"] });
    expect(titreNames(id)).toEqual(["sa", "secretaire assistant", "secretaire"]);
  });

  it("names a titre every way people do", () => {
    const names = titreNames(
      readIdentity({
        id: "cda-reac",
        title: "REAC Concepteur développeur d'applications (CDA) — RNCP 37873",
        ...CDA_REAC,
      }),
    );
    expect(names).toEqual(
      expect.arrayContaining([
        "rncp 37873",
        "rncp37873",
        "tp-01281",
        "tp 01281",
        "tp01281",
        "cda",
        "concepteur developpeur d'applications",
        "concepteur developpeur d applications",
      ]),
    );
  });
});

describe("identityRecord", () => {
  it("makes the identity a passage that names the code, the level and the version, not the job", () => {
    const r = identityRecord(
      "cda-reac",
      readIdentity({
        id: "cda-reac",
        title: "REAC Concepteur développeur d'applications (CDA)",
        ...CDA_REAC,
      }),
    );
    expect(r).toMatchObject({
      id: "cda-reac:identite-du-titre",
      referential: "cda-reac",
      kind: "section",
      title: "Identité du titre : sigle, code, niveau, version",
    });
    expect(r?.statement).toBe(
      [
        "Sigle du titre : CDA.",
        "Code du titre professionnel : TP-01281.",
        "Niveau 6.",
        "Document : REAC (référentiel emploi activités compétences), millésime 04, mis à jour le 24/05/2023.",
      ].join("\n"),
    );
    expect(identityRecord("x", readIdentity({ id: "x", title: "Guide du candidat" }))).toBeNull();
  });
});

describe("the job of a guide or a booklet", () => {
  it("reads it in running text on the cover, or from the title's part that names a job", () => {
    expect(
      readIdentity({
        id: "livret",
        title: "Livret d'accueil 2024 — Campus Sud",
        head: ["Livret d'accueil", "Vous préparez le titre professionnel Secrétaire assistant, de niveau 4."],
      }).job,
    ).toBe("Secrétaire assistant");
    expect(
      readIdentity({
        id: "guide",
        head: ["Bienvenue dans la formation au titre professionnel « Comptable assistant » (RNCP 37520)."],
      }),
    ).toMatchObject({ job: "Comptable assistant", rncp: "RNCP37520" });
    expect(
      readIdentity({ id: "g", title: "Guide du candidat 2024 — École Vauban — Gestionnaire de paie" }).job,
    ).toBe("Gestionnaire de paie");
  });
});

describe("the RNCP number in running text", () => {
  it("reads « enregistré au répertoire (RNCP) sous le numéro 34297 »", () => {
    expect(
      readIdentity({
        id: "reac-gp",
        lines: [
          "Le titre est enregistré au répertoire national des certifications professionnelles (RNCP) sous le numéro 34297.",
        ],
      }).rncp,
    ).toBe("RNCP34297");
  });
});
