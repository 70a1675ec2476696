import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./load-config.js";

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

function tempFile(name: string, text: string): string {
  const dir = tempDir("aegis-config-");
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe("loadConfig", () => {
  it("gives the documented defaults when there is no file and no environment", () => {
    const { config } = loadConfig({ env: {}, file: tempFile("empty.yaml", "") });
    expect(config.dataDir).toBe(".aegis");
    expect(config.backtest).toEqual({ cash: 10_000, fee: 0.001, slippageBps: 0, seed: 42 });
  });

  it("reads values from YAML", () => {
    const file = tempFile("a.yaml", "dataDir: /var/aegis\nbacktest:\n  cash: 5000\n");
    const { config } = loadConfig({ env: {}, file });
    expect(config.dataDir).toBe("/var/aegis");
    expect(config.backtest.cash).toBe(5000);
    expect(config.backtest.fee).toBe(0.001);
  });

  it("rejects an unknown key naming its full path", () => {
    const file = tempFile("typo.yaml", "backtest:\n  cahs: 5000\n");
    expect(() => loadConfig({ env: {}, file })).toThrowError(/unknown key backtest\.cahs/);
  });

  it("rejects an invalid value naming the key", () => {
    const file = tempFile("bad.yaml", "backtest:\n  fee: -1\n");
    expect(() => loadConfig({ env: {}, file })).toThrowError(/backtest\.fee/);
  });

  it("reads backtest.size and rejects one that is not a size, naming the key", () => {
    const good = tempFile("size.yaml", 'backtest:\n  size: "1%"\n');
    expect(loadConfig({ env: {}, file: good }).config.backtest.size).toBe("1%");
    const bad = tempFile("bad-size.yaml", "backtest:\n  size: abc\n");
    expect(() => loadConfig({ env: {}, file: bad })).toThrowError(/backtest\.size: "abc" \(examples/);
  });

  it("reads every percentage in percent, hands fractions to the engine, and names an out-of-range key", () => {
    const yaml = [
      "risk:",
      "  positionManagement: { trailingStop: { percent: 0.5, activation: 2 }, liquidationGuard: { distance: 25 } }",
      "  regime: { crashDrawdown: 12, crashReturn: -4 }",
      "  sizing: { volatilityTarget: { target: 20 }, kelly: { cap: 10 } }",
    ].join("\n");
    const { risk } = loadConfig({ env: {}, file: tempFile("units.yaml", `${yaml}\n`) }).config;
    expect(risk.positionManagement.trailingStop).toMatchObject({ percent: 0.005, activation: 0.02 });
    expect(risk.positionManagement.liquidationGuard.distance).toBe(0.25);
    expect(risk.regime).toMatchObject({ crashDrawdown: 0.12, crashReturn: -0.04 });
    expect(risk.sizing.volatilityTarget.target).toBe(0.2);
    expect(risk.sizing.kelly.cap).toBe(0.1);
    for (const [key, line] of [
      ["risk.positionManagement.trailingStop.percent", "  positionManagement: { trailingStop: { percent: 150 } }"],
      ["risk.regime.crashDrawdown", "  regime: { crashDrawdown: 100 }"],
      ["risk.sizing.volatilityTarget.target", "  sizing: { volatilityTarget: { target: 600 } }"],
    ] as const) {
      const file = tempFile("out-of-range.yaml", `risk:\n${line}\n`);
      expect(() => loadConfig({ env: {}, file }), key).toThrowError(
        new RegExp(`${key.replaceAll(".", "\\.")}: must be`),
      );
    }
  });

  it("rejects a file that is not a mapping", () => {
    const file = tempFile("list.yaml", "- a\n- b\n");
    expect(() => loadConfig({ env: {}, file })).toThrowError(ConfigError);
  });

  it("rejects YAML that does not parse, naming the file", () => {
    const file = tempFile("broken.yaml", "backtest: [1, 2\n");
    expect(() => loadConfig({ env: {}, file })).toThrowError(/broken\.yaml is not valid YAML/);
  });

  it("overlays AEGIS_ environment variables over the file, nested by __", () => {
    const file = tempFile("b.yaml", "backtest:\n  cash: 5000\n");
    const env = {
      AEGIS_BACKTEST__CASH: "7000",
      AEGIS_DATA_DIR: "/tmp/x",
      AEGIS_EXCHANGES__BINANCE__API_KEY: "k",
    };
    const { config } = loadConfig({ env, file });
    expect(config.backtest.cash).toBe(7000);
    expect(config.dataDir).toBe("/tmp/x");
    expect(config.exchanges.binance?.apiKey).toBe("k");
  });

  it("leaves venue keys (AEGIS_BINANCE_KEY, AEGIS_BINANCE_TESTNET_SECRET) to the venue credentials", () => {
    const env = { AEGIS_BINANCE_KEY: "k", AEGIS_BINANCE_TESTNET_SECRET: "s" };
    const file = tempFile("k.yaml", "");
    expect(loadConfig({ env, file }).source).toBe(file);
  });

  it("leaves the CLI's own switches (AEGIS_CONFIG, AEGIS_CACHE_DIR, AEGIS_DEBUG, AEGIS_SNAPSHOT) out of the config", () => {
    const env = { AEGIS_CACHE_DIR: "off", AEGIS_DEBUG: "1", AEGIS_SNAPSHOT: "off" };
    const file = tempFile("switches.yaml", "");
    expect(loadConfig({ env, file }).source).toBe(file);
  });

  it("rejects an unknown AEGIS_ environment variable by the key it maps to", () => {
    expect(() => loadConfig({ env: { AEGIS_DATA_DRI: "x" }, file: tempFile("c.yaml", "") })).toThrowError(
      /unknown key dataDri/,
    );
  });

  it("says which file is missing", () => {
    expect(() => loadConfig({ env: {}, file: "/nonexistent/aegis.yaml" })).toThrowError(
      /\/nonexistent\/aegis\.yaml does not exist/,
    );
  });
});
