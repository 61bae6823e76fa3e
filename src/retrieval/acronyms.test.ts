import { describe, expect, it } from "vitest";
import { makeRecord } from "../knowledge/record.js";
import { acronymExpansion, definedAcronyms } from "./acronyms.js";

const section = (statement: string) =>
  makeRecord({ referential: "livret", kind: "section", code: null, title: "Livret", statement });

describe("acronyms a document defines", () => {
  it("reads each acronym's long form from its initials, little words skipped", () => {
    const acronyms = definedAcronyms([
      section(
        "Le dossier professionnel (DP) est obligatoire. Les évaluations en cours de formation (ECF) ont lieu en centre. " +
          "La période de formation en milieu professionnel (PFMP) dure 6 semaines. Titulaire du diplôme d'État d'auxiliaire de vie sociale (DEAVS).",
      ),
      // Parentheses that are not an acronym's definition.
      section("Le titre (niveau 4) se prépare en 805 heures (CCP1 et CCP2). Voir le tableau (ABC)."),
    ]);
    expect(Object.fromEntries(acronyms)).toEqual({
      DP: "dossier professionnel",
      ECF: "évaluations en cours de formation",
      PFMP: "période de formation en milieu professionnel",
      DEAVS: "diplôme d État d auxiliaire de vie sociale",
    });
  });

  it("gives a passage the form it lacks, and nothing when it has both", () => {
    const acronyms = new Map([["DP", "dossier professionnel"]]);
    expect(acronymExpansion("Remise du DP complet le 13 juin", acronyms)).toBe("dossier professionnel");
    expect(acronymExpansion("Le dossier professionnel est remis en juin", acronyms)).toBe("DP");
    expect(acronymExpansion("Le dossier professionnel (DP) est remis", acronyms)).toBe("");
    expect(acronymExpansion("Un DPE n'est pas un DP2", acronyms)).toBe("");
  });
});
