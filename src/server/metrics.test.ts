import { describe, expect, it } from "vitest";
import { EventBus } from "../engine/events.js";
import { createAegisMetrics } from "./aegis-metrics.js";
import { MetricsRegistry } from "./metrics.js";

describe("Prometheus registry", () => {
  it("renders counters, gauges and cumulative histogram buckets in the text exposition format", () => {
    const r = new MetricsRegistry();
    const c = r.counter("x_total", "Things");
    c.inc({ kind: 'a"b' });
    c.inc({ kind: 'a"b' }, 2);
    r.gauge("g", "A gauge", (g) => g.set({}, 1.5));
    const h = r.histogram("h_seconds", "Times", [0.1, 1]);
    h.observe(0.05);
    h.observe(0.5);
    h.observe(5);
    expect(r.render()).toBe(
      [
        "# HELP x_total Things",
        "# TYPE x_total counter",
        'x_total{kind="a\\"b"} 3',
        "# HELP g A gauge",
        "# TYPE g gauge",
        "g 1.5",
        "# HELP h_seconds Times",
        "# TYPE h_seconds histogram",
        'h_seconds_bucket{le="0.1"} 1',
        'h_seconds_bucket{le="1"} 2',
        'h_seconds_bucket{le="+Inf"} 3',
        "h_seconds_sum 5.55",
        "h_seconds_count 3",
        "",
      ].join("\n"),
    );
    expect(() => r.counter("x_total", "again")).toThrow(/twice/);
    expect(() => r.counter("bad-name", "x")).toThrow(/not a Prometheus name/);
  });

  it("counts orders, fills and rejections by the refusing layer from the bus, and times decisions", () => {
    const bus = new EventBus();
    let now = 0;
    const m = createAegisMetrics({ bus, clock: () => now });
    bus.publish("MARKET_DATA", {
      symbol: "A",
      timeframe: "1m",
      bar: { time: 0, open: 1, high: 1, low: 1, close: 1, volume: 1 },
    });
    now = 2; // ms
    bus.publish("SIGNAL_GENERATED", { time: 0, symbol: "A", votes: [], action: "buy", reason: "r" });
    const order = { clientOrderId: "c", symbol: "A", side: "buy", type: "market", quantity: 1 } as never;
    bus.publish("ORDER_PLACED", { time: 0, order });
    bus.publish("SIGNAL_REJECTED", {
      time: 0,
      symbol: "A",
      reason: "r",
      verdicts: [
        { layer: "sizing", verdict: "scale", reason: "s" },
        { layer: "max-drawdown", verdict: "deny", reason: "d" },
      ],
    } as never);
    const text = m.registry.render();
    expect(text).toMatch(/^aegis_orders_total\{side="buy"\} 1$/m);
    expect(text).toMatch(/^aegis_risk_rejections_total\{layer="max-drawdown"\} 1$/m);
    expect(text).toMatch(/^aegis_decision_latency_seconds_sum 0\.002$/m);
    expect(text).toMatch(/^aegis_decision_latency_seconds_bucket\{le="0\.0025"\} 1$/m);
    m.detach();
    bus.publish("ORDER_PLACED", { time: 0, order });
    expect(m.registry.render()).toMatch(/^aegis_orders_total\{side="buy"\} 1$/m);
  });
});
