import { describe, expect, test } from "vitest";
import { BinanceReportParser } from "./binance-reports.js";

const parser = () =>
  new BinanceReportParser((id, type) => (type === "spot" ? `${id.slice(0, 3)}/USDT` : `${id.slice(0, 3)}/USDT:USDT`));

const execution = (fields: Record<string, unknown>) => ({
  subscriptionId: 0,
  event: {
    e: "executionReport",
    s: "BTCUSDT",
    c: "cid-1",
    C: "",
    S: "BUY",
    i: 42,
    l: "0",
    z: "0",
    L: "0",
    T: 1000,
    t: -1,
    ...fields,
  },
});

describe("Binance user-data events as venue reports", () => {
  test("NEW, partial TRADE, CANCELED on spot: acknowledged, partially-filled with trade id, cancelled by original id", () => {
    const reports = parser();
    expect(reports.parse(execution({ x: "NEW", X: "NEW" })).map((r) => r.kind)).toEqual(["acknowledged"]);
    const [fill] = reports.parse(
      execution({ x: "TRADE", X: "PARTIALLY_FILLED", l: "0.5", z: "0.5", L: "100", t: 7, n: "0.0005", N: "BTC" }),
    );
    expect(fill).toMatchObject({
      kind: "partially-filled",
      tradeId: "7",
      quantity: 0.5,
      price: 100,
      cumulativeQuantity: 0.5,
      fee: 0.0005,
      feeAsset: "BTC",
      symbol: "BTC/USDT",
    });
    const [cancel] = reports.parse(execution({ x: "CANCELED", X: "CANCELED", c: "cancel-req-9", C: "cid-1" }));
    expect(cancel).toMatchObject({ kind: "cancelled", clientOrderId: "cid-1", venueOrderId: "42" });
  });

  test("a first event that is already a fill is preceded by a synthesised acknowledgement", () => {
    const reports = parser().parse({
      e: "ORDER_TRADE_UPDATE",
      o: {
        s: "ETHUSDT",
        c: "f-1",
        S: "SELL",
        x: "TRADE",
        X: "FILLED",
        i: 9,
        l: "1",
        z: "1",
        L: "2000",
        T: 5,
        t: 11,
        n: "2",
        N: "USDT",
      },
    });
    expect(reports.map((r) => r.kind)).toEqual(["acknowledged", "filled"]);
    expect(reports[0]).toMatchObject({ synthesized: true, symbol: "ETH/USDT:USDT" });
    expect(reports[1]).toMatchObject({ side: "sell", tradeId: "11" });
  });

  test("rejections and expiries are reported; anything else is ignored", () => {
    const reports = parser();
    expect(reports.parse(execution({ x: "REJECTED", X: "REJECTED", r: "INSUFFICIENT_BALANCE" })).at(-1)).toMatchObject({
      kind: "rejected",
      reason: "INSUFFICIENT_BALANCE",
    });
    expect(reports.parse(execution({ i: 43, x: "EXPIRED", X: "EXPIRED" })).at(-1)?.kind).toBe("expired");
    expect(reports.parse({ e: "outboundAccountPosition" })).toEqual([]);
    expect(reports.parse("garbage")).toEqual([]);
  });
});
