import { describe, expect, it } from "vitest";
import { z } from "zod";
import { percentAsFraction } from "./percent-schema.js";

describe("percentAsFraction", () => {
  const schema = z.object({ stop: percentAsFraction({ gt: 0, lt: 100 }).prefault(2) }).strict();

  it("reads percent, hands on a fraction, and fills the default in percent", () => {
    expect(schema.parse({ stop: 0.5 })).toEqual({ stop: 0.005 });
    expect(schema.parse({})).toEqual({ stop: 0.02 });
  });

  it("refuses out-of-range values naming the key and the unit", () => {
    const result = schema.safeParse({ stop: 150 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["stop"]);
    expect(result.error?.issues[0]?.message).toBe("must be below 100 (percent)");
  });

  it("encodes a parsed value back into percent without binary noise", () => {
    expect(z.encode(schema, { stop: 0.005 })).toEqual({ stop: 0.5 });
  });
});
