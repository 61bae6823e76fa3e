import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeOpenAIMode = "ok" | "error" | "slow" | "empty";

export interface RecordedRequest {
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

/**
 * A small OpenAI-compatible HTTP server on 127.0.0.1 for tests: chat
 * completions (JSON and SSE streaming), embeddings (float or base64), and
 * switchable failures. The real `openai` SDK talks to it.
 */
export class FakeOpenAI {
  readonly requests: RecordedRequest[] = [];
  mode: FakeOpenAIMode = "ok";
  slowMs = 5_000;
  reply = (messages: { role: string; content: string }[]) =>
    `Réponse du modèle (${messages.length} messages). Source : rncp37827 · C12`;
  private server: Server | undefined;

  get baseURL(): string {
    const addr = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
    const path = req.url ?? "";
    this.requests.push({ path, body, authorization: req.headers.authorization });

    if (this.mode === "error") {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: "internal error", type: "server_error" } }));
      return;
    }
    if (this.mode === "slow") await new Promise((r) => setTimeout(r, this.slowMs));
    if (res.destroyed) return;

    if (path.endsWith("/chat/completions")) {
      const text = this.mode === "empty" ? "" : this.reply(body.messages);
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const pieces = text.match(/.{1,12}/gs) ?? [];
        for (const [i, piece] of pieces.entries()) {
          const chunk = {
            id: "chatcmpl-test",
            object: "chat.completion.chunk",
            created: 0,
            model: body.model,
            choices: [
              {
                index: 0,
                delta: i === 0 ? { role: "assistant", content: piece } : { content: piece },
                finish_reason: null,
              },
            ],
          };
          res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        }
        res.write(
          `data: ${JSON.stringify({ id: "chatcmpl-test", object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 0,
          model: body.model,
          choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
      return;
    }
    if (path.endsWith("/embeddings")) {
      const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
      const data = inputs.map((text, index) => {
        const v = FakeOpenAI.vector(text);
        const embedding =
          body.encoding_format === "base64" ? Buffer.from(new Float32Array(v).buffer).toString("base64") : v;
        return { object: "embedding", index, embedding };
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          object: "list",
          data,
          model: body.model,
          usage: { prompt_tokens: 1, total_tokens: 1 },
        }),
      );
      return;
    }
    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `no route ${path}` } }));
  }

  /** Deterministic 16-dimension vector from letter counts: similar texts, similar vectors. */
  static vector(text: string): number[] {
    const v = new Array(16).fill(0);
    for (const ch of text.toLowerCase()) {
      const c = ch.charCodeAt(0);
      if (c >= 97 && c <= 122) v[(c - 97) % 16] += 1;
    }
    const n = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
    return v.map((x) => x / n);
  }
}
