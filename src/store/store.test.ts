import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "./open-store.js";
import type { OrderIntent } from "./repositories/orders.js";
import { storeBackends } from "./testing/store-backends.js";

const T0 = Date.UTC(2024, 0, 1, 14, 0);

const intent = (id: string, extra: Partial<OrderIntent> = {}): OrderIntent => ({
  clientOrderId: id,
  symbol: "BTC/USDT",
  side: "buy",
  type: "limit",
  qty: 2,
  price: 42_000.5,
  strategyId: "sma-cross",
  intentTime: T0,
  ...extra,
});

describe.each(storeBackends())("store on $name", (backend) => {
  const suite = backend.skipReason ? describe.skip : describe;
  if (backend.skipReason) console.warn(`store on ${backend.name} skipped: ${backend.skipReason}`);

  suite(backend.skipReason ? `skipped: ${backend.skipReason}` : "repositories", () => {
    beforeAll(() => backend.setup(), 60_000);
    afterAll(() => backend.teardown(), 60_000);

    it("keeps data and runs each migration once across a reopen", async () => {
      const location = await backend.freshLocation();
      const first = await openStore(location);
      await first.orders.insertIntent(intent("A-1"));
      await first.close();
      const second = await openStore(location);
      try {
        expect((await second.orders.get("A-1"))?.status).toBe("intent");
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          second.db,
        );
        expect(rows.map((r) => r.name)).toEqual([
          "001-trading",
          "002-governance",
          "003-learning",
          "004-sessions",
          "005-debates",
          "006-context",
          "007-shadow",
          "008-read-indexes",
          "009-shadow-significance",
          "010-transition-numbers",
        ]);
      } finally {
        await second.close();
      }
    });

    it("records an order intent once per client order id and applies venue reports", async () => {
      const store = await backend.open();
      expect(await store.orders.insertIntent(intent("A-1", { stop: 41_000, detail: { takeProfit: 45_000 } }))).toBe(
        true,
      );
      expect(await store.orders.insertIntent(intent("A-1", { qty: 99 }))).toBe(false);
      await store.orders.update("A-1", { status: "acknowledged", venueOrderId: "V-77", time: T0 + 5 });
      const order = await store.orders.get("A-1");
      expect(order).toMatchObject({
        qty: 2,
        price: 42_000.5,
        stop: 41_000,
        status: "acknowledged",
        venueOrderId: "V-77",
      });
      expect(order).toMatchObject({ intentTime: T0, updatedAt: T0 + 5, detail: { takeProfit: 45_000 } });
      await expect(store.orders.update("nope", { status: "filled", time: T0 })).rejects.toThrow(
        "no order with client order id nope",
      );
    });

    it("lists the orders the venue may still act on", async () => {
      const store = await backend.open();
      for (const id of ["A-1", "A-2", "A-3"]) await store.orders.insertIntent(intent(id));
      await store.orders.update("A-2", { status: "rejected", reason: "insufficient funds", time: T0 + 1 });
      await store.orders.update("A-3", { status: "sent", time: T0 + 1 });
      expect((await store.orders.open()).map((o) => [o.clientOrderId, o.status])).toEqual([
        ["A-1", "intent"],
        ["A-3", "sent"],
      ]);
    });

    it("counts the same fill once and keeps the average fill price", async () => {
      const store = await backend.open();
      await store.orders.insertIntent(intent("A-1"));
      const fill = { clientOrderId: "A-1", venueTradeId: "T-1", symbol: "BTC/USDT", side: "buy" as const };
      expect(await store.fills.insert({ ...fill, qty: 0.5, price: 100, fee: 0.05, time: T0 + 1 })).toBe(true);
      expect(await store.fills.insert({ ...fill, qty: 0.5, price: 100, fee: 0.05, time: T0 + 1 })).toBe(false);
      expect(
        await store.fills.insert({ ...fill, venueTradeId: "T-2", qty: 1.5, price: 104, fee: 0, time: T0 + 2 }),
      ).toBe(true);
      const order = await store.orders.get("A-1");
      expect(order?.filledQty).toBe(2);
      expect(order?.avgFillPrice).toBeCloseTo(103, 10);
      expect((await store.fills.ofOrder("A-1")).map((f) => f.venueTradeId)).toEqual(["T-1", "T-2"]);
    });

    it("identifies fills without a venue trade id by order and sequence", async () => {
      const store = await backend.open();
      await store.orders.insertIntent(intent("A-1"));
      const fill = {
        clientOrderId: "A-1",
        symbol: "BTC/USDT",
        side: "buy" as const,
        qty: 1,
        price: 1,
        fee: 0,
        time: T0,
      };
      expect(await store.fills.insert({ ...fill, seq: 1 })).toBe(true);
      expect(await store.fills.insert({ ...fill, seq: 1 })).toBe(false);
      expect(await store.fills.insert({ ...fill, seq: 2 })).toBe(true);
      expect((await store.orders.get("A-1"))?.filledQty).toBe(2);
      await expect(store.fills.insert({ ...fill })).rejects.toThrow(/neither a venue trade id nor a sequence/);
    });

    it("rolls the fill back when its order is unknown", async () => {
      const store = await backend.open();
      const fill = { clientOrderId: "X", seq: 1, symbol: "BTC/USDT", side: "sell" as const, qty: 1, price: 1, fee: 0 };
      await expect(store.fills.insert({ ...fill, time: T0 })).rejects.toThrow("unknown order X");
      expect(await store.fills.range()).toEqual([]);
    });

    it("lands every write of a transaction together or none of them", async () => {
      const store = await backend.open();
      await expect(
        store.transaction(async (tx) => {
          await tx.orders.insertIntent(intent("A-1"));
          await tx.events.append({ time: T0, kind: "order.intent", source: "order-manager", detail: { id: "A-1" } });
          throw new Error("venue client refused");
        }),
      ).rejects.toThrow("venue client refused");
      expect(await store.orders.get("A-1")).toBeUndefined();
      expect(await store.events.list()).toEqual([]);
      await store.transaction(async (tx) => {
        await tx.orders.insertIntent(intent("A-2"));
        await tx.fills.insert({
          clientOrderId: "A-2",
          seq: 1,
          symbol: "BTC/USDT",
          side: "buy",
          qty: 2,
          price: 5,
          fee: 0,
          time: T0,
        });
      });
      expect((await store.orders.get("A-2"))?.filledQty).toBe(2);
    });

    it("hands out sequence values that are unique across concurrent callers and restarts", async () => {
      const location = await backend.freshLocation();
      const first = await openStore(location);
      const concurrent = await Promise.all(Array.from({ length: 20 }, () => first.nextSequence("client-order")));
      expect(new Set(concurrent).size).toBe(20);
      expect(Math.max(...concurrent)).toBe(20);
      expect(await first.nextSequence("client-order", 10)).toBe(21);
      expect(await first.nextSequence("other")).toBe(1);
      await first.close();
      const second = await openStore(location);
      try {
        expect(await second.nextSequence("client-order")).toBe(31);
        await expect(second.nextSequence("client-order", 0)).rejects.toThrow(/positive integer/);
      } finally {
        await second.close();
      }
    });

    it("stores decisions with every vote and verdict, once per key", async () => {
      const store = await backend.open();
      const votes = [{ source: "rsi", action: "buy", confidence: 0.7, reasons: ["rsi 28 < 30"] }];
      const verdicts = [{ layer: "kill-switch", verdict: "allow", reason: "ok" }];
      const decision = {
        time: T0,
        symbol: "BTC/USDT",
        strategyId: "s1",
        action: "buy",
        outcome: "executed",
        votes,
        verdicts,
      };
      expect(await store.decisions.insert(decision)).toBe(true);
      expect(await store.decisions.insert(decision)).toBe(false);
      await store.decisions.insert({ ...decision, time: T0 + 60_000, symbol: "ETH/USDT", reason: "why not" });
      const all = await store.decisions.range();
      expect(all[0]).toMatchObject({ decisionKey: `s1|BTC/USDT|${T0}`, votes, verdicts });
      expect((await store.decisions.range({ from: T0 + 1 })).map((d) => d.symbol)).toEqual(["ETH/USDT"]);
      expect((await store.decisions.range({ symbol: "BTC/USDT" })).length).toBe(1);
      const step = ["SOL/USDT", "BTC/USDT", "XRP/USDT"].map((symbol) => ({ ...decision, symbol }));
      expect(await store.decisions.insertMany(step)).toBe(2);
      expect(await store.decisions.insertMany([])).toBe(0);
      expect((await store.decisions.range({ from: T0, to: T0 })).map((d) => d.symbol)).toEqual([
        "BTC/USDT",
        "SOL/USDT",
        "XRP/USDT",
      ]);
    });

    it("keeps one equity snapshot per instant and reads a range", async () => {
      const store = await backend.open();
      for (let i = 0; i < 5; i++) {
        await store.equity.insert({
          time: T0 + i * 60_000,
          equity: 10_000 + i,
          cash: 5_000,
          positionsValue: 5_000 + i,
        });
      }
      expect(await store.equity.insert({ time: T0, equity: 1, cash: 1, positionsValue: 0 })).toBe(false);
      expect((await store.equity.range({ from: T0 + 60_000, to: T0 + 180_000 })).map((s) => s.equity)).toEqual([
        10_001, 10_002, 10_003,
      ]);
      expect((await store.equity.latest())?.equity).toBe(10_004);
    });

    it("refuses to update or delete the audit log", async () => {
      const store = await backend.open();
      const id = await store.events.append({
        time: T0,
        kind: "kill-switch.set",
        source: "risk",
        detail: { equity: 9_500 },
      });
      await store.events.append({ time: T0 + 1, kind: "order.rejected", source: "order-manager", detail: {} });
      await expect(sql`update events set kind = 'x' where id = ${id}`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from events`.execute(store.db)).rejects.toThrow(/append-only/);
      expect(await store.events.list({ source: "risk" })).toEqual([
        { id, time: T0, kind: "kill-switch.set", source: "risk", detail: { equity: 9_500 } },
      ]);
      expect((await store.events.list({ from: T0 + 1 })).map((e) => e.kind)).toEqual(["order.rejected"]);
    });

    it("records configuration changes with who, when, old and new, and rolls one back", async () => {
      const store = await backend.open();
      const first = await store.config.record("risk.maxDrawdown", 0.2, "alice", "initial", T0);
      await store.config.record("risk.maxDrawdown", 0.1, "bob", "tighter after losses", T0 + 1);
      expect(await store.config.get("risk.maxDrawdown")).toBe(0.1);
      const rollback = await store.config.rollback(first.id + 1, "carol", T0 + 2);
      expect(rollback).toMatchObject({
        oldValue: 0.1,
        newValue: 0.2,
        by: "carol",
        reason: `rollback of change ${first.id + 1}`,
      });
      expect(await store.config.get("risk.maxDrawdown")).toBe(0.2);
      await store.config.rollback(first.id, "dave", T0 + 3);
      expect(await store.config.get("risk.maxDrawdown")).toBeUndefined();
      const history = await store.config.history("risk.maxDrawdown");
      expect(history.map((c) => [c.by, c.oldValue, c.newValue, c.time])).toEqual([
        ["alice", undefined, 0.2, T0],
        ["bob", 0.2, 0.1, T0 + 1],
        ["carol", 0.1, 0.2, T0 + 2],
        ["dave", 0.2, undefined, T0 + 3],
      ]);
      await expect(store.config.rollback(9_999, "eve", T0)).rejects.toThrow("no configuration change with id 9999");
      await expect(store.config.record("k", 1, " ", "r", T0)).rejects.toThrow(/who made it/);
    });

    it("tracks a strategy's lifecycle with who moved it, when and why", async () => {
      const store = await backend.open();
      const spec = { name: "evolved-7", rules: [{ when: "rsi < 30", action: "buy" }] };
      const created = await store.strategies.upsert(
        { id: "evo-7", name: "evolved-7", source: "evolver", spec },
        "evolver",
        T0,
      );
      expect(created).toMatchObject({ status: "generated", spec, createdAt: T0 });
      await store.strategies.transition("evo-7", "validated", "gate", "walk-forward passed", T0 + 1);
      await store.strategies.transition("evo-7", "shadow", "alice", "watch it live", T0 + 2);
      await store.strategies.upsert({ id: "evo-7", name: "evolved-7b", source: "evolver", spec }, "evolver", T0 + 3);
      expect(await store.strategies.get("evo-7")).toMatchObject({
        name: "evolved-7b",
        status: "shadow",
        updatedAt: T0 + 3,
      });
      expect((await store.strategies.list("shadow")).map((s) => s.id)).toEqual(["evo-7"]);
      expect((await store.strategies.transitions("evo-7")).map((t) => [t.fromStatus, t.toStatus, t.by])).toEqual([
        [undefined, "generated", "evolver"],
        ["generated", "validated", "gate"],
        ["validated", "shadow", "alice"],
      ]);
      await expect(store.strategies.transition("nope", "live", "a", "r", T0)).rejects.toThrow(
        "no strategy with id nope",
      );
    });

    it("stores LLM exchanges with latency, tokens and cost", async () => {
      const store = await backend.open();
      const exchange = {
        time: T0,
        role: "advisor",
        model: "qwen2.5:7b",
        prompt: "Should we buy BTC?",
        response: '{"action":"hold"}',
        latencyMs: 812.5,
        promptTokens: 120,
        completionTokens: 9,
        costUsd: 0.0004,
      };
      const id = await store.llm.insert(exchange);
      await store.llm.insert({
        time: T0 + 1,
        role: "auditor",
        model: "m",
        prompt: "p",
        latencyMs: 30_000,
        error: "timeout",
      });
      expect(await store.llm.range({ to: T0 })).toEqual([{ id, ...exchange }]);
      expect((await store.llm.range({ from: T0 + 1 }))[0]).toMatchObject({ error: "timeout" });
    });

    it("keeps the learning tables of ai_learning.db", async () => {
      const store = await backend.open();
      const l = store.learning;
      await l.insertTrade({
        time: T0,
        symbol: "BTC/USDT",
        action: "LONG",
        entryPrice: 100,
        exitPrice: 110,
        pnl: 10,
        pnlPct: 0.1,
        regime: "trend",
        strategyId: "s1",
        indicators: { rsi: 28.5 },
        outcome: "WIN",
      });
      await l.insertStrategyPerformance({
        time: T0,
        strategyId: "s1",
        regime: "trend",
        trades: 12,
        winRate: 0.58,
        sharpeRatio: 1.4,
      });
      await l.insertOptimizationResult({
        time: T0,
        symbol: "BTC/USDT",
        parameters: { fast: 12, slow: 26 },
        sharpeRatio: 1.1,
      });
      await l.insertEvolvedStrategy({
        time: T0,
        generation: 3,
        fitness: 1.7,
        genes: [1, 2, 3],
        regime: "range",
        isActive: true,
      });
      await l.insertEvolvedStrategy({ time: T0, generation: 4, fitness: 0.2, genes: [0], isActive: false });
      for (let i = 0; i < 3; i++) {
        await l.insertRlExperience({
          time: T0 + i,
          agent: "dqn",
          state: [i, 0.5],
          action: i % 3,
          reward: i - 1,
          nextState: [i + 1, 0.5],
          done: i === 2,
        });
      }
      await l.insertRegimeTransition({
        time: T0,
        symbol: "BTC/USDT",
        fromRegime: "range",
        toRegime: "trend",
        indicators: { adx: 31 },
      });
      expect(await l.trades("BTC/USDT")).toEqual([
        {
          time: T0,
          symbol: "BTC/USDT",
          action: "LONG",
          entryPrice: 100,
          exitPrice: 110,
          pnl: 10,
          pnlPct: 0.1,
          regime: "trend",
          strategyId: "s1",
          indicators: { rsi: 28.5 },
          outcome: "WIN",
        },
      ]);
      expect(await l.strategyPerformance("s1")).toEqual([
        { time: T0, strategyId: "s1", regime: "trend", trades: 12, winRate: 0.58, sharpeRatio: 1.4 },
      ]);
      expect((await l.optimizationResults())[0]?.parameters).toEqual({ fast: 12, slow: 26 });
      expect(await l.evolvedStrategies({ activeOnly: true })).toEqual([
        { time: T0, generation: 3, fitness: 1.7, genes: [1, 2, 3], regime: "range", isActive: true },
      ]);
      const replay = await l.rlExperiences("dqn", 2);
      expect(replay.map((e) => [e.state, e.done])).toEqual([
        [[1, 0.5], false],
        [[2, 0.5], true],
      ]);
      expect(await l.regimeTransitions()).toEqual([
        { time: T0, symbol: "BTC/USDT", fromRegime: "range", toRegime: "trend", indicators: { adx: 31 } },
      ]);
    });

    it("keeps trades once per trade id and positions per symbol and strategy", async () => {
      const store = await backend.open();
      const trade = {
        tradeId: "A-1",
        symbol: "BTC/USDT",
        side: "long" as const,
        qty: 1,
        entryTime: T0,
        entryPrice: 100,
        exitTime: T0 + 3_600_000,
        exitPrice: 105,
        pnl: 4.8,
        fees: 0.2,
        exitReason: "take-profit",
      };
      expect(await store.trades.insert(trade)).toBe(true);
      expect(await store.trades.insert(trade)).toBe(false);
      expect(await store.trades.range({ from: T0 + 1 })).toEqual([trade]);
      const position = {
        symbol: "BTC/USDT",
        strategyId: "s1",
        side: "long" as const,
        qty: 1,
        avgPrice: 100,
        openedAt: T0,
        updatedAt: T0,
        detail: { stop: 95 },
      };
      await store.positions.upsert(position);
      await store.positions.upsert({ ...position, qty: 1.5, updatedAt: T0 + 1 });
      expect(await store.positions.all()).toEqual([{ ...position, qty: 1.5, updatedAt: T0 + 1 }]);
      await store.positions.remove("BTC/USDT", "s1");
      expect(await store.positions.all()).toEqual([]);
    });

    it("sets, reads and deletes latches", async () => {
      const store = await backend.open();
      await store.latches.set("kill-switch", '{"rule":"max-drawdown"}', T0);
      await store.latches.set("kill-switch", '{"rule":"rolling-drop"}', T0 + 1);
      expect(await store.latches.get("kill-switch")).toBe('{"rule":"rolling-drop"}');
      expect(await store.latches.all()).toEqual([
        { key: "kill-switch", value: '{"rule":"rolling-drop"}', updatedAt: T0 + 1 },
      ]);
      await store.latches.delete("kill-switch");
      expect(await store.latches.get("kill-switch")).toBeUndefined();
    });

    it("keeps a shadow candidate's last step, and its trades and equity once each across a replayed step", async () => {
      const store = await backend.open();
      const run = {
        session: "paper",
        strategyId: "cand",
        state: '{"n":1}',
        stepClose: T0,
        iterations: 1,
        equity: 10_010,
        roi: 0.001,
        sharpe: null,
        liveRoi: 0,
        liveSharpe: null,
        ready: false,
        verdict: "1 of 100 shadow iterations",
        pValue: 0.0123,
        pairedDays: 12,
        updatedAt: T0,
      };
      const trade = {
        tradeId: "paper:cand:1",
        symbol: "BTC/USDT",
        side: "long" as const,
        qty: 0.1,
        entryTime: T0 - 7_200_000,
        entryPrice: 42_000,
        exitTime: T0,
        exitPrice: 42_100,
        pnl: 10,
        fees: 0,
        exitReason: "signal",
      };
      await store.shadow.commit([{ run, trades: [trade], liveEquity: 10_000 }]);
      await store.shadow.commit([{ run, trades: [trade], liveEquity: 10_000 }]);
      const next = { ...run, state: '{"n":2}', stepClose: T0 + 1, iterations: 2, ready: true, updatedAt: T0 + 1 };
      await store.shadow.commit([{ run: next, trades: [], liveEquity: 10_001 }]);
      expect(await store.shadow.runs({ session: "paper" })).toEqual([next]);
      expect(await store.shadow.trades("cand")).toEqual([{ ...trade, session: "paper" }]);
      expect((await store.shadow.equity("cand")).map((e) => [e.time, e.liveEquity])).toEqual([
        [T0, 10_000],
        [T0 + 1, 10_001],
      ]);
    });
  });
});
