import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { candlesFromCloses, trendingCloses } from "../../ai/rl/testing.js";
import { configSchema } from "../../config/schema.js";
import { writeCandleCsv } from "../../data/csv/write-csv.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { UsageError } from "../usage-error.js";
import { loadMlSupport, tradeSources } from "./trade-sources.js";
import {
  dqnStrategyOption,
  leverageDqnStrategyOption,
  type TrainDqnCliOptions,
  trainDqnCommand,
  trainLeverageDqnCommand,
} from "./train-dqn.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-train-dqn-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

function options(overrides: Partial<TrainDqnCliOptions>): TrainDqnCliOptions {
  return {
    epochs: "1",
    patience: "1",
    trainEvery: "4",
    fee: "0.001",
    slippageBps: "2",
    cash: "10000",
    seed: "1",
    out: join(dir, "out"),
    progress: false,
    json: true,
    ...overrides,
  };
}

describe("aegis train dqn", () => {
  it("trains, saves agent.json and report.json, and the agent backtests as --strategy dqn:FILE", async () => {
    const file = join(dir, "bars.csv");
    await writeCandleCsv(candlesFromCloses(trendingCloses(1500, 2)), file);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await trainDqnCommand(options({ data: file, out: join(dir, "agent") }));
    const summary = JSON.parse(String(out.mock.calls.at(-1)?.[0]));
    expect(summary.windows.test.bars).toBe(300);
    expect(typeof summary.test.totalReturn).toBe("number");
    expect(typeof summary.buyAndHold.totalReturn).toBe("number");
    expect(summary.rule.strategy).toBe("sma-cross");
    expect(JSON.parse(readFileSync(join(dir, "agent", "report.json"), "utf8"))).toEqual(summary);
    const strategy = dqnStrategyOption(`dqn:${join(dir, "agent", "agent.json")}`);
    expect(strategy.name).toContain("agent.json");
    // The same agent is what `aegis trade --strategy dqn:FILE` puts in the slot (paper, testnet and live alike).
    const reference = `dqn:${join(dir, "agent", "agent.json")}`;
    await loadMlSupport([reference]);
    const sources = tradeSources(
      {
        strategy: [reference],
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        learners: [],
        risk: configSchema.parse({}).risk,
      },
      () => 10_000,
    );
    expect(sources.strategies.get("BTC/USDT")?.name).toBe(strategy.name);
  }, 60_000);

  it("--permutations K reports the agent beside K agents trained on shuffled bars, in the report file too", async () => {
    const file = join(dir, "bars.csv");
    await writeCandleCsv(candlesFromCloses(trendingCloses(1500, 2)), file);
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await trainDqnCommand(options({ data: file, out: join(dir, "perm"), permutations: "2" }));
    const summary = JSON.parse(String(out.mock.calls.at(-1)?.[0]));
    const baseline = summary.permutationBaseline;
    expect(baseline.seeds).toEqual([1, 2]);
    expect(baseline.agents).toHaveLength(2);
    expect(baseline.totalReturn.real).toBe(summary.test.totalReturn);
    expect(baseline.totalReturn.pValue).toBeGreaterThanOrEqual(1 / 3);
    expect(baseline.method).toMatch(/shuffled/);
    expect(JSON.parse(readFileSync(join(dir, "perm", "report.json"), "utf8")).permutationBaseline).toEqual(baseline);
    await expect(trainDqnCommand(options({ data: file, permutations: "-1" }))).rejects.toThrow(
      /--permutations -1: must be a whole number in \[0, 1000\]/,
    );
  }, 60_000);

  it("train leverage-dqn saves an agent that aegis backtest and aegis trade run as --strategy leverage-dqn:FILE", async () => {
    const bars = candlesFromCloses(trendingCloses(1500, 5), "BTC/USDT");
    const file = join(dir, "perp.csv");
    await writeCandleCsv(bars, file);
    const funding = join(dir, "funding.csv");
    const rows = ["timestamp,funding_rate"];
    for (let t = bars.time[0] as number; t <= (bars.time[bars.length - 1] as number); t += 8 * 3_600_000)
      rows.push(`${t},0.0001`);
    writeFileSync(funding, `${rows.join("\n")}\n`);
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    await trainLeverageDqnCommand(options({ data: file, funding, out: join(dir, "lev") }));
    const agent = join(dir, "lev", "agent.json");
    // It was trained with the funding rate: without the series it is refused, by name.
    await expect(leverageDqnStrategyOption(`leverage-dqn:${agent}`)).rejects.toThrow(
      /trained with funding_rate: give the series/,
    );
    await expect(leverageDqnStrategyOption(`leverage-dqn:${agent}?x=1`)).rejects.toThrow(/unknown setting x/);
    expect((await leverageDqnStrategyOption(`leverage-dqn:${agent}`, funding)).name).toBe(`leverage-dqn:${agent}`);
    const reference = `leverage-dqn:${agent}?funding=${funding}`;
    await loadMlSupport([`BTC/USDT=${reference}`]);
    const sources = tradeSources(
      {
        strategy: [`BTC/USDT=${reference}`],
        symbols: ["BTC/USDT"],
        timeframe: "1h",
        learners: [],
        risk: configSchema.parse({}).risk,
      },
      () => 10_000,
    );
    expect(sources.strategies.get("BTC/USDT")?.name).toBe(`leverage-dqn:${agent}`);
    await expect(leverageDqnStrategyOption(`leverage-dqn:${join(dir, "agent", "agent.json")}`)).rejects.toThrow(
      /is a dqn agent: run it as dqn:/,
    );
  }, 60_000);

  it("turns bad input into a UsageError that names it", async () => {
    await expect(trainDqnCommand(options({}))).rejects.toThrow(/--data <file> is required/);
    await expect(trainDqnCommand(options({ data: join(dir, "absent.csv") }))).rejects.toThrow(/does not exist/);
    const file = join(dir, "bars.csv");
    await expect(trainDqnCommand(options({ data: file, epochs: "0" }))).rejects.toThrow(
      /--epochs 0: must be a whole number > 0/,
    );
    await expect(trainDqnCommand(options({ data: file, fee: "x" }))).rejects.toThrow(/--fee "x" is not a number/);
    await expect(trainDqnCommand(options({ data: file, trainUntil: "2024-01-02" }))).rejects.toThrow(UsageError);
    await expect(trainLeverageDqnCommand(options({ data: file }))).rejects.toThrow(/--funding <file> is required/);
    expect(() => dqnStrategyOption("dqn:absent.json")).toThrow(UsageError);
    const notAgent = join(dir, "not-agent.json");
    writeFileSync(notAgent, "{}");
    expect(() => dqnStrategyOption(`dqn:${notAgent}`)).toThrow(/not an Aegis DQN agent file/);
  });

  it("exits with code 2 and a plain message on a missing file or a bad flag", () => {
    const run = (args: string[]) =>
      spawnSync(process.execPath, aegisArgv(args), {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
    const missing = run(["train", "dqn", "--data", join(dir, "absent.csv")]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--data .*absent\.csv does not exist/);
    expect(missing.stderr).not.toMatch(/ENOENT|at .*\.[jt]s:/);
    const badFlag = run(["train", "leverage-dqn", "--data", join(dir, "bars.csv"), "--epochs", "-1"]);
    expect(badFlag.status).toBe(2);
    expect(badFlag.stderr).toMatch(/--epochs -1: must be a whole number > 0/);
    expect(existsSync(join(dir, "models"))).toBe(false);
    const badAgent = run(["backtest", "--data", join(dir, "bars.csv"), "--strategy", "leverage-dqn:absent.json"]);
    expect(badAgent.status).toBe(2);
    expect(badAgent.stderr).toMatch(/--strategy leverage-dqn:absent\.json: .*cannot read the agent file/);
  }, 60_000);
});
