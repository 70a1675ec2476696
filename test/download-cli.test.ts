import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aegisArgv } from "../src/cli/testing/aegis-command.js";
import { type FakeBinanceServer, startFakeBinanceServer } from "../src/data/exchange/testing/fake-binance-server.js";
import { simulateMarket } from "../src/data/simulated/sim-market.js";
import { candleAt } from "../src/domain/candles.js";

const tempDirs: string[] = [];
/** A fresh directory under the OS temp folder, removed when this file's tests are done. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI without blocking this process, which serves the fake exchange the CLI talks to. */
function aegis(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, aegisArgv(args), {
      cwd: tempDir("aegis-dl-"),
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

describe("aegis download against a local server speaking Binance's REST format", () => {
  let server: FakeBinanceServer;
  const bars = simulateMarket({ seed: 3, bars: 2500, symbol: "BTC/USDT", startTime: Date.UTC(2024, 0, 1) }).series;
  const candles = Array.from({ length: bars.length }, (_, i) => candleAt(bars, i));

  beforeAll(async () => {
    server = await startFakeBinanceServer({ candles: { BTCUSDT: { "1h": candles.slice(0, 2000) } } });
  });
  afterAll(async () => {
    await server.close();
  });

  it("downloads, resumes with only the new bars, then backtests from the store", async () => {
    const env = { AEGIS_DATA_DIR: tempDir("aegis-store-") };
    const args = [
      "download",
      "--exchange",
      "binance",
      "--symbol",
      "BTC/USDT",
      "--since",
      "2024-01-01",
      "--until",
      "2024-05-01",
      "--api-url",
      server.url,
      "--no-progress",
    ];
    const first = await aegis(args, env);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/stored 2000 new bar\(s\)/);

    server.setCandles("BTCUSDT", "1h", candles);
    server.clearRequests();
    const second = await aegis(args, env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/stored 500 new bar\(s\).*resumed/);
    // One page of the 500 new bars, then an empty page that says there is no more; nothing before them asked again.
    const starts = server.klineRequests().map((r) => Number(r.query.startTime));
    expect(starts[0]).toBe(candles[2000]?.time);
    expect(starts.length).toBeLessThanOrEqual(2);

    const backtest = await aegis(
      ["backtest", "--exchange", "binance", "--symbol", "BTC/USDT", "--timeframe", "1h", "--no-progress"],
      env,
    );
    expect(backtest.code).toBe(0);
    expect(backtest.stdout).toMatch(/2500 bars/);
  }, 60_000);

  it("says clearly when the exchange does not know the symbol", async () => {
    const env = { AEGIS_DATA_DIR: tempDir("aegis-store-") };
    const run = await aegis(
      ["download", "--exchange", "binance", "--symbol", "NOPE/USDT", "--since", "2024-01-01", "--api-url", server.url],
      env,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/NOPE\/USDT/);
  }, 60_000);
});
