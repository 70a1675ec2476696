import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { requireTalib, TALIB_LOCATIONS } from "./load-talib.js";

describe("requireTalib", () => {
  const empty = mkdtempSync(join(tmpdir(), "aegis-talib-"));
  writeFileSync(join(empty, "package.json"), "{}");
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it("looks in reference/talib first, then the root package", () => {
    expect(TALIB_LOCATIONS.map((url) => url.pathname.split("/").slice(-3).join("/"))).toEqual([
      "reference/talib/package.json",
      expect.stringMatching(/\/package\.json$/),
    ]);
    expect(TALIB_LOCATIONS[0]?.pathname.replace("reference/talib/", "")).toBe(TALIB_LOCATIONS[1]?.pathname);
  });

  it("throws naming each folder tried and the setup command when none has the binding", () => {
    const location = pathToFileURL(join(empty, "package.json"));
    expect(() => requireTalib([location])).toThrow(/npm run setup:talib.*aegis-talib-.*Cannot find module 'talib'/);
  });
});
