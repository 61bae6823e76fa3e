import { describe, expect, it } from "vitest";
import { unhyphenate } from "./text.js";

describe("unhyphenate", () => {
  it("makes a word cut at the end of a line whole again, and leaves real hyphens and dashes", () => {
    expect(unhyphenate("les compé- tences professionnelles")).toBe("les compétences professionnelles");
    expect(unhyphenate("Saint-Étienne, week-end")).toBe("Saint-Étienne, week-end");
    expect(unhyphenate("Bloc 2 - Intégrer")).toBe("Bloc 2 - Intégrer");
  });
});
