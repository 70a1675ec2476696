import { describe, expect, it } from "vitest";
import { EventBus } from "./events.js";

describe("EventBus", () => {
  it("delivers to every subscriber in subscription order", () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on("ALERT", (e) => seen.push(`a:${e.message}`));
    bus.on("ALERT", (e) => seen.push(`b:${e.message}`));
    bus.publish("ALERT", { time: 1, level: "info", message: "hi" });
    expect(seen).toEqual(["a:hi", "b:hi"]);
  });

  it("isolates a subscriber that throws: later subscribers still run and the publisher does not see the error", () => {
    const errors: string[] = [];
    const bus = new EventBus((error, event) => errors.push(`${event}: ${(error as Error).message}`));
    const seen: number[] = [];
    bus.on("KILL_SWITCH", () => {
      throw new Error("dashboard down");
    });
    bus.on("KILL_SWITCH", (e) => seen.push(e.time));
    expect(() => bus.publish("KILL_SWITCH", { time: 7, reason: "drawdown" })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual(["KILL_SWITCH: dashboard down"]);
    expect(bus.failures.get("KILL_SWITCH")).toBe(1);
  });

  it("survives an error handler that throws too", () => {
    const bus = new EventBus(() => {
      throw new Error("logger down");
    });
    bus.on("ALERT", () => {
      throw new Error("boom");
    });
    expect(() => bus.publish("ALERT", { time: 1, level: "critical", message: "x" })).not.toThrow();
    expect(bus.failures.get("ALERT")).toBe(1);
  });

  it("unsubscribes", () => {
    const bus = new EventBus();
    const seen: number[] = [];
    const off = bus.on("ALERT", (e) => seen.push(e.time));
    off();
    bus.publish("ALERT", { time: 1, level: "info", message: "x" });
    expect(seen).toEqual([]);
    expect(bus.has("ALERT")).toBe(false);
  });
});
