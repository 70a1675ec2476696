import type { Exchange } from "ccxt";
import { type Clock, systemClock } from "../../domain/clock.js";
import { defaultInstrument, type Instrument } from "../../domain/instrument.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import { type SimExchange, startSimExchange } from "../../execution/sim-exchange/index.js";
import { connectCcxt } from "../../execution/venue/ccxt-connect.js";
import { createVenueClient } from "../../execution/venue/create-venue-client.js";
import { VenueCapabilityError } from "../../execution/venue/venue-capabilities.js";
import type { VenueClient } from "../../execution/venue/venue-client.js";
import { MissingCredentialsError } from "../../execution/venue/venue-credentials.js";
import { UsageError } from "../usage-error.js";
import { openAlpaca } from "./trade-alpaca.js";
import { isMultiMarket, openMultiMarket } from "./trade-markets.js";
import type { TradeSettings } from "./trade-options.js";

/** Start prices of the simulated exchange's pairs (others start at 100). */
const SIM_START_PRICES: Readonly<Record<string, number>> = { BTC: 30_000, ETH: 2_000, SOL: 100, BNB: 300 };

/** Where `aegis trade` gets its bars, its market clock, its instruments and (testnet, live) sends its orders. */
export interface TradeVenue {
  /** The embedded simulated exchange, when `--exchange sim` runs one in this process. */
  readonly sim: SimExchange | undefined;
  /** Equities (and crypto beside them) on Alpaca or the local venues: markets, feed and clock of trade-markets.ts. */
  readonly multi: Awaited<ReturnType<typeof openMultiMarket>> | undefined;
  /** The CCXT exchange the bars come from (absent with `multi`). */
  readonly exchange: Exchange | undefined;
  readonly clock: Clock;
  /** Market time per wall time: the local venues run at --speed, a real venue at 1. */
  readonly clockSpeed: number;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Testnet and live: the client orders go through (absent in paper mode). */
  readonly venueClient: VenueClient | undefined;
}

/**
 * Opens the venue the settings name. On failure it closes what it had opened; a missing key or a venue that cannot
 * do what the session needs is a UsageError.
 */
export async function openTradeVenue(
  settings: TradeSettings,
  saved: { close: number } | undefined,
): Promise<TradeVenue> {
  const { options, mode, venueOrigin, realAlpaca, timeframe, symbols, speed, warmup } = settings;
  let sim: SimExchange | undefined;
  let exchange: Exchange | undefined;
  let multi: TradeVenue["multi"];
  try {
    let clock: Clock = systemClock;
    let local: { url: string; wsUrl: string } | undefined;
    multi = realAlpaca
      ? await openAlpaca({ mode, symbols: [...symbols], timeframe })
      : isMultiMarket(options.exchange)
        ? await openMultiMarket({
            ...options,
            symbols: [...symbols],
            timeframe,
            speed,
            warmup,
            resumeAfter: saved?.close,
          })
        : undefined;
    if (multi) clock = multi.clock;
    else if (venueOrigin !== undefined) {
      // A simulated exchange in another process: its market time, advanced at --speed from the time it tells now.
      local = venueOrigin;
      clock = await remoteSimClock(venueOrigin.url, speed);
      exchange = await connectCcxt({ exchangeId: "binance", local });
    } else if (options.exchange === "sim") {
      sim = await startEmbeddedSim(settings, saved);
      const market = sim;
      // The session runs on the exchange's market time, which runs `speed` times faster than the wall clock.
      clock = { now: () => market.now(), setTimer: (ms, callback) => systemClock.setTimer(ms / speed, callback) };
      local = { url: sim.url, wsUrl: sim.wsUrl };
      exchange = await connectCcxt({ exchangeId: "binance", local });
    } else {
      exchange = await connectCcxt({ exchangeId: options.exchange, sandbox: mode === "testnet" });
    }
    const clockSpeed =
      sim !== undefined || venueOrigin !== undefined || (multi !== undefined && !realAlpaca) ? speed : 1;
    const instruments = multi
      ? multi.instruments
      : await instrumentsOf(exchange as Exchange, symbols, settings.contracts);
    // Testnet and live: orders go through the CCXT venue client, the same code against the local exchange as
    // against Binance; keys come from the environment only.
    let venueClient: VenueClient | undefined;
    if (mode !== "paper") {
      try {
        venueClient = multi
          ? await multi.venueClient()
          : await createVenueClient(
              local !== undefined
                ? { exchangeId: "binance", mode: "sim", local }
                : { exchangeId: options.exchange, mode: mode === "live" ? "live" : "testnet" },
            );
      } catch (error) {
        if (error instanceof MissingCredentialsError || error instanceof VenueCapabilityError)
          throw new UsageError(error.message);
        throw error;
      }
    }
    return { sim, multi, exchange, clock, clockSpeed, instruments, venueClient };
  } catch (error) {
    await sim?.close().catch(() => {});
    await exchange?.close().catch(() => {});
    await multi?.close().catch(() => {});
    throw error;
  }
}

/** The embedded market is the same seeded path on every start; a resumed session continues where it stopped. */
function startEmbeddedSim(settings: TradeSettings, saved: { close: number } | undefined): Promise<SimExchange> {
  const { timeframe, symbols, speed, warmup } = settings;
  const startTime = Date.UTC(2024, 0, 1);
  const warmMinutes = (warmup + 10) * (TIMEFRAMES[timeframe] / 60_000);
  const historyBars = Math.max(1000, warmMinutes, saved ? Math.ceil((saved.close - startTime) / 60_000) : 0);
  if (timeframe !== "1m" && speed < 60)
    console.error(
      `note: the simulated exchange makes one ${timeframe} bar per ${TIMEFRAMES[timeframe] / 60_000 / speed} min of wall time at --speed ${speed}`,
    );
  return startSimExchange({
    markets: [...new Set(symbols.map((s) => s.split("/")[0] as string))].map((base) => ({
      base,
      quote: (symbols.find((s) => s.startsWith(`${base}/`)) as string).split("/")[1] as string,
      startPrice: SIM_START_PRICES[base] ?? 100,
    })),
    seed: settings.options.seed,
    clock: "realtime",
    speed,
    startTime,
    historyBars,
    // Thirty days of market ahead of the start: twelve hours of wall time at --speed 60.
    bars: historyBars + 43_200,
  });
}

/** The market clock of a simulated exchange in another process, running at `speed` from its current time. */
async function remoteSimClock(url: string, speed: number): Promise<Clock> {
  let serverTime: number;
  try {
    const answer = (await (await fetch(`${url}/api/v3/time`)).json()) as { serverTime?: unknown };
    serverTime = Number(answer.serverTime);
  } catch (error) {
    throw new UsageError(`--venue-url ${url}: no simulated exchange answers there (${(error as Error).message})`);
  }
  if (!Number.isFinite(serverTime)) throw new UsageError(`--venue-url ${url}: the answer to /api/v3/time has no time`);
  const wall = Date.now();
  return {
    now: () => serverTime + (Date.now() - wall) * speed,
    setTimer: (ms, callback) => systemClock.setTimer(ms / speed, callback),
  };
}

/** Tick, lot, minimums and fees of each symbol from the exchange's market list. */
async function instrumentsOf(
  exchange: Exchange,
  symbols: readonly string[],
  contracts: boolean,
): Promise<Map<string, Instrument>> {
  const markets = await exchange.loadMarkets();
  const out = new Map<string, Instrument>();
  for (const symbol of symbols) {
    // A USDⓈ-M perpetual is listed as BTC/USDT:USDT; the session trades it as BTC/USDT.
    const m = markets[contracts ? `${symbol}:${symbol.split("/")[1]}` : symbol];
    if (!m) throw new UsageError(`${exchange.id} does not list ${symbol}`);
    const tick = Number(m.precision?.price);
    const lot = Number(m.precision?.amount);
    out.set(
      symbol,
      defaultInstrument(symbol, {
        ...(tick > 0 ? { tickSize: tick } : {}),
        ...(lot > 0 ? { lotSize: lot, minQuantity: Number(m.limits?.amount?.min) || lot } : {}),
        ...(Number(m.limits?.cost?.min) > 0 ? { minNotional: Number(m.limits?.cost?.min) } : {}),
        makerFee: Number(m.maker ?? 0.001),
        takerFee: Number(m.taker ?? 0.001),
        ...(contracts ? { kind: "perpetual" as const } : {}),
      }),
    );
  }
  return out;
}
