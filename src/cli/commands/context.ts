import { loadConfig } from "../../config/load-config.js";
import { ContextSet, type ContextSnapshot, replayContext } from "../../data/context/context-set.js";
import type { NewsFeedSource } from "../../data/context/news-provider.js";
import { WhaleAlertFeed } from "../../data/context/whale-flows.js";
import { openStore } from "../../store/open-store.js";
import type { Store } from "../../store/store.js";
import { timeOption } from "../parse-options.js";
import { UsageError } from "../usage-error.js";
import { riskStoreUrl } from "./risk.js";

const utc = (t: number) => `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;

async function open(store: string | undefined, globals: { config?: string }, mustExist: boolean): Promise<Store> {
  const { config } = loadConfig({ file: globals.config });
  const url = store ?? riskStoreUrl(config);
  try {
    return await openStore(url, { mustExist });
  } catch (error) {
    throw new UsageError(`cannot open the store ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * `aegis context show --at TIME`: what every context provider knew at that instant, replayed from the observations
 * in the store (never one seen later), as a backtest at that instant would see it.
 */
export async function contextShowCommand(
  options: { at?: string; store?: string; json?: boolean },
  globals: { config?: string },
): Promise<void> {
  const at = timeOption("at", options.at) ?? Date.now();
  const store = await open(options.store, globals, true);
  try {
    const snapshot = (await replayContext(store.contextObservations)).snapshot(at);
    process.stdout.write(
      options.json ? `${JSON.stringify(snapshot, null, 2)}\n` : formatSnapshot(snapshot, store.location),
    );
  } finally {
    await store.close();
  }
}

export function formatSnapshot(snapshot: ContextSnapshot, location: string): string {
  const seen = (time: number) => `seen ${utc(time)}`;
  const lines = [`context known at ${utc(snapshot.at)} (store ${location})`];
  const row = (name: string, text: string) => lines.push(`${name.padEnd(12)} ${text}`);
  const { news, sentiment, fearGreed, whale } = snapshot;
  if ("missing" in news) row("news", `none: ${news.missing}`);
  else {
    row("news", `${news.value.length} headline(s), newest ${seen(news.time)}`);
    for (const h of news.value.slice(0, 5)) lines.push(`${"".padEnd(12)}   - ${h.title} (${h.feed})`);
  }
  if ("missing" in sentiment) row("sentiment", `none: ${sentiment.missing}`);
  else {
    const s = sentiment.value;
    row(
      "sentiment",
      `${s.compound} mean compound of ${s.headlines} headline(s) (${s.positive} positive, ${s.negative} negative; ${s.methods.join(", ")}), ${seen(sentiment.time)}`,
    );
  }
  if ("missing" in fearGreed) row("fear-greed", `none: ${fearGreed.missing}`);
  else {
    const p = fearGreed.value;
    row("fear-greed", `${p.value} ${p.classification} (day ${utc(p.timestamp).slice(0, 10)}), ${seen(fearGreed.time)}`);
  }
  if ("missing" in whale) row("whale", `none: ${whale.missing}`);
  else row("whale", `${whale.value} BTC exchange inflow in the last poll, ${seen(whale.time)}`);
  const macro = Object.entries(snapshot.macro);
  if (macro.length === 0) row("macro", "none: no index closes recorded");
  for (const [symbol, close] of macro) {
    row(`macro ${symbol}`, "missing" in close ? `none: ${close.missing}` : `${close.value}, ${seen(close.time)}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * `aegis context poll`: fetches the given sources once and stores what is new with the instant it was seen (run it
 * from a scheduler to build the history `context show` and backtests replay).
 */
export async function contextPollCommand(
  options: { rss?: string[]; fearGreed?: string; whaleUrl?: string; store?: string; json?: boolean },
  globals: { config?: string },
): Promise<void> {
  const feeds: NewsFeedSource[] = (options.rss ?? []).map((item) => {
    const at = item.indexOf("=");
    const [name, url] = at > 0 ? [item.slice(0, at), item.slice(at + 1)] : [new URL(item).host, item];
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--rss ${JSON.stringify(item)}: expected [name=]http(s)://…`);
    return { name, url };
  });
  const whaleKey = process.env.WHALE_ALERT_API_KEY;
  if (options.whaleUrl !== undefined && !whaleKey) {
    throw new UsageError("--whale-url needs the Whale Alert API key in WHALE_ALERT_API_KEY");
  }
  if (feeds.length === 0 && options.fearGreed === undefined && options.whaleUrl === undefined) {
    throw new UsageError("nothing to poll: give --rss, --fear-greed or --whale-url");
  }
  const store = await open(options.store, globals, false);
  try {
    const set = new ContextSet({
      log: store.contextObservations,
      now: Date.now,
      feeds,
      fearGreedUrl: options.fearGreed,
      whale:
        options.whaleUrl === undefined
          ? undefined
          : new WhaleAlertFeed({ url: options.whaleUrl, apiKey: whaleKey as string }),
      macroSymbols: [],
    });
    await set.load();
    // A headline stored by a poll that stopped before scoring it is scored now.
    await set.sentiment.scoreUnscored(set.news);
    const reports = (await set.poll()).filter(
      (r) =>
        (r.source === "news" && feeds.length > 0) ||
        (r.source === "sentiment" && feeds.length > 0) ||
        (r.source === "fear-greed" && options.fearGreed !== undefined) ||
        (r.source === "whale" && options.whaleUrl !== undefined),
    );
    if (options.json) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    else {
      for (const r of reports) {
        process.stdout.write(
          `${r.source.padEnd(12)} ${r.added} new${r.errors.length ? `; ${r.errors.join("; ")}` : ""}\n`,
        );
        for (const s of r.skipped) process.stdout.write(`${"".padEnd(12)} skipped ${s}\n`);
      }
    }
    if (reports.some((r) => r.errors.length > 0 && r.source !== "sentiment")) process.exitCode = 1;
  } finally {
    await store.close();
  }
}
