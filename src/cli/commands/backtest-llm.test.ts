import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { llmAdvisorConfigSchema } from "../../ai/llm/llm-config.js";
import { runLive } from "../../ai/llm/testing/advisor-run.js";
import { LlmWireServer, reply } from "../../ai/llm/testing/llm-wire-server.js";
import { syntheticHourlyBars } from "../../research/evolution/testing/synthetic-markets.js";
import { openStore } from "../../store/open-store.js";
import { loadStrategy } from "../../strategy/registry.js";
import type { AsyncSignalSource } from "../../strategy/signal-source.js";
import { UsageError } from "../usage-error.js";
import { type BacktestCliOptions, backtestCommand } from "./backtest.js";
import { tradeAdvisor } from "./llm.js";

const temp = mkdtempSync(join(tmpdir(), "aegis-backtest-llm-"));
let server: LlmWireServer;
beforeAll(async () => {
  server = await LlmWireServer.start();
});
afterAll(async () => {
  await server.close();
  rmSync(temp, { recursive: true, force: true });
});

/** 1500 hourly bars from 2024-01-01 00:00 UTC to 2024-03-03. */
function csvFile(): string {
  const s = syntheticHourlyBars({ seed: 5, bars: 1500, edge: 0.001 });
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < s.length; i++)
    rows.push([s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join(","));
  const file = join(temp, "bars.csv");
  writeFileSync(file, `${rows.join("\n")}\n`);
  return file;
}
const data = csvFile();

function configWithCutoff(cutoff: string | undefined): string {
  const file = join(temp, `llm-${cutoff ?? "none"}.yaml`);
  writeFileSync(
    file,
    `llm:\n  advisor:\n    endpoint: ${server.url}/v1\n    model: test-model\n${cutoff ? `    trainingCutoff: "${cutoff}"\n` : ""}`,
  );
  return file;
}

const VETO = { action: "hold", confidence: 0.95, riskWarnings: ["test"], reasoning: "the test vetoes every entry" };

function options(extra: Partial<BacktestCliOptions>): BacktestCliOptions {
  return {
    strategy: "sma-cross",
    data: [data],
    symbol: "SYN/USD",
    leverage: "1",
    bars: "1500",
    policy: "reject",
    risk: false,
    progress: false,
    cash: "10000",
    ...extra,
  };
}

let out: string[];
const saved = { ...process.env };
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  for (const key of Object.keys(process.env)) if (/^(AI_|OLLAMA_)/.test(key)) delete process.env[key];
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
});

describe("aegis backtest with the LLM advisor", () => {
  it("refuses bars before the model's training cutoff, naming the cutoff and the first bar, and asks nothing", async () => {
    const before = server.requests.length;
    const run = backtestCommand(options({ llmAdvisor: true }), { config: configWithCutoff("2024-06-30") });
    await expect(run).rejects.toThrow(UsageError);
    await expect(
      backtestCommand(options({ llmAdvisor: true }), { config: configWithCutoff("2024-06-30") }),
    ).rejects.toThrow(/training cutoff 2024-06-30 and the first bar is 2024-01-01/);
    expect(server.requests.length).toBe(before);
  });

  it("refuses a model that declares no cutoff", async () => {
    await expect(
      backtestCommand(options({ llmAdvisor: true }), { config: configWithCutoff(undefined) }),
    ).rejects.toThrow(/declares no training cutoff/);
  });

  it("forced past the cutoff, labels the console, summary.json and the report contaminated", async () => {
    server.respond(() => reply.json(VETO));
    const dir = join(temp, "forced");
    mkdirSync(dir);
    await backtestCommand(options({ llmAdvisor: true, forceContaminated: true, out: dir }), {
      config: configWithCutoff("2024-06-30"),
    });
    const console = out.join("");
    expect(console.startsWith("CONTAMINATED: the advisor's model test-model (training cutoff 2024-06-30)")).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.contamination).toMatchObject({
      contaminated: true,
      trainingCutoff: "2024-06-30",
      firstBar: "2024-01-01",
    });
    expect(summary.contamination.answers).toBeGreaterThan(0);
    expect(summary.contamination.answers).toBe(summary.llm.answered);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("<h1>CONTAMINATED — ");
  }, 60_000);

  it("after the cutoff, asks the endpoint at each proposed trade; a vetoing model opens nothing, a clean label", async () => {
    server.respond(() => reply.json(VETO));
    await backtestCommand(options({ json: true }), {});
    const plain = JSON.parse(out.join(""));
    expect(plain.metrics.tradeCount).toBeGreaterThan(0);
    out.length = 0;
    const before = server.requests.length;
    await backtestCommand(options({ llmAdvisor: true, json: true }), { config: configWithCutoff("2023-12-31") });
    const advised = JSON.parse(out.join(""));
    expect(advised.contamination).toBeUndefined();
    expect(advised.llm).toMatchObject({ mode: "live", model: "test-model", trainingCutoff: "2023-12-31" });
    expect(advised.llm.asked).toBeGreaterThan(0);
    expect(advised.llm.answered).toBe(advised.llm.asked);
    expect(server.requests.length - before).toBe(advised.llm.asked);
    expect(advised.finalEquity).toBe(10_000);
  }, 60_000);

  it("replay with no recorded answer: the advisor abstains on every question, counted, and the run is the plain one", async () => {
    const store = join(temp, "empty.sqlite");
    await (await openStore(store)).close();
    await backtestCommand(options({ json: true }), {});
    const plain = JSON.parse(out.join(""));
    out.length = 0;
    const before = server.requests.length;
    await backtestCommand(options({ llmReplay: store, json: true }), { config: configWithCutoff("2023-12-31") });
    const replayed = JSON.parse(out.join(""));
    expect(server.requests.length).toBe(before);
    expect(replayed.llm.mode).toBe("replay");
    expect(replayed.llm.asked).toBeGreaterThan(0);
    expect(replayed.llm.answered).toBe(0);
    expect(replayed.llm.abstained).toEqual({ "replay-miss": replayed.llm.asked });
    expect(replayed.finalEquity).toBe(plain.finalEquity);
  }, 60_000);

  it("replays the answers recorded by the paper-trading advisor: every question answered from the store, none asked of the endpoint", async () => {
    const store = join(temp, "paper.sqlite");
    const opened = await openStore(store);
    server.respond(() => reply.json(VETO));
    try {
      const llm = tradeAdvisor(
        { advisor: { ...llmAdvisorConfigSchema.parse({ model: "test-model", endpoint: `${server.url}/v1` }) } },
        {
          record: (exchange) => opened.llm.insert(exchange),
          alert: () => {},
          decisionKey: (symbol, time) => `paper|${symbol}|${time}`,
          onRecordError: (error) => {
            throw error;
          },
          replay: opened.llmReplay,
        },
        {},
      );
      const series = syntheticHourlyBars({ seed: 5, bars: 1500, edge: 0.001 });
      await runLive({ series, strategy: loadStrategy("sma-cross"), sources: [llm?.advisor as AsyncSignalSource] });
      expect(await opened.llmReplay.count()).toBeGreaterThan(0);
    } finally {
      await opened.close();
    }
    const before = server.requests.length;
    await backtestCommand(options({ llmReplay: store, json: true }), { config: configWithCutoff("2023-12-31") });
    const replayed = JSON.parse(out.join(""));
    expect(server.requests.length).toBe(before);
    expect(replayed.llm.answered).toBeGreaterThan(0);
    expect(replayed.llm.abstained["replay-miss"] ?? 0).toBe(0);
    expect(replayed.finalEquity).toBe(10_000);
  }, 60_000);

  it("names a replay store that does not exist", async () => {
    await expect(
      backtestCommand(options({ llmReplay: join(temp, "missing.sqlite") }), { config: configWithCutoff("2023-12-31") }),
    ).rejects.toThrow(/--llm-replay .*missing\.sqlite/);
  });
});
