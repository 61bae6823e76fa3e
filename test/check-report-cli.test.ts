import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../src/config.js";
import { runCli } from "./helpers/cli.js";
import { CHEF_HEADINGS, makeDocx, makePdf, PNG_BYTES } from "./helpers/report-fixtures.js";
import { KNOWLEDGE_DIR, tempDir } from "./helpers/temp.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let env: Record<string, string>;
const file = (name: string) => join(dir.path, name);

beforeAll(async () => {
  dir = await tempDir();
  env = { CERTIBOT_DATA_DIR: dir.path, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR };
  const missingGestion = CHEF_HEADINGS.filter((h) => !h.includes("Gestion"));
  await writeFile(
    file("chef.pdf"),
    (await makePdf({ pages: 24, headings: missingGestion, style: "fontsize" })).bytes,
  );
  await writeFile(
    file("e3.pdf"),
    (await makePdf({ pages: 3, headings: ["Sources", "Synthèse"], style: "fontsize" })).bytes,
  );
  await writeFile(
    file("chef.docx"),
    await makeDocx({ headings: CHEF_HEADINGS, style: "styles", pages: 26, paragraphsPerSection: 40 }),
  );
  await writeFile(file("image.pdf"), PNG_BYTES);
  const { bytes } = await makePdf({ pages: 2, headings: [], style: "fontsize" });
  await writeFile(file("truncated.pdf"), bytes.subarray(0, 150));
}, 60_000);
afterAll(async () => {
  await dir.cleanup();
});

describe("certibot check-report", () => {
  it("--json prints exactly the contract object and exits 0 even when the report fails", async () => {
    const r = await runCli(["check-report", "--json", "--deliverable", "chef-doeuvre", file("chef.pdf")], {
      env,
    });
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(Object.keys(v).sort()).toEqual(
      [
        "deliverable",
        "format",
        "hints",
        "missing",
        "ok",
        "pageRange",
        "pages",
        "pagesApproximate",
        "pagesOk",
        "pagesSource",
        "sections",
        "sectionsChecked",
        "textExtracted",
      ].sort(),
    );
    expect(v).toMatchObject({
      deliverable: "chef-doeuvre",
      format: "pdf",
      pages: 24,
      pagesApproximate: false,
      pageRange: [20, 30],
      pagesOk: true,
      missing: ["Gestion de projet"],
      textExtracted: true,
      ok: false,
    });
    expect(v.sections[0]).toEqual({ name: "Introduction", found: true, page: 1, heading: "Introduction" });
    const gestion = v.sections.find((s: { name: string }) => s.name === "Gestion de projet");
    expect(gestion).toMatchObject({ found: false, page: null, closest: { heading: expect.any(String) } });
    expect(r.stderr).toBe("");
  });

  it("prints a short human checklist", async () => {
    const r = await runCli(["check-report", "--deliverable", "chef-doeuvre", file("chef.docx")], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/chef-doeuvre\) — conforme/);
    expect(r.stdout).toMatch(/\[x\] Pages : 26 pages, attendu 20 à 30/);
    expect(r.stdout).toMatch(/\[x\] Gestion de projet/);
  });

  it("accepts the names Slack accepts for a deliverable: e3, chef d'oeuvre, mémoire", async () => {
    const e3 = await runCli(["check-report", "--json", "--deliverable", "e3", file("e3.pdf")], { env });
    expect(e3.code).toBe(0);
    expect(JSON.parse(e3.stdout).deliverable).toBe("cas-pratique-e3");
    expect(e3.stderr).toBe("");
    const chef = await runCli(["check-report", "--deliverable", "chef d'oeuvre", file("chef.docx")], { env });
    expect(chef.stdout).toMatch(/chef-doeuvre\) — conforme/);
    const memoire = await runCli(["check-report", "--json", "--deliverable", "mémoire", file("e3.pdf")], {
      env,
    });
    expect(JSON.parse(memoire.stdout).deliverable).toBe("memoire-expert-ia");
  });

  it("guesses the deliverable when none is given, and says so", async () => {
    const human = await runCli(["check-report", file("e3.pdf")], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/\(cas-pratique-e3\)/);
    expect(human.stdout).toMatch(/Livrable deviné/);
    const json = await runCli(["check-report", "--json", file("e3.pdf")], { env });
    expect(JSON.parse(json.stdout).deliverable).toBe("cas-pratique-e3");
    expect(json.stderr).toMatch(/livrable deviné/);
  });

  it("--referential --epreuve adds the competency coverage to the JSON contract", async () => {
    const report = join(PACKAGE_ROOT, "test", "fixtures", "report-coverage", "e1-energie.pdf");
    const r = await runCli(
      ["check-report", "--json", "--referential", "rncp37827", "--epreuve", "E1", report],
      { env },
    );
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.epreuve).toMatchObject({ referential: "rncp37827", code: "E1", fromTitlePage: false });
    expect(v.coverage.map((c: { code: string }) => c.code)).toEqual(["C1", "C2", "C3", "C4", "C5"]);
    const c1 = v.coverage[0];
    expect(Object.keys(c1)).toEqual(
      expect.arrayContaining(["code", "title", "covered", "criteria", "evidence", "mentionedOnly"]),
    );
    expect(c1).toMatchObject({ covered: true, mentionedOnly: false });
    expect(c1.criteria[0]).toEqual({ text: expect.any(String), met: expect.any(Boolean) });
    expect(c1.evidence[0]).toEqual({
      page: expect.any(Number),
      section: expect.any(String),
      quote: expect.any(String),
    });
    expect(v.coverage[1]).toMatchObject({ code: "C2", covered: false, mentionedOnly: true, evidence: [] });
    expect(r.stderr).toBe("");
  });

  it("reads the épreuve from the title page, prints the coverage for people, and refuses an unknown épreuve", async () => {
    const report = join(PACKAGE_ROOT, "test", "fixtures", "report-coverage", "e1-sante.docx");
    const human = await runCli(["check-report", "--referential", "rncp37827", report], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/Compétences de l'épreuve E1 \(rncp37827\), lue sur la page de titre/);
    expect(human.stdout).toMatch(/\[~\] C1 .* — mentionné, pas montré/);
    expect(human.stdout).toMatch(/\[x\] C5 .* — montré/);
    const unknown = await runCli(
      ["check-report", "--json", "--referential", "rncp37827", "--epreuve", "E9", report],
      { env },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Épreuve inconnue/);
  });

  it("answers unreadable files with {error: {code, message}} and exit 2", async () => {
    for (const [name, code] of [
      ["image.pdf", "REPORT_UNSUPPORTED"],
      ["truncated.pdf", "REPORT_CORRUPT"],
      ["absent.pdf", "REPORT_NOT_FOUND"],
    ] as const) {
      const r = await runCli(["check-report", "--json", "--deliverable", "cas-pratique-e3", file(name)], {
        env,
      });
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout);
      expect(out).toEqual({ error: { code, message: expect.any(String) } });
      expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
    }
    const human = await runCli(["check-report", "--deliverable", "cas-pratique-e3", file("image.pdf")], {
      env,
    });
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/ni un PDF ni un document Word/);
    const tooBig = await runCli(["check-report", "--json", file("chef.pdf")], {
      env: { ...env, CERTIBOT_REPORT_MAX_MB: "0.001" },
    });
    expect(JSON.parse(tooBig.stdout).error.code).toBe("REPORT_TOO_LARGE");
  });

  it("refuses an unknown deliverable and a missing file argument", async () => {
    const r = await runCli(["check-report", "--deliverable", "nope", file("e3.pdf")], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Livrable inconnu/);
    expect((await runCli(["check-report"], { env })).code).toBe(2);
  });
});
