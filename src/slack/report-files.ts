import type { WebClient } from "@slack/web-api";
import { CertibotError, isCertibotError } from "../errors.js";
import { loadKnowledge } from "../knowledge/ingest.js";
import type { KnowledgeRecord } from "../knowledge/record.js";
import { rateLimitedText } from "../ops/limits.js";
import { type CoverageSetup, checkReport, logCheck, tooLarge } from "../reports/check.js";
import { coverageSetupFrom } from "../reports/coverage-setup.js";
import { type Deliverable, deliverableNamedIn, loadDeliverables } from "../reports/deliverables.js";
import { recordReportCheck, takePendingDeliverable } from "../reports/store.js";
import type { SlackDeps } from "./deps.js";
import type { InboxContext } from "./inbox.js";
import { postedKeys, postOnce } from "./post-once.js";
import { replyWithError } from "./reply-error.js";
import { isTransient } from "./transient.js";
import {
  coverageBlocks,
  coverageQuotesText,
  parseEpreuveChoice,
  reportVerdictBlocks,
} from "./views/report-blocks.js";

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
  /** Set when the user picked an épreuve: the report is read against its competencies. */
  epreuve?: { referential: string; code: string };
  /** The inbox event being handled: each file's verdict carries `<event>:<file>`, posted once. */
  inbox?: InboxContext;
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

const setups = new WeakMap<object, Promise<CoverageSetup>>();
/**
 * The épreuves of the records the bot answers from (added titres included), with the
 * phrasings: built once per set of records, again when the knowledge is reloaded.
 */
export function coverageSetupFor(deps: SlackDeps): Promise<CoverageSetup> {
  const records = (deps.answering.retriever as { records?: KnowledgeRecord[] }).records;
  const key: object = records ?? deps;
  let p = setups.get(key);
  if (!p) {
    p = (async () =>
      coverageSetupFrom(
        deps.config.knowledgeDir,
        records ?? (await loadKnowledge(deps.config.knowledgeDir)).records,
      ))();
    p.catch(() => setups.delete(key));
    setups.set(key, p);
  }
  return p;
}

const REPORT_LIKE = /\.(pdf|docx)$/i;
const REPORT_TYPES = new Set(["pdf", "docx"]);

/** Slack's file host; with SLACK_API_URL (tests, outside checks), that host instead. */
const SLACK_FILE_HOST = "files.slack.com";

/**
 * Whether the bot token may be sent to this URL: only Slack's file host over
 * https, or the host of SLACK_API_URL when set. An event's URL is data from
 * outside; anything else would hand the token to whoever the URL names.
 */
export function tokenMayGoTo(url: string, apiUrl: string | null): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl) {
    const api = new URL(apiUrl);
    if (u.protocol === api.protocol && u.host === api.host) return true;
  }
  return u.protocol === "https:" && u.hostname === SLACK_FILE_HOST && (u.port === "" || u.port === "443");
}

/** Platform errors of files.info that mean the file is not there (any more), or not ours to read. */
const FILE_GONE = new Set(["file_not_found", "file_deleted", "access_denied", "not_visible"]);

/** The download URL, from the event when it points at Slack's file host, else from files.info. */
async function downloadUrl(deps: SlackDeps, client: WebClient, file: SlackFile): Promise<string> {
  const apiUrl = deps.config.slack.apiUrl;
  const given = file.url_private_download;
  if (given && tokenMayGoTo(given, apiUrl)) return given;
  if (given) deps.log.warn("report: download url off Slack's file host ignored", { fileId: file.id });
  let found: string | undefined;
  try {
    const info = await client.files.info({ file: file.id });
    found = (info.file as SlackFile | undefined)?.url_private_download;
  } catch (e) {
    const error = (e as { data?: { error?: string } }).data?.error;
    if (error && FILE_GONE.has(error))
      throw new CertibotError("REPORT_NOT_FOUND", { detail: `files.info: ${error}`, cause: e });
    throw e;
  }
  if (!found) throw new CertibotError("REPORT_NOT_FOUND", { detail: `no download url for ${file.id}` });
  if (!tokenMayGoTo(found, apiUrl))
    throw new CertibotError("REPORT_NOT_FOUND", {
      detail: `download url of ${file.id} is not on Slack's file host`,
    });
  return found;
}

/** Downloads with the bot token (only from Slack's file host), refusing to read past the size limit. */
async function download(deps: SlackDeps, url: string): Promise<Uint8Array> {
  const { maxBytes, timeoutMs } = deps.config.reports;
  if (!tokenMayGoTo(url, deps.config.slack.apiUrl))
    throw new CertibotError("REPORT_NOT_FOUND", { detail: "download url not on Slack's file host" });
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Authorization: `Bearer ${deps.config.slack.botToken ?? ""}` },
      // A redirect must not carry the token elsewhere: Slack's file URLs answer directly.
      redirect: "error",
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

/** A shared file's bytes, with the bot token, only from Slack's file host. */
export async function downloadSlackFile(
  deps: SlackDeps,
  client: WebClient,
  file: SlackFile,
): Promise<Uint8Array> {
  if (file.size !== undefined && file.size > deps.config.reports.maxBytes)
    throw tooLarge(deps.config.reports.maxBytes);
  return download(deps, await downloadUrl(deps, client, file));
}

/**
 * Checks each report file of a message and answers in its thread: the checklist,
 * or a clear sentence when the file cannot be read (never silence). Only the verdict
 * is stored; the bytes live in memory for the duration of the check.
 */
export async function checkUploadedReports(deps: SlackDeps, u: UploadedReports): Promise<void> {
  const deliverables = await deliverablesFor(deps);
  const keyOf = (file: SlackFile) => `${u.inbox?.eventId}:${file.id}`;
  // A takeover: verdicts an earlier attempt posted are not posted again.
  const done = u.inbox?.recheck
    ? await postedKeys(u.client, { channel: u.channel, threadTs: u.threadTs }, u.files.map(keyOf))
    : new Set<string>();
  for (const file of u.files) {
    if (done.has(keyOf(file))) continue;
    const post = async (text: string, blocks?: ReturnType<typeof reportVerdictBlocks>) => {
      const message = { channel: u.channel, thread_ts: u.threadTs, text, blocks };
      if (u.inbox) await postOnce(u.client, { key: keyOf(file), recheck: false }, message);
      else await u.client.chat.postMessage(message);
    };
    const label = file.name ? `« ${file.name} »` : "Ce fichier";
    try {
      if (file.filetype && !REPORT_TYPES.has(file.filetype) && !REPORT_LIKE.test(file.name ?? ""))
        throw new CertibotError("REPORT_UNSUPPORTED");
      if (file.size !== undefined && file.size > deps.config.reports.maxBytes)
        throw tooLarge(deps.config.reports.maxBytes);
      const rate = await deps.ops.rate(u.user, "report", u.inbox ? keyOf(file) : undefined);
      if (!rate.allowed) {
        await post(`⏳ ${label} : ${rateLimitedText("report", rate.retryAfterSeconds)}`);
        continue;
      }
      const bytes = await downloadSlackFile(deps, u.client, file);
      const named = u.deliverableId ?? deliverableNamedIn(u.text, deliverables)?.id ?? null;
      const pending = named ?? (u.epreuve ? null : await takePendingDeliverable(deps.db, u.user));
      const epreuve = u.epreuve ?? (pending ? parseEpreuveChoice(pending) : null);
      const deliverableId = epreuve ? null : pending;
      const coverage = epreuve
        ? {
            setup: await coverageSetupFor(deps),
            referential: epreuve.referential,
            epreuve: epreuve.code,
            llm: deps.config.llm,
            log: deps.log,
          }
        : undefined;
      const result = await deps.ops.reportParses.run(() =>
        checkReport(bytes, {
          deliverables,
          deliverableId,
          limits: deps.config.reports,
          ...(coverage ? { coverage } : {}),
        }),
      );
      deps.ops.metrics.reports.inc({ verdict: result.verdict.ok ? "ok" : "incomplete" });
      await recordReportCheck(deps.db, u.user, result.verdict);
      logCheck(deps.log, result);
      // An épreuve without rules of pages or sections gets no ✅/❌: coverage is advice, not a verdict.
      const mark =
        result.deliverable.sections.length || !result.epreuve ? (result.verdict.ok ? "✅" : "❌") : "📄";
      await post(`${mark} ${label} : ${result.deliverable.title}`, [
        ...reportVerdictBlocks(result, file.id, deliverables),
        ...coverageBlocks(result.verdict),
      ]);
      // The passages in a reply of their own, so the verdict stays short.
      const quotes = coverageQuotesText(result.verdict);
      if (quotes)
        await u.client.chat.postMessage({ channel: u.channel, thread_ts: u.threadTs, text: quotes });
    } catch (e) {
      if (u.inbox && isTransient(e)) throw e;
      if (!isCertibotError(e) || e.code === "INTERNAL" || e.code === "DB_UNAVAILABLE") {
        await replyWithError(deps, e, { client: u.client, channel: u.channel, threadTs: u.threadTs });
        continue;
      }
      deps.ops.metrics.reports.inc({ verdict: "unreadable" });
      deps.log.warn("report unreadable", { code: e.code, detail: e.detail });
      await post(`⚠️ ${label} : ${e.userMessage("fr")}`);
    }
  }
}
