import { describe, expect, it } from "vitest";
import { ContextSourceError } from "./context-fetch.js";
import { MAX_ITEMS, parseNewsFeed, plainText } from "./news-feed.js";
import { atomDocument, rssDocument } from "./testing.js";

describe("parseNewsFeed", () => {
  it("reads RSS 2.0 items: title, guid, link and RFC 822 date", () => {
    const feed = parseNewsFeed(
      "wire",
      rssDocument([
        {
          title: "Bitcoin ETF inflows hit record",
          guid: "g-1",
          link: "https://n.example/1",
          pubDate: "Fri, 01 Mar 2024 14:05:00 GMT",
        },
        { title: "Second", link: "https://n.example/2" },
      ]),
    );
    expect(feed.format).toBe("rss");
    expect(feed.headlines).toEqual([
      {
        id: "g-1",
        title: "Bitcoin ETF inflows hit record",
        link: "https://n.example/1",
        published: Date.UTC(2024, 2, 1, 14, 5),
        feed: "wire",
      },
      { id: "https://n.example/2", title: "Second", link: "https://n.example/2", feed: "wire" },
    ]);
  });

  it("reads Atom entries: the alternate link, the id and the updated time", () => {
    const feed = parseNewsFeed(
      "chain",
      atomDocument([
        { title: "Miners sell", id: "urn:1", href: "https://c.example/1", updated: "2024-03-01T10:00:00Z" },
      ]),
    );
    expect(feed.format).toBe("atom");
    expect(feed.headlines).toEqual([
      {
        id: "urn:1",
        title: "Miners sell",
        link: "https://c.example/1",
        published: Date.UTC(2024, 2, 1, 10),
        feed: "chain",
      },
    ]);
  });

  it("reduces HTML in titles to plain text: CDATA markup, escaped markup, entities", () => {
    const feed = parseNewsFeed(
      "wire",
      rssDocument([
        { title: "<![CDATA[<b>Crash</b> &amp; <i>burn</i>]]>", guid: "a" },
        { title: "&lt;script&gt;alert(1)&lt;/script&gt;SEC sues &amp;quot;exchange&amp;quot;", guid: "b" },
      ]),
    );
    expect(feed.headlines.map((h) => h.title)).toEqual(["Crash & burn", 'alert(1) SEC sues "exchange"']);
    expect(plainText(`${"x".repeat(400)}`)).toHaveLength(300);
  });

  it("reads an Atom title of type html", () => {
    const feed = parseNewsFeed(
      "chain",
      atomDocument([
        { title: "&lt;em&gt;Whales&lt;/em&gt; move", id: "urn:2", updated: "2024-03-01T10:00:00Z", type: "html" },
      ]),
    );
    expect(feed.headlines[0]?.title).toBe("Whales move");
  });

  it("refuses malformed XML, naming the feed and the line", () => {
    expect(() => parseNewsFeed("wire", "<rss><channel><item><title>x</channel></rss>")).toThrow(
      /^wire: malformed XML at line 1: /,
    );
    expect(() => parseNewsFeed("wire", "not xml at all")).toThrow(ContextSourceError);
  });

  it("refuses a document that is neither RSS nor Atom", () => {
    expect(() => parseNewsFeed("wire", "<html><body>hi</body></html>")).toThrow(
      "wire: not an RSS 2.0 or Atom feed (root element <html>)",
    );
  });

  it("refuses entity declarations (billion laughs)", () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><item><title>&b;</title></item></channel></rss>`;
    expect(() => parseNewsFeed("wire", xml)).toThrow("wire: feed declares XML entities; refused");
  });

  it("reports items without a title and items over the limit instead of dropping them silently", () => {
    const items = Array.from({ length: MAX_ITEMS + 2 }, (_, i) => ({ title: i === 0 ? "  " : `t${i}`, guid: `g${i}` }));
    const feed = parseNewsFeed("wire", rssDocument(items));
    expect(feed.headlines).toHaveLength(MAX_ITEMS - 1);
    expect(feed.skipped).toEqual(["item 1: no title", `2 items over the limit of ${MAX_ITEMS}`]);
  });

  it("reads an empty channel as no headlines", () => {
    expect(parseNewsFeed("wire", rssDocument([])).headlines).toEqual([]);
  });
});
