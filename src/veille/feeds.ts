import { lookup } from "node:dns/promises";
import { createRequire } from "node:module";
import { BlockList, isIP } from "node:net";
import type { DOMParser as DOMParserClass } from "@xmldom/xmldom";
import type { Queryable } from "../db/db.js";
import { squash } from "../lib/text.js";
import type { Logger } from "../log.js";
import { feedsOf, recordFeedFetch } from "./store.js";
import type { FeedItem, FeedProblem, NewFeedItem, VeilleFeed } from "./types.js";

export interface FeedLimits {
  /** For the whole request, body included: a server that dribbles is cut off too. */
  timeoutMs: number;
  maxBytes: number;
  /**
   * Intranet feeds only. Otherwise loopback, private and link-local addresses
   * are refused, redirects included: a manager's URL must not make the bot
   * read internal services (SSRF).
   */
  allowPrivateHosts?: boolean;
}

const MAX_REDIRECTS = 5;

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
] as const)
  INTERNAL.addSubnet(net, prefix, "ipv6");

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, "ipv4");
  return INTERNAL.check(address, isIP(address) === 6 ? "ipv6" : "ipv4");
}

/** Refuses a URL whose host is (or resolves to) an internal address. */
async function checkPublic(url: URL): Promise<void> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (r) => r.map((a) => a.address),
        (e: { code?: string }) => {
          throw new FeedError(`le site est injoignable${e.code ? ` (${e.code})` : ""}`);
        },
      );
  if (addresses.some(isInternalAddress))
    throw new FeedError("adresse interne refusée : seuls les flux publics d'Internet sont lus");
}

export const FEED_LIMITS: FeedLimits = { timeoutMs: 10_000, maxBytes: 2 * 1024 * 1024 };

/** The limits for this deployment (CERTIBOT_FEEDS_ALLOW_PRIVATE for intranet feeds). */
export function feedLimitsFor(config: { feedsAllowPrivateHosts: boolean }): FeedLimits {
  return { ...FEED_LIMITS, allowPrivateHosts: config.feedsAllowPrivateHosts };
}

/** Items listed per feed and in all in one reminder: a reminder is not a news reader. */
export const MAX_ITEMS_PER_FEED = 5;
export const MAX_ITEMS_PER_REMINDER = 15;
/** Items older than this are not "new" even if never seen (first read of a feed, re-dated archives). */
const NEW_ITEM_MAX_AGE_MS = 7 * 86_400_000;
/** Ids remembered per feed: more than any feed lists at once, so nothing is announced twice. */
const MAX_SEEN_IDS = 500;
const MAX_ITEMS_PARSED = 100;
const MAX_TITLE_CHARS = 200;

/** A feed that could not be read; the message is French and safe to show to managers. */
export class FeedError extends Error {
  override readonly name = "FeedError";
}

/** The little of the DOM read here; the parser's own typings lean on lib.dom, which this project leaves out. */
interface XmlElement {
  nodeType: number;
  localName: string | null;
  firstChild: XmlElement | null;
  nextSibling: XmlElement | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
}

export interface ParsedFeed {
  title: string | null;
  items: FeedItem[];
}

function elements(parent: XmlElement, localName: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && n.localName === localName) out.push(n);
  return out;
}

function text(parent: XmlElement, localName: string): string | null {
  const el = elements(parent, localName)[0];
  const t = el ? squash(el.textContent ?? "") : "";
  return t || null;
}

function date(parent: XmlElement, ...names: string[]): Date | null {
  for (const name of names) {
    const t = text(parent, name);
    if (!t) continue;
    const ms = Date.parse(t);
    if (!Number.isNaN(ms)) return new Date(ms);
  }
  return null;
}

function httpLink(value: string | null): string | null {
  if (!value) return null;
  try {
    const u = new URL(value);
    return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : null;
  } catch {
    return null;
  }
}

function item(title: string | null, link: string | null, id: string | null, published: Date | null) {
  const t = (title ?? link ?? "").slice(0, MAX_TITLE_CHARS);
  const key = id ?? link ?? title;
  return key && t ? { id: key, title: t, link, published } : null;
}

function rssItem(el: XmlElement): FeedItem | null {
  const link = httpLink(text(el, "link"));
  return item(text(el, "title"), link, text(el, "guid"), date(el, "pubDate", "date"));
}

function atomEntry(el: XmlElement): FeedItem | null {
  const links = elements(el, "link");
  const alternate =
    links.find((l) => (l.getAttribute("rel") ?? "alternate") === "alternate") ?? links[0] ?? null;
  const link = httpLink(alternate?.getAttribute("href") ?? null);
  return item(text(el, "title"), link, text(el, "id"), date(el, "published", "updated"));
}

/**
 * RSS 2.0, RSS 1.0 (RDF) or Atom, read with a DOM parser that never expands
 * entities or fetches DTDs. Anything the parser complains about is refused:
 * a half-read feed would announce wrong items.
 */
export function parseFeed(xml: string): ParsedFeed {
  const problems: string[] = [];
  // Loaded when a feed is read (the weekly veille), not at every start.
  const { DOMParser } = createRequire(import.meta.url)("@xmldom/xmldom") as {
    DOMParser: typeof DOMParserClass;
  };
  const parser = new DOMParser({
    errorHandler: {
      // xmldom reports unclosed or mismatched tags as mere warnings.
      warning: (m: string) => problems.push(m),
      error: (m: string) => problems.push(m),
      fatalError: (m: string) => problems.push(m),
    },
  });
  let root: XmlElement | null = null;
  try {
    const doc = parser.parseFromString(xml, "text/xml") as
      | { documentElement?: XmlElement | null }
      | undefined;
    root = doc?.documentElement ?? null;
  } catch {
    root = null;
  }
  if (!root || problems.length) throw new FeedError("le contenu n'est pas du XML valide");
  let title: string | null;
  let raw: Array<FeedItem | null>;
  if (root.localName === "rss") {
    const channel = elements(root, "channel")[0];
    if (!channel) throw new FeedError("flux RSS sans élément <channel>");
    title = text(channel, "title");
    raw = elements(channel, "item").slice(0, MAX_ITEMS_PARSED).map(rssItem);
  } else if (root.localName === "RDF") {
    const channel = elements(root, "channel")[0];
    title = channel ? text(channel, "title") : null;
    raw = elements(root, "item").slice(0, MAX_ITEMS_PARSED).map(rssItem);
  } else if (root.localName === "feed") {
    title = text(root, "title");
    raw = elements(root, "entry").slice(0, MAX_ITEMS_PARSED).map(atomEntry);
  } else {
    throw new FeedError(`ce n'est pas un flux RSS ou Atom (élément racine <${root.localName}>)`);
  }
  return { title, items: raw.filter((i): i is FeedItem => i !== null) };
}

function declaredEncoding(head: Uint8Array): string {
  const ascii = new TextDecoder("latin1").decode(head.subarray(0, 200));
  return /^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(ascii)?.[1] ?? "utf-8";
}

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder(declaredEncoding(bytes)).decode(bytes);
  } catch {
    return new TextDecoder("utf-8").decode(bytes);
  }
}

/**
 * Downloads and parses one feed, within a time and size budget. Throws
 * FeedError with a French reason for anything that goes wrong.
 */
export async function fetchFeed(url: string, limits: FeedLimits = FEED_LIMITS): Promise<ParsedFeed> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), limits.timeoutMs);
  const seconds = Math.max(1, Math.round(limits.timeoutMs / 1000));
  const tooBig = () => new FeedError(`le flux dépasse ${Math.round(limits.maxBytes / 1024)} Ko`);
  try {
    // Redirects are followed by hand, so every hop's host is checked.
    let target = new URL(url);
    let res: Response;
    for (let hop = 0; ; hop++) {
      if (target.protocol !== "http:" && target.protocol !== "https:")
        throw new FeedError(`redirection vers une adresse non web (${target.protocol})`);
      if (!limits.allowPrivateHosts) await checkPublic(target);
      res = await fetch(target, {
        signal: controller.signal,
        redirect: "manual",
        headers: {
          accept: "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8",
          "user-agent": "certibot (veille)",
        },
      });
      const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
      if (!location) break;
      await res.body?.cancel().catch(() => {});
      if (hop >= MAX_REDIRECTS) throw new FeedError(`plus de ${MAX_REDIRECTS} redirections`);
      target = new URL(location, target);
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      throw new FeedError(`le serveur a répondu HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get("content-length"));
    if (declared > limits.maxBytes) {
      await res.body?.cancel().catch(() => {});
      throw tooBig();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    for (let r = await reader?.read(); r && !r.done; r = await reader?.read()) {
      size += r.value.byteLength;
      if (size > limits.maxBytes) {
        controller.abort();
        throw tooBig();
      }
      chunks.push(r.value);
    }
    return parseFeed(decode(Buffer.concat(chunks, size)));
  } catch (e) {
    if (e instanceof FeedError) throw e;
    if (controller.signal.aborted) throw new FeedError(`pas de réponse complète en ${seconds} s`);
    const code = ((e as Error).cause as { code?: unknown } | undefined)?.code;
    throw new FeedError(`le site est injoignable${typeof code === "string" ? ` (${code})` : ""}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Not announced yet, and recent: what a reminder lists from this feed. */
export function newItemsOf(feed: VeilleFeed, items: readonly FeedItem[], now: Date): FeedItem[] {
  const seen = new Set(feed.seenIds);
  const oldest = now.getTime() - NEW_ITEM_MAX_AGE_MS;
  return items
    .filter((i) => !seen.has(i.id) && (!i.published || i.published.getTime() >= oldest))
    .sort((a, b) => (b.published?.getTime() ?? 0) - (a.published?.getTime() ?? 0));
}

export interface FeedRefresh {
  items: NewFeedItem[];
  problems: FeedProblem[];
  /**
   * Marks the listed items as announced. Called once the reminder went out,
   * so a reminder that failed and is retried lists them again.
   */
  commit(): Promise<void>;
}

/**
 * Reads every feed of a session, one after the other (a handful of feeds, once
 * a week). A broken feed becomes a problem in the result; it never throws.
 */
export async function refreshFeeds(
  db: Queryable,
  sessionId: number,
  now: Date,
  log: Logger,
  limits: FeedLimits = FEED_LIMITS,
): Promise<FeedRefresh> {
  const items: NewFeedItem[] = [];
  const problems: FeedProblem[] = [];
  const updates: Array<{ feed: VeilleFeed; seenIds: string[]; lastItemAt: Date | null }> = [];
  for (const feed of await feedsOf(db, sessionId)) {
    try {
      const parsed = await fetchFeed(feed.url, limits);
      const fresh = newItemsOf(feed, parsed.items, now).slice(0, MAX_ITEMS_PER_FEED);
      const feedTitle = parsed.title ?? new URL(feed.url).hostname;
      items.push(...fresh.map((i) => ({ ...i, feedUrl: feed.url, feedTitle })));
      const current = parsed.items.map((i) => i.id);
      const kept = feed.seenIds.filter((id) => !current.includes(id));
      const dates = parsed.items.flatMap((i) => (i.published ? [i.published.getTime()] : []));
      updates.push({
        feed,
        seenIds: [...current, ...kept].slice(0, MAX_SEEN_IDS),
        lastItemAt: dates.length ? new Date(Math.max(...dates)) : null,
      });
    } catch (e) {
      const problem = e instanceof FeedError ? e.message : "erreur inattendue en lisant le flux";
      log.warn("veille feed unreadable", { sessionId, feedId: feed.id, problem, error: e as Error });
      problems.push({ url: feed.url, problem });
      await recordFeedFetch(db, feed.id, now, { error: problem });
    }
  }
  return {
    items: items.slice(0, MAX_ITEMS_PER_REMINDER),
    problems,
    async commit() {
      for (const u of updates)
        await recordFeedFetch(db, u.feed.id, now, { seenIds: u.seenIds, lastItemAt: u.lastItemAt });
    },
  };
}
