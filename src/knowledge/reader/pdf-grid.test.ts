import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { addedDocument } from "../../../test/helpers/knowledge-documents.js";
import { PACKAGE_ROOT } from "../../config.js";
import { type ParsedDocument, parseDocument } from "../parse-document.js";

// Documents of the held-out kinds, made with LibreOffice as their authors make them (imitations/README.md).
const IMITATIONS = join(PACKAGE_ROOT, "test", "fixtures", "knowledge", "imitations");

async function parse(id: string): Promise<ParsedDocument> {
  const bytes = new Uint8Array(await readFile(join(IMITATIONS, `${id}.pdf`)));
  return parseDocument(addedDocument(bytes, `${id}.pdf`, id), "generic");
}

describe("a référentiel de certification in landscape four-column grids with merged cells", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("rc-guc");
  });
  const byCode = (code: string) => parsed.records.find((r) => r.code === code);

  it("reads each competency with its own criteria, its activity's merged cell and its bloc's modalities", () => {
    const c33 = byCode("C3.3")!;
    expect(c33.kind).toBe("competency");
    expect(c33.title).toMatch(/^Établir les plannings de l'équipe/);
    expect(c33.criteria).toEqual([
      "Le planning couvre les besoins de l'activité (pics de fréquentation)",
      "Les règles relatives au temps de travail et aux repos sont respectées",
      "Le planning est communiqué dans les délais",
    ]);
    expect(c33.activities).toEqual(["A3.2 — Organisation du travail de l'équipe"]);
    expect(c33.modality).toContain("Épreuve E5 – Étude de cas écrite : organisation du travail");
    expect(c33.bloc).toBe("Bloc 3 — Manager l'équipe de l'unité commerciale (RNCP32136BC03)");
    // 27 competencies in 4 blocs, none made of the repeated header's text.
    const competencies = parsed.records.filter((r) => r.kind === "competency");
    expect(competencies.filter((r) => /^C\d\.\d$/.test(r.code ?? ""))).toHaveLength(24);
    expect(competencies.some((r) => /RÉFÉRENTIEL/.test(r.title))).toBe(false);
  });

  it("takes the summary table's bloc row and the bloc's own grid for one bloc, keeping its competencies", () => {
    const first = parsed.records.filter((r) => r.kind === "bloc" && /dynamique commerciale/.test(r.title));
    expect(first.map((r) => [r.code, r.title])).toEqual([
      ["RNCP32136BC01", "Bloc 1 — Développer la dynamique commerciale de l'unité"],
    ]);
    expect(first[0]!.statement).toContain("Épreuves : E1, E2");
    expect(first[0]!.statement).toContain(
      "Compétences : A1.1 — Veille commerciale et analyse du marché local",
    );
  });

  it("joins the row a page break cut, and gives the merged cells to the rows after it", () => {
    const c16 = byCode("C1.6")!;
    expect(c16.criteria.join(" ")).toContain("La réclamation est tracée et fait l'objet d'un suivi");
    expect(byCode("C1.7")!.modality).toContain("Épreuve E2 – Mise en situation professionnelle reconstituée");
  });

  it("reads the synthesis table's épreuves, named in its second column, as the grid's coded records with their duration", () => {
    const e2 = byCode("E2")!;
    expect(e2.kind).toBe("evaluation");
    // Named in full in the bloc's grid, then in short in the synthesis table: one record.
    expect(e2.title).toBe("Mise en situation professionnelle reconstituée : entretien de vente");
    expect(e2.modality).toBe("20 min + 20 min (préparation 20 min)");
    expect(e2.statement).toContain("Bloc : BC01");
    expect(e2.statement).toContain("Coef. : 2");
  });
});

describe("a REAC whose fiche titles and rubrics are body text, with a two-column glossary table", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("reac-tssr-2018");
  });

  it("reads 3 activités types and 15 compétences professionnelles with their critères", () => {
    expect(parsed.records.filter((r) => r.kind === "activity").map((r) => r.code)).toEqual([
      "AT1",
      "AT2",
      "AT3",
    ]);
    const cps = parsed.records.filter((r) => r.kind === "competency" && /^CP\d+$/.test(r.code ?? ""));
    expect(cps).toHaveLength(15);
    expect(cps.every((c) => c.criteria.length > 0)).toBe(true);
    expect(parsed.records.find((r) => r.code === "AT2")!.related).toEqual([
      "CP5",
      "CP6",
      "CP7",
      "CP8",
      "CP9",
    ]);
  });

  it("reads each row of the glossary table as a term, never its header", () => {
    const glossary = parsed.records.filter((r) => r.kind === "glossary");
    expect(glossary.find((g) => g.title === "SLA")?.statement).toMatch(/^SLA : Service Level Agreement/);
    expect(glossary.find((g) => g.title === "DMZ")?.statement).toMatch(/Zone démilitarisée/);
    expect(glossary.some((g) => /^Terme/.test(g.title))).toBe(false);
  });
});

describe("a 2013 REAC whose competency fiches carry their label only as a running line", () => {
  it("reads each competency from its name before « Description de la compétence », numbered by position", async () => {
    const parsed = await parse("reac-adva-2013");
    const cps = parsed.records.filter((r) => r.kind === "competency" && /^CP\d+$/.test(r.code ?? ""));
    expect(cps).toHaveLength(12);
    const toilette = cps.find((c) => c.title.startsWith("Aider la personne à faire sa toilette"))!;
    expect(toilette.bloc).toBe(
      "Activité type 2 — Accompagner la personne dans les actes essentiels du quotidien",
    );
    expect(toilette.criteria.join(" ")).toMatch(/intimité|pudeur/);
  });
});

describe("a training organisation's booklet", () => {
  it("reads the exam table's rows, cut by their stroked borders, with their durations", async () => {
    const parsed = await parse("livret-sa");
    const evaluations = parsed.records.filter((r) => r.kind === "evaluation");
    expect(evaluations.map((e) => e.modality)).toEqual(
      expect.arrayContaining(["03 h 30 min", "00 h 30 min", "00 h 20 min"]),
    );
    const msp = evaluations.find((e) => e.title.startsWith("Mise en situation professionnelle"))!;
    expect(msp.statement).toContain("commerciales et RH : durée 03 h 30 min");
  });

  it("reads a table whose header leaves the rows' labels' cell empty, and a glossary whose terms sit beside two-line definitions", async () => {
    const parsed = await parse("livret-sa");
    const pfmp = parsed.records.find((r) => r.title.startsWith("5. La période en entreprise"))!;
    expect(pfmp.statement).toContain(
      "Dates · PFMP n° 1 : du lundi 10 mars au vendredi 28 mars 2025 · PFMP n° 2 : du lundi 19 mai au vendredi 6 juin 2025",
    );
    const ecf = parsed.records.find((r) => r.kind === "glossary" && r.title === "ECF")!;
    expect(ecf.statement).toMatch(/^ECF : Évaluation en cours de formation/);
  });
});

describe("a training organisation's booklet whose two-column table sets its cells on baselines of their own", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("livret-sa");
  });

  it("reads each CCP's row as its activité type, with the competencies beside it", () => {
    const activities = parsed.records.filter((r) => r.kind === "activity");
    expect(activities.map((r) => [r.code, r.title])).toEqual([
      ["AT1", "Assurer les travaux courants de secrétariat et assister une équipe"],
      [
        "AT2",
        "Traiter les opérations administratives liées à la gestion commerciale et aux ressources humaines",
      ],
    ]);
    const at1 = activities[0]!.statement;
    expect(at1).toContain("Produire des documents professionnels courants");
    expect(at1).toContain("Planifier et organiser les activités de l'équipe");
    // The left cell's wrapped lines are not spread among the competencies.
    expect(at1).not.toMatch(/Assurer les\s+►|travaux courants\s+►/);
  });
});

describe("a school guide printed by Chromium: a blocs table going on over a page break, then a callout", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("round3/guide-bmcd");
  });

  it("reads each row of the blocs table as its bloc, named by its first cell, on both pages", () => {
    const blocs = parsed.records.filter((r) => r.kind === "bloc" && r.code);
    expect(blocs.map((r) => [r.code, r.title])).toEqual([
      ["RNCP40318BC01", "Bloc 1 — Élaborer la stratégie marketing et de communication digitale"],
      [
        "RNCP40318BC02",
        "Bloc 2 — Concevoir et produire des contenus et animer les communautés sur les réseaux sociaux",
      ],
      // On the second page no blank channel runs between the columns over the next lines: the drawn
      // borders place them, and the bloc's name is not spread among its competencies.
      ["RNCP40318BC03", "Bloc 3 — Déployer les actions d’acquisition et analyser la performance digitale"],
      [
        "RNCP40318BC04",
        "Bloc 4 — Piloter un projet de communication digitale et coordonner les parties prenantes",
      ],
    ]);
    const bc03 = blocs[2]!.statement;
    expect(bc03).toContain(
      "Modalités d’évaluation : E4 — Mise en situation professionnelle individuelle sur poste informatique (3 h 30)",
    );
    expect(bc03).toContain(
      "C3.5 Analyser les résultats des actions et formuler des recommandations d’optimisation",
    );
  });

  it("ends the table where its borders end: the callout under it is prose", () => {
    const callout = parsed.records.find((r) =>
      r.statement.includes("Le titre comporte 4 blocs et 6 épreuves"),
    )!;
    expect(callout.kind).toBe("section");
    expect(callout.statement).not.toMatch(/·|Compétences évaluées :/);
  });
});

describe("a guide typeset with LaTeX: hyperref bookmarks its sections by title, the page prints their numbers", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("round4/guide-memoire-cyber");
  });

  it("heads each numbered section by its bookmark, and numbered lists after the blocs table stay lists", () => {
    const volume = parsed.records.find((r) => r.title === "4. Structure attendue du mémoire › 4.1 Volume")!;
    expect(volume.kind).toBe("section");
    expect(volume.statement).toContain("compte entre 60 et 80 pages");
    expect(
      parsed.records.find((r) => r.title.endsWith("9. La soutenance orale › 9.2 Le jury")),
    ).toBeDefined();
    // The five criteria of a good subject were read as competencies of the last bloc.
    expect(
      parsed.records.filter(
        (r) => r.kind === "competency" && /Ancrage professionnel|Structure attendue/.test(r.title),
      ),
    ).toEqual([]);
  });
});

describe("a fiche RNCP printed from France Compétences' site: its prose set larger than its long blocs table", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("round4/fiche-rncp-rl");
  });

  it("keeps the prose in its sections: a size carrying much of the text is not a heading's", () => {
    const summary = parsed.records.find((r) => r.title === "Résumé de la fiche")!;
    expect(summary.statement).toContain("La fonction logistique connaît depuis plusieurs années");
    expect(
      parsed.records.some((r) => /La fonction logistique|Planification des activités/.test(r.title)),
    ).toBe(false);
  });

  it("joins the row a page break cut when its first cell goes on in small letters", () => {
    const bc02 = parsed.records.find((r) => r.code === "RNCP41287BC02")!;
    expect(bc02.title).toBe("Bloc 2 — Piloter les opérations d’entreposage et de transport");
    expect(bc02.statement).toContain("Dossier écrit individuel « Appel d’offres transport »");
    // Its « Modalités d'évaluation » cell is how the bloc is evaluated.
    expect(bc02.modality).toMatch(/^Mise en situation professionnelle reconstituée/);
  });

  it("reads « RNCP35512BC02 → RNCP41287BC02 » as a correspondence, not as the old bloc's record", () => {
    expect(parsed.records.filter((r) => r.code?.startsWith("RNCP35512"))).toEqual([]);
    const blocs = parsed.records.filter((r) => r.kind === "bloc").map((r) => r.code);
    expect(blocs.sort()).toEqual([
      "RNCP41287BC01",
      "RNCP41287BC02",
      "RNCP41287BC03",
      "RNCP41287BC04",
      "RNCP41287BC05",
    ]);
  });

  it("heads a section with a label ending in a colon when it is set larger than the text", () => {
    const prerequisites = parsed.records.find((r) =>
      r.title.endsWith("Le cas échéant, prérequis à l’entrée en formation :"),
    )!;
    expect(prerequisites.statement).toMatch(/^L’accès à la formation/);
  });

  it("reads a list whose bullets the page draws (no glyph, the items indented) as its lead-in's items, over a page break", () => {
    const rules = parsed.records.find((r) => r.statement.includes("La certification totale est délivrée"))!;
    const lines = rules.statement.split("\n");
    const at = lines.findIndex((l) => l.startsWith("La certification totale est délivrée"));
    expect(lines[at + 1]).toBe("- a validé les cinq blocs de compétences ;");
    expect(lines[at + 2]).toMatch(/^- justifie d’une expérience en entreprise d’au moins 16 semaines/);
    expect(lines[at + 3]).toMatch(/^- justifie d’un niveau d’anglais B1/);
  });
});

describe("an RE whose épreuve de synthèse and each CCP have a table of the same rows", () => {
  let parsed: ParsedDocument;
  beforeAll(async () => {
    parsed = await parse("round4/re-cip-2023");
  });

  it("names each table's row by the CCP above it, or by its chapter and section", () => {
    const totals = parsed.records
      .filter(
        (r) => r.kind === "evaluation" && r.title.startsWith("Durée totale de l’épreuve pour le candidat"),
      )
      .map((r) => [
        r.title.replace(/^Durée totale de l’épreuve pour le candidat — /, "").slice(0, 40),
        r.modality,
      ]);
    expect(totals).toEqual([
      ["Éléments de l’épreuve de synthèse › Prés", "03 h 30 min"],
      ["CCP 1 – Accueillir pour analyser la dema", "01 h 40 min"],
      ["CCP 2 – Accompagner les personnes dans l", "02 h 00 min"],
      ["CCP 3 – Mettre en œuvre une offre de ser", "01 h 45 min"],
    ]);
  });
});
