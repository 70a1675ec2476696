import { describe, expect, it } from "vitest";
import type { ContextProvider } from "../../risk/context/provider.js";
import { WhaleInflowLayer } from "../../risk/context/whale.js";
import { FearGreedProvider } from "./fear-greed.js";
import { MacroIndexProvider } from "./macro-bars.js";
import { MemoryObservationLog } from "./observation-log.js";
import { WhaleFlowProvider } from "./whale-flows.js";

const T0 = Date.UTC(2024, 2, 1, 12);

describe("the data-layer providers fit the risk shield's ContextProvider without importing it", () => {
  it("assigns to ContextProvider<number> (checked by the compiler)", () => {
    const log = new MemoryObservationLog();
    const providers: ContextProvider<number>[] = [
      new FearGreedProvider({ log, now: () => T0 }),
      new WhaleFlowProvider({ log, now: () => T0 }),
      new MacroIndexProvider({ log, now: () => T0, symbol: "SPY" }),
    ];
    expect(providers.map((p) => p.name)).toEqual(["fear-greed", "whale", "macro:SPY"]);
  });

  it("a stored whale poll drives the whale layer: an inflow of 1 500 BTC makes it active for 24 h", async () => {
    let now = T0;
    const whale = new WhaleFlowProvider({
      log: new MemoryObservationLog(),
      now: () => now,
      feed: {
        name: "scripted",
        transfers: async () => [
          { id: "t1", symbol: "btc", amount: 1_500, timestamp: T0 - 60_000, fromType: "unknown", toType: "exchange" },
        ],
      },
    });
    await whale.poll();
    now = T0 + 3_600_000;
    await whale.poll();
    const layer = new WhaleInflowLayer({ provider: whale });
    expect(layer.status(T0 - 1).active).toBe(false);
    expect(layer.status(T0 + 3_600_000)).toMatchObject({ active: true, event: { value: 1_500, time: T0 } });
    expect(layer.status(T0 + 86_400_000).active).toBe(false);
  });
});
