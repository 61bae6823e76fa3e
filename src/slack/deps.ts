import type { AnswerDeps } from "../answering/answer.js";
import type { Config } from "../config.js";
import type { Db } from "../db/db.js";
import type { Logger } from "../log.js";
import type { Ops } from "../ops/ops.js";
import type { LiveKnowledge } from "../retrieval/knowledge-base.js";

/** Everything the Slack listeners need, built once at start and passed in. */
export interface SlackDeps {
  config: Config;
  log: Logger;
  db: Db;
  answering: AnswerDeps;
  /** Metrics, limits and error counts (created by createSlackApp when not given). */
  ops: Ops;
  /** The live knowledge base behind answering.retriever (absent in tests that pass a fixed retriever). */
  knowledge?: LiveKnowledge;
}
