/**
 * The checker on reports made with the tools candidates use: pandoc, LibreOffice (DOCX and
 * PDF), a school template with its own heading styles, pdfLaTeX in two columns, Chromium's
 * print to PDF, a scan, a Google-Docs-like DOCX. The files are committed under
 * test/fixtures/reports/, made by scripts/make-report-fixtures.sh (which needs the tools;
 * these tests do not). docx-pages-libreoffice.txt holds each DOCX's page count as
 * LibreOffice lays it out, the reference our estimates are held to.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { checkReport, type ReportVerdict } from "./check.js";
import { loadDeliverables } from "./deliverables.js";
import { formatChecklist } from "./format.js";

const DIR = join(import.meta.dirname, "../../test/fixtures/reports");
const LIMITS = { maxBytes: 25 * 1024 * 1024, maxUncompressedBytes: 200 * 1024 * 1024, timeoutMs: 30_000 };
const deliverables = await loadDeliverables(KNOWLEDGE_DIR);
const reference = new Map(
  readFileSync(join(DIR, "docx-pages-libreoffice.txt"), "utf8")
    .trim()
    .split("\n")
    .map((l) => l.split(" ") as [string, string])
    .map(([f, n]) => [f, Number(n)]),
);

async function check(name: string, deliverableId: string) {
  const bytes = new Uint8Array(readFileSync(join(DIR, name)));
  return checkReport(bytes, { deliverables, deliverableId, limits: LIMITS });
}
const section = (v: ReportVerdict, name: string) => v.sections.find((s) => s.name.startsWith(name))!;

/** An estimated DOCX count within 15 % (at least 1 page) of LibreOffice's layout. */
function expectNearReference(v: ReportVerdict, file: string) {
  const ref = reference.get(file)!;
  expect(ref).toBeGreaterThan(0);
  expect(Math.abs(v.pages! - ref)).toBeLessThanOrEqual(Math.max(1, Math.round(ref * 0.15)));
}

describe("DOCX from real tools", () => {
  it("pandoc: reads '1<w:tab />Introduction', distrusts the template's stale <Pages>1</Pages>, skips the TOC field", async () => {
    const { verdict: v } = await check("pandoc-fr.docx", "chef-doeuvre");
    expect(v).toMatchObject({
      format: "docx",
      pagesApproximate: true,
      pagesSource: "estimate",
      pagesOk: true,
      missing: [],
      textExtracted: true,
      ok: true,
    });
    expectNearReference(v, "pandoc-fr.docx");
    expect(section(v, "Retours").heading).toBe("3.2 Retours d’expérience");
    expect(v.hints.join(" ")).toMatch(/indique 1 page, ce qui ne correspond pas/);
    expect(v.hints.join(" ")).not.toMatch(/styles de titre/);
  });

  it("pandoc in English: possessives ('client's'), plurals and English names", async () => {
    const { verdict: v } = await check("pandoc-en.docx", "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(section(v, "Compréhension").heading).toBe("2 Understanding the client’s needs");
    expect(section(v, "Retours").heading).toBe("3.2 Lessons learned");
    expectNearReference(v, "pandoc-en.docx");
  });

  it("the candidate's own words: synonyms per section, one heading for two sections", async () => {
    const { verdict: v } = await check("pandoc-own-words.docx", "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(section(v, "État").heading).toBe("Existant et solutions du marché");
    expect(section(v, "Éléments de conception").heading).toBe("Conception et choix techniques");
    expect(section(v, "Choix techniques").heading).toBe("Conception et choix techniques");
    expect(section(v, "Réponse finale").heading).toBe("La solution livrée");
    expect(section(v, "Organisation technique").heading).toBe("Outillage et organisation technique");
    expect(section(v, "Conclusion").heading).toBe("Ce que je retiens");
  });

  it("LibreOffice DOCX without a page count: estimated; missing sections named with the closest heading", async () => {
    const { verdict: v } = await check("libreoffice-missing.docx", "chef-doeuvre");
    expect(v).toMatchObject({ pagesApproximate: true, pagesSource: "estimate", ok: false });
    expect(v.missing).toEqual(["État de l'art", "Gestion de projet"]);
    expectNearReference(v, "libreoffice-missing.docx");
    // LibreOffice lays it out on 19 pages: an estimate this close to the bound (20) decides nothing.
    expect(v.pagesOk).toBeNull();
    expect(section(v, "Gestion").closest?.heading).toEqual(expect.any(String));
    expect(v.hints.join("\n")).toMatch(/« Gestion de projet » introuvable ; titre le plus proche : « .+ »/);
  });

  it("a school template: custom styles that are headings by their outline level only", async () => {
    const { verdict: v } = await check("school-template.docx", "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(v.hints.join(" ")).not.toMatch(/styles de titre/);
    expect(v.pagesOk).toBe(true);
    expectNearReference(v, "school-template.docx");
  });

  it("Google-Docs-like: numbers from numbering.xml ('2.1.'), no app.xml, TOC hyperlinks are not headings", async () => {
    const { verdict: v } = await check("gdocs-like.docx", "chef-doeuvre");
    expect(v).toMatchObject({ missing: [], pagesApproximate: true, pagesOk: true });
    expect(section(v, "État").heading).toBe("2.1. État de l’art");
    // The table of contents is on page 1; the introduction starts after the page break.
    expect(section(v, "Introduction").page).toBeGreaterThan(1);
    expectNearReference(v, "gdocs-like.docx");
  });

  it("a short pandoc E3 report", async () => {
    const { verdict: v } = await check("pandoc-e3.docx", "cas-pratique-e3");
    expect(v).toMatchObject({ missing: [], pagesOk: true, ok: true });
    expectNearReference(v, "pandoc-e3.docx");
  });
});

describe("PDF from real tools", () => {
  it("LibreOffice PDF: exact pages (19, short of 20), partial bookmarks completed by the layout", async () => {
    const { verdict: v } = await check("libreoffice-missing.pdf", "chef-doeuvre");
    expect(v).toMatchObject({
      pages: 19,
      pagesApproximate: false,
      pagesSource: "pdf",
      pagesOk: false,
      ok: false,
    });
    expect(v.missing).toEqual(["État de l'art", "Gestion de projet"]);
    expect(section(v, "Introduction").page).toBe(1);
  });

  it("pdfLaTeX in two columns: each column read in turn, running headers ignored, wrapped and hyphenated titles joined", async () => {
    const { verdict: v } = await check("latex-2col.pdf", "chef-doeuvre");
    expect(v).toMatchObject({ pages: 23, pagesOk: true, missing: [], ok: true });
    expect(section(v, "Introduction").heading).toBe("1 Introduction");
    expect(section(v, "Organisation").heading).toBe(
      "3 Organisation technique et environnement de développement tout au long de la production",
    );
    expect(section(v, "Bilan").heading).toBe("4 Bilan du projet et améliorations envisageables");
    expect(section(v, "Réponse").heading).toBe("2.4 Réponse finale apportée");
    const all = v.sections.map((s) => s.heading ?? "").join(" ");
    expect(all).not.toMatch(/Promotion 2025|Candidat 42/);
  });

  it("pdfLaTeX report class: a table of contents without leader dots is not where sections start", async () => {
    const { verdict: v } = await check("latex-report.pdf", "chef-doeuvre");
    expect(v).toMatchObject({ pages: 29, pagesOk: true, missing: [], ok: true });
    // The contents are on page 2; chapter 1 starts on page 3.
    expect(section(v, "Introduction")).toMatchObject({ page: 3, heading: "Introduction" });
    expect(v.sections.every((s) => s.page !== 2)).toBe(true);
  });

  it("Chromium with CSS columns: a title wrapped on four lines of its column is one heading", async () => {
    const { verdict: v } = await check("chromium-columns-e3.pdf", "cas-pratique-e3");
    expect(v).toMatchObject({ pages: 2, missing: [], ok: true });
    expect(section(v, "Présentation").heading).toBe(
      "Présentation des documents et analyse de la pertinence des sources",
    );
  });

  it("pandoc through LaTeX: bookmarks, English headings", async () => {
    const { verdict: v } = await check("pandoc-latex-en.pdf", "chef-doeuvre");
    expect(v).toMatchObject({ pages: 24, pagesOk: true, missing: [], ok: true });
    expect(section(v, "Compréhension").page).toBe(3);
  });

  it("Chromium print to PDF with its header and footer", async () => {
    const { verdict: v } = await check("chromium-e3.pdf", "cas-pratique-e3");
    expect(v).toMatchObject({ pages: 2, pagesOk: true, missing: [], ok: true });
    expect(section(v, "Présentation").heading).toBe("Présentation des documents");
  });

  it("a scan: no text, so no section is called missing and the verdict says they could not be checked", async () => {
    const r = await check("scan-e3.pdf", "cas-pratique-e3");
    expect(r.verdict).toMatchObject({
      pages: 3,
      pagesOk: true,
      textExtracted: false,
      sectionsChecked: false,
      missing: [],
      ok: false,
    });
    expect(r.verdict.hints[0]).toMatch(/sections n'ont pas pu être vérifiées/);
    const text = formatChecklist(r);
    expect(text).toMatch(/non vérifiables/);
    expect(text).not.toMatch(/introuvable/);
    // A deliverable without mandated sections: only pages are checked, and the hint says why.
    const e2 = await check("scan-e3.pdf", "cas-pratique-e2");
    expect(e2.verdict).toMatchObject({ textExtracted: false, missing: [], sections: [] });
    expect(e2.verdict.hints[0]).toMatch(/Aucun texte n'a pu être lu/);
  });
});
