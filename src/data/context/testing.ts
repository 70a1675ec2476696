import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the local server answers one path: a body with a status and content type, or never (a hanging server). */
export type ScriptedRoute =
  | { readonly status?: number; readonly contentType?: string; readonly body: string }
  | { readonly hang: true };

/**
 * A local HTTP server on 127.0.0.1 that answers each path as scripted (tests of the context providers: real RSS,
 * Atom, alternative.me and Whale Alert bodies, and 500s, junk, hangs). `routes` may be changed between polls.
 * `requests` lists the URLs asked, query included.
 */
export class ScriptedHttpServer {
  readonly routes = new Map<string, ScriptedRoute>();
  readonly requests: string[] = [];
  readonly #server: Server;
  readonly #hanging = new Set<ServerResponse>();
  #port = 0;

  constructor() {
    this.#server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const url = request.url ?? "/";
      this.requests.push(url);
      const route = this.routes.get(url.split("?")[0] ?? url);
      if (route === undefined) {
        response.writeHead(404, { "content-type": "text/plain" }).end("no such route");
        return;
      }
      if ("hang" in route) {
        this.#hanging.add(response);
        return;
      }
      response.writeHead(route.status ?? 200, { "content-type": route.contentType ?? "application/json" });
      response.end(route.body);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.#port}${path}`;
  }

  async stop(): Promise<void> {
    for (const response of this.#hanging) response.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** An RSS 2.0 document with the given items (title markup is kept as given). */
export function rssDocument(
  items: readonly { title: string; guid?: string; link?: string; pubDate?: string }[],
): string {
  const body = items
    .map(
      (i) =>
        `<item><title>${i.title}</title>${i.link ? `<link>${i.link}</link>` : ""}${i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ""}${i.pubDate ? `<pubDate>${i.pubDate}</pubDate>` : ""}</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Markets</title><link>https://example.org/</link><description>news</description>\n${body}\n</channel></rss>`;
}

/** An Atom 1.0 document with the given entries. */
export function atomDocument(
  entries: readonly { title: string; id: string; href?: string; updated: string; type?: string }[],
): string {
  const body = entries
    .map(
      (e) =>
        `<entry><title${e.type ? ` type="${e.type}"` : ""}>${e.title}</title><id>${e.id}</id>${e.href ? `<link rel="alternate" href="${e.href}"/>` : ""}<updated>${e.updated}</updated></entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Chain news</title><id>urn:feed</id><updated>2024-03-01T00:00:00Z</updated>\n${body}\n</feed>`;
}
