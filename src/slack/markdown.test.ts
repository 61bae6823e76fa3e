import { describe, expect, it } from "vitest";
import { mrkdwnToMarkdown } from "./markdown.js";

describe("mrkdwnToMarkdown", () => {
  it("turns Slack's *bold*, ~strike~ and <url|label> into standard Markdown", () => {
    expect(mrkdwnToMarkdown("*C12 — Programmer les tests* (rncp37827)")).toBe(
      "**C12 — Programmer les tests** (rncp37827)",
    );
    expect(mrkdwnToMarkdown("• *Critères* : ~ancien~ nouveau")).toBe("• **Critères** : ~~ancien~~ nouveau");
    expect(mrkdwnToMarkdown("voir <https://ex.org/a?b=1|le guide> et <https://ex.org>")).toBe(
      "voir [le guide](https://ex.org/a?b=1) et https://ex.org",
    );
  });

  it("leaves italics, lone asterisks, products and code alone", () => {
    expect(mrkdwnToMarkdown("_italique_ et 2 * 3 * 4")).toBe("_italique_ et 2 * 3 * 4");
    expect(mrkdwnToMarkdown("`*pas du gras*` puis *gras*")).toBe("`*pas du gras*` puis **gras**");
    expect(mrkdwnToMarkdown("**déjà du Markdown**")).toBe("**déjà du Markdown**");
  });
});
