import type { Selectable } from "kysely";
import { describe, expect, it } from "vitest";
import type { DecisionsTable } from "../../store/database.js";
import { decisionView, explainDecision } from "./read-decisions.js";

const row = (id: number, price = 61230.123456789): Selectable<DecisionsTable> =>
  ({
    id,
    decisionKey: `s|sma-cross|BTC/USDT|${id}`,
    time: Date.UTC(2024, 2, 1, 14),
    symbol: "BTC/USDT",
    strategyId: "sma-cross",
    action: "buy",
    outcome: "orders-sent",
    reason: null,
    votes: JSON.stringify([
      { source: "sma-cross", action: "buy", confidence: 0.7, reasons: ["fast crossed above slow"] },
    ]),
    verdicts: JSON.stringify([
      {
        order: "buy",
        approved: true,
        quantity: 1,
        verdicts: [{ layer: "kelly", verdict: "scale", reason: "size", scale: 0.5 }],
      },
    ]),
    detail: JSON.stringify({ price }),
  }) as unknown as Selectable<DecisionsTable>;

describe("the decision log's views", () => {
  it("words the price as toLocaleString did: grouped, up to 8 decimals", () => {
    for (const price of [61230.123456789, 0.000012345678, 1e9, 2.5]) {
      const text = decisionView(row(1, price)).explanation;
      expect(text).toContain(` at ${price.toLocaleString("en-US", { maximumFractionDigits: 8 })} because`);
    }
    expect(explainDecision({ ...decisionView(row(1)), price: null })).toMatch(/decided to buy BTC\/USDT because/);
  });
});
