import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SlackCall {
  method: string;
  /** Form fields decoded; JSON-string fields (blocks, attachments, view…) parsed. */
  args: Record<string, unknown>;
  token: string | undefined;
}

const JSON_FIELDS = new Set([
  "blocks",
  "attachments",
  "view",
  "prompts",
  "chunks",
  "metadata",
  "files",
  "loading_messages",
]);

/** A message as Slack keeps it. */
export interface FakeMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  text?: unknown;
  metadata?: unknown;
  blocks?: unknown;
  /** Who posted it: the bot (U0BOT) for everything certibot sends. */
  user?: string;
  bot_id?: string;
  /** A stream started and not stopped yet. */
  streaming?: boolean;
}

export type FakeFault =
  | { status: 429; retryAfter: number }
  | { status: 500; afterPosting: boolean }
  /** The connection reset without an answer (after doing the work when `afterPosting`). */
  | { status: "reset"; afterPosting: boolean };

/** A file sent with files.uploadV2: announced, its bytes posted, then completed (shared). */
export interface FakeUpload {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
  /** files.completeUploadExternal's arguments once completed (channel_id, initial_comment, files…). */
  completed?: Record<string, unknown>;
}

/**
 * A fake Slack Web API on 127.0.0.1 that Bolt's WebClient talks to through
 * `slackApiUrl`: answers the methods certibot uses, serves `response_url`s
 * and file downloads, and records every call for assertions.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responseUrlPosts: { path: string; body: Record<string, unknown> }[] = [];
  /** Methods that answer `{ ok: false, error }` (e.g. streaming refused). */
  readonly failing = new Map<string, string>();
  /** Files served at /files/<id>. */
  readonly files = new Map<string, { name: string; mimetype: string; content: Buffer }>();
  replies: Record<string, unknown>[] = [];
  /**
   * Messages posted (chat.postMessage, streams), as Slack keeps them with their
   * metadata: conversations.history/replies read these.
   */
  readonly messages: FakeMessage[] = [];
  /**
   * Per call: a fault instead of the normal answer — 429 with Retry-After
   * (nothing done), HTTP 500 or a reset connection, after doing the work
   * (`afterPosting`: the message is kept, its answer lost) or before it.
   */
  fault: ((call: SlackCall) => FakeFault | null) | null = null;
  /** Milliseconds each Web API answer waits (a slow Slack); per method, or "*" for all. */
  readonly delays = new Map<string, number>();
  /** Called once a call is recorded, before it is answered (e.g. to kill the caller in between). */
  onCall: ((call: SlackCall) => void) | null = null;
  /** Per call: an error name to answer `{ ok: false, error }` with, or null to answer normally. */
  failIf: ((call: SlackCall) => string | null) | null = null;
  /** Files uploaded through files.uploadV2, by file id. */
  readonly uploads = new Map<string, FakeUpload>();
  private server: Server | undefined;
  private ts = 1_790_000_000;

  get url(): string {
    const addr = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}`;
  }

  /** Base URL for Bolt's client (`clientOptions.slackApiUrl`). */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
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

  reset(): void {
    this.calls.length = 0;
    this.messages.length = 0;
    this.delays.clear();
    this.onCall = null;
    this.failIf = null;
    this.fault = null;
    this.responseUrlPosts.length = 0;
    this.failing.clear();
    this.uploads.clear();
  }

  /** Resolves once `count` uploads were completed (shared), oldest first. */
  async waitForUploads(count = 1): Promise<FakeUpload[]> {
    await this.waitFor("files.completeUploadExternal", count);
    const done = () => [...this.uploads.values()].filter((u) => u.completed && u.bytes);
    while (done().length < count) await new Promise((r) => setTimeout(r, 10));
    return done();
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `count` calls to `method` were recorded (or rejects after `ms`). */
  async waitFor(method: string, count = 1, ms = 10_000): Promise<SlackCall[]> {
    const start = Date.now();
    while (this.callsTo(method).length < count) {
      if (Date.now() - start > ms) {
        throw new Error(
          `timed out waiting for ${count} × ${method}; got ${this.calls.map((c) => c.method).join(", ")}`,
        );
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.callsTo(method);
  }

  private nextTs(): string {
    this.ts += 1;
    return `${this.ts}.000100`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString("utf8");
    const url = new URL(req.url ?? "/", this.url);
    const send = (status: number, body: unknown, type = "application/json") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };

    if (url.pathname.startsWith("/response/")) {
      this.responseUrlPosts.push({ path: url.pathname, body: raw ? JSON.parse(raw) : {} });
      return send(200, { ok: true });
    }
    if (url.pathname.startsWith("/upload/")) {
      const upload = this.uploads.get(url.pathname.slice("/upload/".length));
      if (!upload) return send(404, "not found", "text/plain");
      const type = req.headers["content-type"] ?? "";
      if (type.startsWith("multipart/form-data")) {
        // The SDK posts the file as a multipart form: keep the file part's bytes.
        const form = await new Response(bytes, { headers: { "content-type": type } }).formData();
        let part: unknown = null;
        form.forEach((v) => {
          if (typeof v !== "string") part = v;
        });
        upload.bytes = part ? Buffer.from(await (part as Blob).arrayBuffer()) : Buffer.alloc(0);
      } else upload.bytes = bytes;
      return send(200, "OK", "text/plain");
    }
    if (url.pathname.startsWith("/files/")) {
      const file = this.files.get(url.pathname.slice("/files/".length));
      if (!file) return send(404, "not found", "text/plain");
      if (req.headers.authorization !== "Bearer xoxb-test") return send(403, "forbidden", "text/plain");
      return send(200, file.content, file.mimetype);
    }
    if (!url.pathname.startsWith("/api/")) return send(404, { ok: false, error: "unknown_path" });

    const method = url.pathname.slice("/api/".length);
    const args: Record<string, unknown> = {};
    const type = req.headers["content-type"] ?? "";
    if (type.includes("application/json")) Object.assign(args, raw ? JSON.parse(raw) : {});
    else {
      for (const [k, v] of new URLSearchParams(raw)) {
        args[k] = JSON_FIELDS.has(k) ? safeJson(v) : v;
      }
    }
    const token = req.headers.authorization?.replace(/^Bearer /, "") ?? (args.token as string | undefined);
    const call = { method, args, token };
    this.calls.push(call);
    this.onCall?.(call);
    const delay = this.delays.get(method) ?? this.delays.get("*") ?? 0;
    if (delay) await new Promise((r) => setTimeout(r, delay));

    const fault = this.fault?.(call);
    if (fault?.status === 429) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(fault.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: "ratelimited" }));
      return;
    }
    if (fault?.status === "reset") {
      if (fault.afterPosting) this.answer(method, args);
      req.socket.destroy();
      return;
    }
    if (fault?.status === 500) {
      if (fault.afterPosting) this.answer(method, args);
      return send(500, "upstream failure", "text/plain");
    }
    const failure = this.failing.get(method) ?? this.failIf?.(call) ?? undefined;
    if (failure) return send(200, { ok: false, error: failure });
    send(200, this.answer(method, args));
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = (args.channel as string) ?? "C0TEST";
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://certibot-test.slack.com/",
          team: "Test",
          user: "certibot",
          team_id: "T0TEST",
          user_id: "U0BOT",
          bot_id: "B0BOT",
        };
      case "chat.postMessage": {
        // A post to a user id lands in their DM channel, which Slack names D…
        const where = /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
        const ts = this.nextTs();
        const thread = args.thread_ts as string | undefined;
        this.messages.push({
          channel: where,
          ts,
          thread_ts: thread,
          text: args.text,
          metadata: args.metadata,
          blocks: args.blocks,
          ...BOT,
        });
        return { ok: true, channel: where, ts, message: { text: args.text } };
      }
      case "chat.startStream": {
        const ts = this.nextTs();
        this.messages.push({
          channel,
          ts,
          thread_ts: args.thread_ts as string | undefined,
          text: args.markdown_text ?? "",
          streaming: true,
          ...BOT,
        });
        return { ok: true, channel, ts, message: { text: args.markdown_text } };
      }
      case "chat.appendStream":
      case "chat.stopStream": {
        const m = this.messages.find((x) => x.channel === channel && x.ts === args.ts);
        if (!m?.streaming)
          return { ok: false, error: m ? "message_not_in_streaming_state" : "message_not_found" };
        m.text = `${m.text ?? ""}${args.markdown_text ?? ""}`;
        if (method === "chat.stopStream") {
          m.streaming = false;
          if (args.blocks) m.blocks = args.blocks;
          if (args.metadata) m.metadata = args.metadata;
        }
        return { ok: true, channel, ts: args.ts };
      }
      case "chat.update": {
        const m = this.messages.find((x) => x.channel === channel && x.ts === args.ts);
        if (m) {
          if (args.text !== undefined) m.text = args.text;
          if (args.blocks !== undefined) m.blocks = args.blocks;
          if (args.metadata !== undefined) m.metadata = args.metadata;
        }
        return { ok: true, channel, ts: args.ts };
      }
      case "conversations.open": {
        const user = String(args.users ?? "").split(",")[0] ?? "";
        return { ok: true, channel: { id: `D${user.slice(1)}` } };
      }
      case "conversations.history":
        return {
          ok: true,
          messages: this.messages.filter((m) => m.channel === channel).reverse(),
          has_more: false,
        };
      case "chat.postEphemeral":
        return { ok: true, message_ts: this.nextTs() };
      case "conversations.replies":
        return {
          ok: true,
          messages: this.replies.length
            ? this.replies
            : this.messages.filter(
                (m) => m.channel === channel && (m.thread_ts === args.ts || m.ts === args.ts),
              ),
          has_more: false,
        };
      case "users.info":
        return {
          ok: true,
          user: {
            id: args.user,
            is_admin: false,
            tz: "Europe/Paris",
            profile: { email: `${args.user}@example.test` },
          },
        };
      case "users.lookupByEmail": {
        // People of the test workspace have <id>@example.test addresses, as users.info reports.
        const m = /^([UW][A-Z0-9]+)@example\.test$/i.exec(String(args.email));
        return m ? { ok: true, user: { id: m[1]!.toUpperCase() } } : { ok: false, error: "users_not_found" };
      }
      case "files.info": {
        const file = this.fileInfo(args.file as string);
        return file ? { ok: true, file } : { ok: false, error: "file_not_found" };
      }
      case "files.getUploadURLExternal": {
        const id = `FUP${this.uploads.size + 1}`;
        this.uploads.set(id, {
          id,
          filename: String(args.filename),
          length: Number(args.length),
          ...(args.alt_text ? { altText: String(args.alt_text) } : {}),
        });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const files = (args.files ?? []) as { id: string; title?: string }[];
        for (const f of files) {
          const u = this.uploads.get(f.id);
          if (u) u.completed = args;
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case "views.open":
      case "views.publish":
      case "views.update":
        return { ok: true, view: { id: "V0TEST", ...(args.view as object) } };
      default:
        // reactions.*, assistant.threads.*, … succeed with no payload.
        return { ok: true };
    }
  }

  private fileInfo(id: string): Record<string, unknown> | undefined {
    const f = this.files.get(id);
    if (!f) return undefined;
    return {
      id,
      name: f.name,
      mimetype: f.mimetype,
      size: f.content.length,
      url_private_download: `${this.url}/files/${id}`,
    };
  }
}

/** What Slack stamps on the bot's own messages. */
const BOT = { user: "U0BOT", bot_id: "B0BOT" } as const;

function safeJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Headers of a request signed with Slack's v0 HMAC scheme. */
export function signSlackRequest(
  secret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "x-slack-request-timestamp": String(timestamp), "x-slack-signature": signature };
}
