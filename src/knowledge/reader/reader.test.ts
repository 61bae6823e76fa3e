import { PDFDocument, rgb } from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addedDocument,
  buildGuideDocx,
  buildGuidePdf,
  GUIDE,
} from "../../../test/helpers/knowledge-documents.js";
import { parseDocument } from "../parse-document.js";
import { recordText } from "../record.js";
import { MASK } from "./personal-data.js";
import { readDocument, sniffFormat } from "./read-document.js";
import { textBlocks } from "./read-text.js";
import { matchCode, structure } from "./structure.js";

const doc = (bytes: Uint8Array, file: string) => addedDocument(bytes, file);

describe("code families", () => {
  it.each([
    ["C1 Analyser le besoin", "C1", "competency"],
    ["BC02 – Planifier et piloter un projet digital", "Bloc 2", "bloc"],
    ["C1.2 - Maquetter", "C1.2", "competency"],
    ["C1.1.1 : Organiser l'accueil", "C1.1.1", "competency"],
    ["B2C4 Déployer", "B2C4", "competency"],
    ["B2Cr4 Le modèle est évalué", "B2Cr4", "criterion"],
    ["CP1 Installer son environnement", "CP1", "competency"],
    ["RNCP38436BC01 - Concevoir une solution", "RNCP38436BC01", "bloc"],
    ["Bloc 2 : Développer", "Bloc 2", "bloc"],
    ["Bloc de compétences 3 — Déployer", "Bloc 3", "bloc"],
    ["Compétence 3 : Piloter", "C3", "competency"],
    ["E3 — Cas pratique", "E3", "evaluation"],
    ["Sous-épreuve E13 : Conduite d'un projet", "E13", "evaluation"],
    ["Épreuve 2 : étude de cas", "E2", "evaluation"],
    ["A1.2 Concevoir", "A1.2", "activity"],
  ])("%s → %s", (text, code, kind) => {
    expect(matchCode(text)).toMatchObject({ code, kind });
  });

  it("leaves prose alone", () => {
    for (const t of ["C'est la compétence", "a 1 an", "Ce bloc", "e-mail", "Comment"])
      expect(matchCode(t)).toBeNull();
  });
});

describe("PDF: two-column grid, running footer with a phone number", () => {
  let reading: Awaited<ReturnType<typeof readDocument>>;
  let parsed: Awaited<ReturnType<typeof parseDocument>>;
  beforeAll(async () => {
    const bytes = await buildGuidePdf();
    reading = await readDocument(bytes, "guide.pdf");
    parsed = await parseDocument(doc(bytes, "guide.pdf"), "generic");
  });

  it("reads pages, headings by layout, and drops the running header and footer", () => {
    expect(reading.pages).toBe(10);
    expect(reading.headingSource).toBe("layout");
    expect(reading.droppedRunning).toBe(20);
    const headings = reading.blocks
      .filter((b) => b.kind === "heading")
      .map((b) => (b as { text: string }).text);
    expect(headings).toEqual(
      expect.arrayContaining(["Présentation du titre", ...GUIDE.blocs.map((b) => b.title)]),
    );
  });

  it("pairs each competency with its criteria, across wrapped cells and page breaks", () => {
    for (const bloc of GUIDE.blocs) {
      for (const c of bloc.competencies) {
        const r = parsed.records.find((x) => x.code === c.code);
        expect(r, c.code).toBeDefined();
        expect(r!.kind).toBe("competency");
        expect(r!.title).toBe(c.text);
        expect(r!.criteria).toEqual(c.criteria);
        expect(r!.bloc).toBe(bloc.title);
      }
    }
    const bloc2 = parsed.records.find((r) => r.kind === "bloc" && r.title.startsWith("Bloc 2"));
    expect(bloc2?.statement).toContain(
      "CP7 — Concevoir et mettre en place une base de données relationnelle",
    );
  });

  it("keeps sections with their heading path, and masks every phone number and address", () => {
    const section = parsed.records.find((r) => r.title === "Modalités d'évaluation");
    expect(section?.statement).toContain("1 h 20 min");
    const all = parsed.records.map(recordText).join("\n");
    expect(all).not.toContain(GUIDE.contactPhone);
    expect(all).not.toContain(GUIDE.phone);
    expect(all).not.toContain(GUIDE.email);
    expect(all).toContain(MASK);
    // The footer's number and address (dropped) and the contact page's number: distinct values.
    expect(parsed.summary.masked).toEqual({ phones: 2, emails: 1 });
  });
});

describe("DOCX and Markdown", () => {
  it("reads heading styles and a table of competencies and criteria from a real .docx", async () => {
    const bytes = await buildGuideDocx();
    expect(sniffFormat(bytes, "x.bin")).toBe("docx");
    const parsed = await parseDocument(doc(bytes, "guide.docx"), "generic");
    const c11 = parsed.records.find((r) => r.code === "C1.1");
    expect(c11?.criteria).toHaveLength(2);
    expect(c11?.bloc).toBe("Bloc 1 — Concevoir une architecture de données");
    expect(parsed.records.find((r) => r.title === "Présentation de l'épreuve")?.statement).toContain(
      "50 minutes",
    );
    expect(parsed.summary.masked).toEqual({ phones: 1, emails: 1 });
    expect(parsed.records.map(recordText).join("\n")).not.toMatch(/ecole-data\.fr|01 45 67 89 10/);
  });

  it("reads Markdown headings, numbered titles, lists under a competency, uncoded competencies of a bloc", () => {
    const md = [
      "# Guide du candidat",
      "## 1. Le dossier professionnel",
      "Le dossier fait 20 pages au plus.",
      "## RNCP38436BC01 - Piloter un projet digital",
      "- Cadrer le projet avec le commanditaire",
      "- Animer l'équipe projet",
      "## Compétence 3 : Mesurer la performance",
      "Critères :",
      "- Les indicateurs sont définis",
      "- Le tableau de bord est à jour",
    ].join("\n");
    const records = structure("g", textBlocks(md, "md").blocks);
    const bloc = records.find((r) => r.code === "RNCP38436BC01");
    expect(bloc?.kind).toBe("bloc");
    const uncoded = records.filter((r) => r.kind === "competency" && r.code === null);
    expect(uncoded.map((r) => r.title)).toEqual([
      "Compétence 1 du bloc 1 — Cadrer le projet avec le commanditaire",
      "Compétence 2 du bloc 1 — Animer l'équipe projet",
    ]);
    expect(records.find((r) => r.code === "C3")?.criteria).toEqual([
      "Les indicateurs sont définis",
      "Le tableau de bord est à jour",
    ]);
    expect(records.find((r) => r.title === "1. Le dossier professionnel")?.statement).toBe(
      "Le dossier fait 20 pages au plus.",
    );
  });

  it("takes a short line standing alone for a title, but not a form's blank field", () => {
    const text = [
      "Objectifs et durée",
      "",
      "La formation en milieu professionnel dure 22 semaines.",
      "",
      "Date d'examen : \\_\\_\\_\\_ / \\_\\_\\_\\_ / \\_\\_\\_\\_",
      "",
      "Adresse du lieu de la session : \\_\\_\\_\\_\\_",
    ].join("\n");
    const headings = textBlocks(text, "md")
      .blocks.filter((b) => b.kind === "heading")
      .map((b) => (b as { text: string }).text);
    expect(headings).toEqual(["Objectifs et durée"]);
  });

  it("indexes text with no structure as passages, and says so", async () => {
    const text = new TextEncoder().encode(
      Array.from(
        { length: 30 },
        (_, i) => `phrase numéro ${i} sans titre ni code, simplement du texte suivi.`,
      ).join(" "),
    );
    const parsed = await parseDocument(doc(text, "notes.txt"), "generic");
    expect(parsed.summary.structured).toBe(false);
    expect(parsed.records.every((r) => r.kind === "section" && r.title.startsWith("Passage"))).toBe(true);
  });

  it("masks a phone number the layout cut over two lines", async () => {
    const md = new TextEncoder().encode(
      "# Guide\n\n## Contact\n\nPôle certification – Tél.\n\n01 40\n\n69 37 12 – du lundi au vendredi de 9 h à 12 h 30.\n",
    );
    const parsed = await parseDocument(doc(md, "guide.md"), "generic");
    const contact = parsed.records.find((r) => r.title === "Contact")!;
    expect(contact.statement).toContain("du lundi au vendredi de 9 h à 12 h 30");
    expect(contact.statement).not.toMatch(/69 37 12/);
    expect(contact.statement).toContain(MASK);
    expect(parsed.summary.masked.phones).toBe(1);
  });
});

describe("unreadable input gets one clear reason", () => {
  it.each([
    ["an empty file", new Uint8Array(), /vide/],
    ["binary data", new Uint8Array([0, 1, 2, 3, 255, 254, 0, 0, 7, 8]), /format inconnu/],
    ["a zip that is not a .docx", new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /zip/],
  ])("%s", async (_name, bytes, reason) => {
    const err = await readDocument(bytes, "x").catch((e) => e);
    expect(err.code).toBe("KNOWLEDGE_UNREADABLE");
    expect(err.userMessage()).toMatch(reason);
  });

  it("a scanned PDF (no text)", async () => {
    const pdf = await PDFDocument.create();
    pdf
      .addPage([595, 842])
      .drawRectangle({ x: 50, y: 50, width: 400, height: 600, color: rgb(0.5, 0.5, 0.5) });
    const err = await readDocument(await pdf.save(), "scan.pdf").catch((e) => e);
    expect(err.code).toBe("KNOWLEDGE_UNREADABLE");
    expect(err.userMessage()).toMatch(/scanné/);
  });

  it("a truncated PDF", async () => {
    const bytes = (await buildGuidePdf()).slice(0, 900);
    const err = await readDocument(bytes, "cut.pdf").catch((e) => e);
    expect(err.code).toBe("KNOWLEDGE_UNREADABLE");
  });
});
