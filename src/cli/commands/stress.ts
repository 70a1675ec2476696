import { formatStressReport } from "../../backtest/stress/format-report.js";
import { runStressTest, type StressReport } from "../../backtest/stress/stress-test.js";
import { loadConfig } from "../../config/load-config.js";
import { DataError } from "../../data/data-error.js";
import { createRiskRuntime } from "../../engine/risk-runtime.js";
import type { RiskConfig } from "../../risk/config.js";
import type { PositionManager } from "../../risk/position/types.js";
import { MemoryStateStore } from "../../risk/state-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import { SpecError } from "../../strategy/spec/compile.js";
import { numberOption, positiveInteger } from "../parse-options.js";
import { type RunCliOptions, resolveRunOptions } from "../run-options.js";
import { UsageError } from "../usage-error.js";

export interface StressCliOptions extends RunCliOptions {
  strategy?: string;
  crash: string;
  rebound: string;
  reboundBars: string;
  gap?: boolean;
  injections: string;
  threshold: string;
  window: string;
  loopEntries: string;
  warmup?: string;
  json?: boolean;
}

/**
 * `aegis stress`: the flash-crash red-team gate. Prints one row per injected crash and the verdict. Exit code 0
 * when the strategy passes, 1 when it fails the gate (or on an unexpected error), 2 on bad input.
 */
export async function stressCommand(options: StressCliOptions, globals: { config?: string }): Promise<StressReport> {
  const { config } = loadConfig({ file: globals.config });
  if (!options.strategy) throw new UsageError("--strategy is required: a built-in name or a YAML/JSON spec file");
  const crash = fractionOption("crash", options.crash, (f) => (f > 0 && f < 1 ? undefined : "must be in (0 %, 100 %)"));
  const rebound = fractionOption("rebound", options.rebound, (f) =>
    f >= 0 && f <= 1 ? undefined : "must be in [0 %, 100 %]",
  );
  const threshold = fractionOption("threshold", options.threshold, (f) =>
    f > 0 && f <= 1 ? undefined : "must be in (0 %, 100 %]",
  );
  const reboundBars = numberOption("rebound-bars", options.reboundBars, positiveInteger) as number;
  const injections = numberOption("injections", options.injections, positiveInteger) as number;
  const windowBars = numberOption("window", options.window, positiveInteger) as number;
  const loopEntries = numberOption("loop-entries", options.loopEntries, positiveInteger) as number;
  const warmupBars = numberOption("warmup", options.warmup, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : "must be a whole number >= 0",
  );
  const strategyName = options.strategy;
  const run = await asUsageAsync("--data", () => resolveRunOptions(options, config, globals.config));
  const riskConfig = run.risk;
  const providers = run.providers;
  // Each injection gets its own latch store: a stress run must never trip the real, persisted kill switch.
  const runtime = () =>
    createRiskRuntime(riskConfig as RiskConfig, { store: new MemoryStateStore(), ...(providers ? { providers } : {}) });
  const { cash, fee, slippage, size, sizeText, leverage, data } = run;
  const strategy = asUsage("--strategy", () => loadStrategy(strategyName, run.params));
  if (data.series.length !== 1)
    throw new UsageError("the stress test runs on one symbol; give one --data file or --symbol");
  const series = data.series[0];
  if (!series) throw new UsageError("no market data loaded");

  const report = asUsage("stress test", () =>
    runStressTest({
      series,
      strategy,
      crash,
      rebound,
      reboundBars,
      gap: options.gap === true,
      injections,
      threshold,
      windowBars,
      loopEntries,
      ...(warmupBars !== undefined ? { warmupBars } : {}),
      cash,
      fee,
      slippage,
      ...(size ? { size } : {}),
      ...(leverage !== 1 ? { leverage } : {}),
      ...(riskConfig
        ? {
            shield: () => runtime().shield,
            ...(riskConfig.enabled && riskConfig.positionManagement.enabled
              ? { positionManager: () => runtime().positionManager as PositionManager }
              : {}),
            ...(riskConfig.enabled && riskConfig.regime.enabled ? { regimeColumn: runtime().regimeColumn } : {}),
          }
        : {}),
    }),
  );
  if (!report.passed) process.exitCode = 1;
  if (options.json) {
    const meta = {
      strategy: strategy.name,
      parameters: strategy.parameters,
      symbol: series.symbol,
      timeframe: series.timeframe ?? null,
      dataSource: data.source,
      bars: series.length,
      cash,
      fee,
      slippage: slippage.description,
      size: sizeText ?? "strategy default / 100 % of equity",
      leverage,
    };
    process.stdout.write(`${JSON.stringify({ meta, ...report }, null, 2)}\n`);
    return report;
  }
  const shown = Object.entries(strategy.parameters).filter(([, v]) => v !== 0);
  const lines = [
    `Aegis stress test — ${strategy.name} (${shown.map(([k, v]) => `${k}=${v}`).join(" ")})`,
    `data     ${data.source}: ${series.symbol} ${series.timeframe ?? ""}, ${series.length} bars; ` +
      `fee ${(fee * 100).toFixed(3)} % per side, slippage ${slippage.description}, cash ${cash}`,
    formatStressReport(report),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return report;
}

/** "20%" → 0.2 and "0.2" → 0.2; a bare number above 1 is ambiguous ("20": 20 % or 2000 %?) and rejected. */
export function fractionOption(name: string, text: string, check: (f: number) => string | undefined): number {
  const t = text.trim();
  const isPercent = t.endsWith("%");
  const body = isPercent ? t.slice(0, -1).trim() : t;
  const value = Number(body);
  if (body === "" || !Number.isFinite(value)) {
    throw new UsageError(`--${name} ${JSON.stringify(text)} is not a number (write 20% or 0.2)`);
  }
  if (!isPercent && value > 1)
    throw new UsageError(`--${name} ${text}: write ${value}% or ${value / 100} (a fraction)`);
  const fraction = isPercent ? value / 100 : value;
  const problem = check(fraction);
  if (problem) throw new UsageError(`--${name} ${text}: ${problem}`);
  return fraction;
}

function asUsage<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (error) {
    throw toUsage(what, error);
  }
}

async function asUsageAsync<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (error) {
    throw toUsage(what, error);
  }
}

/** Bad input (a setting out of range, an invalid spec, refused data) becomes a UsageError; anything else is a bug. */
function toUsage(what: string, error: unknown): unknown {
  if (error instanceof UsageError) return error;
  if (!(error instanceof RangeError || error instanceof SpecError || error instanceof DataError)) return error;
  return new UsageError(error.message.startsWith(what) ? error.message : `${what}: ${error.message}`);
}
