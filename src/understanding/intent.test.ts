import { describe, expect, it } from "vitest";
import { readIntention } from "./intent.js";

const intentOf = (q: string, codes: string[] = [], referentials = 0) =>
  readIntention(q, { codes, referentials });

describe("the unit a question asks for", () => {
  it("asks an amount in words that ask one: a pay slip is a payroll titre's topic", () => {
    expect(intentOf("quel est le salaire d'un développeur IA ?").unit).toBe("money");
    expect(intentOf("what are the tuition fees?").unit).toBe("money");
    expect(intentOf("What are the criteria for 'Réaliser les bulletins de salaire'?").unit).toBeNull();
  });

  it("reads « qu'est-ce qu'un … ? » as a definition asked", () => {
    expect(intentOf("Dans le REAC, qu'est-ce qu'un critère de performance ?").intent).toBe("definition");
  });

  it("reads « par minute » as dividing what is counted, not as the unit asked", () => {
    expect(intentOf("combien de convives peut-on servir par minute ?").unit).toBeNull();
    expect(intentOf("combien de convives à l'heure ?").unit).toBeNull();
    expect(intentOf("combien d'heures de veille par semaine ?").unit).toBe("hours");
  });

  it("reads « rate » before an exam's part as the French verb, elsewhere as a rate", () => {
    expect(intentOf("si je rate un bloc je repasse tout ?").unit).toBeNull();
    expect(intentOf("Si je rate une ECF, je peux la repasser ?").unit).toBeNull();
    expect(intentOf("what is the pass rate?").unit).toBe("percent");
  });
});

describe("readIntention", () => {
  it.each([
    ["combien de pages pour le rapport E3 ?", ["E3"], "numeric", "pages"],
    ["how many pages should the chef d'oeuvre report be?", [], "numeric", "pages"],
    ["l'oral dure combien de temps ?", [], "numeric", "duration"],
    ["how long is the oral exam", [], "numeric", "duration"],
    ["combien de points vaut B2Cr4", ["B2Cr4"], "numeric", "points"],
    ["combien de professionnels dans le jury ?", [], "numeric", "people"],
    ["le PV a combien de parties ?", [], "count", "count"],
    ["combien de compétences dans le bloc 2", [], "count", null],
    ["how many competencies in rncp37827?", [], "count", null],
  ])("%s → %s", (q, codes, intent, unit) => {
    const i = intentOf(q, codes);
    expect(i.intent).toBe(intent);
    if (unit) expect(i.unit).toBe(unit);
  });

  it.each([
    ["différence entre C8 du guide et C8 du RNCP", ["C8"], 2],
    ["what's the difference between C8 in the guide and in RNCP37827?", ["C8"], 2],
    ["C1.2 aivancity dev vs chef de projet", ["C1.2"], 2],
    ["compare E2 and E3", ["E2", "E3"], 0],
  ])("comparison: %s", (q, codes, refs) => {
    expect(intentOf(q, codes, refs).intent).toBe("comparison");
  });

  it.each([
    ["quelles sont les compétences du bloc 2 ?", "list"],
    ["liste des critères de C12", "list"],
    ["qui compose le jury ?", "procedure"],
    ["que se passe-t-il si un candidat échoue ?", "procedure"],
    ["quand faut-il envoyer le rapport au jury", "procedure"],
    ["est-ce qu'un formateur peut être dans le jury ?", "yesno"],
    ["c'est quoi le MLOps ?", "definition"],
  ])("%s → %s", (q, intent) => {
    expect(intentOf(q).intent).toBe(intent);
  });

  it("reads small talk whatever the typing, and only when it is all the message", () => {
    for (const q of [
      "bonjour",
      "Bonjour !",
      "salut ça va ?",
      "merci beaucoup",
      "thx 👍",
      "aide",
      "help",
      "",
      "  ",
      "?",
      "<@U123> ",
      "que sais-tu faire ?",
      "au revoir",
    ])
      expect(intentOf(q).intent, q).toBe("smalltalk");
    for (const q of [
      "bonjour, que demande la C12 ?",
      "merci de me dire combien de pages pour le E3",
      "aide à l'embauche ?",
    ])
      expect(intentOf(q).intent, q).not.toBe("smalltalk");
  });

  it("reads « combien de CCP » and « quels sont les CCP » as a count", () => {
    expect(intentOf("ya combien de ccp en tout ?").intent).toBe("count");
    expect(intentOf("Quels sont les CCP du titre ?").intent).toBe("count");
  });

  it("reads a rate's definition asked as a definition, not as a percentage wanted", () => {
    expect(intentOf("definition taux de transformation").intent).toBe("definition");
    expect(intentOf("quel est le taux de réussite ?").intent).toBe("numeric");
  });

  it("declines off-topic requests and writing the candidate's work", () => {
    expect(intentOf("quel temps fait-il à Paris ?").decline).toBe("off-topic");
    expect(intentOf("what's the weather like tomorrow").decline).toBe("off-topic");
    expect(intentOf("quel temps fera-t-il à Lyon le jour de ma soutenance ?").decline).toBe("off-topic");
    expect(intentOf("écris mon rapport à ma place").decline).toBe("do-my-work");
    expect(intentOf("write my report for me").decline).toBe("do-my-work");
    expect(intentOf("que doit contenir le rapport ?").decline).toBeNull();
    expect(intentOf("combien de pages pour le rapport E3").decline).toBeNull();
  });

  it("declines pastimes, unless a referential or a code is named (cooking is a care titre's competency)", () => {
    expect(intentOf("une bonne recette de crêpes ?").decline).toBe("pastime");
    expect(intentOf("what must I take into account when shopping and cooking?").decline).toBe("pastime");
    expect(
      intentOf("For the ADVF meals competency, what must I take into account when cooking?", [], 1).decline,
    ).toBeNull();
    // The weather is never a referential's subject.
    expect(intentOf("quel temps fera-t-il pour l'épreuve du titre ADVF ?", [], 1).decline).toBe("off-topic");
    expect(intentOf("quelle température fait-il à Bourges ce week-end ?").decline).toBe("off-topic");
    // A cook's temperatures are the job's.
    expect(intentOf("quelle température à cœur pour la remise en température ?").decline).toBeNull();
    // A public transport timetable is travel, even in a transport titre's index; to train is not a train.
    expect(intentOf("Quels sont les horaires du tramway à Nantes le dimanche ?").decline).toBe("pastime");
    expect(intentOf("what is the train timetable between Blois and Orléans?").decline).toBe("pastime");
    expect(intentOf("quels sont les horaires de l'épreuve de conduite du porteur ?").decline).toBeNull();
    expect(intentOf("how do I train for the schedule of the oral?").decline).toBeNull();
    expect(
      intentOf("je suis en train de regarder les horaires de l'épreuve, c'est à quelle heure ?").decline,
    ).toBeNull();
  });

  it("finds the aspect a follow-up asks about", () => {
    expect(intentOf("et comment elle est évaluée ?").aspect).toBe("evaluation");
    expect(intentOf("and the criteria?").aspect).toBe("criteria");
    expect(intentOf("et les activités ?").aspect).toBe("activities");
    expect(intentOf("et comment elle est évaluée ?").elliptic).toBe(true);
  });
});
