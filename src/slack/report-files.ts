import type { WebClient } from "@slack/web-api";
import { CertibotError, isCertibotError } from "../errors.js";
import { checkReport, logCheck, tooLarge } from "../reports/check.js";
import { type Deliverable, deliverableNamedIn, loadDeliverables } from "../reports/deliverables.js";
import { recordReportCheck, takePendingDeliverable } from "../reports/store.js";
import type { SlackDeps } from "./deps.js";
import { replyWithError } from "./reply-error.js";
import { reportVerdictBlocks } from "./views/report-blocks.js";

/** The fields of a Slack file object we use. */
export interface SlackFile {
  id: string;
  name?: string;
  filetype?: string;
  size?: number;
  url_private_download?: string;
}

export interface UploadedReports {
  client: WebClient;
  channel: string;
  threadTs: string;
  user: string;
  files: SlackFile[];
  /** The message's text: it may name the deliverable. */
  text: string;
  /** Set when the user picked the deliverable (a button under a guessed verdict). */
  deliverableId?: string;
}

const loaded = new WeakMap<SlackDeps, Promise<Deliverable[]>>();
/** The rules, read once per app from the knowledge dir. */
export function deliverablesFor(deps: SlackDeps): Promise<Deliverable[]> {
  let p = loaded.get(deps);
  if (!p) {
    p = loadDeliverables(deps.config.knowledgeDir);
    p.catch(() => loaded.delete(deps));
    loaded.set(deps, p);
  }
  return p;
}

const REPORT_LIKE = /\.(pdf|docx)$/i;
const REPORT_TYPES = new Set(["pdf", "docx"]);

/** Downloads with the bot token, refusing to read past the size limit. */
async function download(deps: SlackDeps, url: string): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = deps.config.reports;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Bearer ${deps.config.slack.botToken ?? ""}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new CertibotError("REPORT_NOT_FOUND", { detail: `download failed: ${String(e)}`, cause: e });
  }
  if (!res.ok || !res.body)
    throw new CertibotError("REPORT_NOT_FOUND", { detail: `download status ${res.status}` });
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await res.body.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/** A shared file's bytes: its download URL (asked with files.info when the event lacks it), with the bot token. */
export async function downloadSlackFile(
  deps: SlackDeps,
  client: WebClient,
  file: SlackFile,
): Promise<Uint8Array> {
  if (file.size !== undefined && file.size > deps.config.reports.maxBytes)
    throw tooLarge(deps.config.reports.maxBytes);
  let url = file.url_private_download;
  if (!url) {
    const info = await client.files.info({ file: file.id });
    url = (info.file as SlackFile | undefined)?.url_private_download;
  }
  if (!url) throw new CertibotError("REPORT_NOT_FOUND", { detail: `no download url for ${file.id}` });
  return download(deps, url);
}

/**
 * Checks each report file of a message and answers in its thread: the checklist,
 * or a clear sentence when the file cannot be read (never silence). Only the verdict
 * is stored; the bytes live in memory for the duration of the check.
 */
export async function checkUploadedReports(deps: SlackDeps, u: UploadedReports): Promise<void> {
  const deliverables = await deliverablesFor(deps);
  const post = (text: string, blocks?: ReturnType<typeof reportVerdictBlocks>) =>
    u.client.chat.postMessage({ channel: u.channel, thread_ts: u.threadTs, text, blocks });
  for (const file of u.files) {
    const label = file.name ? `« ${file.name} »` : "Ce fichier";
    try {
      if (file.filetype && !REPORT_TYPES.has(file.filetype) && !REPORT_LIKE.test(file.name ?? ""))
        throw new CertibotError("REPORT_UNSUPPORTED");
      const bytes = await downloadSlackFile(deps, u.client, file);
      const named = u.deliverableId ?? deliverableNamedIn(u.text, deliverables)?.id ?? null;
      const deliverableId = named ?? (await takePendingDeliverable(deps.db, u.user));
      const result = await checkReport(bytes, { deliverables, deliverableId, limits: deps.config.reports });
      await recordReportCheck(deps.db, u.user, result.verdict);
      logCheck(deps.log, result);
      await post(
        `${result.verdict.ok ? "✅" : "❌"} ${label} : ${result.deliverable.title}`,
        reportVerdictBlocks(result, file.id, deliverables),
      );
    } catch (e) {
      if (!isCertibotError(e) || e.code === "INTERNAL" || e.code === "DB_UNAVAILABLE") {
        await replyWithError(deps, e, { client: u.client, channel: u.channel, threadTs: u.threadTs });
        continue;
      }
      deps.log.warn("report unreadable", { code: e.code, detail: e.detail });
      await post(`⚠️ ${label} : ${e.userMessage("fr")}`);
    }
  }
}
