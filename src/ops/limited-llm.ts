import { LlmAnswerer } from "../answering/llm.js";
import type { Ops } from "./ops.js";

/** "timeout" or "error", for the LLM error counter. */
export function llmErrorKind(e: unknown): "timeout" | "error" {
  const name = (e as { name?: string; constructor?: { name?: string } })?.constructor?.name ?? "";
  const text = `${name} ${(e as Error)?.name ?? ""} ${(e as Error)?.message ?? ""}`;
  return /timeout|timed out|abort/i.test(text) ? "timeout" : "error";
}

/**
 * The LLM answerer behind the global concurrency limit, counting its errors
 * and timeouts. Built in place of LlmAnswerer at start; answering is unchanged.
 */
export class LimitedLlmAnswerer extends LlmAnswerer {
  constructor(
    settings: ConstructorParameters<typeof LlmAnswerer>[0],
    private readonly ops: Ops,
  ) {
    super(settings);
  }

  override async complete(...args: Parameters<LlmAnswerer["complete"]>): Promise<string> {
    return this.ops.llmCalls.run(async () => {
      try {
        return await super.complete(...args);
      } catch (e) {
        this.ops.metrics.llmErrors.inc({ kind: llmErrorKind(e) });
        throw e;
      }
    });
  }

  override async *stream(...args: Parameters<LlmAnswerer["stream"]>): AsyncGenerator<string> {
    await this.ops.llmCalls.acquire();
    try {
      yield* super.stream(...args);
    } catch (e) {
      this.ops.metrics.llmErrors.inc({ kind: llmErrorKind(e) });
      throw e;
    } finally {
      this.ops.llmCalls.release();
    }
  }
}
