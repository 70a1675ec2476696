import { describe, expect, it } from "vitest";
import { AwaitingFills } from "./common.js";

describe("AwaitingFills", () => {
  it("sums every symbol but one, forgets a cleared symbol and takes it back later", () => {
    const awaiting = new AwaitingFills();
    awaiting.set("A", 100);
    awaiting.set("B", 20);
    awaiting.set("C", 3);
    expect(awaiting.totalExcept("B")).toBe(103);
    awaiting.clear("A");
    awaiting.clear("A");
    expect(awaiting.totalExcept("X")).toBe(23);
    awaiting.set("A", 1000);
    awaiting.set("B", 10);
    expect(awaiting.totalExcept("C")).toBe(1010);
    expect(awaiting.totalExcept("X")).toBe(1013);
  });
});
