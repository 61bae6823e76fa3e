import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAI } from "../../test/helpers/fake-openai.js";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import type { LlmSettings } from "../answering/llm.js";
import { PACKAGE_ROOT } from "../config.js";
import { CertibotError } from "../errors.js";
import { loadKnowledge } from "../knowledge/ingest.js";
import { makeRecord } from "../knowledge/record.js";
import { type CoverageSetup, checkReport, extractReport } from "./check.js";
import { coverageOf, modalityOf, type Phrasings, parsePhrasings, reportSentences } from "./coverage.js";
import { coverageSetupFrom } from "./coverage-setup.js";
import { type Deliverable, loadDeliverables } from "./deliverables.js";
import { epreuveOnTitlePage, epreuvesFrom } from "./epreuves.js";

const FIXTURES = join(PACKAGE_ROOT, "test", "fixtures", "report-coverage");
const limits = { maxBytes: 25 * 1024 * 1024, maxUncompressedBytes: 200 * 1024 * 1024, timeoutMs: 20_000 };
let setup: CoverageSetup;
let deliverables: Deliverable[];

beforeAll(async () => {
  const { records } = await loadKnowledge(KNOWLEDGE_DIR);
  setup = await coverageSetupFrom(KNOWLEDGE_DIR, records);
  deliverables = await loadDeliverables(KNOWLEDGE_DIR);
});

const check = (file: string, epreuve: string | null, extra: { llm?: LlmSettings } = {}) =>
  checkReport(readFileSync(join(FIXTURES, file)), {
    deliverables,
    limits,
    coverage: { setup, referential: "rncp37827", epreuve, ...extra },
  });

describe("épreuves read from the referential records", () => {
  it("takes rncp37827's E1–E5 with the competencies each evaluates and their criteria, from the records", () => {
    const rncp = setup.epreuves.filter((e) => e.referential === "rncp37827");
    expect(rncp.map((e) => e.code)).toEqual(["E1", "E2", "E3", "E4", "E5"]);
    const e3 = rncp.find((e) => e.code === "E3")!;
    expect(e3.competencies.map((c) => c.code)).toEqual(["C9", "C10", "C11", "C12", "C13"]);
    const c11 = e3.competencies.find((c) => c.code === "C11")!;
    expect(c11.title).toBe("Monitorer un modèle d'intelligence artificielle");
    expect(c11.criteria).toContain(
      "La chaîne de monitoring est d'abord testée dans un bac à sable ou environnement de test dédié.",
    );
  });

  it("takes the guide's chef-d'œuvre and cas pratiques, and expert-ia's mémoire graded on its scored criteria", () => {
    const guide = setup.epreuves.filter((e) => e.referential === "simplon-dev-ia-guide");
    expect(guide.map((e) => e.code).sort()).toEqual(["E1", "E2", "E3"]);
    expect(guide.find((e) => e.code === "E2")!.competencies.map((c) => c.code)).toEqual(["C8", "C14"]);
    const memoire = setup.epreuves.find((e) => e.referential === "expert-ia")!;
    expect(memoire.code).toBe("memoire-professionnel");
    expect(memoire.competencies.length).toBe(19);
    expect(memoire.competencies[0]!.criteria[0]).toMatch(/déploiement automatique/);
  });

  it("reads the épreuves of an added titre from its records, whatever its codes", () => {
    const ref = "titre-x";
    const records = [
      makeRecord({
        referential: ref,
        kind: "evaluation",
        code: "E2",
        title: "Étude de cas",
        statement: "Livrable : rapport écrit de 10 pages sur la mise en place de l'accueil.",
        related: ["C4"],
      }),
      makeRecord({
        referential: ref,
        kind: "competency",
        code: "C4",
        title: "Accueillir le public",
        criteria: ["L'accueil est adapté au public."],
      }),
      makeRecord({ referential: ref, kind: "competency", code: "C5", title: "Autre chose" }),
    ];
    const [e] = epreuvesFrom(records);
    expect(e).toMatchObject({ referential: ref, code: "E2" });
    expect(e!.competencies).toEqual([
      {
        code: "C4",
        title: "Accueillir le public",
        statement: "",
        activities: [],
        criteria: ["L'accueil est adapté au public."],
      },
    ]);
  });

  it("reads the épreuve a title page names", () => {
    const rncp = setup.epreuves.filter((e) => e.referential === "rncp37827");
    expect(epreuveOnTitlePage("Rapport professionnel — Épreuve E3 : mise en service", rncp)?.code).toBe("E3");
    expect(epreuveOnTitlePage("Professional report — Assessment E1", rncp)?.code).toBe("E1");
    expect(epreuveOnTitlePage("Rapport de stage", rncp)).toBeNull();
  });
});

describe("negation and modality, French and English (knowledge/coverage-phrasings.yml)", () => {
  let phrasings: Phrasings;
  beforeAll(() => {
    phrasings = setup.phrasings;
  });

  it.each([
    "La chaîne de livraison ne sera faite qu'après la soutenance.",
    "À terme nous envisageons de suivre la dérive du modèle.",
    "Une API de mise à disposition aurait été souhaitable.",
    "L'écriture des requêtes était hors du périmètre de ma mission.",
    "Les tests ont été écrits par un collègue ; un collègue s'en est occupé.",
    "La collecte n'a pas été automatisée.",
    "We plan to expose the dataset through a REST API next year.",
    "Building the pipeline was out of scope for this project.",
    "The tests were written by another team and I did not work on them.",
  ])("« %s » is a mention, not evidence", (sentence) => {
    expect(modalityOf(sentence, phrasings)).not.toBeNull();
  });

  it.each([
    "J'ai développé une API REST avec FastAPI qui expose le modèle par le point de terminaison /predict.",
    "J'ai mis en place le monitoring du modèle avec Evidently et Prometheus.",
    "I wrote automated tests with pytest for every endpoint and for the model itself.",
  ])("« %s » reads as done", (sentence) => {
    expect(modalityOf(sentence, phrasings)).toBeNull();
  });

  it("refuses a phrasings file with a broken pattern, naming the file", () => {
    let err: unknown;
    try {
      parsePhrasings('kinds:\n  plan:\n    label: "projet"\n    patterns: ["(unclosed"]\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CertibotError);
    expect((err as CertibotError).code).toBe("KNOWLEDGE_INVALID");
    expect((err as CertibotError).hint).toMatch(/coverage-phrasings\.yml/);
  });
});

describe("coverage of real-tool reports", () => {
  it("shows C9–C12 of a pandoc DOCX with verbatim quotes, pages and sections, and C13 only mentioned", async () => {
    const { verdict } = await check("e3-api-fraude.docx", "E3");
    expect(verdict.epreuve).toMatchObject({ referential: "rncp37827", code: "E3", fromTitlePage: false });
    const by = new Map(verdict.coverage!.map((c) => [c.code, c]));
    for (const code of ["C9", "C10", "C11", "C12"]) expect(by.get(code)!.covered).toBe(true);
    const c13 = by.get("C13")!;
    expect(c13).toMatchObject({ covered: false, mentionedOnly: true, evidence: [] });
    expect(c13.mentions.map((m) => m.quote).join(" ")).toMatch(/ne sera faite qu’après la soutenance/);
    expect(c13.advice).toMatch(/Mentionné, pas montré/);
    const c11 = by.get("C11")!;
    expect(c11.evidence.some((e) => e.section === "Monitoring du modèle" && e.page !== null)).toBe(true);
    expect(c11.criteria.some((k) => k.met)).toBe(true);
    // Every quote is a sentence of the report as extracted, word for word.
    const bytes = readFileSync(join(FIXTURES, "e3-api-fraude.docx"));
    const text = reportSentences(await extractReport(bytes, limits)).sentences.map((s) => s.text);
    for (const c of verdict.coverage!)
      for (const q of [...c.evidence, ...c.mentions]) expect(text).toContain(q.quote);
  });

  it("reads the épreuve from a LibreOffice PDF's title page and finds every competency shown", async () => {
    const { verdict } = await check("e3-vision-qualite.pdf", null);
    expect(verdict.epreuve).toMatchObject({ code: "E3", fromTitlePage: true });
    expect(verdict.coverage!.map((c) => [c.code, c.covered])).toEqual([
      ["C9", true],
      ["C10", true],
      ["C11", true],
      ["C12", true],
      ["C13", true],
    ]);
  });

  it("reports work done by a colleague, out of scope or negated as not covered (E1, PDF)", async () => {
    const { verdict } = await check("e1-energie.pdf", "E1");
    const covered = Object.fromEntries(verdict.coverage!.map((c) => [c.code, c.covered]));
    expect(covered).toEqual({ C1: true, C2: false, C3: true, C4: false, C5: true });
    expect(verdict.coverage!.find((c) => c.code === "C2")!.mentionedOnly).toBe(true);
  });

  it("reads a report without any heading found as body text, not as a title page", async () => {
    const report = await extractReport(readFileSync(join(FIXTURES, "e3-api-fraude.docx")), limits);
    const flat = { ...report, body: report.body.map((b) => ({ ...b, heading: false })) };
    const e3 = setup.epreuves.find((e) => e.referential === "rncp37827" && e.code === "E3")!;
    const text = reportSentences(flat);
    expect(text.hasHeadings).toBe(false);
    const coverage = coverageOf(text, e3, setup);
    expect(coverage.find((c) => c.code === "C9")).toMatchObject({ covered: true });
    expect(coverage.find((c) => c.code === "C13")).toMatchObject({ covered: false });
  });

  it("refuses an épreuve the referential does not have, listing those it has", async () => {
    await expect(check("e1-energie.pdf", "E9")).rejects.toMatchObject({
      code: "UNKNOWN_EPREUVE",
      hint: expect.stringMatching(/rncp37827 E1, rncp37827 E2/),
    });
  });
});

describe("the model's reading (real openai SDK, fake OpenAI-compatible server)", () => {
  const fake = new FakeOpenAI();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  const llm = () => ({ apiKey: "sk-test", baseURL: fake.baseURL, model: "gpt-test", timeoutMs: 5_000 });

  it("keeps the model's verdict when its quotes are in the report", async () => {
    fake.reply = () =>
      JSON.stringify({
        competencies: [
          {
            code: "C13",
            covered: true,
            quotes: ["Pour l’instant, l’image Docker est construite à la main."],
          },
        ],
      });
    const { verdict } = await check("e3-api-fraude.docx", "E3", { llm: llm() });
    const c13 = verdict.coverage!.find((c) => c.code === "C13")!;
    expect(c13).toMatchObject({ covered: true, judgedBy: "llm" });
    expect(c13.evidence).toEqual([
      {
        page: expect.any(Number),
        section: "Livraison continue",
        quote: "Pour l’instant, l’image Docker est construite à la main.",
      },
    ]);
    const sent = fake.requests.at(-1)!.body as { messages: { content: string }[] };
    expect(sent.messages[1]!.content).toMatch(/<competency code="C13">/);
    // The others keep the offline verdict.
    expect(verdict.coverage!.find((c) => c.code === "C9")!.judgedBy).toBe("rules");
  });

  it("drops the model's verdict when a quote is not in the report", async () => {
    fake.reply = () =>
      JSON.stringify({
        competencies: [
          { code: "C13", covered: true, quotes: ["J'ai créé un pipeline GitLab CI qui déploie le modèle."] },
        ],
      });
    const { verdict } = await check("e3-api-fraude.docx", "E3", { llm: llm() });
    expect(verdict.coverage!.find((c) => c.code === "C13")).toMatchObject({
      covered: false,
      mentionedOnly: true,
      judgedBy: "rules",
    });
  });

  it("keeps the offline verdict when the model fails", async () => {
    fake.mode = "error";
    try {
      const { verdict } = await check("e3-api-fraude.docx", "E3", { llm: llm() });
      expect(verdict.coverage!.every((c) => c.judgedBy === "rules")).toBe(true);
      expect(verdict.coverage!.find((c) => c.code === "C9")!.covered).toBe(true);
    } finally {
      fake.mode = "ok";
    }
  });
});
