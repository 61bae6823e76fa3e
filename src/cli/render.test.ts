import { describe, expect, it } from "vitest";
import { plainText } from "./render.js";

describe("plainText (the CLI's renderer)", () => {
  it("removes Slack markup: channels, mentions, links, bold, italics, code", () => {
    expect(
      plainText(
        "Session dev-ia (rncp37827, <#CPROMO12>, <#C0AB|promo-ia>) — *Jalons* : _non renseigné_ par <@U0ADMIN> ; `s1-jury` ; <https://ex.org|le guide>",
      ),
    ).toBe(
      "Session dev-ia (rncp37827, #CPROMO12, #promo-ia) — Jalons : non renseigné par @U0ADMIN ; s1-jury ; le guide (https://ex.org)",
    );
  });

  it("names /session as the CLI's command only when asked", () => {
    const text = "Renseignez-les avec /session set session=x lancement=…";
    expect(plainText(text, { sessionCommands: true })).toBe(
      "Renseignez-les avec certibot session set session=x lancement=…",
    );
    expect(plainText(text)).toBe(text);
  });

  it("leaves identifiers and arithmetic alone", () => {
    expect(plainText("memoire_expert_ia et 2 * 3 * 4")).toBe("memoire_expert_ia et 2 * 3 * 4");
  });
});
