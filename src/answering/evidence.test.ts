import { describe, expect, it } from "vitest";
import { makeRecord } from "../knowledge/record.js";
import { evidenceOf, holdsUnit, splitSentences } from "./evidence.js";

describe("evidence units", () => {
  it("never cuts after an abbreviation or a code", () => {
    expect(
      splitSentences("Réaliser un projet (cf. Cahier des charges) avant la fin. C17. Concevoir une veille."),
    ).toEqual(["Réaliser un projet (cf. Cahier des charges) avant la fin.", "C17. Concevoir une veille."]);
    // A numbered paragraph keeps its number: "4.1." alone says nothing.
    expect(splitSentences("4.1. Durée totale de présence du jury : 01 h 30 min")).toEqual([
      "4.1. Durée totale de présence du jury : 01 h 30 min",
    ]);
  });

  it("opens a statement at each label run in a long line, not in a short one, nor after « Coef. »", () => {
    const cell =
      "Niveau V (Nomenclature de 1969) Convention(s) : Convention collective nationale des salariés du particulier employeur (IDCC 2111) Code(s) NSF : 330t – Spécialités plurivalentes sanitaires et sociales Code(s) Formacode : 42056 – Aide à domicile";
    expect(splitSentences(cell)).toEqual([
      "Niveau V (Nomenclature de 1969)",
      "Convention(s) : Convention collective nationale des salariés du particulier employeur (IDCC 2111)",
      "Code(s) NSF : 330t – Spécialités plurivalentes sanitaires et sociales",
      "Code(s) Formacode : 42056 – Aide à domicile",
    ]);
    expect(splitSentences("Préparation : 20 minutes Jeu de rôle : 20 minutes")).toEqual([
      "Préparation : 20 minutes Jeu de rôle : 20 minutes",
    ]);
    expect(splitSentences("Nature : Oral Coef. : 2")).toEqual(["Nature : Oral Coef. : 2"]);
  });

  it("keeps list items with their lead-in and reads inline numbered lists as items", () => {
    const r = makeRecord({
      referential: "x",
      kind: "section",
      code: null,
      title: "Rapport",
      statement:
        "L'apprenant doit :\n1. Réaliser un projet (cf. Cahier) 2. Rédiger un rapport 3. Soumettre le rapport\nLe rapport doit contenir, entre 20 et 30 pages :\n- Une introduction.\n- Une première partie sur :\n  - l'état de l'art,\n- Une conclusion.",
    });
    const units = evidenceOf(r);
    const texts = units.map((u) => u.text);
    expect(texts).toContain("Réaliser un projet (cf. Cahier)");
    expect(texts).toContain("Soumettre le rapport");
    const intro = units.find((u) => u.text === "Une introduction.")!;
    expect(units[intro.leadIn!]!.text).toBe("Le rapport doit contenir, entre 20 et 30 pages :");
    const nested = units.find((u) => u.text === "l'état de l'art,")!;
    expect(nested.depth).toBe(2);
    expect(units[nested.leadIn!]!.text).toBe("Une première partie sur :");
  });

  it("reads a booklet's ticked items (✔, ►) as the items of their lead-in", () => {
    const r = makeRecord({
      referential: "x",
      kind: "section",
      code: null,
      title: "Les locaux",
      statement:
        "Le jour de votre entrée en formation, apportez :\n✔ une pièce d'identité en cours de validité ;\n✔ votre carte Vitale ;\n► un RIB.",
    });
    const units = evidenceOf(r);
    const vitale = units.find((u) => u.text === "votre carte Vitale ;")!;
    expect(vitale.depth).toBe(1);
    expect(units[vitale.leadIn!]!.text).toBe("Le jour de votre entrée en formation, apportez :");
    expect(units.some((u) => u.text === "un RIB.")).toBe(true);
  });

  it("joins lines a narrow column wrapped", () => {
    const r = makeRecord({
      referential: "x",
      kind: "section",
      code: null,
      title: "Mémoire",
      statement:
        "Nombre de pages attendus : le\nmémoire ne doit pas dépasser\n50 pages (min 30 pages)\nDurée de la soutenance orale :\n45 minutes maximum au total\n(présentation, question,\ndélibération)",
    });
    expect(evidenceOf(r).map((u) => u.text)).toEqual([
      "Nombre de pages attendus : le mémoire ne doit pas dépasser 50 pages (min 30 pages)",
      "Durée de la soutenance orale : 45 minutes maximum au total (présentation, question, délibération)",
    ]);
  });

  it("recognises a number in the unit asked", () => {
    expect(holdsUnit("Un rapport de 2 à 5 pages", "pages")).toBe(true);
    expect(holdsUnit("un jury composé d'au moins 2 professionnels", "people")).toBe(true);
    expect(holdsUnit("dure au total 65 minutes", "duration")).toBe(true);
    expect(holdsUnit("17 mois d'alternance", "duration")).toBe(true);
    expect(holdsUnit("validé à partir de 10 points / 20 points", "points")).toBe(true);
    expect(holdsUnit("Le PV est composé de 3 parties", "count", "parti")).toBe(true);
    expect(holdsUnit("Un rapport écrit", "pages")).toBe(false);
  });
});
