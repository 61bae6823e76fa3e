import { Embeddings } from "@langchain/core/embeddings";
import type OpenAI from "openai";

/** Embeddings from any OpenAI-compatible server, through the official SDK. */
export class OpenAICompatibleEmbeddings extends Embeddings {
  constructor(
    private readonly client: OpenAI,
    private readonly model: string,
    private readonly batchSize = 64,
  ) {
    super({});
  }

  get id(): string {
    return `openai:${this.model}`;
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < documents.length; i += this.batchSize) {
      const batch = documents.slice(i, i + this.batchSize);
      // The SDK asks for base64 and decodes it to floats for us.
      const res = await this.client.embeddings.create({ model: this.model, input: batch });
      const sorted = [...res.data].sort((a, b) => a.index - b.index);
      for (const d of sorted) out.push(d.embedding);
    }
    return out;
  }

  override async embedQuery(document: string): Promise<number[]> {
    const [v] = await this.embedDocuments([document]);
    return v!;
  }
}
