import { describe, expect, it } from "vitest";
import { namesUnseenLayer } from "./read-shield.js";

const verdicts = (...layers: string[]) =>
  JSON.stringify([
    {
      order: "buy",
      approved: true,
      quantity: 1,
      verdicts: layers.map((layer) => ({ layer, verdict: "allow", reason: "ok" })),
    },
  ]);

describe("namesUnseenLayer", () => {
  it("finds a layer the newer rows have not given, in JSON as SQLite and PostgreSQL write it", () => {
    const seen = new Map([
      ["kelly", 1],
      ["max-drawdown", 1],
    ]);
    expect(namesUnseenLayer(verdicts("kelly", "max-drawdown"), seen)).toBe(false);
    expect(namesUnseenLayer(verdicts("kelly", "sentiment"), seen)).toBe(true);
    expect(namesUnseenLayer('[{"verdicts": [{"layer": "kelly"}, {"layer": "whale-inflow"}]}]', seen)).toBe(true);
    expect(namesUnseenLayer('[{"verdicts": [{"layer": "kelly"}]}]', seen)).toBe(false);
  });

  it("reads escaped names as the JSON parser would, and is not fooled by a quoted name inside a reason", () => {
    const seen = new Map([['odd"name', 1]]);
    expect(namesUnseenLayer(verdicts('odd"name'), seen)).toBe(false);
    const reason = JSON.stringify([{ verdicts: [{ layer: 'odd"name', verdict: "allow", reason: '"layer":"ghost"' }] }]);
    expect(namesUnseenLayer(reason, seen)).toBe(false);
    expect(namesUnseenLayer(verdicts("a\\b"), new Map([["a\\b", 1]]))).toBe(false);
  });
});
