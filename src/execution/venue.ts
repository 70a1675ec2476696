import type { CandleSeries } from "../domain/candles.js";
import type { Instrument } from "../domain/instrument.js";
import type { Fill, OrderRequest } from "../domain/order.js";

/**
 * The venue-client contract, in one place: what the engine asks of a venue and what a venue says back.
 *
 * The engine never waits for a venue. It hands an order over (`submit`) and the venue answers later with
 * reports, in the order things happened: accepted or rejected, then fills (possibly several), then cancelled or
 * expired for what is left. One engine-side handler books every fill into the portfolio in every mode; a venue
 * never writes the portfolio. The simulated venue of backtests answers within the same call, so a backtest runs
 * as fast as a synchronous broker; paper, testnet and live venues answer when they answer.
 */
export type VenueReport =
  | {
      readonly type: "accepted";
      readonly time: number;
      readonly order: OrderRequest;
      /** The venue's own id of the order, when a real venue acknowledged it (kept with the order in the store). */
      readonly venueOrderId?: string;
    }
  | { readonly type: "rejected"; readonly time: number; readonly order: OrderRequest; readonly reason: string }
  | {
      readonly type: "filled";
      readonly time: number;
      readonly fill: Fill;
      /** Leverage the position is opened with (ignored when the fill only reduces). */
      readonly leverage: number;
      /** Base quantity of the order still working after this fill; 0 when the order is done. */
      readonly remaining: number;
      /** The venue's id of this fill, where a real venue gave one (the store keys fills by it). */
      readonly tradeId?: string;
    }
  | {
      readonly type: "cancelled" | "expired";
      readonly time: number;
      readonly order: OrderRequest;
      readonly reason: string;
    }
  /** A funding payment of a perpetual position at `markPrice` (longs pay when the rate is positive). */
  | {
      readonly type: "funding";
      readonly time: number;
      readonly symbol: string;
      readonly rate: number;
      readonly markPrice: number;
    };

export type VenueReportType = VenueReport["type"];

/** Where a venue sends its reports. Called synchronously by the simulated venue, asynchronously by real ones. */
export interface VenueListener {
  report(report: VenueReport): void;
}

/** The stop and target protecting an open position. */
export interface ExitLevels {
  readonly stop: number;
  readonly target: number;
}

/** A venue as the engine drives it: simulated in backtest and paper, an exchange adapter in testnet and live. */
export interface Venue {
  /** Registers a tradable symbol; `series` returns the bars seen so far (a growing buffer when live). */
  addMarket(instrument: Instrument, series: () => CandleSeries): void;
  /** Hands an order over at bar `index`; what became of it comes back as reports. */
  submit(order: OrderRequest, index: number): void;
  /** Cancels one working order; false when the venue does not know it (already done). */
  cancel(clientOrderId: string, reason: string, time: number): boolean;
  /** Cancels working orders; with `keepReduceOnly`, protective exits (take-profit limits) stay. */
  cancelAll(reason: string, time: number, symbol?: string, keepReduceOnly?: boolean): number;
  /** Lets a simulated venue match orders against bar `index`, which has closed; a real venue reports on its own. */
  processBar(symbol: string, index: number): void;
  /** The stop and target currently protecting the position of `symbol`, if any. */
  exitLevels(symbol: string): ExitLevels | undefined;
  /** Moves (or sets) the stop-loss protecting the open position of `symbol`. */
  setStop(symbol: string, stop: number): void;
  /** Orders still working at the venue. */
  openOrders(symbol?: string): OrderRequest[];
}
