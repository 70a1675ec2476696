import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LlmWireServer, reply } from "../../ai/llm/testing/llm-wire-server.js";
import { syntheticHourlyBars } from "../../research/evolution/testing/synthetic-markets.js";
import type { DebateTranscript } from "../../research/llm/debate-types.js";
import { breakoutSpec, fadeSpec, proposal } from "../../research/llm/testing/proposals.js";
import { ScriptedBridge } from "../../research/llm/testing/scripted-bridge.js";
import { openStore } from "../../store/open-store.js";
import { aegisArgv } from "../testing/aegis-command.js";
import { UsageError } from "../usage-error.js";
import { llmArchitectCommand, llmAuditCommand, llmHypothesizeCommand } from "./llm-research-run.js";

const temp = mkdtempSync(join(tmpdir(), "aegis-llm-cli-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function csvFile(): string {
  const s = syntheticHourlyBars({ seed: 3, bars: 6000, edge: 0.001 });
  const rows = ["timestamp,open,high,low,close,volume"];
  for (let i = 0; i < s.length; i++)
    rows.push([s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join(","));
  const file = join(temp, "bars.csv");
  writeFileSync(file, `${rows.join("\n")}\n`);
  return file;
}
const data = csvFile();
const gateOptions = { data, holdout: "0.2", cash: "10000", fee: "0.001" };
const NOW = Date.UTC(2026, 0, 1);

/** The environment without the variables that name a model (AI_MODEL, OLLAMA_HOST …): every role off. */
function withoutModelVariables(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AI_|OLLAMA_|AEGIS_CONFIG)/.test(key)));
}

describe("aegis llm without a model", () => {
  it("says the role is off, exit 2, for audit, architect and hypothesize", () => {
    for (const [command, role] of [
      ["audit", "auditor"],
      ["architect", "architect"],
      ["hypothesize", "hypothesis"],
    ] as const) {
      const result = spawnSync(process.execPath, aegisArgv(["llm", command, "--data", data]), {
        cwd: temp,
        encoding: "utf8",
        timeout: 120_000,
        env: withoutModelVariables(),
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`the ${role} role is off: no language model is configured for it`);
    }
  }, 120_000);
});

describe("aegis llm with a scripted model", () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it("audit prints the signal, the confidence and the suggestion", async () => {
    const bridge = new ScriptedBridge({
      auditor: [
        JSON.stringify({
          analysis: "choppy",
          signal: "HOLD",
          confidence: 0.4,
          suggestion: { reason: "whipsaws", proposedChange: "breakouts only" },
        }),
      ],
    });
    await llmAuditCommand({ data, riskLevel: "high", sentiment: "-0.2", whale: true }, {}, { bridge });
    const text = out.join("");
    expect(text).toContain("signal HOLD, confidence 0.40");
    expect(text).toContain("evolution suggestion: whipsaws → breakouts only");
    expect(bridge.requests[0]!.user).toContain("global risk level: high");
    await expect(llmAuditCommand({ data, riskLevel: "panic" }, {}, { bridge })).rejects.toThrow(UsageError);
  });

  it("architect runs one debate, prints every gate number, stores the transcript and the survivor, updates the blacklist", async () => {
    const db = `sqlite:${join(temp, "aegis.sqlite")}`;
    const blacklist = join(temp, "blacklist.json");
    const bridge = new ScriptedBridge({ architect: [proposal(fadeSpec()), proposal(breakoutSpec(2))] });
    const transcript = (await llmArchitectCommand(
      { ...gateOptions, db, blacklist, reason: "loses in trends", change: "trade breakouts", rounds: "3" },
      {},
      { bridge, clock: () => NOW },
    )) as DebateTranscript;
    const text = out.join("");
    expect(text).toContain("architect debate on bars: APPROVED");
    expect(text).toContain("— round 1 (architect): rejected at selection");
    expect(text).toMatch(/FAIL {2}in-sample Sharpe +-\d+\.\d{4} {2}needs > 0\.5/);
    expect(text).toContain("holdout gates (bars selection never saw):");
    expect(text).toContain(`entered the lifecycle: ${transcript.survivor!.id} (dc-breakout), validated`);
    const failedHash = transcript.rounds[0]!.specHash!;
    expect(Object.keys(JSON.parse(readFileSync(blacklist, "utf8")))).toEqual([failedHash]);
    const store = await openStore(db);
    try {
      expect((await store.strategies.get(transcript.survivor!.id))?.status).toBe("validated");
      const stored = await store.debates.range<DebateTranscript>();
      expect(stored.map((d) => [d.kind, d.outcome])).toEqual([["architect", "approved"]]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("architect without --reason asks the auditor, and a confident auditor means no debate", async () => {
    const bridge = new ScriptedBridge({
      auditor: [JSON.stringify({ analysis: "fine", signal: "BUY", confidence: 0.9 })],
      architect: [],
    });
    expect(await llmArchitectCommand({ ...gateOptions, rounds: "3" }, {}, { bridge })).toBeUndefined();
    expect(out.join("")).toContain("the auditor is confident (0.90, signal BUY): no evolution suggested, no debate");
    expect(bridge.requests.map((r) => r.role)).toEqual(["auditor"]);
    await expect(llmArchitectCommand({ ...gateOptions, rounds: "0" }, {}, { bridge })).rejects.toThrow(/--rounds 0/);
    await expect(llmArchitectCommand({ ...gateOptions, reason: "x", rounds: "3" }, {}, { bridge })).rejects.toThrow(
      /--reason and --change go together/,
    );
  });

  it("hypothesize prints the ATR and one judged idea per transcript; junk ideas exit 1", async () => {
    const idea = {
      name: "bo",
      thesis: "breakouts persist",
      indicators: { dc: { type: "donchian", period: 20 } },
      entry: { long: { gt: ["close", { ref: "dc.upper", ago: 1 }] } },
      stopAtr: 1.5,
      targetAtr: 3,
    };
    const bridge = new ScriptedBridge({ hypothesis: [JSON.stringify({ ideas: [idea] }), "I cannot help with that."] });
    const options = { ...gateOptions, ideas: "1", atrPeriod: "14" };
    const transcripts = await llmHypothesizeCommand(options, {}, { bridge, clock: () => NOW });
    expect(transcripts).toHaveLength(1);
    expect(out.join("")).toMatch(/^ATR\(14\) at .*: \d\.\d{3} % of price\nhypothesis debate on bars/);
    expect(await llmHypothesizeCommand(options, {}, { bridge, clock: () => NOW })).toEqual([]);
    expect(process.exitCode).toBe(1);
  }, 60_000);
});

describe("aegis llm with a model from the config (the scripted wire server on 127.0.0.1)", () => {
  let server: LlmWireServer | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    await server?.close();
  });

  it("hypothesize asks the configured endpoint and stores every exchange with --db", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    server = await LlmWireServer.start({ models: ["test-model"] });
    server.enqueue(
      reply.json({
        ideas: [
          {
            name: "bo",
            thesis: "breakouts persist",
            indicators: { dc: { type: "donchian", period: 20 } },
            entry: { long: { gt: ["close", { ref: "dc.upper", ago: 1 }] } },
            stopAtr: 1.5,
            targetAtr: 3,
          },
        ],
      }),
    );
    const config = join(temp, "llm.yaml");
    writeFileSync(
      config,
      `llm:\n  hypothesis:\n    endpoint: ${server.url}/v1\n    model: test-model\n    trainingCutoff: "2000-01-01"\n`,
    );
    const db = `sqlite:${join(temp, "wire.sqlite")}`;
    const transcripts = await llmHypothesizeCommand(
      { ...gateOptions, db, ideas: "1", atrPeriod: "14" },
      { config },
      { clock: () => NOW },
    );
    expect(transcripts).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.model).toBe("test-model");
    const store = await openStore(db);
    try {
      const exchanges = await store.llm.range();
      expect(exchanges.map((e) => [e.role, e.model])).toEqual([["hypothesis", "test-model"]]);
      expect((await store.debates.range()).map((d) => d.kind)).toEqual(["hypothesis"]);
    } finally {
      await store.close();
    }
  }, 60_000);

  it("refuses to ask a model about bars before its training cutoff; --force-contaminated asks and labels the run", async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const errors: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((text) => {
      errors.push(String(text));
      return true;
    });
    server = await LlmWireServer.start({ models: ["test-model"] });
    const idea = {
      ideas: [
        {
          name: "bo",
          thesis: "breakouts persist",
          indicators: { dc: { type: "donchian", period: 20 } },
          entry: { long: { gt: ["close", { ref: "dc.upper", ago: 1 }] } },
          stopAtr: 1.5,
          targetAtr: 3,
        },
      ],
    };
    const config = join(temp, "late-cutoff.yaml");
    // A model trained up to 2100 may have seen every bar of the test data.
    writeFileSync(
      config,
      `llm:\n  hypothesis:\n    endpoint: ${server.url}/v1\n    model: test-model\n    trainingCutoff: "2100-01-01"\n`,
    );
    const refused = await llmHypothesizeCommand(
      { ...gateOptions, ideas: "1", atrPeriod: "14" },
      { config },
      { clock: () => NOW },
    );
    expect(refused).toEqual([]);
    expect(process.exitCode).toBe(1);
    expect(server.requests).toHaveLength(0);
    expect(errors.join("")).toMatch(/before the model's training cutoff.*--force-contaminated asks anyway/s);
    process.exitCode = undefined;
    errors.length = 0;
    server.enqueue(reply.json(idea));
    const forced = await llmHypothesizeCommand(
      { ...gateOptions, ideas: "1", atrPeriod: "14", forceContaminated: true },
      { config },
      { clock: () => NOW },
    );
    expect(forced).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
    expect(errors.join("")).toMatch(
      /^CONTAMINATED: 1 LLM answer\(s\) about bars from .* before the training cutoff of test-model \(cutoff 2100-01-01\)/m,
    );
  }, 60_000);
});
