import type { Config } from "../config.js";
import type { KnowledgeRecord } from "../knowledge/record.js";
import type { Logger } from "../log.js";
import { openKnowledgeBase } from "../retrieval/knowledge-base.js";
import { loadLexicon } from "../retrieval/lexicon.js";
import type { CoverageSetup } from "./check.js";
import { loadPhrasings } from "./coverage.js";
import { epreuvesFrom } from "./epreuves.js";

/** The épreuves of the given records, with the phrasings and the lexicon of knowledge/. */
export async function coverageSetupFrom(
  knowledgeDir: string,
  records: readonly KnowledgeRecord[],
): Promise<CoverageSetup> {
  const [phrasings, lexicon] = await Promise.all([loadPhrasings(knowledgeDir), loadLexicon(knowledgeDir)]);
  return { epreuves: epreuvesFrom(records), phrasings, lexicon };
}

/** For the CLI: the records of the saved index (built if missing), added titres included. */
export async function loadCoverageSetup(config: Config, log?: Logger): Promise<CoverageSetup> {
  const kb = await openKnowledgeBase(config, log ? { log } : {});
  return coverageSetupFrom(config.knowledgeDir, kb.retriever.records);
}
