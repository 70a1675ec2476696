import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CandleStore } from "../../data/store/candle-store.js";
import type { CandleSeries } from "../../domain/candles.js";
import { isTimeframe, TIMEFRAMES } from "../../domain/timeframe.js";
import type { TradingSession } from "../../engine/trading/trading-session.js";
import { atr, bbands, ema, macd, rsi, sma, vwap, wma } from "../../indicators/index.js";
import type { ApiContext, CandleSource } from "../context.js";
import { BadRequest, type RouteTable } from "../route.js";
import { HttpError, notFound, sessionFilter } from "./read-common.js";

/** The bars a live session holds (warm-up included), read from its engine's slots without copying. */
export function sessionCandles(session: Pick<TradingSession, "engine">): CandleSource {
  const slots = () => session.engine.slots;
  return {
    markets: () => slots().map((s) => ({ symbol: s.config.symbol, timeframe: s.config.timeframe ?? "" })),
    series: (symbol, timeframe) =>
      slots()
        .find((s) => s.config.symbol === symbol && (s.config.timeframe ?? "") === timeframe)
        ?.series(),
  };
}

/**
 * The bars of a candle store (`aegis download`), for `aegis serve`: the last `maxBars` of each series (default
 * 5000), from one exchange when named, else from the first exchange that has the market.
 */
export function candleStoreSource(
  store: CandleStore,
  options: { exchange?: string; maxBars?: number } = {},
): CandleSource {
  const maxBars = options.maxBars ?? 5000;
  const stored = () =>
    store
      .list()
      .filter((s) => isTimeframe(s.timeframe) && (options.exchange === undefined || s.exchange === options.exchange));
  return {
    markets: () => {
      const seen = new Set<string>();
      return stored()
        .filter((s) => !seen.has(`${s.symbol}|${s.timeframe}`) && seen.add(`${s.symbol}|${s.timeframe}`))
        .map((s) => ({ symbol: s.symbol, timeframe: s.timeframe }));
    },
    series: (symbol, timeframe) => {
      const found = stored().find((s) => s.symbol === symbol && s.timeframe === timeframe);
      if (!found || !isTimeframe(timeframe)) return undefined;
      return store.load(found.exchange, symbol, timeframe, {
        from: found.last - (maxBars - 1) * TIMEFRAMES[timeframe],
      });
    },
  };
}

/** One computed indicator: price-pane overlays (moving averages, bands) or a lower pane (oscillators). */
export interface IndicatorView {
  readonly id: string;
  readonly pane: "price" | "lower";
  readonly lines: Record<string, (number | null)[]>;
}

interface IndicatorKind {
  readonly pane: "price" | "lower";
  /** Default parameters and how many may be given. */
  readonly defaults: readonly number[];
  compute(s: CandleSeries, p: readonly number[]): Record<string, Float64Array>;
}

const KINDS: Record<string, IndicatorKind> = {
  sma: { pane: "price", defaults: [20], compute: (s, [n]) => ({ value: sma(s.close, n) }) },
  ema: { pane: "price", defaults: [20], compute: (s, [n]) => ({ value: ema(s.close, n) }) },
  wma: { pane: "price", defaults: [20], compute: (s, [n]) => ({ value: wma(s.close, n) }) },
  bbands: {
    pane: "price",
    defaults: [20, 2],
    compute: (s, [n, k]) => {
      const b = bbands(s.close, n, k, k);
      return { upper: b.upper, middle: b.middle, lower: b.lower };
    },
  },
  vwap: { pane: "price", defaults: [20], compute: (s, [n]) => ({ value: vwap(s.high, s.low, s.close, s.volume, n) }) },
  rsi: { pane: "lower", defaults: [14], compute: (s, [n]) => ({ value: rsi(s.close, n) }) },
  atr: { pane: "lower", defaults: [14], compute: (s, [n]) => ({ value: atr(s.high, s.low, s.close, n) }) },
  macd: {
    pane: "lower",
    defaults: [12, 26, 9],
    compute: (s, [f, sl, sig]) => {
      const m = macd(s.close, f, sl, sig);
      return { macd: m.macd, signal: m.signal, histogram: m.histogram };
    },
  },
};

/** Parses `ema:20,rsi:14,bbands:20:2` into kinds with parameters; a bad item is a 400 naming it. */
export function parseIndicators(text: string | undefined): { kind: string; params: number[]; id: string }[] {
  if (text === undefined || text.trim() === "") return [];
  const items = text.split(",").map((item) => item.trim());
  if (items.length > 8) throw new BadRequest("query.indicators", "query.indicators: at most 8 indicators");
  return items.map((item) => {
    const [kind = "", ...raw] = item.split(":");
    const spec = KINDS[kind];
    if (!spec) {
      throw new BadRequest(
        "query.indicators",
        `query.indicators: unknown indicator "${kind}" (known: ${Object.keys(KINDS).join(", ")})`,
      );
    }
    if (raw.length > spec.defaults.length) {
      throw new BadRequest(
        "query.indicators",
        `query.indicators: ${kind} takes at most ${spec.defaults.length} parameters`,
      );
    }
    const params = spec.defaults.map((d, i) => {
      const given = raw[i];
      if (given === undefined) return d;
      const value = Number(given);
      if (!Number.isFinite(value) || value <= 0 || value > 1000) {
        throw new BadRequest(
          "query.indicators",
          `query.indicators: ${kind} parameter "${given}" must be a number in (0, 1000]`,
        );
      }
      return value;
    });
    return { kind, params, id: `${kind}(${params.join(",")})` };
  });
}

const nullable = (values: Float64Array, from: number): (number | null)[] =>
  Array.from(values.subarray(from), (v) => (Number.isFinite(v) ? v : null));

/** Candles of one market with indicators computed over every bar held (so the first shown are warm) and its fills. */
export function candleRoutes(app: FastifyInstance, routes: RouteTable, ctx: ApiContext): void {
  routes.add(app, {
    method: "GET",
    url: "/api/markets",
    summary: "Markets (symbol and timeframe) with candles",
    tags: ["read"],
    access: "read",
    handler: () => ({ markets: ctx.candles?.markets() ?? [], indicators: Object.keys(KINDS) }),
  });

  routes.add(app, {
    method: "GET",
    url: "/api/candles/:symbol",
    summary: "Candles with indicators and trade markers for a symbol and timeframe",
    tags: ["read"],
    access: "read",
    params: z.object({ symbol: z.string().min(1).max(40) }),
    query: z
      .object({
        timeframe: z.string().min(1).max(4).optional(),
        indicators: z.string().max(200).optional(),
        limit: z.coerce.number().int().min(1).max(10_000).default(500),
      })
      .strict(),
    handler: async ({ params, query }, reply) => {
      const indicators = parseIndicators(query.indicators);
      if (!ctx.candles) throw new HttpError(503, "no candles: this server has no live session or candle store");
      const markets = ctx.candles.markets().filter((m) => m.symbol === params.symbol);
      const market = markets.find((m) => query.timeframe === undefined || m.timeframe === query.timeframe);
      const series = market && ctx.candles.series(market.symbol, market.timeframe);
      if (!market || !series) return notFound(reply, `candles of ${params.symbol} ${query.timeframe ?? ""}`.trim());
      const from = Math.max(0, series.length - query.limit);
      const candles = [];
      for (let i = from; i < series.length; i++) {
        candles.push({
          time: series.time[i] as number,
          open: series.open[i] as number,
          high: series.high[i] as number,
          low: series.low[i] as number,
          close: series.close[i] as number,
          volume: series.volume[i] as number,
        });
      }
      const views: IndicatorView[] = indicators.map(({ kind, params: p, id }) => {
        const spec = KINDS[kind] as IndicatorKind;
        const lines: Record<string, (number | null)[]> = {};
        for (const [name, values] of Object.entries(spec.compute(series, p))) lines[name] = nullable(values, from);
        return { id, pane: spec.pane, lines };
      });
      const firstTime = candles[0]?.time ?? 0;
      return {
        symbol: market.symbol,
        timeframe: market.timeframe,
        candles,
        indicators: views,
        markers: await fillMarkers(ctx, market.symbol, firstTime),
      };
    },
  });
}

/** The session's fills of `symbol` since `from`: where it bought and sold, with the order's reason. */
async function fillMarkers(ctx: ApiContext, symbol: string, from: number) {
  if (!ctx.store) return [];
  const { owner } = sessionFilter(ctx);
  let query = ctx.store.db
    .selectFrom("fills")
    .innerJoin("orders", "orders.clientOrderId", "fills.clientOrderId")
    .select(["fills.time", "fills.side", "fills.qty", "fills.price", "fills.clientOrderId", "orders.detail"])
    .where("fills.symbol", "=", symbol)
    .where("fills.time", ">=", from);
  if (owner !== undefined) query = query.where("orders.strategyId", "=", owner);
  const rows = await query.orderBy("fills.time").limit(5_000).execute();
  return rows.map((row) => {
    let reason = "";
    try {
      reason = String((JSON.parse(row.detail ?? "{}") as { reason?: unknown }).reason ?? "");
    } catch {
      // an unreadable detail only loses the marker's text
    }
    return { time: row.time, side: row.side, qty: row.qty, price: row.price, order: row.clientOrderId, reason };
  });
}
