import { createHash } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ContextSourceError } from "./context-fetch.js";

/** One headline as Aegis keeps it: plain text, never markup, never longer than MAX_TITLE. */
export interface Headline {
  /** The item's guid (RSS) or id (Atom), else its link, else a hash of title and date. */
  readonly id: string;
  readonly title: string;
  readonly link?: string;
  /** Publication time as the feed states it (Unix ms), when it states one that parses. */
  readonly published?: number;
  /** The feed's name (config) it came from. */
  readonly feed: string;
}

export interface ParsedFeed {
  readonly format: "rss" | "atom";
  readonly headlines: readonly Headline[];
  /** Items that could not be used, with why (no title, over the item limit): reported, not silently dropped. */
  readonly skipped: readonly string[];
}

const MAX_TITLE = 300;
/** A feed with more items than this keeps the first ones (feeds list the newest first) and reports the rest. */
export const MAX_ITEMS = 1_000;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => name === "item" || name === "entry",
});

/**
 * Parses an RSS 2.0 or Atom 1.0 document into headlines. Malformed XML, a document that is neither, and entity
 * declarations (the "billion laughs" expansion) are refused with an error naming the feed and the line; titles are
 * reduced to plain text (feeds put HTML in them, escaped or in CDATA).
 */
export function parseNewsFeed(feed: string, xml: string): ParsedFeed {
  if (/<!ENTITY/i.test(xml)) throw new ContextSourceError(feed, "format", "feed declares XML entities; refused");
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new ContextSourceError(feed, "format", `malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  const doc = parser.parse(xml) as Record<string, unknown>;
  const rss = record(doc.rss);
  if (rss !== undefined) return collect(feed, "rss", asArray(record(rss.channel)?.item), rssItem);
  const atom = record(doc.feed);
  if (atom !== undefined) return collect(feed, "atom", asArray(atom.entry), atomEntry);
  const root = Object.keys(doc).find((key) => !key.startsWith("?")) ?? "nothing";
  throw new ContextSourceError(feed, "format", `not an RSS 2.0 or Atom feed (root element <${root}>)`);
}

type Item = { title: string; link?: string; guid?: string; date?: string };

function collect(
  feed: string,
  format: ParsedFeed["format"],
  items: unknown[],
  read: (item: Record<string, unknown>) => Item,
): ParsedFeed {
  const headlines: Headline[] = [];
  const skipped: string[] = [];
  items.forEach((raw, index) => {
    if (index >= MAX_ITEMS) return;
    const item = record(raw);
    const parts = item === undefined ? undefined : read(item);
    const title = plainText(parts?.title ?? "");
    if (parts === undefined || title === "") {
      skipped.push(`item ${index + 1}: no title`);
      return;
    }
    const time = parts.date === undefined ? Number.NaN : Date.parse(parts.date);
    const published = Number.isFinite(time) ? time : undefined;
    const id =
      parts.guid ||
      parts.link ||
      createHash("sha256")
        .update(`${title}|${parts.date ?? ""}`)
        .digest("hex")
        .slice(0, 32);
    headlines.push({
      id,
      title,
      feed,
      ...(parts.link ? { link: parts.link } : {}),
      ...(published === undefined ? {} : { published }),
    });
  });
  if (items.length > MAX_ITEMS) skipped.push(`${items.length - MAX_ITEMS} items over the limit of ${MAX_ITEMS}`);
  return { format, headlines, skipped };
}

function rssItem(item: Record<string, unknown>): Item {
  return {
    title: text(item.title),
    link: text(item.link) || undefined,
    guid: text(item.guid) || undefined,
    date: text(item.pubDate) || text(item["dc:date"]) || undefined,
  };
}

function atomEntry(entry: Record<string, unknown>): Item {
  const links = asArray(entry.link)
    .map(record)
    .filter((l) => l !== undefined);
  const alternate = links.find((l) => l["@rel"] === undefined || l["@rel"] === "alternate") ?? links[0];
  return {
    title: text(entry.title),
    link: alternate === undefined ? undefined : text(alternate["@href"]) || undefined,
    guid: text(entry.id) || undefined,
    date: text(entry.published) || text(entry.updated) || undefined,
  };
}

/** The text of an element: a string, or the `#text` of one with attributes (Atom's `<title type="html">`). */
function text(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  const node = record(value);
  if (node !== undefined && typeof node["#text"] === "string") return node["#text"];
  return "";
}

const ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** HTML to one line of plain text: tags removed, entities decoded, whitespace collapsed, at most MAX_TITLE long. */
export function plainText(html: string): string {
  const decode = (s: string) =>
    s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return code > 0 && code < 0x110000 ? String.fromCodePoint(code) : "";
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  // Escaped markup ("&lt;b&gt;") is decoded once before the tags go, so it cannot survive as text.
  const flat = decode(decode(html).replace(/<[^>]*>/g, " ")).replace(/<[^>]*>/g, " ");
  const line = flat.replace(/\s+/g, " ").trim();
  return line.length > MAX_TITLE ? `${line.slice(0, MAX_TITLE - 1)}…` : line;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}
