import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");

describe("the built package", () => {
  it("compiles to dist/ and serves aegis/indicators, aegis/data, aegis/backtest and aegis/domain", () => {
    execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], {
      cwd: root,
    });
    const script = `
      const ind = await import("aegis/indicators");
      const data = await import("aegis/data");
      const bt = await import("aegis/backtest");
      const domain = await import("aegis/domain");
      const root = await import("aegis");
      console.log(JSON.stringify({
        sma: Array.from(ind.sma([1, 2, 3, 4], 2)),
        rsi: typeof ind.rsi, loadCsv: typeof data.loadCsv, runBacktest: typeof bt.runBacktest,
        timeframe: domain.timeframeMs("1h"), rootRun: typeof root.runBacktest,
      }));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      sma: [null, 1.5, 2.5, 3.5],
      rsi: "function",
      loadCsv: "function",
      runBacktest: "function",
      timeframe: 3_600_000,
      rootRun: "function",
    });
  });
});
