import { describe, expect, it } from "vitest";
import { apiConfigSchema } from "./api-config.js";

describe("api: in aegis.yaml", () => {
  it("watches the API worker with a beat a second, 3 missed in a row meaning hung, by default", () => {
    expect(apiConfigSchema.parse({})).toMatchObject({ heartbeatMs: 1000, heartbeatMissed: 3 });
  });

  it("refuses a heartbeat that could not work, naming the field", () => {
    const fast = apiConfigSchema.safeParse({ heartbeatMs: 5 });
    expect(fast.error?.issues[0]?.path).toEqual(["heartbeatMs"]);
    const never = apiConfigSchema.safeParse({ heartbeatMissed: 0 });
    expect(never.error?.issues[0]?.path).toEqual(["heartbeatMissed"]);
  });
});
