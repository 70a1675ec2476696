import type { EventBus } from "../engine/events.js";
import type { SessionStatus } from "../engine/trading/session-status.js";
import type { Histogram } from "./metrics.js";
import { MetricsRegistry } from "./metrics.js";

/** Seconds; decisions take microseconds to milliseconds, API answers milliseconds to seconds. */
const DECISION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5];
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The API latency family; the API worker thread registers it in its own registry (src/server/api-thread/). */
export function apiRequestHistogram(registry: MetricsRegistry): Histogram {
  return registry.histogram(
    "aegis_api_request_duration_seconds",
    "API answer time by route, method and status code",
    REQUEST_BUCKETS,
  );
}

export interface AegisMetrics {
  readonly registry: MetricsRegistry;
  readonly requestSeconds: Histogram;
  /** Stops listening to the bus. */
  detach(): void;
}

/**
 * The metrics WawaTrader's monitoring plan asks for: decision latency, orders, fills, rejections by risk layer,
 * feed lag per symbol, API latency and process memory. Counters follow the event bus; feed lag and memory are
 * read when Prometheus scrapes.
 */
export function createAegisMetrics(
  sources: {
    bus?: EventBus;
    status?: () => SessionStatus;
    /** Bar length of the session, so that lag counts from a bar's close. */
    barMs?: number;
    now?: () => number;
    /** Monotonic milliseconds for the decision latency (performance.now by default). */
    clock?: () => number;
  } = {},
): AegisMetrics {
  const registry = new MetricsRegistry();
  const decision = registry.histogram(
    "aegis_decision_latency_seconds",
    "Time from a closed bar reaching the engine to the decision on it (combined signal), per bar that produced one",
    DECISION_BUCKETS,
  );
  const orders = registry.counter("aegis_orders_total", "Orders handed to the venue, by side");
  const fills = registry.counter("aegis_fills_total", "Fills reported by the venue, by side");
  const venueRejects = registry.counter("aegis_orders_rejected_total", "Orders the venue rejected");
  const rejections = registry.counter(
    "aegis_risk_rejections_total",
    "Signals the risk shield (or the broker) refused, by the layer that refused",
  );
  const killSwitch = registry.counter("aegis_halts_total", "Trading halts (kill switch, emergency stop)");
  const now = sources.now ?? Date.now;
  registry.gauge("aegis_feed_lag_seconds", "Session time since the last closed bar of each symbol closed", (gauge) => {
    const status = sources.status?.();
    if (!status) return;
    for (const [symbol, feed] of Object.entries(status.feeds)) {
      const last = (feed as { lastBar?: number | null }).lastBar;
      if (typeof last === "number")
        gauge.set({ symbol }, Math.max(0, (status.time - last - (sources.barMs ?? 0)) / 1000));
    }
  });
  registry.gauge("aegis_feed_healthy", "1 when the feed of the symbol is healthy, 0 when flagged", (gauge) => {
    const status = sources.status?.();
    if (status) for (const [symbol, feed] of Object.entries(status.feeds)) gauge.set({ symbol }, feed.healthy ? 1 : 0);
  });
  registry.gauge("aegis_equity", "Account equity in the quote currency", (gauge) => {
    const status = sources.status?.();
    if (status) gauge.set({}, status.equity);
  });
  const requestSeconds = apiRequestHistogram(registry);
  registry.gauge("process_resident_memory_bytes", "Resident set size of the process", (gauge) =>
    gauge.set({}, process.memoryUsage.rss()),
  );
  registry.gauge("nodejs_heap_used_bytes", "V8 heap in use", (gauge) => gauge.set({}, process.memoryUsage().heapUsed));
  registry.gauge("aegis_metrics_scrape_timestamp_seconds", "When these values were read", (gauge) =>
    gauge.set({}, now() / 1000),
  );

  const unsubscribe: (() => void)[] = [];
  const bus = sources.bus;
  if (bus) {
    const clock = sources.clock ?? (() => performance.now());
    const barSeen = new Map<string, number>();
    unsubscribe.push(
      bus.on("MARKET_DATA", ({ symbol }) => barSeen.set(symbol, clock())),
      bus.on("SIGNAL_GENERATED", ({ symbol }) => {
        const start = barSeen.get(symbol);
        if (start !== undefined) decision.observe((clock() - start) / 1000);
        barSeen.delete(symbol);
      }),
      bus.on("ORDER_PLACED", ({ order }) => orders.inc({ side: order.side })),
      bus.on("ORDER_FILLED", ({ fill }) => fills.inc({ side: fill.side })),
      bus.on("ORDER_REJECTED", () => venueRejects.inc()),
      bus.on("SIGNAL_REJECTED", ({ verdicts }) => {
        const refused = verdicts.find((v) => v.verdict === "deny" || v.verdict === "halt") ?? verdicts.at(-1);
        rejections.inc({ layer: refused?.layer ?? "unknown" });
      }),
      bus.on("KILL_SWITCH", () => killSwitch.inc()),
    );
  }
  return {
    registry,
    requestSeconds,
    detach: () => {
      for (const off of unsubscribe.splice(0)) off();
    },
  };
}
