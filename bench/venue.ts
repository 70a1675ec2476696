/**
 * Venue bench: the order round trip through real CCXT to the simulated exchange on 127.0.0.1, per venue, as the
 * venue client sees it (submit → ack, fetch by client id, cancel), p50 and p99 over many orders. This is the cost
 * of CCXT plus HTTP on loopback plus the simulated matching; a real venue adds its network latency on top.
 */
import { startSimExchange } from "../src/execution/sim-exchange/sim-exchange.js";
import { createVenueClient } from "../src/execution/venue/create-venue-client.js";

const ORDERS = 400;
const WARMUP = 50;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timeIt(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

export async function run(log: (line: string) => void): Promise<string> {
  const rows: string[] = [];
  for (const exchangeId of ["binance", "binanceusdm"] as const) {
    const sim = await startSimExchange({
      clock: "manual",
      accounts: { "sim-key": { spot: { USDT: 1e9, BTC: 1_000 }, futures: 1e9 } },
    });
    const client = await createVenueClient({ exchangeId, mode: "sim", local: sim });
    const symbol = exchangeId === "binance" ? "BTC/USDT" : "BTC/USDT:USDT";
    const market = { submit: [] as number[] };
    const limit = { submit: [] as number[], fetch: [] as number[], cancel: [] as number[] };
    try {
      const price = Math.round(sim.lastPrice("BTCUSDT") * 0.8);
      for (let i = 0; i < WARMUP + ORDERS; i++) {
        const keep = i >= WARMUP;
        const side = i % 2 === 0 ? "buy" : "sell";
        const marketMs = await timeIt(() =>
          client.submit({ clientOrderId: `bench-m-${i}`, symbol, side, type: "market", quantity: 0.01 }),
        );
        const id = `bench-l-${i}`;
        const submitMs = await timeIt(() =>
          client.submit({ clientOrderId: id, symbol, side: "buy", type: "limit", quantity: 0.01, price }),
        );
        const fetchMs = await timeIt(() => client.fetchOrderByClientId(id, symbol));
        const cancelMs = await timeIt(() => client.cancel(id, symbol));
        if (!keep) continue;
        market.submit.push(marketMs);
        limit.submit.push(submitMs);
        limit.fetch.push(fetchMs);
        limit.cancel.push(cancelMs);
      }
    } finally {
      await client.close();
      await sim.close();
    }
    const line = (what: string, samples: number[]) => {
      const sorted = [...samples].sort((a, b) => a - b);
      const row = `| ${exchangeId} | ${what} | ${percentile(sorted, 50).toFixed(2)} | ${percentile(sorted, 99).toFixed(2)} | ${sorted.length} |`;
      log(row);
      rows.push(row);
    };
    line("submit market order → ack (filled)", market.submit);
    line("submit limit order → ack (open)", limit.submit);
    line("fetch order by client id", limit.fetch);
    line("cancel by client id", limit.cancel);
  }
  return [
    "# Venue round trip (CCXT → simulated exchange on 127.0.0.1)",
    "",
    `Node ${process.version}, ${ORDERS} orders per venue after ${WARMUP} warm-up orders, one at a time (no concurrency).`,
    "Times in milliseconds, measured around the venue client's call (CCXT request building, HMAC signing, HTTP on",
    "loopback, the simulated exchange's matching, CCXT parsing).",
    "",
    "| venue | operation | p50 ms | p99 ms | samples |",
    "| --- | --- | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n");
}
