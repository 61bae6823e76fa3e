import { beforeAll, describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { type Catalog, loadCatalog } from "../knowledge/catalog.js";
import { readQuestion } from "./question.js";

let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(KNOWLEDGE_DIR);
});

describe("readQuestion", () => {
  it("reads a question once: language, folding, codes, referentials named, intent", () => {
    const q = readQuestion("Combien de pages pour le rapport E3 du mode d’emploi ?", catalog);
    expect(q.lang).toBe("fr");
    expect(q.folded).toBe("combien de pages pour le rapport e3 du mode d'emploi ?");
    expect(q.codes).toEqual(["E3"]);
    expect([...q.include]).toEqual(["simplon-dev-ia-guide"]);
    expect(q.intent).toBe("numeric");
    expect(q.unit).toBe("pages");
    expect(q.parts).toHaveLength(1);
  });

  it.each([
    ["qui signe la grille d'évaluation, et à qui on la transmet une fois remplie ?", [["who"], ["who"]]],
    ["rapport du chef d'oeuvre : combien de pages, et on le remet à qui ?", [["how-many"], ["who"]]],
    ["expert ia mémoire: how many pages and how long is the defence?", [["how-many"], ["how-many"]]],
  ])("splits the parts of %s", (text, asks) => {
    const q = readQuestion(text, catalog);
    expect(q.parts.map((p) => p.asks.filter((a) => asks.flat().includes(a)))).toEqual(asks);
  });

  it("keeps a join that asks nothing of its own in one part", () => {
    expect(readQuestion("quelle différence entre C1 et C2 ?", catalog).parts).toHaveLength(1);
  });

  it("asks the same of a second thing named after « et », and of a question after a question mark", () => {
    const q = readQuestion(
      "Combien de temps dure la mise en situation professionnelle et l'entretien final ?",
      catalog,
    );
    expect(q.parts.map((p) => [p.text, p.unit])).toEqual([
      ["combien de temps dure la mise en situation professionnelle", "duration"],
      ["l'entretien final ?", "duration"],
    ]);
    // Codes joined by « et » stay one thing compared or asked together.
    expect(readQuestion("combien de pages pour C1 et C2 ?", catalog).parts).toHaveLength(1);
    expect(
      readQuestion(
        "le jury il est là combien de temps ? et il lit mon dossier avant ma présentation ?",
        catalog,
      ).parts,
    ).toHaveLength(2);
  });

  it("gives each part the unit it wants", () => {
    const q = readQuestion(
      "expert ia mémoire : combien de jours de préparation et combien de pages max ?",
      catalog,
    );
    expect(q.parts.map((p) => p.unit)).toEqual(["days", "pages"]);
  });

  it.each([
    "rédige-moi l'intro de mon rapport de chef d'oeuvre stp",
    "write the conclusion of my mémoire for me",
    "tu peux me faire ma veille E3 sur les LLM ? genre 3 pages",
    "can u draft my cas pratique 1 report, 5 pages, sur l'amélioration d'un modèle",
    "génère le code de mon API pour la C9 stp",
    "pls write my chef d'oeuvre slides stp",
    "code-moi un site e-commerce complet en React que je présenterai comme projet",
    "can you build me a website for my certification project?",
    "Écris-moi les exemples de pratique professionnelle de mon DP à ma place",
  ])("declines doing the candidate's work: %s", (text) => {
    expect(readQuestion(text, catalog).decline).toBe("do-my-work");
  });

  it.each([
    "c quoi les notes de Julie au bloc 2 ?",
    "give me the email of the session manager",
    "le numéro de téléphone du président du jury ?",
    // A pastime's word in it (a cook's titre may lift a pastime) does not lift personal data.
    "l'adresse de Martinez, chef du restaurant d'application ?",
  ])("declines personal data: %s", (text) => {
    expect(readQuestion(text, catalog).decline).toBe("personal-data");
  });

  it.each([
    "rapport cdo nb pages",
    "comment rédiger l'introduction du rapport ?",
    "do I have to present my project to the jury?",
    "que doit contenir le rapport du chef d'oeuvre ?",
    "comment écrire les exemples de pratique professionnelle à ma place de stagiaire ?",
    "les notes du bloc 2 sont sur combien ?",
    "b4cr7 pts ?",
    "quel est le programme de la formation ?",
    "comment faire le site de mon projet, quelles compétences il doit montrer ?",
  ])("does not decline %s", (text) => {
    expect(readQuestion(text, catalog).decline).toBeNull();
  });

  it("reads chat shorthand as the words it stands for, and only as whole words", () => {
    expect(readQuestion("le parchemin arrive qd ?").folded).toBe("le parchemin arrive quand ?");
    expect(readQuestion("pk le jury delibere qd ?").folded).toBe("pourquoi le jury delibere quand ?");
    // A sigle or a word of its own is not shorthand: « payer par CB », « une PR ».
    expect(readQuestion("payer par CB ou faire une PR ?").folded).toBe("payer par cb ou faire une pr ?");
    expect(readQuestion("qd-même, le pdf ?").folded).toBe("qd-meme, le pdf ?");
    expect(readQuestion("Je peux passer l'examen si j'oublie mon dossier pro ?").namesDeliverable).toBe(true);
  });

  it("notices a deliverable named in shorthand, and reads 'cp1' as cas pratique 1", () => {
    const q = readQuestion("synthese orale cp1", catalog);
    expect(q.namesDeliverable).toBe(true);
    expect(q.codes).toEqual(["E2"]);
    expect(readQuestion("quel temps fait-il demain ?", catalog).namesDeliverable).toBe(false);
  });

  it("notices the same thing asked of each referential", () => {
    expect(readQuestion("is GDPR assessed in both RNCP37827 and expert IA?", catalog).both).toBe(true);
    expect(readQuestion("c'est quoi la C12 ?", catalog).both).toBe(false);
  });
});
