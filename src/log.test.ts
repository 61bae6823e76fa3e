import { describe, expect, it } from "vitest";
import { createLogger, withLogScope } from "./log.js";

describe("pino logger", () => {
  const capture = (level: "debug" | "info" | "warn" | "error" = "info") => {
    const lines: Record<string, unknown>[] = [];
    return { lines, log: createLogger(level, (l) => lines.push(JSON.parse(l))) };
  };

  it("writes one JSON object per line with an ISO time, the level name and the message", () => {
    const { lines, log } = capture();
    log.debug("hidden");
    log.info("started", { port: 3000 });
    expect(lines).toEqual([
      { time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), level: "info", msg: "started", port: 3000 },
    ]);
  });

  it("masks tokens, secrets and user texts, nested ones included; errors keep name and message", () => {
    const { lines, log } = capture();
    log.warn("careful", {
      question: "Quelle est ma note ?",
      botToken: "xoxb-123",
      nested: { token: "xoxb-456", text: "mon rapport", ok: true },
      headers: { authorization: "Bearer xoxb-789" },
      error: new TypeError("boom"),
    });
    const line = lines[0]!;
    expect(JSON.stringify(line)).not.toMatch(/xoxb|Quelle est|mon rapport/);
    expect(line).toMatchObject({
      question: "[redacted]",
      botToken: "[redacted]",
      nested: { token: "[redacted]", text: "[redacted]", ok: true },
      error: { name: "TypeError", message: "boom" },
    });
  });

  it("adds the scope's fields (an event id) to every line written while handling it, across awaits", async () => {
    const { lines, log } = capture();
    await withLogScope({ eventId: "Ev1" }, async () => {
      log.info("received");
      await new Promise((r) => setImmediate(r));
      await withLogScope({ job: "retention" }, async () => log.info("nested"));
      log.child({ component: "bolt" }).warn("from a child");
    });
    log.info("outside");
    expect(lines.map((l) => [l.msg, l.eventId, l.job, l.component])).toEqual([
      ["received", "Ev1", undefined, undefined],
      ["nested", "Ev1", "retention", undefined],
      ["from a child", "Ev1", undefined, "bolt"],
      ["outside", undefined, undefined, undefined],
    ]);
  });
});
