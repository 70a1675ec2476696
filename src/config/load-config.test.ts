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
    expect(config.backtest).toEqual({ cash: 10_000, fee: 0.001, slippageBps: 0, size: "100%", seed: 42 });
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
