import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { sharedDataPresent, skipOrFailInCi } from "./reference-data.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-reference-data-"));
const present = join(dir, "present.csv");
writeFileSync(present, "timestamp\n");
const absent = join(dir, "absent.csv");

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe("reference data skips outside CI and fails in CI", () => {
  it("answers true for present files, without a warning, in CI or not", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(sharedDataPresent(present, {})).toBe(true);
    expect(sharedDataPresent([present], { CI: "true" })).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it("outside CI warns naming the missing file and answers false so the caller skips", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(sharedDataPresent([present, absent], {})).toBe(false);
    expect(sharedDataPresent(absent, { CI: "false" })).toBe(false);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toBe(`[reference-data] ${absent} is absent: tests that need it are skipped`);
  });

  it("with CI=true throws naming every missing file instead of skipping", () => {
    const other = join(dir, "other.csv");
    expect(() => sharedDataPresent([absent, present, other], { CI: "true" })).toThrowError(
      `[reference-data] ${absent}, ${other} are absent; CI=true, so this fails instead of skipping the tests`,
    );
  });

  it("fails a TA-Lib that cannot be loaded in CI and only warns elsewhere", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const reason = "[talib-reference] the npm package `talib` (TA-Lib C) cannot be loaded (Error: no binding)";
    expect(() => skipOrFailInCi(reason, { CI: "true" })).toThrowError(/TA-Lib C\) cannot be loaded .*CI=true/);
    expect(() => skipOrFailInCi(reason, {})).not.toThrow();
    expect(warn).toHaveBeenCalledWith(`${reason}: tests that need it are skipped`);
  });
});
