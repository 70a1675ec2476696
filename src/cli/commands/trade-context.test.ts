import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { atomDocument, rssDocument, ScriptedHttpServer } from "../../data/context/testing.js";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { CONTEXT_FAILURE_SOURCE } from "../trade-context.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trade-context-"));
/** The embedded simulated market opens 2024-01-01 and starts trading after its 1000 bars of history. */
const SIM_START = Date.UTC(2024, 0, 1);
const WHALE_TIME = Date.UTC(2024, 0, 1, 12);
let server: ScriptedHttpServer;
/** A port nothing listens on: taken from the system, then released. */
let closedPort = 0;

beforeAll(async () => {
  server = await new ScriptedHttpServer().start();
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((done) => probe.close(() => done()));
  server.routes.set("/rss", {
    contentType: "application/rss+xml; charset=utf-8",
    body: rssDocument([{ title: "Bitcoin crashes as panic selling spreads", guid: "r1" }]),
  });
  server.routes.set("/atom", {
    contentType: "application/atom+xml",
    body: atomDocument([
      { title: "Exchange outflows surge, traders cheer", id: "urn:a1", updated: "2024-01-01T10:00:00Z" },
    ]),
  });
  // alternative.me's /fng/ answer as its API sends it: numbers as strings, the day's start in seconds.
  server.routes.set("/fng/", {
    body: JSON.stringify({
      name: "Fear and Greed Index",
      data: [
        {
          value: "8",
          value_classification: "Extreme Fear",
          timestamp: String(SIM_START / 1000),
          time_until_update: "3600",
        },
      ],
      metadata: { error: null },
    }),
  });
  // Whale Alert's /v1/transactions: 2 500 BTC from an unknown wallet to an exchange.
  server.routes.set("/v1/transactions", {
    body: JSON.stringify({
      result: "success",
      cursor: "0-0-0",
      count: 1,
      transactions: [
        {
          blockchain: "bitcoin",
          symbol: "btc",
          id: "w1",
          transaction_type: "transfer",
          hash: "h1",
          from: { address: "a", owner_type: "unknown" },
          to: { address: "b", owner: "binance", owner_type: "exchange" },
          timestamp: WHALE_TIME / 1000,
          amount: 2_500,
          amount_usd: 2_500 * 42_000,
          transaction_count: 1,
        },
      ],
    }),
  });
  // Junk where JSON is expected, and an error status.
  server.routes.set("/junk", { contentType: "application/json", body: "<html>maintenance</html>" });
  server.routes.set("/down", { status: 503, body: "service unavailable" });
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The real `aegis` in a fresh process (async: the context server in this process must keep answering). */
function aegis(args: string[]) {
  const started = Date.now();
  return new Promise<{ code: number | null; stdout: string; stderr: string; wallMs: number }>((done) => {
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith("AI_") && k !== "OLLAMA_HOST" && !k.startsWith("AEGIS_"),
      ),
    );
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: dir,
      env: { ...env, WHALE_ALERT_API_KEY: "test-key" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr, wallMs: Date.now() - started }));
  });
}

const SPEED = 600;
/** A session of `steps` one-minute bars at ×600 with the given config; the run must reach its steps. */
async function trade(name: string, yaml: string, steps: number) {
  const sub = join(dir, name);
  mkdirSync(sub);
  const config = join(sub, "aegis.yaml");
  writeFileSync(config, `dataDir: ${join(sub, "data")}\n${yaml}`);
  const store = join(sub, "paper.sqlite");
  const run = await aegis([
    "--config",
    config,
    "trade",
    "--steps",
    String(steps),
    "--speed",
    String(SPEED),
    "--warmup",
    "40",
    "--store",
    store,
    "--no-api",
    "--session",
    name,
  ]);
  expect(run.stderr).toMatch(/stopping \(--steps reached\)/);
  expect(run.code).toBe(0);
  // The session's clock cannot have run further than the process lived, at its speed: a bound on every instant it
  // stamped, which on a loaded machine lies well past the last bar it managed to trade.
  return { run, store, logFile: join(sub, "data", "logs", "aegis.log"), clockSpan: run.wallMs * SPEED };
}

interface Verdict {
  layer: string;
  verdict: string;
  scale?: number;
  reason: string;
}
/** A stored decision's verdicts are the shield's answers, one per proposed order, each with every layer's verdict. */
const verdictsOf = (decisions: readonly { verdicts: readonly unknown[] }[], layer: string) =>
  decisions
    .flatMap((d) => (d.verdicts as { verdicts: Verdict[] }[]).flatMap((r) => r.verdicts))
    .filter((v) => v.layer === layer);

describe("aegis trade with context providers on local servers", () => {
  it("polls every source, stores what it saw at the market instant, and the shield acts on it (whale risk blocks entries)", async () => {
    const { store, clockSpan } = await trade(
      "context",
      [
        "context:",
        "  pollMinutes: 15",
        "  rss:",
        `    - { name: markets, url: "${server.url("/rss")}" }`,
        `    - { name: chain, url: "${server.url("/atom")}" }`,
        `  fearGreedUrl: "${server.url("/fng/")}"`,
        `  whale: { url: "${server.url("/v1/transactions")}" }`,
        "risk:",
        "  context:",
        // A whale inflow scales entries to 0: while it lasts the shield opens nothing.
        "    whale: { thresholdBtc: 1000, scale: 0 }",
        "",
      ].join("\n"),
      120,
    );
    const asked = (path: string) => server.requests.filter((r) => r.startsWith(path)).length;
    for (const path of ["/rss", "/atom", "/fng/", "/v1/transactions"]) expect(asked(path)).toBeGreaterThan(0);
    expect(server.requests.find((r) => r.startsWith("/v1/transactions"))).toMatch(/api_key=test-key&start=\d+/);
    const opened = await openStore(store);
    try {
      const equity = await opened.equity.range();
      const first = equity[0]?.time ?? Number.NaN;
      // Point-in-time: every observation carries the market instant its answer arrived, inside the session: not
      // before its first bar, not after its clock stopped. (A poll still running at the last step is stored with the
      // instant it answered, which under load is later than the last traded bar.)
      for (const source of ["news", "sentiment", "fear-greed", "whale"]) {
        const seen = await opened.contextObservations.list(source);
        expect(seen.length, source).toBeGreaterThan(0);
        for (const record of seen) {
          expect(record.seenAt, source).toBeGreaterThanOrEqual(first - 60_000);
          expect(record.seenAt, source).toBeLessThanOrEqual(first + clockSpan);
        }
      }
      // Each headline stored once although every poll saw it again.
      const headlines = (await opened.contextObservations.list("news")).map(
        (r) => (r.value as { title: string }).title,
      );
      expect(headlines.sort()).toEqual([
        "Bitcoin crashes as panic selling spreads",
        "Exchange outflows surge, traders cheer",
      ]);
      expect((await opened.contextObservations.list(CONTEXT_FAILURE_SOURCE)).map((r) => r.value)).toEqual([]);
      const decisions = await opened.decisions.range();
      const whale = verdictsOf(decisions, "whale-inflow");
      const sentiment = verdictsOf(decisions, "sentiment");
      expect(whale.length).toBeGreaterThan(0);
      // Before the first poll answered the layers were neutral; from then on they read the polled values.
      expect(whale.some((v) => v.verdict === "scale" && v.scale === 0 && /inflow 2500 BTC/.test(v.reason))).toBe(true);
      expect(
        sentiment.some((v) =>
          /fear-and-greed 8 \(extreme fear\) at 2024-01-01 .* → contrarian linear ×1\.42/.test(v.reason),
        ),
      ).toBe(true);
      const blockedAt = decisions
        .filter((d) => verdictsOf([d], "whale-inflow").some((v) => v.scale === 0))
        .map((d) => d.time);
      expect(blockedAt.length).toBeGreaterThan(0);
      // No entry filled once the whale risk was known (the strategy trades long only: an entry is a buy; an exit of
      // a position opened before the first poll answered may still go out).
      const firstBlock = Math.min(...blockedAt);
      expect((await opened.fills.range()).filter((f) => f.time >= firstBlock && f.side === "buy")).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 300_000);

  it("an unreachable, a failing and a junk source: each logged and stored with its reason, the session trades on", async () => {
    const { store, logFile } = await trade(
      "broken",
      [
        "context:",
        "  pollMinutes: 15",
        `  rss: [{ name: gone, url: "http://127.0.0.1:${closedPort}/rss" }]`,
        `  fearGreedUrl: "${server.url("/junk")}"`,
        `  whale: { url: "${server.url("/down")}" }`,
        "",
      ].join("\n"),
      120,
    );
    const log = readFileSync(logFile, "utf8");
    expect(log).toMatch(
      /context news: poll failed, its layer stays neutral: .*cannot reach http:\/\/127\.0\.0\.1:\d+\/rss/,
    );
    expect(log).toMatch(/context fear-greed: poll failed, its layer stays neutral: .*not JSON: <html>maintenance/);
    expect(log).toMatch(/context whale: poll failed, its layer stays neutral: .*HTTP 503/);
    const opened = await openStore(store);
    try {
      const failures = (await opened.contextObservations.list(CONTEXT_FAILURE_SOURCE)).map(
        (r) => (r.value as { source: string }).source,
      );
      expect(new Set(failures)).toEqual(new Set(["news", "fear-greed", "whale"]));
      const decisions = await opened.decisions.range();
      expect(decisions.length).toBeGreaterThan(0);
      expect(verdictsOf(decisions, "whale-inflow").some((v) => /whale failing: .*HTTP 503/.test(v.reason))).toBe(true);
      // Neutral layers: the session kept deciding and filling as without context.
      expect(verdictsOf(decisions, "whale-inflow").every((v) => v.verdict === "allow")).toBe(true);
      expect((await opened.fills.range()).length).toBeGreaterThan(0);
      // The polls' bursts of work never read as a dead market feed (at ×600 three bars are 0.3 s of wall time).
      const stale = (await opened.events.list({ kind: "FEED_PROBLEM" })).filter(
        (e) => (e.detail as { problem?: string }).problem === "stale",
      );
      expect(stale.map((e) => ({ time: e.time, detail: e.detail }))).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 300_000);
});
