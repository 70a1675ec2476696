import { describe, expect, it } from "vitest";
import { jsonObject, RowCache } from "./row-cache.js";

describe("RowCache", () => {
  it("answers a row by id only while its stamp matches", () => {
    const cache = new RowCache<string>(10);
    cache.set(1, 100, "one");
    expect(cache.get(1, 100)).toBe("one");
    expect(cache.get(1, 101)).toBeUndefined();
    expect(cache.get(2, 100)).toBeUndefined();
  });

  it("keeps at most `max` entries, dropping the least recently used first", () => {
    const cache = new RowCache<number>(3);
    for (const id of [1, 2, 3]) cache.set(id, 0, id);
    expect(cache.get(1, 0)).toBe(1); // 1 is now the most recently used: 2 goes first
    cache.set(4, 0, 4);
    expect(cache.size).toBe(3);
    expect(cache.get(2, 0)).toBeUndefined();
    expect([1, 3, 4].map((id) => cache.get(id, 0))).toEqual([1, 3, 4]);
  });
});

describe("jsonObject", () => {
  it("is the JSON text of the object whose list holds the items, then the tail", () => {
    const items = [{ a: 1, why: "kelly ×0.50" }, { b: [2, "é"] }].map((x) => Buffer.from(JSON.stringify(x)));
    const body = jsonObject("rows", items, ',"more":false}');
    expect(body.toString("utf8")).toBe(
      JSON.stringify({ rows: [{ a: 1, why: "kelly ×0.50" }, { b: [2, "é"] }], more: false }),
    );
    expect(jsonObject("rows", [], "}").toString()).toBe('{"rows":[]}');
  });
});
