import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type OpenAI from "openai";
import { PACKAGE_ROOT } from "../config.js";
import { type KnowledgeRecord, recordText } from "../knowledge/record.js";
import { truncate } from "../lib/text.js";
import type { Lang } from "../retrieval/query.js";

export interface LlmSettings {
  apiKey: string;
  baseURL: string | undefined;
  model: string;
  timeoutMs: number;
}

export interface ChatTurn {
  question: string;
  answer: string;
}

/** What the question understanding and the extractive composition found, for the model to build on. */
export interface LlmGuide {
  intent: string;
  /** The extractive answer: the sentences selected as evidence, with their citations. */
  draft: string;
}

let systemPromptCache: string | undefined;
async function systemPrompt(): Promise<string> {
  systemPromptCache ??= await readFile(join(PACKAGE_ROOT, "prompts", "answer-system.md"), "utf8");
  return systemPromptCache;
}

/** Retrieved records, fenced as data: the model must not take them as instructions. */
export function contextBlock(records: KnowledgeRecord[]): string {
  const parts = records.map(
    (r) =>
      `<source id="${r.referential} · ${r.code ?? r.title}">\n${truncate(recordText(r), 2500)}\n</source>`,
  );
  return `<context>\n${parts.join("\n")}\n</context>`;
}

export class LlmAnswerer {
  private client: OpenAI | undefined;

  constructor(private readonly settings: LlmSettings) {}

  get model(): string {
    return this.settings.model;
  }

  private async getClient(): Promise<OpenAI> {
    if (!this.client) {
      // Loaded on first use: the offline path never pays for the SDK.
      const { default: OpenAI } = await import("openai");
      this.client = new OpenAI({
        apiKey: this.settings.apiKey,
        baseURL: this.settings.baseURL,
        timeout: this.settings.timeoutMs,
        maxRetries: 0,
      });
    }
    return this.client;
  }

  private async messages(
    question: string,
    records: KnowledgeRecord[],
    lang: Lang,
    history: ChatTurn[],
    guide?: LlmGuide,
  ) {
    const langLine = lang === "en" ? "Answer in English." : "Réponds en français.";
    const evidence = guide
      ? `\n\n<evidence intent="${guide.intent}">\n${truncate(guide.draft, 3000)}\n</evidence>`
      : "";
    return [
      { role: "system" as const, content: `${await systemPrompt()}\n${langLine}` },
      ...history.slice(-3).flatMap((t) => [
        { role: "user" as const, content: t.question },
        { role: "assistant" as const, content: t.answer },
      ]),
      { role: "user" as const, content: `${contextBlock(records)}${evidence}\n\nQuestion : ${question}` },
    ];
  }

  async complete(
    question: string,
    records: KnowledgeRecord[],
    lang: Lang,
    history: ChatTurn[] = [],
    guide?: LlmGuide,
  ): Promise<string> {
    const client = await this.getClient();
    const res = await client.chat.completions.create({
      model: this.settings.model,
      messages: await this.messages(question, records, lang, history, guide),
      temperature: 0.1,
    });
    const text = res.choices[0]?.message?.content?.trim();
    if (!text) throw new Error("empty completion");
    return text;
  }

  /** Streams the answer as text deltas (Slack's chat streaming uses this). */
  async *stream(
    question: string,
    records: KnowledgeRecord[],
    lang: Lang,
    history: ChatTurn[] = [],
    guide?: LlmGuide,
  ): AsyncGenerator<string> {
    const client = await this.getClient();
    const stream = await client.chat.completions.create({
      model: this.settings.model,
      messages: await this.messages(question, records, lang, history, guide),
      temperature: 0.1,
      stream: true,
    });
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) yield delta;
    }
  }
}
