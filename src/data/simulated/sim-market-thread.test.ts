import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type SimulatedMarket, simulateMarket } from "./sim-market.js";
import { simulateMarketInParallel, THREADED_MIN_BARS } from "./sim-market-thread.js";

/** SHA-256 (first 16 hex digits) of every column, the regimes and the crash bars. */
function fingerprint(market: SimulatedMarket): string {
  const hash = createHash("sha256");
  const { time, open, high, low, close, volume } = market.series;
  for (const column of [time, open, high, low, close, volume, market.regimes]) {
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  hash.update(JSON.stringify(market.crashes));
  return hash.digest("hex").slice(0, 16);
}

describe("simulated market drawn ahead in a worker", () => {
  it("is bit-identical to the one-shot generation, crashes included", () => {
    const options = { seed: 3, bars: THREADED_MIN_BARS + 12_345, flashCrashProbability: 0.002 };
    let drawnBy = "";
    const threaded = simulateMarketInParallel(options, (who) => {
      drawnBy = who;
    });
    const oneShot = simulateMarket(options);
    expect(drawnBy).toBe("worker");
    expect(threaded.crashes.length).toBeGreaterThan(100);
    expect(fingerprint(threaded)).toBe(fingerprint(oneShot));
  });

  it("keeps the markets generated before the draws moved to their own stream (fingerprints from that code)", () => {
    // Recorded with the generator that drew inside the price loop: seeds, options and tick rounding unchanged.
    expect(fingerprint(simulateMarket({ seed: 42, bars: 300_000 }))).toBe("5290eef9ac7e1a7e");
    expect(fingerprint(simulateMarket({ seed: 7, bars: 100_000, timeframe: "1d" }))).toBe("41972072ef14f157");
    expect(fingerprint(simulateMarket({ seed: 3, bars: 70_001, flashCrashProbability: 0.01 }))).toBe(
      "c390d566f44a4022",
    );
    expect(fingerprint(simulateMarketInParallel({ seed: 42, bars: 300_000 }))).toBe("5290eef9ac7e1a7e");
  });

  it("generates a short market in this thread, the same as the one-shot one", () => {
    const options = { seed: 11, bars: 5_000 };
    let drawnBy = "";
    const market = simulateMarketInParallel(options, (who) => {
      drawnBy = who;
    });
    expect(drawnBy).toBe("this thread");
    expect(fingerprint(market)).toBe(fingerprint(simulateMarket(options)));
  });
});
