import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CandleSeries } from "../../domain/candles.js";
import { createRandom } from "../../domain/random.js";
import { openStore } from "../../store/open-store.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import { promoteIfSignificant, testAgainstLive } from "./candidate-vs-live.js";

/** Hourly bars drifting by `drift` a bar with noise: the answer of "always long vs never in" is known. */
function trending(drift: number, bars = 24 * 120): CandleSeries {
  const random = createRandom(21);
  const time = new Float64Array(bars);
  const close = new Float64Array(bars);
  let price = 100;
  for (let i = 0; i < bars; i++) {
    price *= Math.exp(drift + random.normal(0, 0.002));
    time[i] = Date.UTC(2024, 0, 1) + i * 3_600_000;
    close[i] = price;
  }
  const open = close.map((c, i) => (i === 0 ? c : (close[i - 1] as number)));
  const high = close.map((c, i) => Math.max(c, open[i] as number) * 1.0005);
  const low = close.map((c, i) => Math.min(c, open[i] as number) * 0.9995);
  return {
    symbol: "SYN/USD",
    timeframe: "1h",
    time,
    open,
    high,
    low,
    close,
    volume: close.map(() => 100),
    length: bars,
  };
}

const alwaysLong = validateSpec({
  name: "always-long",
  indicators: { s: { type: "sma", period: 5 } },
  entry: { long: { gt: ["close", 0] } },
  exit: { long: { lt: ["close", 0] } },
  sizing: { type: "percent-equity", value: 50 },
});
const neverIn = validateSpec({
  name: "never-in",
  indicators: { s: { type: "sma", period: 5 } },
  entry: { long: { gt: ["close", 1e12] } },
  exit: { long: { lt: ["close", 0] } },
  sizing: { type: "percent-equity", value: 50 },
});
const rangeOf = (s: CandleSeries) => ({
  warmupFrom: s.time[0] as number,
  from: s.time[48] as number,
  to: (s.time[s.length - 1] as number) + 1,
});

const temp = mkdtempSync(join(tmpdir(), "aegis-vs-live-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("a candidate tested against the live strategy before promotion (engine, with fees)", () => {
  it("is significant where it must be (rising market, long vs flat), and not where it cannot be", () => {
    const up = trending(0.0005);
    const better = testAgainstLive({
      series: up,
      candidate: alwaysLong,
      live: neverIn,
      range: rangeOf(up),
      cash: 10_000,
      fee: 0.001,
    });
    expect(better.days).toBeGreaterThan(100);
    expect(better.meanDifference).toBeGreaterThan(0);
    expect(better.pValue).toBeLessThan(0.001);
    const same = testAgainstLive({
      series: up,
      candidate: alwaysLong,
      live: alwaysLong,
      range: rangeOf(up),
      cash: 10_000,
      fee: 0.001,
    });
    expect(same.pValue).toBe(1);
    const down = trending(-0.0005);
    const worse = testAgainstLive({
      series: down,
      candidate: alwaysLong,
      live: neverIn,
      range: rangeOf(down),
      cash: 10_000,
      fee: 0.001,
    });
    expect(worse.pValue).toBeGreaterThan(0.999);
  });

  it("promotes (shadow → awaiting approval) only with a p-value below alpha, stored with the move", async () => {
    const store = await openStore(`sqlite:${join(temp, "aegis.sqlite")}`);
    try {
      for (const id of ["cand-good", "cand-same"]) {
        await store.strategies.upsert({ id, name: id, source: "evolver", spec: alwaysLong }, "evolver", 1);
        for (const [k, to] of (["backtested", "validated", "shadow"] as const).entries())
          await store.strategies.transition(id, to, "gate", "test", 2 + k);
      }
      const up = trending(0.0005);
      const shadow = { iterations: 200, sharpe: 2.5, liveSharpe: 1 };
      const good = testAgainstLive({
        series: up,
        candidate: alwaysLong,
        live: neverIn,
        range: rangeOf(up),
        cash: 10_000,
        fee: 0.001,
      });
      const moved = await promoteIfSignificant(store.strategies, {
        candidateId: "cand-good",
        liveId: "live-1",
        shadow,
        significance: good,
        time: 10,
      });
      expect(moved.moved).toBe(true);
      expect((await store.strategies.get("cand-good"))?.status).toBe("awaiting-approval");
      const reason = (await store.strategies.transitions("cand-good")).at(-1)?.reason ?? "";
      expect(reason).toContain(`vs live live-1: p ${good.pValue.toPrecision(3)} (Diebold–Mariano`);

      const same = testAgainstLive({
        series: up,
        candidate: alwaysLong,
        live: alwaysLong,
        range: rangeOf(up),
        cash: 10_000,
        fee: 0.001,
      });
      const held = await promoteIfSignificant(store.strategies, {
        candidateId: "cand-same",
        liveId: "live-1",
        shadow,
        significance: same,
        rule: { alpha: 0.01 },
        time: 11,
      });
      expect(held.moved).toBe(false);
      expect(held.reason).toMatch(/p-value 1.00 against live is not below alpha 0.01/);
      expect((await store.strategies.get("cand-same"))?.status).toBe("shadow");
    } finally {
      await store.close();
    }
  });
});
