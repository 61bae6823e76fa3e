import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../config.js";
import { LexiconFileSchema } from "./lexicon.js";

describe("the lexicon file", () => {
  it("refuses a word bridged twice, naming it (the first bridge would be silently lost)", () => {
    const parsed = LexiconFileSchema.safeParse({
      bridges: [
        { from: "hours hour", to: "heure" },
        { from: "schedule hours", to: "horaires" },
      ],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/« hours » a déjà un pont \(entrée 1\)/);
    expect(parsed.error?.issues[0]?.path).toEqual(["bridges", 1, "from"]);
  });

  it("accepts the shipped bridges, each word once", async () => {
    const raw = await readFile(join(PACKAGE_ROOT, "knowledge", "lexicon.yml"), "utf8");
    expect(LexiconFileSchema.safeParse(parse(raw)).success).toBe(true);
  });
});
