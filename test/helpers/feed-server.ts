import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const xmlText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

export function rssXml(title: string, items: Array<{ title: string; link: string; date: Date }>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${xmlText(title)}</title><link>https://example.org/</link>
${items
  .map(
    (i) =>
      `<item><title>${xmlText(i.title)}</title><link>${xmlText(i.link)}</link><guid>${xmlText(i.link)}</guid><pubDate>${i.date.toUTCString()}</pubDate></item>`,
  )
  .join("\n")}
</channel></rss>`;
}

export function atomXml(title: string, items: Array<{ title: string; link: string; date: Date }>): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>${xmlText(title)}</title><id>urn:test</id>
${items
  .map(
    (i) =>
      `<entry><title>${xmlText(i.title)}</title><link rel="alternate" href="${xmlText(i.link)}"/><id>tag:${xmlText(i.link)}</id><updated>${i.date.toISOString()}</updated></entry>`,
  )
  .join("\n")}
</feed>`;
}

/**
 * A real HTTP server on 127.0.0.1 serving feeds by path; a route is a body
 * (served as XML), or a handler for slow, chunked or failing answers.
 */
export class FeedServer {
  readonly routes = new Map<
    string,
    string | ((res: import("node:http").ServerResponse) => void | Promise<void>)
  >();
  readonly hits: string[] = [];
  private server: Server | undefined;

  url(path: string): string {
    const addr = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${addr.port}${path}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = req.url ?? "/";
      this.hits.push(path);
      const route = this.routes.get(path);
      if (route === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      if (typeof route === "string") {
        res.writeHead(200, { "content-type": "application/xml; charset=utf-8" }).end(route);
        return;
      }
      void route(res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
