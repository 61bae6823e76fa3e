import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachBackend, type TestStore } from "../../test/helpers/stores.js";
import { KNOWLEDGE_DIR } from "../../test/helpers/temp.js";
import { PACKAGE_ROOT } from "../config.js";
import type { Db } from "../db/db.js";
import { deleteSlackUserData } from "../db/qa-log.js";
import { loadKnowledge } from "../knowledge/ingest.js";
import { checkReport } from "./check.js";
import { coverageSetupFrom } from "./coverage-setup.js";
import { loadDeliverables } from "./deliverables.js";
import { recordReportCheck, reportChecksOf } from "./store.js";

describeEachBackend("report checks with competency coverage", (backend) => {
  let store: TestStore;
  let db: Db;
  beforeAll(async () => {
    store = await backend.createStore();
    db = await store.openMigrated();
  });
  afterAll(async () => {
    await db.close();
    await store.cleanup();
  });

  it("stores the per-competency verdicts, never a quote, and forget-user erases them", async () => {
    const bytes = readFileSync(
      join(PACKAGE_ROOT, "test", "fixtures", "report-coverage", "e3-chatbot-rh.pdf"),
    );
    const setup = await coverageSetupFrom(KNOWLEDGE_DIR, (await loadKnowledge(KNOWLEDGE_DIR)).records);
    const { verdict } = await checkReport(bytes, {
      deliverables: await loadDeliverables(KNOWLEDGE_DIR),
      limits: { maxBytes: 25 << 20, maxUncompressedBytes: 200 << 20, timeoutMs: 20_000 },
      coverage: { setup, referential: "rncp37827", epreuve: "E3" },
    });
    await recordReportCheck(db, "U0COVER", verdict);
    const [stored] = await reportChecksOf(db, "U0COVER");
    expect(stored!.epreuve).toBe("rncp37827:E3");
    expect(stored!.coverage.map((c) => [c.code, c.covered, c.mentionedOnly])).toEqual([
      ["C9", true, false],
      ["C10", true, false],
      ["C11", false, true],
      ["C12", false, true],
      ["C13", true, false],
    ]);
    expect(stored!.coverage[0]!.criteria).toBe(verdict.coverage![0]!.criteria.length);
    // Not a word of the report in the row.
    const [row] = await db.query<Record<string, unknown>>(
      "select * from report_checks where slack_user_id = $1",
      ["U0COVER"],
    );
    const quotes = verdict.coverage!.flatMap((c) => [...c.evidence, ...c.mentions].map((q) => q.quote));
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(JSON.stringify(row)).not.toContain(q.slice(0, 30));
    const erased = await deleteSlackUserData(db, "U0COVER");
    expect(erased.reportChecks).toBe(1);
    expect(await reportChecksOf(db, "U0COVER")).toEqual([]);
  });
});
