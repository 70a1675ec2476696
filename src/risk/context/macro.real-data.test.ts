import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runBacktest } from "../../backtest/run-backtest.js";
import { loadCsv } from "../../data/csv/load-csv.js";
import { sliceSeries } from "../../domain/candles.js";
import { sharedDataPresent } from "../../indicators/testing/reference-data.js";
import { RiskShield } from "../shield.js";
import { MemoryStateStore } from "../state-store.js";
import { contextConfigSchema, loadContextLayers } from "./config.js";
import { scripted } from "./testing.js";

const dataDir = fileURLToPath(new URL("../../../../shared/data/", import.meta.url));
const btcFile = `${dataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;
const spyFile = `${dataDir}equities/yahoo_SPY_1d.csv.gz`;
const qqqFile = `${dataDir}equities/yahoo_QQQ_1d.csv.gz`;
const hasData = sharedDataPresent([btcFile, spyFile, qqqFile]);

describe.skipIf(!hasData)(`macro risk on real SPY/QQQ daily closes (skipped when ${dataDir} is absent)`, () => {
  it("goes HIGH on the 2020-02-24 sell-off, known at the next midnight, and not before", async () => {
    // Daily bars are stamped 00:00 of the session date: as "period-start" a close is known at the next midnight.
    // A Monday needs Friday's close, so the staleness limit covers a weekend (4 days).
    const config = contextConfigSchema.parse({
      macro: { files: { SPY: spyFile, QQQ: qqqFile }, dropPct: 3, windowMinutes: 1440, maxAgeMinutes: 4 * 1440 },
      whale: { enabled: false },
      sentiment: { enabled: false },
    });
    const store = new MemoryStateStore();
    const { layers } = await loadContextLayers(config, { store });
    const { series: full } = await loadCsv(btcFile, { symbol: "BTC/USDT" });
    const from = Date.UTC(2020, 1, 17);
    const first = full.time.findIndex((t) => t >= from);
    const series = sliceSeries(full, first, first + 12 * 24);
    // Buy at 12:00 every other day from Monday 17 February, close 24 h later.
    const script: Record<number, "buy" | "close"> = {};
    for (let day = 0; day < 12; day += 2) {
      script[day * 24 + 11] = "buy";
      script[day * 24 + 35] = "close";
    }
    const result = runBacktest({
      feeds: [{ series, strategy: scripted(script), size: { type: "fixed-base", value: 1 } }],
      cash: 1_000_000,
      fee: 0,
      shield: new RiskShield(layers),
    });
    const buys = result.decisions
      .filter((d) => d.action === "buy")
      .map((d) => ({ day: new Date(d.time).toISOString().slice(0, 10), quantity: d.risk[0]?.quantity }));
    expect(buys).toEqual([
      { day: "2020-02-17", quantity: 1 },
      { day: "2020-02-19", quantity: 1 },
      { day: "2020-02-21", quantity: 1 },
      { day: "2020-02-23", quantity: 1 },
      { day: "2020-02-25", quantity: 0.5 },
      { day: "2020-02-27", quantity: 0.5 },
    ]);
    const verdict = result.decisions[8]?.risk[0]?.verdicts[0];
    // Monday's close against the last close known a day before it was known: Friday's (3 days apart).
    expect(verdict?.reason).toMatch(/^SPY -3\.32 % in 3d at 2020-02-25 00:00 \(close 322\.42 vs 333\.48/);
  });
});
