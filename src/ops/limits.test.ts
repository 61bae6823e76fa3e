import { describe, expect, it } from "vitest";
import { ConcurrencyLimit, rateLimitedText, waitText } from "./limits.js";

describe("limits", () => {
  it("runs at most `max` at once, the others waiting in arrival order", async () => {
    const seen: [number, number][] = [];
    const limit = new ConcurrencyLimit(2, (active, waiting) => seen.push([active, waiting]));
    const order: string[] = [];
    const gates = new Map<string, () => void>();
    const task = (name: string) =>
      limit.run(async () => {
        order.push(`start ${name}`);
        await new Promise<void>((r) => gates.set(name, r));
        order.push(`end ${name}`);
      });
    const all = ["a", "b", "c", "d"].map(task);
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["start a", "start b"]);
    expect([limit.active, limit.waiting]).toEqual([2, 2]);
    gates.get("b")!();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(["start a", "start b", "end b", "start c"]);
    gates.get("a")!();
    await new Promise((r) => setImmediate(r));
    gates.get("c")!();
    await new Promise((r) => setImmediate(r));
    gates.get("d")!();
    await Promise.all(all);
    expect(order.filter((o) => o.startsWith("start"))).toEqual(["start a", "start b", "start c", "start d"]);
    expect([limit.active, limit.waiting]).toEqual([0, 0]);
    expect(Math.max(...seen.map(([a]) => a))).toBe(2);
  });

  it("releases the slot when the task throws; 0 means no limit", async () => {
    const limit = new ConcurrencyLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    expect(limit.active).toBe(0);
    const free = new ConcurrencyLimit(0);
    const gates: (() => void)[] = [];
    const runs = [1, 2, 3].map(() => free.run(() => new Promise<void>((r) => gates.push(r))));
    await new Promise((r) => setImmediate(r));
    expect(free.active).toBe(3);
    for (const g of gates) g();
    await Promise.all(runs);
  });

  it("says how long to wait, in French or English", () => {
    expect(waitText(45)).toBe("45 s");
    expect(waitText(61)).toBe("2 min");
    expect(waitText(3_700)).toBe("1 h 02");
    expect(rateLimitedText("question", 120)).toBe(
      "Vous avez posé beaucoup de questions en peu de temps : réessayez dans 2 min, merci.",
    );
    expect(rateLimitedText("report", 30, "en")).toBe(
      "You have sent many reports in a short time. Please send this one again in 30 s.",
    );
  });
});
