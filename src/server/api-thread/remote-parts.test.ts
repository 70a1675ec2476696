import { describe, expect, it } from "vitest";
import { apiRequestHistogram, createAegisMetrics } from "../aegis-metrics.js";
import { BadRequest } from "../route.js";
import { ConfigRejected, ControlConflict, ControlNotFound } from "../session-control.js";
import {
  API_REQUEST_METRIC,
  ForwardedBus,
  RemoteMetrics,
  rebuildError,
  remoteControl,
  remoteError,
} from "./remote-parts.js";

describe("the API worker's stand-ins for the trading thread's parts", () => {
  it("rebuilds a control's error as the class the error handler maps to its status code", () => {
    const cross = (error: Error) => rebuildError(structuredClone(remoteError(error)));
    expect(cross(new ControlConflict("halted"))).toBeInstanceOf(ControlConflict);
    expect(cross(new ControlNotFound("no such strategy"))).toBeInstanceOf(ControlNotFound);
    const rejected = cross(new ConfigRejected("risk.x", "too big"));
    expect(rejected).toBeInstanceOf(ConfigRejected);
    expect(rejected).toMatchObject({ field: "risk.x", message: "too big" });
    expect(cross(new BadRequest("body.by", "missing"))).toMatchObject({ field: "body.by" });
    expect(cross(new Error("boom"))).not.toBeInstanceOf(ControlConflict);
  });

  it("carries each control as a call with its arguments", async () => {
    const asked: unknown[] = [];
    const control = remoteControl(async (q) => {
      asked.push(q);
      return { message: "ok" };
    });
    await control.stop({ by: "a", reason: "r", flatten: true });
    await control.approveStrategy("s1", { by: "b", reason: "" });
    expect(asked).toEqual([
      { what: "control", method: "stop", args: [{ by: "a", reason: "r", flatten: true }] },
      { what: "control", method: "approveStrategy", args: ["s1", { by: "b", reason: "" }] },
    ]);
  });

  it("serves the trading thread's metrics with the API latency family replaced by its own, once", async () => {
    const main = createAegisMetrics();
    main.requestSeconds.observe(9, { route: "/x", method: "GET", code: "200" });
    const remote = new RemoteMetrics(async () => main.registry.render());
    const own = apiRequestHistogram(remote);
    own.observe(0.001, { route: "/y", method: "GET", code: "200" });
    await remote.refresh();
    const text = remote.render();
    expect(text.match(new RegExp(`^# TYPE ${API_REQUEST_METRIC} `, "gm"))).toHaveLength(1);
    expect(text).toMatch(/route="\/y"/);
    expect(text).not.toMatch(/route="\/x"/);
    expect(text).toMatch(/^# TYPE aegis_orders_total counter$/m);
  });

  it("says which events have subscribers as they come and go, so only those are forwarded", () => {
    const bus = new ForwardedBus();
    const said: string[][] = [];
    bus.onListen = (names) => said.push(names);
    const offBar = bus.on("MARKET_DATA", () => {});
    const offBar2 = bus.on("MARKET_DATA", () => {});
    const offSaved = bus.on("STATE_SAVED", () => {});
    offBar();
    offBar();
    offBar2();
    offSaved();
    expect(said).toEqual([["MARKET_DATA"], ["MARKET_DATA", "STATE_SAVED"], ["STATE_SAVED"], []]);
  });
});
