import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomXml, FeedServer, rssXml } from "../../test/helpers/feed-server.js";
import { FeedError, fetchFeed, isInternalAddress, newItemsOf, parseFeed } from "./feeds.js";
import type { VeilleFeed } from "./types.js";

// Served on loopback: allowed here, refused by default (see below).
const LIMITS = { timeoutMs: 300, maxBytes: 32 * 1024, allowPrivateHosts: true };

async function problem(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(FeedError);
    return (e as FeedError).message;
  }
  throw new Error("expected a FeedError");
}

describe("feeds against a local HTTP server", () => {
  let server: FeedServer;
  const d1 = new Date("2026-06-20T08:00:00Z");
  const d2 = new Date("2026-06-21T09:30:00Z");

  beforeAll(async () => {
    server = await new FeedServer().start();
    server.routes.set(
      "/good.rss",
      rssXml("Veille IA", [
        { title: "Premier & dernier", link: "https://ex.org/1", date: d1 },
        { title: "Second", link: "https://ex.org/2", date: d2 },
      ]),
    );
    server.routes.set(
      "/good.atom",
      atomXml("Atom IA", [{ title: "Entrée", link: "https://ex.org/a", date: d2 }]),
    );
    server.routes.set("/slow", async (res) => {
      await sleep(1_500);
      if (!res.destroyed) res.writeHead(200).end("<rss><channel/></rss>");
    });
    server.routes.set("/dribble", async (res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      for (let i = 0; i < 30 && !res.destroyed; i++) {
        res.write(" ");
        await sleep(50);
      }
      if (!res.destroyed) res.end("<rss><channel/></rss>");
    });
    server.routes.set("/malformed", "<rss><channel><title>x</channel></rss>");
    server.routes.set("/html", "<html><body><p>Bienvenue</p></body></html>");
    server.routes.set("/declared-huge", (res) => {
      res.writeHead(200, { "content-length": String(10 * 1024 * 1024) });
      res.end();
    });
    server.routes.set("/chunked-huge", (res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      const write = (left: number) => {
        if (left === 0 || res.destroyed) return void res.end("<rss/>");
        res.write(`<!-- ${"y".repeat(8 * 1024)} -->`, () => write(left - 1));
      };
      write(64);
    });
    server.routes.set(
      "/latin1.rss",
      '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Actualit\u00e9s</title></channel></rss>',
    );
  });
  afterAll(() => server?.stop());

  it("reads a good RSS feed", async () => {
    const feed = await fetchFeed(server.url("/good.rss"), LIMITS);
    expect(feed).toEqual({
      title: "Veille IA",
      items: [
        { id: "https://ex.org/1", title: "Premier & dernier", link: "https://ex.org/1", published: d1 },
        { id: "https://ex.org/2", title: "Second", link: "https://ex.org/2", published: d2 },
      ],
    });
  });

  it("reads a good Atom feed", async () => {
    expect(await fetchFeed(server.url("/good.atom"), LIMITS)).toEqual({
      title: "Atom IA",
      items: [{ id: "tag:https://ex.org/a", title: "Entrée", link: "https://ex.org/a", published: d2 }],
    });
  });

  it("gives up on a slow server, and on one that dribbles its body", async () => {
    const started = Date.now();
    expect(await problem(fetchFeed(server.url("/slow"), LIMITS))).toBe("pas de réponse complète en 1 s");
    expect(await problem(fetchFeed(server.url("/dribble"), LIMITS))).toMatch(/pas de réponse complète/);
    expect(Date.now() - started).toBeLessThan(1_400);
  });

  it("refuses malformed XML and what is not a feed", async () => {
    expect(await problem(fetchFeed(server.url("/malformed"), LIMITS))).toBe(
      "le contenu n'est pas du XML valide",
    );
    expect(await problem(fetchFeed(server.url("/html"), LIMITS))).toMatch(/pas un flux RSS ou Atom.*<html>/);
    expect(await problem(fetchFeed(server.url("/missing"), LIMITS))).toBe("le serveur a répondu HTTP 404");
  });

  it("stops at the size limit, whether the size is declared or not", async () => {
    expect(await problem(fetchFeed(server.url("/declared-huge"), LIMITS))).toBe("le flux dépasse 32 Ko");
    expect(await problem(fetchFeed(server.url("/chunked-huge"), LIMITS))).toBe("le flux dépasse 32 Ko");
  });

  it("reports an unreachable site", async () => {
    const port = new URL(server.url("/")).port;
    const closed = new FeedServer();
    await closed.start();
    const url = closed.url("/x.rss");
    await closed.stop();
    expect(url).not.toContain(`:${port}/`);
    expect(await problem(fetchFeed(url, LIMITS))).toMatch(/^le site est injoignable/);
  });

  it("refuses internal addresses by default, redirects included", async () => {
    const noPrivate = { ...LIMITS, allowPrivateHosts: false };
    expect(await problem(fetchFeed(server.url("/good.rss"), noPrivate))).toBe(
      "adresse interne refusée : seuls les flux publics d'Internet sont lus",
    );
    expect(await problem(fetchFeed("http://localhost:9/x.rss", noPrivate))).toMatch(
      /adresse interne refusée/,
    );
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
    ])
      expect(isInternalAddress(a), a).toBe(true);
    for (const a of ["93.184.216.34", "2606:4700::6810:84e5", "172.32.0.1"])
      expect(isInternalAddress(a), a).toBe(false);
    server.routes.set("/to-file", (res) => {
      res.writeHead(302, { location: "file:///etc/passwd" }).end();
    });
    expect(await problem(fetchFeed(server.url("/to-file"), LIMITS))).toBe(
      "redirection vers une adresse non web (file:)",
    );
    server.routes.set("/loop", (res) => {
      res.writeHead(301, { location: "/loop" }).end();
    });
    expect(await problem(fetchFeed(server.url("/loop"), LIMITS))).toBe("plus de 5 redirections");
    server.routes.set("/moved", (res) => {
      res.writeHead(301, { location: server.url("/good.rss") }).end();
    });
    expect((await fetchFeed(server.url("/moved"), LIMITS)).items.length).toBeGreaterThan(0);
  });

  it("honours the declared encoding", async () => {
    server.routes.set("/latin1.rss", (res) => {
      res.writeHead(200, { "content-type": "application/rss+xml" });
      res.end(
        Buffer.from(
          '<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Actualit\u00e9s</title></channel></rss>',
          "latin1",
        ),
      );
    });
    expect((await fetchFeed(server.url("/latin1.rss"), LIMITS)).title).toBe("Actualités");
  });
});

describe("feed parsing and new items", () => {
  it("reads RSS 1.0 (RDF) and skips items without title or link", () => {
    const rdf = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>RDF</title></channel>
<item><title>Un</title><link>https://r.org/1</link><dc:date>2026-06-01T10:00:00Z</dc:date></item>
<item></item>
<item><title>Lien douteux</title><link>javascript:alert(1)</link></item>
</rdf:RDF>`;
    expect(parseFeed(rdf)).toEqual({
      title: "RDF",
      items: [
        {
          id: "https://r.org/1",
          title: "Un",
          link: "https://r.org/1",
          published: new Date("2026-06-01T10:00:00Z"),
        },
        { id: "Lien douteux", title: "Lien douteux", link: null, published: null },
      ],
    });
  });

  it("never expands entities declared in the document", () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>
<rss><channel><title>&b;</title></channel></rss>`;
    expect(() => parseFeed(bomb)).toThrowError(FeedError);
  });

  it("lists unseen, recent items, newest first", () => {
    const now = new Date("2026-06-22T07:00:00Z");
    const feed: VeilleFeed = {
      id: 1,
      sessionId: 1,
      url: "https://ex.org/f",
      addedBy: "U",
      addedAt: now,
      lastFetchedAt: null,
      lastError: null,
      seenIds: ["seen"],
      lastItemAt: null,
    };
    const item = (id: string, published: string | null) => ({
      id,
      title: id,
      link: null,
      published: published ? new Date(published) : null,
    });
    expect(
      newItemsOf(
        feed,
        [
          item("seen", "2026-06-21T00:00:00Z"),
          item("old", "2026-06-01T00:00:00Z"),
          item("a", "2026-06-18T00:00:00Z"),
          item("b", "2026-06-21T00:00:00Z"),
          item("undated", null),
        ],
        now,
      ).map((i) => i.id),
    ).toEqual(["b", "a", "undated"]);
  });
});
