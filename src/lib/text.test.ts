import { describe, expect, it } from "vitest";
import { stem, terms, unhyphenate } from "./text.js";

describe("unhyphenate", () => {
  it("makes a word cut at the end of a line whole again, and leaves real hyphens and dashes", () => {
    expect(unhyphenate("les compé- tences professionnelles")).toBe("les compétences professionnelles");
    expect(unhyphenate("Saint-Étienne, week-end")).toBe("Saint-Étienne, week-end");
    expect(unhyphenate("Bloc 2 - Intégrer")).toBe("Bloc 2 - Intégrer");
  });
});

describe("stem", () => {
  it("takes an acronym's plural for the acronym, and leaves short words and numbers alone", () => {
    expect(terms("I only validated one of the two CCPs, and both ECFs")).toContain("ccp");
    expect(stem("ecfs")).toBe("ecf");
    expect(stem("ccp")).toBe("ccp");
    // A vowel or an s before the final s: a word, not a plural acronym.
    expect(stem("mois")).toBe("mois");
    expect(stem("plus")).toBe("plus");
    expect(stem("bc01")).toBe("bc01");
  });
});
