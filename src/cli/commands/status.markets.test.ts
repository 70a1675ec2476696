import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { simulateMarket } from "../../data/simulated/sim-market.js";
import { ManualClock } from "../../domain/clock.js";
import { defaultInstrument } from "../../domain/instrument.js";
import { ReplayFeed } from "../../engine/trading/testing/replay-feed.js";
import { TradingSession } from "../../engine/trading/trading-session.js";
import { openStore } from "../../store/index.js";
import { StoreSessionStore } from "../../store/trading-session-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { statusCommand } from "./status.js";

const H = 3_600_000;
let dir: string | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("aegis status with several markets", () => {
  it("reads one combined portfolio from the store: total value and P&L, and per market positions, P&L and feeds", async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-status-markets-"));
    const url = `sqlite:${join(dir, "aegis.sqlite")}`;
    const btc = simulateMarket({ seed: 8, bars: 400, symbol: "BTC/USDT" }).series;
    const spy = simulateMarket({ seed: 9, bars: 400, symbol: "SPY", startPrice: 470 }).series;
    const clock = new ManualClock((btc.time[100] as number) + H);
    const feed = new ReplayFeed([btc, spy], H, clock);
    const store = await openStore(url);
    const session = new TradingSession({
      session: "mixed",
      slots: [btc, spy].map((series) => ({
        symbol: series.symbol,
        strategy: loadStrategy("sma-cross", { fast: 3, slow: 8 }),
        instrument: defaultInstrument(series.symbol, series.symbol === "SPY" ? { lotSize: 1, minQuantity: 1 } : {}),
        size: { type: "percent-equity", value: 40 },
      })),
      timeframe: "1h",
      cash: 100_000,
      feed,
      store: new StoreSessionStore(store, "sim,alpaca"),
      clock,
    });
    await session.start();
    feed.deliverUntil((btc.time[399] as number) + H);
    await session.flushed();
    await session.stop();

    let out = "";
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    await statusCommand({ store: url, json: true }, {});
    const report = JSON.parse(out) as {
      sessions: {
        equity: number;
        markets: Record<string, { symbols: string[]; realizedPnl: number; healthy: boolean }>;
      }[];
    };
    const markets = report.sessions[0]?.markets ?? {};
    expect(Object.keys(markets).sort()).toEqual(["crypto", "equities"]);
    expect(markets["crypto"]?.symbols).toEqual(["BTC/USDT"]);
    expect(markets["equities"]?.symbols).toEqual(["SPY"]);
    expect(markets["crypto"]?.healthy).toBe(true);
    out = "";
    await statusCommand({ store: url }, {});
    expect(out).toMatch(/equity [\d,]+\.\d\d \([+-]\d+\.\d\d %\) · P&L -?[\d,]+\.\d\d · cash/);
    expect(out).toMatch(
      /\n {2}crypto: [01]\/1 open · exposure [\d,.]+ · P&L -?[\d,.]+ \(realized -?[\d,.]+\) · feeds healthy/,
    );
    expect(out).toMatch(/\n {2}equities: [01]\/1 open · .* · feeds healthy/);
    // Realized P&L per market is the sum of that market's stored trades.
    const check = await openStore(url);
    const rows = await check.db.selectFrom("trades").select(["symbol", "pnl"]).execute();
    await check.close();
    const sum = (symbol: string) => rows.filter((r) => r.symbol === symbol).reduce((total, r) => total + r.pnl, 0);
    expect(rows.filter((r) => r.symbol === "SPY").length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.symbol === "BTC/USDT").length).toBeGreaterThan(0);
    expect(markets["crypto"]?.realizedPnl).toBeCloseTo(sum("BTC/USDT"), 6);
    expect(markets["equities"]?.realizedPnl).toBeCloseTo(sum("SPY"), 6);
  });
});
