import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerSchema } from "../src/answering/answer.js";
import { runCli } from "./helpers/cli.js";
import { FakeOpenAI } from "./helpers/fake-openai.js";
import { KNOWLEDGE_DIR, tempDir } from "./helpers/temp.js";

let dir: Awaited<ReturnType<typeof tempDir>>;
let env: Record<string, string>;
const fake = new FakeOpenAI();

beforeAll(async () => {
  dir = await tempDir();
  env = { CERTIBOT_DATA_DIR: dir.path, CERTIBOT_KNOWLEDGE_DIR: KNOWLEDGE_DIR };
  await fake.start();
});
afterAll(async () => {
  await fake.stop();
  await dir.cleanup();
});

describe("certibot index", () => {
  it("builds the index and prints records per referential", async () => {
    const r = await runCli(["index"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Index construit en \d+ ms/);
    expect(r.stdout).toMatch(
      /rncp37827\s+60 enregistrements \(21 competency, 5 evaluation, 9 activity, 3 bloc, 22 glossary\)/,
    );
    expect(r.stdout).toMatch(/expert-ia\s+\d+ enregistrements/);
    expect(r.stderr).toBe("");
  });
});

describe("certibot ask", () => {
  it("prints a readable answer with sources", async () => {
    const r = await runCli(["ask", "Que demande la compétence C12 ?"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/C12 — Programmer les tests automatisés/);
    expect(r.stdout).toMatch(/Sources :\n {2}rncp37827 · C12 — /);
  });

  it("--json prints one object following the contract", async () => {
    const r = await runCli(["ask", "--json", "le rapport E3 c'est combien de pages ?"], { env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const a = AnswerSchema.strict().parse(JSON.parse(lines[0]!));
    expect(a).toMatchObject({
      question: "le rapport E3 c'est combien de pages ?",
      found: true,
      mode: "extractive",
    });
    expect(a.sources[0]).toMatchObject({ referential: "simplon-dev-ia-guide", code: "E3" });
    expect(a.sources.length).toBeLessThanOrEqual(5);
    for (const s of a.sources)
      expect(Object.keys(s).sort()).toEqual(["code", "excerpt", "referential", "score", "title"]);
  });

  it("--json without a question answers stdin line by line, in order", async () => {
    const questions = ["C12 ?", "", "qui a gagné le match hier ?", "B2C4 ça couvre quoi ?"];
    const r = await runCli(["ask", "--json"], { env, stdin: `${questions.join("\n")}\n` });
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split("\n")
      .map((l) => AnswerSchema.parse(JSON.parse(l)));
    expect(out.map((a) => a.question)).toEqual([
      "C12 ?",
      "qui a gagné le match hier ?",
      "B2C4 ça couvre quoi ?",
    ]);
    expect(out.map((a) => a.found)).toEqual([true, false, true]);
    expect(out[2]!.sources[0]).toMatchObject({ referential: "expert-ia", code: "B2C4" });
  });

  it("uses an OpenAI-compatible server when configured, and falls back when it is down", async () => {
    const llmEnv = { ...env, OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.baseURL };
    const ok = await runCli(["ask", "--json", "C12 ?"], { env: llmEnv });
    expect(JSON.parse(ok.stdout)).toMatchObject({ mode: "llm", found: true });
    fake.mode = "error";
    const down = await runCli(["ask", "--json", "C12 ?"], { env: llmEnv });
    fake.mode = "ok";
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ mode: "fallback", found: true });
    expect(down.stderr).toMatch(/"msg":"llm unavailable, extractive fallback"/);
    expect(down.stderr).not.toMatch(/sk-test/);
  });

  it("jobs list shows every time in one zone", async () => {
    const r = await runCli(["jobs", "list"], { env });
    expect(r.code).toBe(0);
    const zones = [...r.stdout.matchAll(/prochaine exécution : [\d -:]+ \(([^)]+)\)/g)].map((m) => m[1]);
    expect(zones.length).toBeGreaterThanOrEqual(5);
    expect(new Set(zones)).toEqual(new Set(["Europe/Paris"]));
  });

  it("prints its version", async () => {
    const r = await runCli(["--version"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^certibot \d+\.\d+\.\d+\n$/);
  });

  it("exits 2 with a clear message on usage errors, without a stack trace", async () => {
    for (const args of [["ask"], ["ask", "--nope", "x"], ["frobnicate"], []]) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr + r.stdout).not.toMatch(/\n\s+at /);
    }
    const r = await runCli(["ask"], { env });
    expect(r.stderr).toMatch(/certibot : Commande invalide\. usage : certibot ask/);
  });

  it("reports an invalid configuration in one line", async () => {
    const r = await runCli(["ask", "C12"], { env: { ...env, OPENAI_BASE_URL: "not a url" } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/configuration est invalide.*OPENAI_BASE_URL/);
  });

  it("works through the installed bin, from another directory", async () => {
    const r = await runCli(["ask", "c 12"], {
      env: { CERTIBOT_DATA_DIR: dir.path },
      entry: "bin",
      cwd: dir.path,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rncp37827 · C12/);
  });
});

describe("certibot privacy", () => {
  it("forgets a Slack user on request, and validates the id", async () => {
    const ok = await runCli(["privacy", "forget-user", "U012ABCDEF"], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^Données de U012ABCDEF effacées : 0 réponse\(s\) journalisée\(s\), 0 avis, 0 message\(s\) de fil, 0 vérification\(s\) de rapport, 0 inscription\(s\) à une session, 0 entrée\(s\) de veille\.$/m,
    );
    const bad = await runCli(["privacy", "forget-user", "alice"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/identifiant Slack invalide « alice »/);
  });
});
