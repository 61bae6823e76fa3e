import { describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { CertibotError } from "../errors.js";
import { dueAlerts } from "./alerts.js";
import { tokenize } from "./commands.js";
import { addMonths, parseDate } from "./dates.js";
import { computeDeadlines, loadDeadlineRules, milestoneProblem, parseDeadlineRules } from "./deadlines.js";
import { juryCheck } from "./jury.js";
import { buildPv } from "./pv.js";
import { parseRoster, withPvIds } from "./roster.js";
import type { Member, Milestones, Session } from "./types.js";

const rules = await loadDeadlineRules(KNOWLEDGE_DIR);
const SAMPLE: Milestones = {
  launch: "2023-10-02",
  prairieEnd: "2024-01-05",
  sessionStart: "2025-05-05",
  sessionEnd: "2025-05-09",
};
const dueOf = (m: Milestones, lead = 1) =>
  Object.fromEntries(computeDeadlines(m, rules, lead).deadlines.map((d) => [d.id, d.due]));

describe("deadline rules", () => {
  it("compute the guide's example calendar", () => {
    expect(dueOf(SAMPLE)).toEqual({
      "s1-project-team": "2023-09-02",
      "s1-trainers": "2023-09-18",
      "s1-learners": "2024-01-05",
      "s1-jury": "2025-04-21",
      "s2-trainers": "2023-09-18",
      "s2-learners": "2024-01-05",
      "s2-jury": "2025-05-05",
      "reports-to-jury": "2025-05-04",
      "pv-prepare": "2025-05-05",
      "pv-complete": "2025-05-09",
    });
    // Configurable per session: reports three days ahead.
    expect(dueOf(SAMPLE, 3)["reports-to-jury"]).toBe("2025-05-02");
  });

  it("quote their source and keep stable ids", () => {
    expect(rules.map((r) => r.id)).toEqual([
      "s1-project-team",
      "s1-trainers",
      "s1-learners",
      "s1-jury",
      "s2-trainers",
      "s2-learners",
      "s2-jury",
      "reports-to-jury",
      "pv-prepare",
      "pv-complete",
    ]);
    for (const r of rules) expect(r.source).toMatch(/«.+»/);
  });

  it("leave out what needs a milestone not set yet", () => {
    const { deadlines, missing } = computeDeadlines(
      { ...SAMPLE, sessionStart: null, sessionEnd: null },
      rules,
    );
    expect(deadlines.map((d) => d.id)).toEqual([
      "s1-project-team",
      "s1-trainers",
      "s2-trainers",
      "s1-learners",
      "s2-learners",
    ]);
    expect(new Set(missing.map((r) => r.anchor))).toEqual(new Set(["sessionStart", "sessionEnd"]));
  });

  it("count calendar months, clamped to the month's end", () => {
    expect(addMonths("2024-03-31", -1)).toBe("2024-02-29");
    expect(addMonths("2023-03-31", -1)).toBe("2023-02-28");
    expect(addMonths("2024-01-15", -1)).toBe("2023-12-15");
  });

  it("reject a malformed rules file", () => {
    expect(() => parseDeadlineRules("referential: x\ndeadlines: [{id: A b}]")).toThrow(/KNOWLEDGE_INVALID/);
  });
});

describe("dates and milestones", () => {
  it("read ISO and French dates, refuse impossible ones", () => {
    expect(parseDate("2025-05-05")).toBe("2025-05-05");
    expect(parseDate("5/5/2025")).toBe("2025-05-05");
    for (const bad of ["2025-02-30", "2025-13-01", "demain", "05-05-2025", ""])
      expect(parseDate(bad), bad).toBeNull();
  });

  it("say precisely which milestone is out of order", () => {
    expect(milestoneProblem(SAMPLE)).toBeNull();
    expect(milestoneProblem({ ...SAMPLE, prairieEnd: "2023-09-01" })).toMatch(
      /fin de la prairie .*avant le lancement/,
    );
    expect(
      milestoneProblem({ ...SAMPLE, prairieEnd: null, sessionStart: "2023-01-01", sessionEnd: null }),
    ).toMatch(/début de la session .*avant le lancement/);
    expect(milestoneProblem({ ...SAMPLE, sessionEnd: "2025-05-01" })).toMatch(
      /fin de la session .*avant son début/,
    );
  });
});

describe("dueAlerts", () => {
  const paris = { timezone: "Europe/Paris" };
  const deadlines = computeDeadlines(SAMPLE, rules).deadlines;
  const s1Jury = deadlines.filter((d) => d.id === "s1-jury"); // due Monday 2025-04-21
  const at = (iso: string) => new Date(iso);
  const stagesAt = (iso: string, done = new Set<string>()) =>
    dueAlerts(paris, s1Jury, done, at(iso)).map((a) => `${a.stage} ${a.stageDate} ${a.daysLeft}`);

  it("announce J-7, J-1 and J0 at 09:00 session time, then each overdue day", () => {
    expect(stagesAt("2025-04-14T06:59:59Z")).toEqual([]); // 08:59:59 in Paris (summer time)
    expect(stagesAt("2025-04-14T07:00:00Z")).toEqual(["j-7 2025-04-14 7"]);
    expect(stagesAt("2025-04-19T12:00:00Z")).toEqual(["j-7 2025-04-14 2"]);
    expect(stagesAt("2025-04-20T07:00:00Z")).toEqual(["j-1 2025-04-20 1"]);
    expect(stagesAt("2025-04-21T07:00:00Z")).toEqual(["j0 2025-04-21 0"]);
    expect(stagesAt("2025-04-22T06:59:00Z")).toEqual(["j0 2025-04-21 0"]);
    expect(stagesAt("2025-04-22T07:00:00Z")).toEqual(["overdue 2025-04-22 -1"]);
    expect(stagesAt("2025-04-25T07:00:00Z")).toEqual(["overdue 2025-04-25 -4"]);
  });

  it("send nothing for a deadline marked done", () => {
    expect(stagesAt("2025-04-21T07:00:00Z", new Set(["s1-jury"]))).toEqual([]);
  });

  it("keep 09:00 on the session's clock across both DST changes", () => {
    // Spring forward on 2025-03-30: 09:00 is 08:00Z the day before, 07:00Z on the day.
    const spring = [{ ...s1Jury[0]!, due: "2025-03-31" }];
    const j1 = dueAlerts(paris, spring, new Set(), at("2025-03-30T07:00:00Z"));
    expect(j1.map((a) => [a.stage, a.at.toISOString()])).toEqual([["j-1", "2025-03-30T07:00:00.000Z"]]);
    expect(dueAlerts(paris, spring, new Set(), at("2025-03-30T06:59:00Z"))[0]?.stage).toBe("j-7");
    // Fall back on 2025-10-26: 09:00 is 08:00Z on the day.
    const autumn = [{ ...s1Jury[0]!, due: "2025-10-26" }];
    expect(dueAlerts(paris, autumn, new Set(), at("2025-10-26T07:59:00Z"))[0]?.stage).toBe("j-1");
    expect(dueAlerts(paris, autumn, new Set(), at("2025-10-26T08:00:00Z"))[0]?.at.toISOString()).toBe(
      "2025-10-26T08:00:00.000Z",
    );
  });

  it("after downtime give each deadline once, at its current stage", () => {
    const all = dueAlerts(paris, deadlines, new Set(), at("2025-05-05T10:00:00Z"));
    expect(all.map((a) => `${a.deadline.id}:${a.stage}`)).toEqual([
      "s1-project-team:overdue",
      "s1-trainers:overdue",
      "s2-trainers:overdue",
      "s1-learners:overdue",
      "s2-learners:overdue",
      "s1-jury:overdue",
      "reports-to-jury:overdue",
      "s2-jury:j0",
      "pv-prepare:j0",
      "pv-complete:j-7",
    ]);
    expect(new Set(all.map((a) => a.key)).size).toBe(all.length);
  });

  it("stop once the session is archived (30 days after its last deadline)", () => {
    expect(dueAlerts(paris, deadlines, new Set(), at("2025-06-08T08:00:00Z")).length).toBeGreaterThan(0);
    expect(dueAlerts(paris, deadlines, new Set(), at("2025-06-09T08:00:00Z"))).toEqual([]);
  });
});

describe("roster", () => {
  it("reads a French spreadsheet export: BOM, semicolons, quotes, accents, CRLF", () => {
    const csv =
      '\uFEFFNom;Prénom;E-mail;Rôle\r\n"N\'Diaye";Awa;awa@example.org;Apprenante\r\nÉlie;"Zoé ""Zo""";;\r\n\r\nMartin;Paul;;formateur\r\n';
    expect(parseRoster(csv)).toEqual([
      { line: 2, nom: "N'Diaye", prenom: "Awa", email: "awa@example.org", role: "candidate" },
      { line: 3, nom: "Élie", prenom: 'Zoé "Zo"', email: null, role: "candidate" },
      { line: 5, nom: "Martin", prenom: "Paul", email: null, role: "trainer" },
    ]);
  });

  it("reports every bad row by line number and imports nothing", () => {
    const rosterError = (csv: string) => {
      try {
        parseRoster(csv);
      } catch (e) {
        if (e instanceof CertibotError && e.code === "ROSTER_INVALID") return e.userMessage("fr");
        throw e;
      }
      throw new Error("the roster was accepted");
    };
    const hint = rosterError(
      "nom,prenom,email,role\nDupont,,x@y.fr,\n,Marie,pas-un-mail,\nDurand,Léa,,stagiaire\nDurand,Léa,,\nDURAND,lea,,\n",
    );
    expect(hint).toMatch(/^La liste des candidats est invalide ; rien n'a été importé\./);
    expect(hint).toMatch(/ligne 2 : prénom manquant/);
    expect(hint).toMatch(/ligne 3 : nom manquant/);
    expect(hint).toMatch(/ligne 3 : adresse e-mail invalide « pas-un-mail »/);
    expect(hint).toMatch(/ligne 4 : rôle inconnu « stagiaire »/);
    expect(hint).toMatch(/ligne 6 : lea DURAND figure déjà ligne 5/);
    expect(rosterError("prenom,age\nA,3\n")).toMatch(
      /Ligne 1 : l'en-tête doit être .*colonne inconnue : age/,
    );
    expect(rosterError("")).toMatch(/vide/);
    expect(rosterError("nom,prenom\n")).toMatch(/Aucune personne/);
    expect(rosterError("nom,prenom\nA,B,C\n")).toMatch(/ligne 2 : 3 colonnes au lieu de 2/);
    expect(rosterError('nom,prenom\n"Dupont,Marc\n')).toMatch(/ligne 2 : guillemet non fermé/);
    expect(rosterError("nom,prenom\n\uFFFD,B\n")).toMatch(/UTF-8/);
  });

  it("gives PV ids in A–Z order with French collation, as the guide's 3006-ND-08", () => {
    const people = [
      { nom: "Zola", prenom: "Émile" },
      { nom: "élie", prenom: "Zoé" },
      { nom: "Dupont", prenom: "marc" },
      { nom: "Éclair", prenom: "Anne" },
      { nom: "Dupont", prenom: "Ève" },
      { nom: "N'Diaye", prenom: "Dieynaba" },
      { nom: "Abel", prenom: "Jean" },
      { nom: "de la Tour", prenom: "Luc" },
    ];
    expect(withPvIds("3006", people).map((c) => `${c.pvId} ${c.nom} ${c.prenom}`)).toEqual([
      "3006-AJ-01 Abel Jean",
      "3006-DL-02 de la Tour Luc",
      "3006-DE-03 Dupont Ève",
      "3006-DM-04 Dupont marc",
      "3006-EA-05 Éclair Anne",
      "3006-EZ-06 élie Zoé",
      "3006-ND-07 N'Diaye Dieynaba",
      "3006-ZE-08 Zola Émile",
    ]);
  });
});

const member = (over: Partial<Member>): Member => ({
  id: 1,
  sessionId: 1,
  role: "jury",
  slackUserId: null,
  email: null,
  nom: "",
  prenom: "",
  professional: true,
  yearsExperience: 5,
  ...over,
});

describe("jury rules", () => {
  const trainer = member({
    role: "trainer",
    nom: "Martin",
    prenom: "Paul",
    slackUserId: "U0TRAIN",
    yearsExperience: null,
  });

  it("accept two professionals with two years or more who did not train the candidates", () => {
    expect(
      juryCheck(
        [member({ nom: "A", prenom: "B" }), member({ nom: "C", prenom: "D", yearsExperience: 2 })],
        [trainer],
      ),
    ).toEqual([]);
  });

  it("flag too few professionals, too little experience and a trainer on the jury", () => {
    const kinds = (jury: Member[]) => juryCheck(jury, [trainer]).map((i) => i.kind);
    expect(kinds([member({ nom: "A", prenom: "B" })])).toEqual(["too-few-professionals"]);
    expect(
      kinds([member({ nom: "A", prenom: "B" }), member({ nom: "C", prenom: "D", yearsExperience: 1 })]),
    ).toEqual(["too-few-professionals", "too-little-experience"]);
    expect(
      kinds([member({ nom: "A", prenom: "B" }), member({ nom: "C", prenom: "D", professional: false })]),
    ).toEqual(["too-few-professionals"]);
    // The trainer is recognised by Slack id as well as by name.
    expect(kinds([member({ nom: "A", prenom: "B" }), member({ slackUserId: "U0TRAIN" })])).toEqual([
      "too-few-professionals",
      "trainer-on-jury",
    ]);
    expect(
      kinds([
        member({ nom: "A", prenom: "B" }),
        member({ nom: "martin", prenom: "PAUL" }),
        member({ nom: "E", prenom: "F" }),
      ]),
    ).toEqual(["trainer-on-jury"]);
    expect(
      kinds([member({ nom: "A", prenom: "B", yearsExperience: null }), member({ nom: "C", prenom: "D" })]),
    ).toEqual(["too-few-professionals", "experience-unknown"]);
  });
});

describe("PV", () => {
  const session = {
    id: 1,
    name: "dev-ia-2023",
    referential: "rncp37827",
    agate: "3006",
    channelId: null,
    timezone: "Europe/Paris",
    ...SAMPLE,
    reportsLeadDays: 1,
    createdBy: "cli",
    createdAt: new Date(),
  } satisfies Session;
  const decided = (decision: "admis" | "refuse" | "absent", comment: string | null = null) => ({
    memberId: 1,
    decision,
    comment,
    decidedBy: "U0M",
    decidedAt: new Date(),
  });

  it("counts present, absent, admitted and refused, and flags a refusal without comment", () => {
    const pv = buildPv(session, { name: "Développeur en intelligence artificielle", rncp: "RNCP37827" }, [
      {
        member: member({ role: "candidate", nom: "Abel", prenom: "Jean" }),
        pvId: "3006-AJ-01",
        decision: decided("admis"),
      },
      {
        member: member({ role: "candidate", nom: "Brun", prenom: "Léa" }),
        pvId: "3006-BL-02",
        decision: decided("refuse"),
      },
      {
        member: member({ role: "candidate", nom: "Cruz", prenom: "Ana" }),
        pvId: "3006-CA-03",
        decision: decided("absent"),
      },
      {
        member: member({ role: "candidate", nom: "Diaz", prenom: "Tom" }),
        pvId: "3006-DT-04",
        decision: decided("refuse", "Projet; incomplet"),
      },
    ]);
    expect(pv.counts).toEqual({
      registered: 4,
      present: 3,
      absent: 1,
      admitted: 1,
      refused: 2,
      undecided: 0,
    });
    expect(pv.problems).toEqual([
      "Léa Brun : refus sans commentaire (le commentaire est obligatoire en cas de refus).",
    ]);
    expect(pv.csv.split("\r\n")).toEqual([
      "Nom;Prénom;Identifiant;Formation;VAE;Absent.e;Refusé.e;Admis.e;Commentaire",
      "Abel;Jean;3006-AJ-01;X;;;;X;",
      "Brun;Léa;3006-BL-02;X;;;X;;",
      "Cruz;Ana;3006-CA-03;X;;X;;;",
      'Diaz;Tom;3006-DT-04;X;;;X;;"Projet; incomplet"',
      "",
    ]);
    expect(pv.markdown).toMatch(/N° RNCP de la certification : RNCP37827/);
    expect(pv.markdown).toMatch(/Nombre de candidats refusés : 2/);
    expect(pv.markdown).toMatch(/\| Brun \| Léa \| 3006-BL-02 \|/);
  });
});

describe("/session grammar", () => {
  it("splits words, quoted names, settings and a pasted body", () => {
    expect(tokenize('jury add "Alice Durand" annees=5 pro=non email=a@b.fr\nnom,prenom\nA,B')).toEqual({
      words: ["jury", "add", "Alice Durand"],
      settings: new Map([
        ["annees", "5"],
        ["pro", "non"],
        ["email", "a@b.fr"],
      ]),
      raw: ["jury", "add", "Alice Durand", "annees=5", "pro=non", "email=a@b.fr"],
      body: "nom,prenom\nA,B",
    });
    expect(tokenize("set fin-prairie=05/01/2024 canal=<#C0PROMO|promo> session=« dev ia »").settings).toEqual(
      new Map([
        ["fin-prairie", "05/01/2024"],
        ["canal", "<#C0PROMO|promo>"],
        ["session", "dev ia"],
      ]),
    );
  });
});
