import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { strategyNamesPerSymbol, tradeSources, withConfigSlots } from "../cli/commands/trade-sources.js";
import { ConfigError, loadConfig } from "./load-config.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-slots-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFrom(yaml: string) {
  const file = join(dir, `c${files++}.yaml`);
  writeFileSync(file, yaml);
  return loadConfig({ file }).config;
}

/** What `aegis trade` makes of the flags: symbols, then the strategies of each slot (slot's own first, voters after). */
function slotsOf(options: { symbols: string; strategy: string[] }) {
  const symbols = options.symbols.split(",").map((s) => s.trim().toUpperCase());
  const sources = tradeSources(
    { strategy: options.strategy, symbols, timeframe: "1h", learners: [], risk: undefined },
    () => 10_000,
  );
  return {
    names: strategyNamesPerSymbol(options.strategy, symbols),
    slots: symbols.map((symbol) => ({
      symbol,
      strategy: sources.strategies.get(symbol)?.name,
      voters: sources.sourcesFor(symbol).map((s) => s.id),
    })),
  };
}

describe("trading.slots in the YAML config", () => {
  it("gives the same slots as --symbols and --strategy on the command line", () => {
    const config = configFrom(
      [
        "trading:",
        "  slots:",
        "    - { symbol: btc/usdt, strategy: [sma-cross, rsi-reversion] }",
        "    - { symbol: ETH/USDT, strategy: rsi-reversion }",
      ].join("\n"),
    );
    const fromYaml = withConfigSlots({ symbols: "BTC/USDT,ETH/USDT", strategy: [] }, config.trading.slots);
    const fromCli = {
      symbols: "BTC/USDT,ETH/USDT",
      strategy: ["BTC/USDT=sma-cross", "BTC/USDT=rsi-reversion", "ETH/USDT=rsi-reversion"],
    };
    expect(slotsOf(fromYaml)).toEqual(slotsOf(fromCli));
    expect(slotsOf(fromYaml).slots).toEqual([
      { symbol: "BTC/USDT", strategy: "sma-cross", voters: ["rsi-reversion"] },
      { symbol: "ETH/USDT", strategy: "rsi-reversion", voters: [] },
    ]);
    // `--strategy A --strategy B --symbols X,Y` (the same strategies on every symbol) has its YAML form too.
    const everywhere = configFrom(
      "trading:\n  slots:\n    - { symbol: X/USDT, strategy: [sma-cross, rsi-reversion] }\n    - { symbol: Y/USDT, strategy: [sma-cross, rsi-reversion] }\n",
    );
    expect(slotsOf(withConfigSlots({ symbols: "BTC/USDT", strategy: [] }, everywhere.trading.slots))).toEqual(
      slotsOf({ symbols: "X/USDT,Y/USDT", strategy: ["sma-cross", "rsi-reversion"] }),
    );
  });

  it("gives way to a command line that names symbols or strategies", () => {
    const slots = configFrom("trading:\n  slots:\n    - { symbol: ETH/USDT, strategy: rsi-reversion }\n").trading.slots;
    const cli = { symbols: "SOL/USDT", strategy: [] as string[], symbolsGiven: true };
    expect(withConfigSlots(cli, slots)).toBe(cli);
    const named = { symbols: "BTC/USDT,ETH/USDT", strategy: ["sma-cross"] };
    expect(withConfigSlots(named, slots)).toBe(named);
  });

  it.each([
    [
      "- { symbol: BTC/USDT, strategy: a }\n    - { symbol: btc/usdt, strategy: b }",
      /trading\.slots\.1\.symbol.*already has slot 0/,
    ],
    ["- { symbol: BTC/USDT, strategy: [a, a] }", /trading\.slots\.0\.strategy.*a is listed twice for BTC\/USDT/],
    ["- { symbol: BTC/USDT, strategy: [] }", /trading\.slots\.0\.strategy/],
    ["- { symbol: BTC/USDT, strategy: '' }", /trading\.slots\.0\.strategy/],
    ["- { symbol: 'BTC/USDT,ETH/USDT', strategy: a }", /trading\.slots\.0\.symbol.*no comma/],
    ["- { symbol: BTC/USDT, strategies: a }", /trading\.slots\.0.*strategies/],
  ])("refuses %s with an error naming the field", (slots, message) => {
    let error: unknown;
    try {
      configFrom(`trading:\n  slots:\n    ${slots}\n`);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.replace(/\n/g, " ")).toMatch(message);
  });
});
