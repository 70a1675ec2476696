import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../../store/open-store.js";
import { syntheticHourlyBars } from "../evolution/testing/synthetic-markets.js";
import { AuditScheduler } from "./audit-scheduler.js";
import { AUDIT_CANDLES, type AuditContext, auditPrompt, recentRecord, runAudit } from "./auditor.js";
import { ScriptedBridge } from "./testing/scripted-bridge.js";

const series = syntheticHourlyBars({ seed: 1, bars: 300, edge: 0 });
const suggestion = { reason: "whipsawed in a range", proposedChange: "add an ADX filter above 25" };
const answer = (confidence: number, withSuggestion = true) =>
  JSON.stringify({
    analysis: "range-bound, volatility falling",
    signal: "HOLD",
    confidence,
    suggestion: withSuggestion ? suggestion : null,
  });
const context: AuditContext = {
  series,
  globalRiskLevel: "high",
  sentiment: -0.4,
  whaleRisk: true,
  live: {
    strategyId: "sma-cross",
    trades: [
      {
        tradeId: "t1",
        symbol: "SYN/USD",
        side: "long",
        qty: 1,
        entryTime: 0,
        entryPrice: 100,
        exitTime: 1,
        exitPrice: 98,
        pnl: -2,
        fees: 0.2,
      },
    ],
  },
};

describe("the auditor", () => {
  it("keeps the evolution suggestion only when the confidence is below 0.7", async () => {
    const bridge = new ScriptedBridge({ auditor: [answer(0.55), answer(0.7), answer(0.9), answer(0.3, false)] });
    const low = await runAudit(bridge, context);
    const edge = await runAudit(bridge, context);
    const high = await runAudit(bridge, context);
    const lowWithout = await runAudit(bridge, context);
    expect(low.ok && low.audit.suggestion).toEqual(suggestion);
    expect(low.ok && low.audit).toMatchObject({ signal: "HOLD", confidence: 0.55, asOf: series.time[299] });
    expect(edge.ok && edge.audit.suggestion).toBeUndefined();
    expect(edge.ok && edge.audit.notes).toEqual(["suggestion ignored: confidence 0.7 >= 0.7"]);
    expect(high.ok && high.audit.suggestion).toBeUndefined();
    expect(lowWithout.ok && lowWithout.audit.suggestion).toBeUndefined();
    expect(lowWithout.ok && lowWithout.audit.notes[0]).toMatch(/below|gave no suggestion/);
  });

  it("shows the last 100 candles relative to the first, the risk level, sentiment, whale risk and the live record", async () => {
    const prompt = auditPrompt(context);
    const rows = prompt.split("\n").filter((line) => /^\d+\.\d+,/.test(line));
    expect(rows).toHaveLength(AUDIT_CANDLES);
    expect(rows[0]!.split(",")[3]).toBe("100.00");
    expect(prompt).toContain("global risk level: high");
    expect(prompt).toContain("sentiment: -0.40");
    expect(prompt).toContain("whale dump risk: yes");
    expect(prompt).toContain("live strategy sma-cross: 1 closed trades, 0 winners, net PnL -2.20; last: long -2.00 %");
    const bare = auditPrompt({ series });
    expect(bare).toContain("global risk level: unknown");
    expect(bare).toContain("live strategy: none");
  });

  it("turns junk, a confidence of 7 and 'BUY!!!' into no audit with the reason logged", async () => {
    const log: string[] = [];
    const bridge = new ScriptedBridge({
      auditor: [
        "BUY!!!",
        JSON.stringify({ analysis: "moon", signal: "BUY", confidence: 7 }),
        JSON.stringify({ analysis: "x", signal: "STRONG BUY", confidence: 0.9 }),
      ],
    });
    for (let k = 0; k < 3; k++) expect((await runAudit(bridge, context, { log: (l) => log.push(l) })).ok).toBe(false);
    expect(log).toHaveLength(3);
    expect(log[0]).toContain("answer is not JSON: 'BUY!!!'");
    expect(log[1]).toContain("confidence");
    expect(log[2]).toContain("signal");
    const off = await runAudit(new ScriptedBridge({}), context);
    expect(off).toEqual({ ok: false, reason: "no audit (off): auditor: no model configured" });
  });
});

describe("the live record", () => {
  it("reads the live strategy's closed trades of the window from the store", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-audit-"));
    const store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    try {
      const trade = (tradeId: string, strategyId: string, exitTime: number) => ({
        tradeId,
        symbol: "BTC/USDT",
        strategyId,
        side: "long" as const,
        qty: 1,
        entryTime: exitTime - 1,
        entryPrice: 100,
        exitTime,
        exitPrice: 101,
        pnl: 1,
        fees: 0.1,
      });
      const day = 86_400_000;
      await store.trades.insert(trade("old", "live-1", 1 * day));
      await store.trades.insert(trade("new", "live-1", 9 * day));
      await store.trades.insert(trade("other", "shadow-2", 9 * day));
      const record = await recentRecord(store.trades, "live-1", 10 * day);
      expect(record.trades.map((t) => t.tradeId)).toEqual(["new"]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the audit scheduler", () => {
  it("audits every 15 minutes of the injected clock, not on ticks in between, and waits the interval after a failure", async () => {
    let now = Date.UTC(2026, 0, 1);
    const audits: number[] = [];
    const bridge = new ScriptedBridge({ auditor: [answer(0.9), "junk", answer(0.5)] });
    const scheduler = new AuditScheduler({
      bridge,
      context: async () => ({ series }),
      clock: () => now,
      onAudit: (audit) => {
        audits.push(audit.confidence);
      },
    });
    expect(scheduler.intervalMs).toBe(15 * 60_000);
    expect(await scheduler.tick()).toBeDefined();
    now += 14 * 60_000;
    expect(await scheduler.tick()).toBeUndefined();
    expect(bridge.requests).toHaveLength(1);
    now += 60_000;
    expect(await scheduler.tick()).toBeUndefined(); // the junk answer: asked, no audit
    expect(bridge.requests).toHaveLength(2);
    now += 60_000;
    expect(await scheduler.tick()).toBeUndefined(); // a failure still waits the full interval
    expect(bridge.requests).toHaveLength(2);
    now += 14 * 60_000;
    expect((await scheduler.tick())?.suggestion).toBeDefined();
    expect(audits).toEqual([0.9, 0.5]);
  });

  it("takes a configurable interval and logs a context that cannot be read", async () => {
    const log: string[] = [];
    const scheduler = new AuditScheduler({
      bridge: new ScriptedBridge({ auditor: [] }),
      intervalMs: 60_000,
      context: async () => {
        throw new Error("candle store closed");
      },
      clock: () => 0,
      log: (line) => log.push(line),
    });
    expect(await scheduler.tick()).toBeUndefined();
    expect(scheduler.nextDue).toBe(60_000);
    expect(log).toEqual(["auditor: no audit, the context could not be read: candle store closed"]);
    expect(
      () =>
        new AuditScheduler({
          bridge: new ScriptedBridge({}),
          intervalMs: 0,
          context: async () => ({ series }),
          clock: () => 0,
        }),
    ).toThrow(/positive/);
  });
});
