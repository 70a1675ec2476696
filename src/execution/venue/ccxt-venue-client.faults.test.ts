import { afterEach, describe, expect, test } from "vitest";
import { startVenueHarness, type VenueHarness } from "./testing/venue-harness.js";
import { VenueCredentials } from "./venue-credentials.js";
import {
  AuthenticationError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  OrderNotPlacedError,
  RateLimitError,
  UncertainOrderError,
} from "./venue-errors.js";

const VENUES = [
  {
    exchangeId: "binance",
    venue: "spot",
    symbol: "BTC/USDT",
    orderPath: "/api/v3/order",
    openPath: "/api/v3/openOrders",
  },
  {
    exchangeId: "binanceusdm",
    venue: "futures",
    symbol: "BTC/USDT:USDT",
    orderPath: "/fapi/v1/order",
    openPath: "/fapi/v1/openOrders",
  },
] as const;

describe.each(VENUES)("faults of the simulated exchange through real CCXT: $exchangeId", (setup) => {
  let harness: VenueHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const start = async (options: Parameters<typeof startVenueHarness>[1] = {}) => {
    harness = await startVenueHarness(setup.exchangeId, options);
    await harness.client.fetchOpenOrders(setup.symbol); // markets loaded: later request counts are the test's own
    return harness;
  };
  const marketBuy = (clientOrderId: string) =>
    harness!.client.submit({ clientOrderId, symbol: setup.symbol, side: "buy", type: "market", quantity: 0.01 });
  const posts = () => harness!.sim.requests.filter((r) => r.method === "POST" && r.path === setup.orderPath);

  test("an order accepted whose answer is lost is found by client id and not sent twice", async () => {
    const { sim, sleeps } = await start();
    sim.faults.add({ kind: "lose-response" }, { path: setup.orderPath, method: "POST" });
    const ack = await marketBuy("lost-1");
    expect(ack.recovered).toBe(true);
    expect(ack.order).toMatchObject({ clientOrderId: "lost-1", status: "filled" });
    expect(sim.orders(setup.venue).map((order) => order.clientOrderId)).toEqual(["lost-1"]);
    expect(posts()).toHaveLength(1);
    expect(sleeps).toEqual([500]);
  });

  test("a create that times out after the venue placed it is resolved by look-up, never resent", async () => {
    // The venue never answers the create, so CCXT waits out this real timeout; the look-up after it uses the same
    // client and timeout, so it must be long enough for a loaded machine to answer a normal request.
    const { sim } = await start({ timeoutMs: 1_500 });
    sim.faults.add({ kind: "timeout", process: true }, { path: setup.orderPath, method: "POST" });
    const ack = await marketBuy("slow-1");
    expect(ack.recovered).toBe(true);
    expect(sim.orders(setup.venue)).toHaveLength(1);
    expect(posts()).toHaveLength(1);
  });

  test("a dropped connection before the venue saw the order ends in OrderNotPlacedError, nothing placed", async () => {
    const { sim } = await start();
    sim.faults.add({ kind: "drop-connection" }, { path: setup.orderPath, method: "POST" });
    const error = await marketBuy("dropped-1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OrderNotPlacedError);
    expect(error).toMatchObject({ clientOrderId: "dropped-1" });
    expect(sim.orders(setup.venue)).toEqual([]);
    expect(posts()).toHaveLength(1);
  });

  test("a 5xx on create is resolved by look-up (the venue's status is unknown), a 5xx on a read is retried", async () => {
    const { sim, sleeps } = await start();
    sim.faults.add({ kind: "server-error", status: 503 }, { path: setup.orderPath, method: "POST" });
    await expect(marketBuy("unavailable-1")).rejects.toBeInstanceOf(OrderNotPlacedError);
    expect(posts()).toHaveLength(1);
    sim.faults.add({ kind: "server-error", status: 502 }, { path: setup.openPath, times: 2 });
    expect(await harness!.client.fetchOpenOrders(setup.symbol)).toEqual([]);
    expect(sleeps).toEqual([500, 500, 1000]);
  });

  test("a 429 waits the venue's Retry-After: a rate-limited create is sent again (it was refused unseen), once placed", async () => {
    const { sim, sleeps } = await start();
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 7 }, { path: setup.orderPath, method: "POST" });
    const ack = await marketBuy("limited-1");
    expect(ack.recovered).toBe(false);
    expect(sleeps).toEqual([7_000]);
    expect(posts().map((request) => request.status)).toEqual([429, 200]);
    expect(sim.orders(setup.venue)).toHaveLength(1);
  });

  test("a 429 on a read waits the Retry-After; when attempts run out the RateLimitError comes out with it", async () => {
    const { sim, sleeps } = await start();
    sim.faults.add({ kind: "rate-limit", retryAfterSeconds: 3 }, { path: setup.openPath, times: 5 });
    const error = await harness!.client.fetchOpenOrders(setup.symbol).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_000);
    expect(sleeps).toEqual([3_000, 3_000, 3_000, 3_000]);
  });

  test("a malformed answer to a read is a transient NetworkError and is retried", async () => {
    const { sim, sleeps } = await start();
    sim.faults.add({ kind: "malformed" }, { path: setup.openPath });
    expect(await harness!.client.fetchOpenOrders(setup.symbol)).toEqual([]);
    expect(sleeps).toEqual([500]);
  });

  test("when the look-ups after a lost answer fail too, the error is UncertainOrderError and nothing is resent", async () => {
    const { sim } = await start();
    sim.faults.add({ kind: "lose-response" }, { path: setup.orderPath, method: "POST" });
    sim.faults.add({ kind: "drop-connection" }, { path: setup.orderPath, method: "GET", times: 4 });
    const error = await marketBuy("uncertain-1").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UncertainOrderError);
    expect(sim.orders(setup.venue)).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect((await harness!.client.fetchOrderByClientId("uncertain-1", setup.symbol)).status).toBe("filled");
  });

  test("a cancel whose answer was lost is retried and recognised as done", async () => {
    const { sim } = await start();
    const price = Math.round(sim.lastPrice("BTCUSDT") * 0.9);
    await harness!.client.submit({
      clientOrderId: "c-1",
      symbol: setup.symbol,
      side: "buy",
      type: "limit",
      quantity: 0.01,
      price,
    });
    sim.faults.add({ kind: "lose-response" }, { path: setup.orderPath, method: "DELETE" });
    expect((await harness!.client.cancel("c-1", setup.symbol)).status).toBe("cancelled");
  });

  test("Binance error codes map to the typed errors", async () => {
    const { sim } = await start();
    const errorOf = (promise: Promise<unknown>) => promise.catch((caught: unknown) => caught);
    expect(await errorOf(harness!.client.fetchOrderByClientId("never-sent", setup.symbol))).toBeInstanceOf(
      OrderNotFoundError,
    );
    expect(await errorOf(harness!.client.cancel("never-sent", setup.symbol))).toBeInstanceOf(OrderNotFoundError);
    sim.faults.add(
      {
        kind: "binance-error",
        status: 400,
        code: -2010,
        msg: "Account has insufficient balance for requested action.",
      },
      { path: setup.orderPath },
    );
    expect(await errorOf(marketBuy("funds-1"))).toBeInstanceOf(InsufficientFundsError);
    sim.faults.add(
      { kind: "binance-error", status: 400, code: -1121, msg: "Invalid symbol." },
      { path: setup.orderPath },
    );
    expect(await errorOf(marketBuy("symbol-1"))).toBeInstanceOf(InvalidOrderError);
    // Below the 5 USDT minimum notional: the venue's own -1013 filter failure.
    const tiny = setup.venue === "spot" ? 0.0001 : 0.0001;
    const filter = await errorOf(
      harness!.client.submit({
        clientOrderId: "tiny-1",
        symbol: setup.symbol,
        side: "buy",
        type: "market",
        quantity: tiny,
      }),
    );
    expect(filter).toBeInstanceOf(InvalidOrderError);
    expect(
      await errorOf(
        harness!.client.submit({
          clientOrderId: "neg",
          symbol: setup.symbol,
          side: "buy",
          type: "market",
          quantity: -1,
        }),
      ),
    ).toBeInstanceOf(InvalidOrderError);
    expect(sim.orders(setup.venue)).toEqual([]);
  });

  test("a wrong API key is an AuthenticationError (-2015)", async () => {
    harness = await startVenueHarness(setup.exchangeId, {
      credentials: new VenueCredentials("wrong-key", "x", "test"),
    });
    const error = await harness.client.fetchBalances().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String(error)).toContain("-2015");
  });

  test("a 5xx on every attempt of a read ends in ExchangeUnavailableError", async () => {
    const { sim } = await start();
    sim.faults.add({ kind: "server-error" }, { path: setup.openPath, times: 5 });
    const error = await harness!.client.fetchOpenOrders(setup.symbol).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExchangeUnavailableError);
    expect(error).toBeInstanceOf(NetworkError);
  });
});
