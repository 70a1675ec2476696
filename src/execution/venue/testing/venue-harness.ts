/**
 * Test harness: a simulated exchange on a manual clock plus a CCXT venue client pointed at it, with a recording
 * sleeper (no test waits for a backoff), and helpers to collect reports.
 */
import { type SimExchange, type SimExchangeOptions, startSimExchange } from "../../sim-exchange/sim-exchange.js";
import type { CcxtVenueClient } from "../ccxt-venue-client.js";
import { createVenueClient } from "../create-venue-client.js";
import type { VenueReport } from "../venue-client.js";
import type { VenueCredentials } from "../venue-credentials.js";

export interface VenueHarness {
  readonly sim: SimExchange;
  readonly client: CcxtVenueClient;
  /** Every wait the client asked for, in milliseconds. */
  readonly sleeps: number[];
  close(): Promise<void>;
}

export async function startVenueHarness(
  exchangeId: "binance" | "binanceusdm",
  options: {
    readonly sim?: SimExchangeOptions;
    readonly credentials?: VenueCredentials;
    readonly timeoutMs?: number;
  } = {},
): Promise<VenueHarness> {
  const sim = await startSimExchange({ clock: "manual", ...options.sim });
  const sleeps: number[] = [];
  const client = await createVenueClient({
    exchangeId,
    mode: "sim",
    local: sim,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return {
    sim,
    client,
    sleeps,
    async close() {
      await client.close();
      await sim.close();
    },
  };
}

/** Subscribes to `client`'s reports and resolves once the venue's user data stream is live. */
export async function collectReports(
  harness: VenueHarness,
  venue: "spot" | "futures",
  apiKey = "sim-key",
): Promise<VenueReport[]> {
  const reports: VenueReport[] = [];
  harness.client.onReport((report) => reports.push(report));
  await harness.sim.subscribed(`user:${apiKey}:${venue}`);
  return reports;
}

/** Resolves when `predicate` holds for the collected reports (checked on every report). */
export function reportsUntil(
  harness: VenueHarness,
  reports: readonly VenueReport[],
  predicate: (reports: readonly VenueReport[]) => boolean,
): Promise<void> {
  if (predicate(reports)) return Promise.resolve();
  return new Promise((resolve) => {
    const unsubscribe = harness.client.onReport(() => {
      // Listeners run in subscription order, so `reports` already holds this report.
      if (predicate(reports)) {
        unsubscribe();
        resolve();
      }
    });
  });
}
