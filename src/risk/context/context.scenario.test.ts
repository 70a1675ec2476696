import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type BacktestResult, runBacktest } from "../../backtest/run-backtest.js";
import { EventBus } from "../../engine/events.js";
import { RiskShield } from "../shield.js";
import { MemoryStateStore, type RiskStateStore } from "../state-store.js";
import { contextConfigSchema, loadContextLayers } from "./config.js";
import { clearMacroRisk } from "./macro.js";
import { hourlySeries, scripted } from "./testing.js";

/**
 * The context layers in the engine: a 1h BTC series from Monday 2024-01-01 00:00, a strategy that buys 1 BTC at the
 * close of bar 5 (05:00–06:00, decision instant 06:00), closes at bar 7 and buys again at bar 9 (instant 10:00).
 * Context files are written to a temp dir per test, as a user would configure them.
 */

const H = 3_600_000;
const MONDAY = Date.UTC(2024, 0, 1);
const dir = mkdtempSync(join(tmpdir(), "aegis-context-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileSeq = 0;

function file(lines: readonly string[]): string {
  const path = join(dir, `series-${++fileSeq}.csv`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Hourly OHLCV bars stamped at their open, closes only matter: `[hour, close]` from Monday 00:00. */
function indexBars(rows: readonly (readonly [number, number])[]): string {
  return file([
    "timestamp,open,high,low,close,volume",
    ...rows.map(([h, c]) => `${MONDAY + h * H},${c},${c},${c},${c},1`),
  ]);
}

async function run(
  context: Record<string, unknown>,
  options: { store?: RiskStateStore; start?: number; bars?: number; bus?: EventBus } = {},
): Promise<BacktestResult> {
  const config = contextConfigSchema.parse(context);
  const { layers } = await loadContextLayers(config, { store: options.store ?? new MemoryStateStore() });
  const closes = Array.from({ length: options.bars ?? 12 }, () => 100);
  return runBacktest({
    feeds: [
      {
        series: hourlySeries(closes, options.start ?? MONDAY),
        strategy: scripted({ 5: "buy", 7: "close", 9: "buy" }),
        size: { type: "fixed-base", value: 1 },
      },
    ],
    cash: 10_000,
    fee: 0,
    shield: new RiskShield(layers),
    ...(options.bus ? { bus: options.bus } : {}),
  });
}

/** The opening orders' approved quantities and the verdict of `layer` on each. */
function openings(result: BacktestResult, layer: string) {
  return result.decisions
    .filter((d) => d.action === "buy")
    .map((d) => {
      const check = d.risk[0];
      const verdict = check?.verdicts.find((v) => v.layer === layer);
      return { time: d.time, quantity: check?.quantity, verdict: verdict?.verdict, reason: verdict?.reason ?? "" };
    });
}

describe("macro risk in the engine", () => {
  it("halves new positions after SPY falls more than 1 % in an hour, and stays HIGH after SPY recovers", async () => {
    // The bar opening 05:00 closes at 493 (-1.4 %): known at 06:00, the instant of the first decision.
    const spy = indexBars([
      [3, 500],
      [4, 500],
      [5, 493],
      [6, 505],
      [7, 510],
      [8, 512],
    ]);
    const result = await run({ macro: { files: { SPY: spy } } });
    const opened = openings(result, "macro-risk");
    expect(opened.map((o) => o.quantity)).toEqual([0.5, 0.5]);
    expect(opened[0]?.reason).toMatch(/^SPY -1\.40 % in 1h at 2024-01-01 06:00 .* → risk HIGH ×0\.5/);
    expect(opened[1]?.reason).toContain("latched until a person clears it");
    expect(result.trades[0]?.quantity).toBe(0.5);
  });

  it("does not trigger on a smaller fall, nor on a fall known only after the decision", async () => {
    const small = indexBars([
      [4, 500],
      [5, 496],
    ]);
    const quiet = openings(await run({ macro: { files: { SPY: small } } }), "macro-risk");
    expect(quiet[0]).toMatchObject({ quantity: 1, verdict: "allow" });
    expect(quiet[0]?.reason).toBe("SPY -0.80 % in 1h at 2024-01-01 06:00 → risk normal ×1");

    // The drop closes the bar opening 06:00: known at 07:00, after the 06:00 decision, before the 10:00 one.
    const later = indexBars([
      [4, 500],
      [5, 500],
      [6, 490],
      [7, 491],
      [8, 492],
      [9, 493],
    ]);
    const opened = openings(await run({ macro: { files: { SPY: later } } }), "macro-risk");
    expect(opened.map((o) => o.quantity)).toEqual([1, 0.5]);
  });

  it("is neutral when crypto trades at the weekend and the last SPY close is Friday's", async () => {
    const friday = Date.UTC(2024, 0, 5);
    const spy = file(["timestamp,close", `${friday + 19 * H},500`, `${friday + 20 * H},480`]);
    const saturday = Date.UTC(2024, 0, 6);
    const opened = openings(await run({ macro: { files: { SPY: spy } } }, { start: saturday }), "macro-risk");
    expect(opened[0]).toMatchObject({ quantity: 1, verdict: "allow" });
    expect(opened[0]?.reason).toMatch(/^no macro data \(SPY: SPY last point 2024-01-05 21:00 is 9h old, limit 2h\)/);
  });

  it("keeps the latch across a restart until a person clears it", async () => {
    const store = new MemoryStateStore();
    const spy = indexBars([
      [4, 500],
      [5, 490],
    ]);
    await run({ macro: { files: { SPY: spy } } }, { store });
    // A new session on the same store, with no drop in its data: still HIGH.
    const calm = indexBars([
      [100, 500],
      [101, 500],
    ]);
    const afterRestart = openings(await run({ macro: { files: { SPY: calm } } }, { store }), "macro-risk");
    expect(afterRestart.map((o) => o.quantity)).toEqual([0.5, 0.5]);
    clearMacroRisk(store, "test operator");
    const cleared = openings(await run({ macro: { files: { SPY: calm } } }, { store }), "macro-risk");
    expect(cleared.map((o) => o.quantity)).toEqual([1, 1]);
  });
});

describe("whale inflow in the engine", () => {
  it("sizes × 0.7 for 24 h after an inflow of at least 1000 BTC", async () => {
    // Inflow of the hour 02:00–03:00 is known at 03:00; the event runs until 03:00 the next day.
    const inflow = file(["timestamp,inflow", `${MONDAY + H},10`, `${MONDAY + 2 * H},1500`, `${MONDAY + 3 * H},20`]);
    const opened = openings(await run({ whale: { file: inflow } }), "whale-inflow");
    expect(opened.map((o) => o.quantity)).toEqual([0.7, 0.7]);
    expect(opened[0]?.reason).toBe(
      "BTC exchange inflow 1500 BTC at 2024-01-01 03:00 ≥ 1000 → whale risk ×0.7, stops ×0.75 until 2024-01-02 03:00",
    );
  });

  it("does not trigger below 1000 BTC, nor after the event expired", async () => {
    const small = file(["timestamp,inflow", `${MONDAY + H},10`, `${MONDAY + 2 * H},999`, `${MONDAY + 3 * H},20`]);
    expect(openings(await run({ whale: { file: small } }), "whale-inflow").map((o) => o.quantity)).toEqual([1, 1]);
    // An event known at 2024-01-01 03:00 is over by Tuesday 04:00; hourly data keeps the feed fresh.
    const rows = Array.from({ length: 40 }, (_, h) => `${MONDAY + h * H},${h === 2 ? 1500 : 20}`);
    const expired = openings(
      await run({ whale: { file: file(["timestamp,inflow", ...rows]) } }, { start: MONDAY + 24 * H }),
      "whale-inflow",
    );
    expect(expired.map((o) => o.quantity)).toEqual([1, 1]);
    expect(expired[0]?.reason).toMatch(/none ≥ 1000 in the last 1d → ×1$/);
  });
});

describe("sentiment in the engine", () => {
  it("scales by the fear-and-greed multiplier: extreme fear 10 → × 1.4 (contrarian)", async () => {
    const fg = file(["date,value", "2023-12-31,50", "2024-01-01,10"]);
    const opened = openings(await run({ sentiment: { file: fg } }), "sentiment");
    expect(opened.map((o) => o.quantity)).toEqual([1.4, 1.4]);
    expect(opened[0]?.reason).toBe("fear-and-greed 10 (extreme fear) at 2024-01-01 00:00 → contrarian linear ×1.4");
  });

  it("does not scale at a neutral 50, nor without data", async () => {
    const fg = file(["date,value", "2023-12-31,80", "2024-01-01,50"]);
    expect(openings(await run({ sentiment: { file: fg } }), "sentiment").map((o) => o.quantity)).toEqual([1, 1]);
    const none = openings(await run({}), "sentiment");
    expect(none[0]).toMatchObject({ quantity: 1, verdict: "allow" });
    expect(none[0]?.reason).toContain("no sentiment data");
  });
});

describe("the three multipliers together", () => {
  it("multiply: final size = base × macro × sentiment × whale, each reason recorded and published", async () => {
    const spy = indexBars([
      [4, 500],
      [5, 490],
    ]);
    const inflow = file(["timestamp,inflow", `${MONDAY + H},10`, `${MONDAY + 2 * H},1500`]);
    const fg = file(["date,value", "2023-12-31,50", "2024-01-01,10"]);
    const bus = new EventBus();
    const checks: { approved: number; layers: string[] }[] = [];
    bus.on("RISK_CHECK", (e) => checks.push({ approved: e.approvedQuantity, layers: e.verdicts.map((v) => v.layer) }));
    const result = await run(
      { macro: { files: { SPY: spy } }, whale: { file: inflow }, sentiment: { file: fg } },
      { bus },
    );
    const first = result.decisions.find((d) => d.action === "buy");
    expect(first?.risk[0]?.quantity).toBeCloseTo(1 * 0.5 * 1.4 * 0.7, 12);
    expect(first?.risk[0]?.verdicts.map((v) => [v.layer, v.scale])).toEqual([
      ["macro-risk", 0.5],
      ["sentiment", 1.4],
      ["whale-inflow", 0.7],
    ]);
    expect(checks[0]?.approved).toBeCloseTo(0.49, 12);
    expect(checks[0]?.layers).toEqual(["macro-risk", "sentiment", "whale-inflow"]);
    expect(result.trades[0]?.quantity).toBeCloseTo(0.49, 12);
  });
});
