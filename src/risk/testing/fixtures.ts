import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import type { PortfolioView, PositionSnapshot } from "../../domain/order.js";
import { EMPTY_SNAPSHOT } from "../market-snapshot.js";
import type { ProposedOrder, RiskContext } from "../shield.js";

export const T0 = Date.UTC(2024, 0, 1);

/** A position for `FakePortfolio`: signed quantity (> 0 long), entry, mark and leverage. */
export interface FakePosition {
  quantity: number;
  entry: number;
  mark?: number;
  leverage?: number;
}

/** A PortfolioView with hand-set positions, valued like the real Portfolio: equity = cash + Σ q × (mark − entry). */
export class FakePortfolio implements PortfolioView {
  constructor(
    public cash: number,
    readonly positions: Record<string, FakePosition> = {},
  ) {}

  equity(): number {
    let e = this.cash;
    for (const p of Object.values(this.positions)) e += p.quantity * ((p.mark ?? p.entry) - p.entry);
    return e;
  }

  positionQuantity(symbol: string): number {
    return this.positions[symbol]?.quantity ?? 0;
  }

  symbols(): Iterable<string> {
    return Object.keys(this.positions);
  }

  position(symbol: string): PositionSnapshot | undefined {
    const p = this.positions[symbol];
    if (!p || p.quantity === 0) return undefined;
    const mark = p.mark ?? p.entry;
    return {
      symbol,
      side: p.quantity > 0 ? "long" : "short",
      quantity: Math.abs(p.quantity),
      entryPrice: p.entry,
      markPrice: mark,
      unrealizedPnl: p.quantity * (mark - p.entry),
      leverage: p.leverage ?? 1,
      liquidationPrice: undefined,
      openedAt: T0,
    };
  }

  grossExposure(): number {
    let g = 0;
    for (const p of Object.values(this.positions)) g += Math.abs(p.quantity * (p.mark ?? p.entry));
    return g;
  }

  usedMargin(): number {
    let used = 0;
    for (const p of Object.values(this.positions)) used += (Math.abs(p.quantity) * p.entry) / (p.leverage ?? 1);
    return used;
  }

  openPositionCount(): number {
    return Object.values(this.positions).filter((p) => p.quantity !== 0).length;
  }
}

/** A proposed opening buy of 1 TEST/USDT at 100, confidence 0.9, leverage 1, at 2024-01-01 00:00 UTC. */
export function order(overrides: Partial<ProposedOrder> = {}): ProposedOrder {
  return {
    symbol: "TEST/USDT",
    side: "buy",
    quantity: 1,
    price: 100,
    reduceOnly: false,
    leverage: 1,
    confidence: 0.9,
    time: T0,
    strategy: "test",
    ...overrides,
  };
}

export function context(
  portfolio: PortfolioView,
  instrument: Instrument = defaultInstrument("TEST/USDT"),
): RiskContext {
  return { portfolio, instrument, time: T0, market: EMPTY_SNAPSHOT };
}
