import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import {
  CHEF_HEADINGS,
  INJECTION,
  makeDocx,
  makeEncryptedPdf,
  makePdf,
  PNG_BYTES,
} from "../../test/helpers/report-fixtures.js";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { CertibotError } from "../errors.js";
import { checkReport, judge, type ReportVerdict } from "./check.js";
import { loadDeliverables, normalizeHeading, parseDeliverables } from "./deliverables.js";
import { headingWords } from "./matching.js";
import type { ReportLimits } from "./types.js";

const LIMITS: ReportLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxUncompressedBytes: 200 * 1024 * 1024,
  timeoutMs: 30_000,
};
const deliverables = await loadDeliverables(KNOWLEDGE_DIR);

async function check(
  bytes: Uint8Array,
  deliverableId: string | null,
  limits = LIMITS,
): Promise<ReportVerdict> {
  return (await checkReport(bytes, { deliverables, deliverableId, limits })).verdict;
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CertibotError);
    return (e as CertibotError).code;
  }
  throw new Error("expected a coded error");
}

describe("deliverables.yml", () => {
  it("holds the four deliverables with their page ranges and sources", () => {
    const byId = Object.fromEntries(deliverables.map((d) => [d.id, d]));
    expect(byId["chef-doeuvre"]?.pages).toEqual([20, 30]);
    expect(byId["chef-doeuvre"]?.sections.map((s) => s.name)).toHaveLength(11);
    expect(byId["cas-pratique-e2"]?.pages).toEqual([5, 10]);
    expect(byId["cas-pratique-e3"]?.pages).toEqual([2, 5]);
    expect(byId["cas-pratique-e3"]?.sections).toHaveLength(2);
    expect(byId["memoire-expert-ia"]?.pages).toEqual([30, 50]);
    for (const d of deliverables) expect(d.source).toMatch(/pages/);
  });

  it("is validated at load: a bad range is a coded error", () => {
    const bad =
      "deliverables:\n  - id: x\n    title: X\n    referential: r\n    pages: [10, 5]\n    source: 'quelque chose de plus long'\n    sections: []\n";
    expect(() => parseDeliverables(bad)).toThrowError(CertibotError);
    expect(() => parseDeliverables("deliverables: [")).toThrowError(CertibotError);
  });

  it("normalizes accents, case, numbering and parts", () => {
    expect(normalizeHeading("ÉTAT DE L’ART")).toBe("etat de l art");
    expect(normalizeHeading("2.3 Retours d'expérience")).toBe("retours d experience");
    expect(normalizeHeading("Partie 2 – Gestion de projet")).toBe("gestion de projet");
    expect(normalizeHeading("III. Conclusion")).toBe("conclusion");
    expect(normalizeHeading("1) Introduction")).toBe("introduction");
  });
});

describe("PDF reports", () => {
  it("reads headings from the outline, with the page each section starts on", async () => {
    const { bytes, pageOf } = await makePdf({ pages: 24, headings: CHEF_HEADINGS, style: "outline" });
    const v = await check(bytes, "chef-doeuvre");
    expect(v).toMatchObject({ format: "pdf", pages: 24, pagesApproximate: false, pagesOk: true, ok: true });
    expect(v.missing).toEqual([]);
    expect(v.sections[0]).toEqual({ name: "Introduction", found: true, page: 1, heading: "Introduction" });
    expect(v.sections.find((s) => s.name === "Gestion de projet")?.page).toBe(
      pageOf.get("2.2 Gestion de projet"),
    );
    expect(v.textExtracted).toBe(true);
    expect(v.hints.join(" ")).not.toMatch(/signets|titre au document|langue/);
  });

  it("reads headings from font size; a section named in a body paragraph does not count", async () => {
    const headings = CHEF_HEADINGS.filter((h) => !h.includes("Gestion de projet")).map((h, i) =>
      i === 2 ? "ETAT DE L'ART" : h,
    );
    const { bytes } = await makePdf({
      pages: 22,
      headings,
      style: "fontsize",
      bodyLines: [
        "Ce rapport ne détaille pas la gestion de projet qui est décrite ailleurs dans un autre document",
      ],
    });
    const v = await check(bytes, "chef-doeuvre");
    expect(v.missing).toEqual(["Gestion de projet"]);
    expect(v.sections.find((s) => s.name === "État de l'art")?.found).toBe(true);
    expect(v.ok).toBe(false);
    expect(v.pagesOk).toBe(true);
  });

  it("adds sub-sections numbered '2.2 Titre' in the body font to the headings seen in the layout", async () => {
    const headings = CHEF_HEADINGS.filter((h) => !h.includes("Gestion de projet"));
    const { bytes } = await makePdf({
      pages: 22,
      headings,
      style: "fontsize",
      bodyLines: [
        "2.2 Gestion de projet",
        "2.5 millions de lignes ont été traitées pendant la phase de test",
      ],
    });
    const v = await check(bytes, "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(v.sections.find((s) => s.name === "Gestion de projet")).toMatchObject({
      heading: "2.2 Gestion de projet",
    });
  });

  it("reads bold body-size headings and numbered lines in the body font", async () => {
    const bold = await check(
      (await makePdf({ pages: 3, headings: ["Présentation des sources", "Synthèse"], style: "bold" })).bytes,
      "cas-pratique-e3",
    );
    expect(bold).toMatchObject({ ok: true, missing: [] });
    const numbered = CHEF_HEADINGS.map((h, i) =>
      /^\d/.test(h) ? h : `${i + 1}. ${h.replace(/^Partie \d – /, "")}`,
    );
    const v = await check(
      (await makePdf({ pages: 25, headings: numbered, style: "numbered" })).bytes,
      "chef-doeuvre",
    );
    expect(v.missing).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it("does not take a table of contents for the sections", async () => {
    const { bytes, pageOf } = await makePdf({
      pages: 24,
      headings: CHEF_HEADINGS,
      style: "fontsize",
      toc: true,
    });
    const v = await check(bytes, "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(v.sections.find((s) => s.name === "Conclusion")?.page).toBe(pageOf.get("Conclusion"));
    expect(pageOf.get("Conclusion")).toBeGreaterThan(1);
  });

  it("flags too short and too long reports", async () => {
    const short = await check(
      (await makePdf({ pages: 1, headings: ["Présentation des documents", "Synthèse"], style: "fontsize" }))
        .bytes,
      "cas-pratique-e3",
    );
    expect(short).toMatchObject({ pages: 1, pagesOk: false, ok: false, missing: [] });
    const long = await check(
      (await makePdf({ pages: 55, headings: ["Introduction"], style: "fontsize" })).bytes,
      "memoire-expert-ia",
    );
    expect(long).toMatchObject({ pages: 55, pageRange: [30, 50], pagesOk: false, ok: false, sections: [] });
  });

  it("is not moved by instructions written in the report", async () => {
    const headings = ["Introduction", "Conclusion"];
    const plain = await check(
      (await makePdf({ pages: 21, headings, style: "fontsize" })).bytes,
      "chef-doeuvre",
    );
    const injected = await check(
      (await makePdf({ pages: 21, headings, style: "fontsize", bodyLines: [INJECTION, INJECTION] })).bytes,
      "chef-doeuvre",
    );
    expect(injected).toEqual(plain);
    expect(injected.ok).toBe(false);
    expect(injected.missing).toHaveLength(9);
  });

  it("says when a scan has no text, still counting pages", async () => {
    const v = await check(
      (await makePdf({ pages: 3, headings: [], style: "fontsize", scan: true })).bytes,
      "cas-pratique-e3",
    );
    expect(v).toMatchObject({
      pages: 3,
      pagesOk: true,
      textExtracted: false,
      sectionsChecked: false,
      missing: [],
      ok: false,
    });
    expect(v.sections.every((s) => !s.found)).toBe(true);
    expect(v.hints[0]).toMatch(/sections n'ont pas pu être vérifiées/);
  });

  it("gives accessibility hints: no title, no language, untagged, no bookmarks", async () => {
    const v = await check(
      (await makePdf({ pages: 6, headings: ["Introduction"], style: "fontsize", metadata: false })).bytes,
      "cas-pratique-e2",
    );
    const hints = v.hints.join("\n");
    expect(hints).toMatch(/titre/);
    expect(hints).toMatch(/langue/);
    expect(hints).toMatch(/balisé/);
    expect(hints).toMatch(/signets/);
    expect(v).toMatchObject({ ok: true, pagesOk: true, sections: [], missing: [] });
  });

  it("guesses the deliverable from pages and headings", async () => {
    const chef = await checkReport(
      (await makePdf({ pages: 24, headings: CHEF_HEADINGS, style: "outline" })).bytes,
      { deliverables, limits: LIMITS },
    );
    expect(chef.guessed).toBe(true);
    expect(chef.verdict.deliverable).toBe("chef-doeuvre");
    const e3 = await checkReport(
      (await makePdf({ pages: 3, headings: ["Sources", "Synthèse"], style: "fontsize" })).bytes,
      { deliverables, limits: LIMITS },
    );
    expect(e3.verdict.deliverable).toBe("cas-pratique-e3");
    const e2 = await checkReport(
      (await makePdf({ pages: 7, headings: ["Contexte"], style: "fontsize" })).bytes,
      { deliverables, limits: LIMITS },
    );
    expect(e2.verdict.deliverable).toBe("cas-pratique-e2");
    const memoire = await checkReport(
      (await makePdf({ pages: 40, headings: ["Contexte"], style: "fontsize" })).bytes,
      { deliverables, limits: LIMITS },
    );
    expect(memoire.verdict.deliverable).toBe("memoire-expert-ia");
  });
});

describe("DOCX reports", () => {
  it("reads French Word heading styles (Titre1, Titre2) and the page count from app.xml", async () => {
    // Enough text for 23 pages: the saved count agrees with the content, so it is trusted.
    const bytes = await makeDocx({
      headings: CHEF_HEADINGS,
      style: "styles",
      pages: 23,
      paragraphsPerSection: 40,
    });
    const v = await check(bytes, "chef-doeuvre");
    expect(v).toMatchObject({
      format: "docx",
      pages: 23,
      pagesApproximate: false,
      pagesSource: "app.xml",
      pagesOk: true,
      missing: [],
      ok: true,
    });
    expect(v.hints.join(" ")).not.toMatch(/styles de titre/);
  });

  it("falls back to bold short paragraphs and an approximate page count", async () => {
    const bytes = await makeDocx({
      headings: ["PRESENTATION DES DOCUMENTS", "Synthese"],
      style: "bold",
      paragraphsPerSection: 30,
      bodyLines: [INJECTION],
    });
    const v = await check(bytes, "cas-pratique-e3");
    expect(v).toMatchObject({
      pagesApproximate: true,
      pagesSource: "estimate",
      missing: [],
      textExtracted: true,
    });
    // An estimate inside the range passes; only one far out of it would fail.
    expect(v.pages).toBeGreaterThanOrEqual(2);
    expect(v.pages).toBeLessThanOrEqual(5);
    expect(v.pagesOk).toBe(true);
    expect(v.hints.join(" ")).toMatch(/styles de titre/);
    expect(v.hints.join(" ")).toMatch(/estimé/);
  });

  it("takes a typed '2.2 Titre' paragraph in the body style for a heading, not a sentence starting with a number", async () => {
    const bytes = await makeDocx({
      headings: CHEF_HEADINGS.filter((h) => !h.includes("Gestion de projet")),
      style: "styles",
      bodyLines: [
        "2.2 Gestion de projet",
        "2.5 millions de lignes ont été traitées par la gestion de projet.",
      ],
    });
    const v = await check(bytes, "chef-doeuvre");
    expect(v.missing).toEqual([]);
    expect(v.sections.find((s) => s.name === "Gestion de projet")?.heading).toBe("2.2 Gestion de projet");
  });

  it("refuses a DOCX that inflates past the cap (zip bomb) without expanding it", async () => {
    const bytes = await makeDocx({ headings: CHEF_HEADINGS, style: "styles", paragraphsPerSection: 200 });
    expect(await failure(check(bytes, "chef-doeuvre", { ...LIMITS, maxUncompressedBytes: 50_000 }))).toBe(
      "REPORT_TOO_COMPLEX",
    );
  });
});

describe("hostile and broken files", () => {
  it("sniffs the bytes: a PNG named .pdf is not a report", async () => {
    expect(await failure(check(PNG_BYTES, "chef-doeuvre"))).toBe("REPORT_UNSUPPORTED");
    expect(await failure(check(new TextEncoder().encode("hello"), null))).toBe("REPORT_UNSUPPORTED");
  });

  it("answers truncated and corrupt files with a coded error", async () => {
    const { bytes } = await makePdf({ pages: 3, headings: ["Introduction"], style: "fontsize" });
    expect(await failure(check(bytes.subarray(0, 200), "cas-pratique-e3"))).toBe("REPORT_CORRUPT");
    const docx = await makeDocx({ headings: ["Synthèse"], style: "styles" });
    expect(await failure(check(docx.subarray(0, docx.length / 2), "cas-pratique-e3"))).toBe("REPORT_CORRUPT");
  });

  it("recognizes an encrypted PDF", async () => {
    expect(await failure(check(await makeEncryptedPdf(), "cas-pratique-e3"))).toBe("REPORT_ENCRYPTED");
  });

  it("enforces the size limit and the parse time limit", async () => {
    const { bytes } = await makePdf({ pages: 50, headings: ["Introduction"], style: "fontsize" });
    expect(await failure(check(bytes, "memoire-expert-ia", { ...LIMITS, maxBytes: 1000 }))).toBe(
      "REPORT_TOO_LARGE",
    );
    expect(await failure(check(bytes, "memoire-expert-ia", { ...LIMITS, timeoutMs: 1 }))).toBe(
      "REPORT_TIMEOUT",
    );
  });

  it("rejects an unknown deliverable", async () => {
    const { bytes } = await makePdf({ pages: 3, headings: [], style: "fontsize" });
    expect(await failure(check(bytes, "nope"))).toBe("UNKNOWN_DELIVERABLE");
  });
});

describe("section matching by meaning", () => {
  const chef = deliverables.find((d) => d.id === "chef-doeuvre")!;
  const verdictFor = (headings: string[]) =>
    judge(
      {
        format: "docx",
        pages: 24,
        pagesApproximate: false,
        pagesSource: "app.xml",
        headings: headings.map((text, i) => ({ text, page: i + 1 })),
        headingSource: "styles",
        textExtracted: true,
        hints: [],
        body: [],
      },
      chef,
    );

  it("folds accents, case, numbering, articles, plurals and English possessives", () => {
    expect(headingWords("2.3 – Les RETOURS d’expériences")).toEqual(["retour", "experienc"]);
    expect(headingWords("Understanding the client's needs")).toEqual(["understanding", "client", "need"]);
    const v = verdictFor(["I. INTRODUCTION", "Understanding the client's needs", "Retour d'expérience"]);
    expect(v.sections.filter((s) => s.found).map((s) => s.name)).toEqual([
      "Introduction",
      "Compréhension du besoin client",
      "Retours d'expérience",
    ]);
  });

  it("applies each section's synonyms to words, and lets one heading name two sections", () => {
    const v = verdictFor([
      "Analyse des attentes des utilisateurs",
      "Revue des outils existants",
      "Conception et choix techniques",
      "Solution livrée",
      "Outillage",
      "Mon bilan personnel",
    ]);
    const heading = (name: string) => v.sections.find((s) => s.name.startsWith(name))?.heading;
    expect(heading("Compréhension")).toBe("Analyse des attentes des utilisateurs");
    expect(heading("État de l'art")).toBe("Revue des outils existants");
    expect(heading("Éléments de conception")).toBe("Conception et choix techniques");
    expect(heading("Choix techniques")).toBe("Conception et choix techniques");
    expect(heading("Réponse finale")).toBe("Solution livrée");
    expect(heading("Organisation technique")).toBe("Outillage");
    expect(heading("Conclusion")).toBe("Mon bilan personnel");
  });

  it("does not take a word of a section for the section", () => {
    const v = verdictFor(["Environnement de développement", "Bilan du projet", "Choix des données"]);
    const found = v.sections.filter((s) => s.found).map((s) => s.name);
    expect(found).toEqual([
      "Organisation technique et environnement de développement",
      "Bilan du projet et améliorations envisageables",
    ]);
  });

  it("names the closest heading (and its page) for a missing section", () => {
    const v = verdictFor(["Introduction", "Présentation du marché", "Gestion du temps"]);
    const gestion = v.sections.find((s) => s.name === "Gestion de projet")!;
    expect(gestion).toMatchObject({ found: false, closest: { heading: "Gestion du temps", page: 3 } });
    expect(v.hints).toContain(
      "« Gestion de projet » introuvable ; titre le plus proche : « Gestion du temps » p. 3.",
    );
  });
});

describe("DOCX page count against the content", () => {
  /** Rewrites parts of a DOCX made by the test helper. */
  async function edit(bytes: Uint8Array, part: string, f: (xml: string) => string): Promise<Uint8Array> {
    const zip = await JSZip.loadAsync(bytes);
    zip.file(part, f(await zip.file(part)!.async("string")));
    return zip.generateAsync({ type: "uint8array", compression: "DEFLATE" });
  }

  it("uses the page starts Word recorded (w:lastRenderedPageBreak) when they agree with the content", async () => {
    const plain = await makeDocx({ headings: CHEF_HEADINGS, style: "styles", paragraphsPerSection: 40 });
    let n = 0;
    const bytes = await edit(plain, "word/document.xml", (xml) =>
      xml.replace(/<w:p>/g, (p) => (++n % 20 === 0 ? `${p}<w:r><w:lastRenderedPageBreak/></w:r>` : p)),
    );
    const v = await check(bytes, "chef-doeuvre");
    expect(v).toMatchObject({
      pages: Math.floor(n / 20) + 1,
      pagesSource: "rendered",
      pagesApproximate: false,
      missing: [],
    });
  });

  it("distrusts a saved page count whose saved word count does not match the text", async () => {
    const saved = await makeDocx({
      headings: CHEF_HEADINGS,
      style: "styles",
      pages: 23,
      paragraphsPerSection: 40,
    });
    const stale = await edit(saved, "docProps/app.xml", (xml) =>
      xml.replace("<Pages>", "<Words>120</Words><Pages>"),
    );
    const v = await check(stale, "chef-doeuvre");
    expect(v).toMatchObject({ pagesSource: "estimate", pagesApproximate: true });
    expect(v.hints.join(" ")).toMatch(/indique 23 pages, ce qui ne correspond pas/);
  });

  it("reads a DOCX's XML with a parser: a DOCTYPE is refused", async () => {
    const plain = await makeDocx({ headings: ["Synthèse"], style: "styles" });
    const hostile = await edit(plain, "word/document.xml", (xml) =>
      xml.replace("?>", '?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'),
    );
    expect(await failure(check(hostile, "cas-pratique-e3"))).toBe("REPORT_CORRUPT");
  });
});
