import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeOpenAI } from "../../test/helpers/fake-openai.js";
import { KNOWLEDGE_DIR, tempDir, testConfig } from "../../test/helpers/temp.js";
import { openKnowledgeBase } from "./knowledge-base.js";

const fake = new FakeOpenAI();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

describe("index lifecycle", () => {
  it("builds once, then reuses the saved index", async () => {
    const dir = await tempDir();
    try {
      const first = await openKnowledgeBase(testConfig(dir.path));
      expect(first.rebuilt).toBe(true);
      const manifest = JSON.parse(await readFile(join(dir.path, "index", "manifest.json"), "utf8"));
      expect(manifest).toMatchObject({
        embedderId: "local-hash-v1-d512",
        records: first.retriever.records.length,
      });
      const second = await openKnowledgeBase(testConfig(dir.path));
      expect(second.rebuilt).toBe(false);
      expect((await second.retriever.search("C12")).hits[0]?.record.id).toBe("rncp37827:C12");
    } finally {
      await dir.cleanup();
    }
  });

  it("rebuilds when a knowledge file changes", async () => {
    const dir = await tempDir();
    try {
      const knowledge = join(dir.path, "knowledge");
      await cp(KNOWLEDGE_DIR, knowledge, { recursive: true });
      const env = { CERTIBOT_KNOWLEDGE_DIR: knowledge };
      await openKnowledgeBase(testConfig(dir.path, env));
      const brochure = join(knowledge, "referentials", "simplon-ecole-ia-brochure.md");
      await writeFile(
        brochure,
        `${await readFile(brochure, "utf8")}\n## NOUVELLE RUBRIQUE\n\nLe hackathon annuel a lieu en juin.\n`,
      );
      const again = await openKnowledgeBase(testConfig(dir.path, env));
      expect(again.rebuilt).toBe(true);
      const r = await again.retriever.search("quand a lieu le hackathon ?");
      expect(r.hits[0]?.record.title).toBe("NOUVELLE RUBRIQUE");
    } finally {
      await dir.cleanup();
    }
  });

  it("rebuilds when the embedder changes, and embeds through an OpenAI-compatible server", async () => {
    const dir = await tempDir();
    try {
      await openKnowledgeBase(testConfig(dir.path));
      const env = {
        OPENAI_API_KEY: "sk-test",
        OPENAI_BASE_URL: fake.baseURL,
        OPENAI_EMBEDDINGS_MODEL: "fake-embed",
      };
      const kb = await openKnowledgeBase(testConfig(dir.path, env));
      expect(kb.rebuilt).toBe(true);
      expect(kb.manifest).toMatchObject({ embedderId: "openai:fake-embed", dims: 16 });
      const embedCalls = fake.requests.filter((r) => r.path.endsWith("/embeddings"));
      expect(embedCalls.length).toBeGreaterThan(0);
      // The SDK asks for base64 by default; our server answers in kind.
      expect(embedCalls[0]!.body.encoding_format).toBe("base64");
      expect((await kb.retriever.search("que demande la compétence C12 ?")).hits[0]?.record.id).toBe(
        "rncp37827:C12",
      );
      const reopened = await openKnowledgeBase(testConfig(dir.path, env));
      expect(reopened.rebuilt).toBe(false);
    } finally {
      await dir.cleanup();
    }
  });

  it("rebuilds over a corrupt index instead of failing", async () => {
    const dir = await tempDir();
    try {
      await openKnowledgeBase(testConfig(dir.path));
      const manifest = JSON.parse(await readFile(join(dir.path, "index", "manifest.json"), "utf8"));
      await writeFile(join(dir.path, "index", `corpus-${manifest.key}.json`), "garbage");
      const kb = await openKnowledgeBase(testConfig(dir.path));
      expect(kb.rebuilt).toBe(true);
    } finally {
      await dir.cleanup();
    }
  });

  it("rejects an unknown default referential with a clear error", async () => {
    const dir = await tempDir();
    try {
      const err = await openKnowledgeBase(
        testConfig(dir.path, { CERTIBOT_DEFAULT_REFERENTIAL: "nope" }),
      ).catch((e) => e);
      expect(err.code).toBe("UNKNOWN_REFERENTIAL");
      expect(err.userMessage()).toMatch(/rncp37827/);
    } finally {
      await dir.cleanup();
    }
  });
});
