import { describe, expect, it } from "vitest";
import { configSchema } from "../../config/schema.js";
import { learnersConfigSchema } from "./learners-config.js";

describe("trading.learners", () => {
  it("takes names or objects with options, and is empty by default", () => {
    expect(configSchema.parse({}).trading.learners).toEqual([]);
    expect(learnersConfigSchema.parse(["online-learner", { kind: "allocator", lookbackDays: 60 }])).toEqual([
      { kind: "online-learner" },
      { kind: "allocator", lookbackDays: 60 },
    ]);
  });

  it("refuses an unknown learner, an unknown option and a learner given twice, naming each", () => {
    const issues = (value: unknown) =>
      learnersConfigSchema.safeParse(value).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
    expect(issues(["oracle"]).join("\n")).toMatch(/^0: /);
    expect(issues([{ kind: "allocator", lookback: 3 }]).join("\n")).toMatch(/lookback/);
    expect(issues(["allocator", { kind: "allocator" }])).toEqual([": learner allocator appears twice"]);
  });
});
