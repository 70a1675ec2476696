import { describe, expect, it } from "vitest";
import { simulateMarket } from "../data/simulated/sim-market.js";
import type { ClosedTrade } from "../domain/trade.js";
import { loadStrategy } from "../strategy/registry.js";
import type { AsyncSignalSource, SourceSignal, SyncSignalSource } from "../strategy/signal-source.js";
import type { BarContext } from "../strategy/strategy.js";
import { runBacktest } from "./run-backtest.js";
import { runBacktestAsync } from "./run-backtest-async.js";
import { SimulatedTime } from "./simulated-time.js";

const series = simulateMarket({ seed: 5, bars: 600, symbol: "AS/USDT" }).series;
const strategy = loadStrategy("sma-cross", { fast: 4, slow: 12 });

/** An advisor that halves every entry on odd bars: its answer depends on the bar, so a skipped answer shows. */
const judge = (context: BarContext): SourceSignal =>
  context.index % 2 === 1
    ? { action: "hold", scale: 0.5, reason: "odd bar: half size" }
    : { action: "hold", reason: "even bar" };

const syncJudge: SyncSignalSource = { id: "judge", role: "advisor", init: () => judge };

/** The same judge answering after `latencyMs` of simulated time, with `deadlineMs` to answer. */
function remoteJudge(time: SimulatedTime, latencyMs: number, deadlineMs = 100): AsyncSignalSource {
  return {
    id: "judge",
    role: "advisor",
    deadlineMs,
    init: () => (context) => new Promise((resolve) => time.clock.setTimer(latencyMs, () => resolve(judge(context)))),
  };
}

const outcome = (t: ClosedTrade) => [t.entryTime, t.exitTime, t.quantity, t.netPnl, t.source];

describe("backtests with asynchronous sources", () => {
  it("before: a synchronous backtest refuses an asynchronous source (it used to be the only kind of backtest)", () => {
    const time = new SimulatedTime();
    expect(() =>
      runBacktest({ feeds: [{ series, strategy, sources: [remoteJudge(time, 10)] }], cash: 10_000 }),
    ).toThrow("signal source judge answers asynchronously: run the backtest with runBacktestAsync");
  });

  it("waits for an answer within its deadline in simulated time: the same decisions and trades as its synchronous twin", async () => {
    const sync = runBacktest({ feeds: [{ series, strategy, sources: [syncJudge] }], cash: 10_000 });
    const time = new SimulatedTime();
    const remote = await runBacktestAsync({
      feeds: [{ series, strategy, sources: [remoteJudge(time, 60)] }],
      cash: 10_000,
      time,
    });
    expect(sync.trades.length).toBeGreaterThan(10);
    expect(remote.trades).toEqual(sync.trades);
    expect(remote.decisions).toEqual(sync.decisions);
    expect(remote.equity.equity).toEqual(sync.equity.equity);
    // Simulated time ended at the last bar's close plus the last answer's latency at most, whatever the wall time.
    expect(time.now()).toBeLessThanOrEqual((series.time[series.length - 1] as number) + 3_600_000 + 60);
  });

  it("a source answering after its deadline abstains, as live: the run equals one without that source", async () => {
    const without = runBacktest({ feeds: [{ series, strategy }], cash: 10_000 });
    const time = new SimulatedTime();
    const late = await runBacktestAsync({
      feeds: [{ series, strategy, sources: [remoteJudge(time, 150, 100)] }],
      cash: 10_000,
      time,
    });
    // The same trades; only the reasons differ (they name the abstention).
    expect(late.trades.map(outcome)).toEqual(without.trades.map(outcome));
    expect(late.decisions.length).toBe(without.decisions.length);
    for (const d of late.decisions)
      expect(d.votes.find((v) => v.source === "judge")?.abstained).toBe("missed its deadline of 100 ms");
  });

  it("an answer exactly at the deadline is on time; work that takes wall time but no simulated time is awaited", async () => {
    const sync = runBacktest({ feeds: [{ series, strategy, sources: [syncJudge] }], cash: 10_000 });
    const time = new SimulatedTime();
    const onTheDot = await runBacktestAsync({
      feeds: [{ series, strategy, sources: [remoteJudge(time, 100, 100)] }],
      cash: 10_000,
      time,
    });
    expect(onTheDot.decisions).toEqual(sync.decisions);
    // A local computation over several event-loop turns (no simulated latency): never late.
    const busy: AsyncSignalSource = {
      id: "judge",
      role: "advisor",
      deadlineMs: 1,
      init: () => async (context) => {
        for (let k = 0; k < 5; k++) await new Promise<void>((resolve) => setImmediate(resolve));
        return judge(context);
      },
    };
    const local = await runBacktestAsync({ feeds: [{ series, strategy, sources: [busy] }], cash: 10_000 });
    expect(local.decisions).toEqual(sync.decisions);
  });

  it("a source that rejects abstains with the reason, and the run goes on", async () => {
    const broken: AsyncSignalSource = {
      id: "judge",
      role: "advisor",
      deadlineMs: 100,
      init: () => async () => {
        throw new Error("model server down");
      },
    };
    const without = runBacktest({ feeds: [{ series, strategy }], cash: 10_000 });
    const r = await runBacktestAsync({ feeds: [{ series, strategy, sources: [broken] }], cash: 10_000 });
    expect(r.trades.map(outcome)).toEqual(without.trades.map(outcome));
    expect(r.decisions[0]?.votes.find((v) => v.source === "judge")?.abstained).toBe("threw: model server down");
  });
});
