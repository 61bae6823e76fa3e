import { describe, expect, it } from "vitest";
import { compoundParts, stem, terms, unhyphenate } from "./text.js";

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
    expect(stem("fils")).toBe("fils");
    expect(stem("mars")).toBe("mars");
    expect(stem("bc01")).toBe("bc01");
  });
});

describe("compoundParts", () => {
  it("joins a compound the corpus knows, never a verb and its inverted subject", () => {
    const known = (t: string) => ["weekend", "estel"].includes(t);
    expect([...compoundParts("le week-end", known)]).toEqual(["week", "end"]);
    expect([...compoundParts("comment est-elle repartie", known)]).toEqual([]);
  });
});
