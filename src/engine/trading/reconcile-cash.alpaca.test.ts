import { afterEach, describe, expect, it } from "vitest";
import { loadCcxt } from "../../data/exchange/ccxt-exchange.js";
import { emptySeries } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import { alpacaSimClient } from "../../execution/alpaca-sim/alpaca-client.js";
import { type AlpacaSim, startAlpacaSim } from "../../execution/alpaca-sim/alpaca-sim.js";
import { equityInstrument } from "../../execution/equity-instrument.js";
import { Portfolio } from "../../execution/portfolio.js";
import { AlpacaVenueClient } from "../../execution/venue/alpaca-venue-client.js";
import { ClientVenue } from "../../execution/venue/client-venue.js";
import { reconcile } from "./reconcile.js";

const at = (iso: string) => Date.parse(iso);
let sim: AlpacaSim | undefined;
let client: AlpacaVenueClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = undefined;
  sim = undefined;
});

/** One start's reconciliation of a session trading AAPL with `cash` USD on the local Alpaca (real HTTP, CCXT). */
async function reconcileOnce(portfolio: Portfolio, cashOutside: number | undefined) {
  const venue = new ClientVenue({
    client: client as AlpacaVenueClient,
    listener: { report: () => {} },
    clock: new ManualClock(at("2024-01-08T15:00:00Z")),
    account: portfolio,
    exitOrderId: () => "s-x1",
  });
  venue.cashOutside = cashOutside;
  venue.addMarket(equityInstrument("AAPL", undefined), () => emptySeries("AAPL", "1h", 0));
  const found = await reconcile({
    venue,
    client: client as AlpacaVenueClient,
    prefix: "s-",
    symbols: ["AAPL"],
    position: (symbol) => portfolio.positionQuantity(symbol),
    contracts: false,
  });
  venue.close();
  return { found, outside: venue.cashOutside };
}

describe("cash reconciliation against the local Alpaca", () => {
  it("measures the rest of the account at the first start, then flags a withdrawal below the session's cash and cuts it", async () => {
    const clock = new ManualClock(at("2024-01-08T15:00:00Z"));
    sim = await startAlpacaSim({
      now: () => clock.now(),
      startTime: at("2024-01-02T00:00:00Z"),
      days: 30,
      cash: 50_000,
    });
    client = new AlpacaVenueClient({
      ccxt: await loadCcxt(),
      exchange: await alpacaSimClient(sim.url),
      sleep: async () => {},
      pollWait: () => new Promise(() => {}),
    });
    const portfolio = new Portfolio(20_000);
    const first = await reconcileOnce(portfolio, undefined);
    expect(first.found).toEqual([]);
    expect(first.outside).toBe(30_000);
    // Someone moves 40 000 USD out of the account: 10 000 are left for a session that trades 20 000.
    sim.book.cash -= 40_000;
    const second = await reconcileOnce(portfolio, first.outside);
    expect(second.found).toMatchObject([
      {
        kind: "cash-mismatch",
        decision: "cut-to-venue",
        symbol: "USD",
        venue: 10_000,
        expected: 50_000,
        flagged: true,
      },
    ]);
    expect(portfolio.cash).toBe(10_000);
    expect(second.outside).toBe(0);
  });
});
