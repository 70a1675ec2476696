import { describe, expect, it } from "vitest";
import { formatZodIssues } from "../../domain/zod-issues.js";
import { testContext, testOrder } from "../context/testing.js";
import type { RiskLayer } from "../shield.js";
import { MemoryStateStore } from "../state-store.js";
import { createProtections, protectionsConfigSchema } from "./config.js";
import { CooldownProtection } from "./cooldown.js";
import { LockBook } from "./lock-book.js";
import { LowProfitLock } from "./low-profit.js";
import { isStopExit } from "./stop-exit.js";
import { StopLossGuard } from "./stop-loss-guard.js";
import { closedTrade } from "./testing.js";

const H = 3_600_000;
const T = Date.UTC(2024, 0, 1, 5);

function check(layer: RiskLayer, time: number, symbol = "BTC/USDT", overrides = {}) {
  const order = testOrder(time, { symbol, ...overrides });
  return layer.check(order, testContext(order));
}

function exit(layer: RiskLayer, symbol: string, time: number, reason: string, returnPct = -0.02): void {
  const { fill, trade } = closedTrade(symbol, time, reason, returnPct);
  layer.onFill?.(fill, undefined);
  layer.onFill?.(fill, trade);
}

describe("isStopExit", () => {
  it("matches a stop reason alone or followed by a detail, nothing else", () => {
    expect(isStopExit("stop-loss")).toBe(true);
    expect(isStopExit("stop-loss (gap through 95.00)")).toBe(true);
    expect(isStopExit("liquidation")).toBe(true);
    expect(isStopExit("take-profit")).toBe(false);
    expect(isStopExit("stop-lossy")).toBe(false);
    expect(isStopExit("time exit after 5 bars")).toBe(false);
  });
});

describe("CooldownProtection", () => {
  it("denies a new position on the symbol for 60 minutes after a stop-loss, naming rule, numbers and end", () => {
    const layer = new CooldownProtection();
    exit(layer, "BTC/USDT", T, "stop-loss (gap through 98.00)");
    const denied = check(layer, T);
    expect(denied.verdict).toBe("deny");
    expect(denied.reason).toBe(
      "cooldown: BTC/USDT was stopped out (stop-loss (gap through 98.00), -2.00 %) at 2024-01-01 05:00; no new position for 1h, until 2024-01-01 06:00",
    );
    expect(check(layer, T + H - 1).verdict).toBe("deny");
    expect(check(layer, T + H).verdict).toBe("allow");
    expect(check(layer, T, "ETH/USDT").verdict).toBe("allow");
    expect(check(layer, T, "BTC/USDT", { reduceOnly: true, side: "sell" }).verdict).toBe("allow");
  });

  it("ignores exits that are not stop-losses", () => {
    const layer = new CooldownProtection();
    exit(layer, "BTC/USDT", T, "take-profit", 0.03);
    exit(layer, "BTC/USDT", T, "script: close");
    expect(check(layer, T).verdict).toBe("allow");
  });

  it("counts a cooldown in bars of the symbol's series", () => {
    const layer = new CooldownProtection({ bars: 3 });
    expect(check(layer, T - H).verdict).toBe("allow");
    exit(layer, "BTC/USDT", T, "liquidation");
    expect(check(layer, T + 2 * H).reason).toContain("no new position for 3 bars (3h), until 2024-01-01 08:00");
    expect(check(layer, T + 3 * H).verdict).toBe("allow");
  });

  it("resolves a bars cooldown at the next check when the bar length was not known yet", () => {
    const layer = new CooldownProtection({ bars: 2 });
    exit(layer, "BTC/USDT", T, "stop-loss");
    expect(check(layer, T + H).verdict).toBe("deny");
    const unknown = new CooldownProtection({ bars: 2 });
    exit(unknown, "X/USDT", T, "stop-loss");
    const order = testOrder(T + H, { symbol: "X/USDT" });
    expect(() => unknown.check(order, testContext(order, Number.NaN))).toThrow(/set cooldown.minutes instead/);
  });

  it("keeps its lock across a restart when given a store", () => {
    const store = new MemoryStateStore();
    exit(new CooldownProtection({ store }), "BTC/USDT", T, "stop-loss");
    expect(check(new CooldownProtection({ store }), T + 30 * 60_000).verdict).toBe("deny");
  });
});

describe("StopLossGuard", () => {
  it("pauses every symbol for 6 h after 3 stop-losses within 24 h (global)", () => {
    const layer = new StopLossGuard();
    exit(layer, "BTC/USDT", T, "stop-loss");
    exit(layer, "ETH/USDT", T + 5 * H, "stop-loss");
    expect(check(layer, T + 6 * H, "SOL/USDT").reason).toBe("2 stop-losses across all symbols in the last 1d, limit 3");
    exit(layer, "BTC/USDT", T + 10 * H, "liquidation");
    const denied = check(layer, T + 10 * H, "SOL/USDT");
    expect(denied.verdict).toBe("deny");
    expect(denied.reason).toBe(
      "stop-loss guard: 3 stop-losses across all symbols within 1d (limit 3: BTC/USDT 2024-01-01 05:00, ETH/USDT 2024-01-01 10:00, BTC/USDT 2024-01-01 15:00) → paused for 6h, until 2024-01-01 21:00; no new position on SOL/USDT",
    );
    expect(check(layer, T + 16 * H - 1).verdict).toBe("deny");
    expect(check(layer, T + 16 * H).verdict).toBe("allow");
  });

  it("does not trip on stops spread wider than the window or on other exits", () => {
    const layer = new StopLossGuard();
    exit(layer, "BTC/USDT", T, "stop-loss");
    exit(layer, "BTC/USDT", T + 12 * H, "stop-loss");
    exit(layer, "BTC/USDT", T + 20 * H, "take-profit", 0.05);
    exit(layer, "BTC/USDT", T + 24 * H, "stop-loss");
    expect(check(layer, T + 24 * H).verdict).toBe("allow");
  });

  it("counts per symbol with scope symbol", () => {
    const layer = new StopLossGuard({ scope: "symbol", stopLosses: 2 });
    exit(layer, "BTC/USDT", T, "stop-loss");
    exit(layer, "ETH/USDT", T + H, "stop-loss");
    expect(check(layer, T + H, "BTC/USDT").verdict).toBe("allow");
    exit(layer, "BTC/USDT", T + 2 * H, "stop-loss");
    expect(check(layer, T + 2 * H, "BTC/USDT").reason).toMatch(
      /^stop-loss guard: 2 stop-losses on BTC\/USDT within 1d/,
    );
    expect(check(layer, T + 2 * H, "ETH/USDT").verdict).toBe("allow");
  });
});

describe("LowProfitLock", () => {
  it("locks a symbol for 12 h when at least 3 trades within 7 days sum below -5 %", () => {
    const layer = new LowProfitLock();
    exit(layer, "ETH/USDT", T, "stop-loss", -0.03);
    exit(layer, "ETH/USDT", T + 24 * H, "script: close", 0.01);
    expect(check(layer, T + 24 * H, "ETH/USDT").reason).toBe(
      "ETH/USDT: 2 trades closed in the last 7d sum to -2.00 % (lock below -5.00 % with ≥ 3 trades)",
    );
    exit(layer, "ETH/USDT", T + 48 * H, "take-profit", -0.042);
    const denied = check(layer, T + 48 * H, "ETH/USDT");
    expect(denied.verdict).toBe("deny");
    expect(denied.reason).toBe(
      "low-profit lock: ETH/USDT's 3 trades closed within 7d sum to -6.20 %, below -5.00 % → locked for 12h, until 2024-01-03 17:00",
    );
    expect(check(layer, T + 48 * H, "BTC/USDT").verdict).toBe("allow");
    expect(check(layer, T + 60 * H, "ETH/USDT").verdict).toBe("allow");
  });

  it("does not lock with fewer trades, a smaller loss, or losses older than the window", () => {
    const few = new LowProfitLock();
    exit(few, "ETH/USDT", T, "stop-loss", -0.1);
    exit(few, "ETH/USDT", T + H, "stop-loss", -0.1);
    expect(check(few, T + H, "ETH/USDT").verdict).toBe("allow");
    const small = new LowProfitLock();
    for (let i = 0; i < 5; i++) exit(small, "ETH/USDT", T + i * H, "stop-loss", -0.009);
    expect(check(small, T + 5 * H, "ETH/USDT").verdict).toBe("allow");
    const old = new LowProfitLock();
    exit(old, "ETH/USDT", T, "stop-loss", -0.05);
    exit(old, "ETH/USDT", T + 8 * 24 * H, "stop-loss", -0.01);
    exit(old, "ETH/USDT", T + 8 * 24 * H + H, "stop-loss", -0.01);
    expect(check(old, T + 8 * 24 * H + H, "ETH/USDT").verdict).toBe("allow");
  });
});

describe("LockBook", () => {
  it("keeps the longer of two locks and refuses an unreadable stored lock", () => {
    const store = new MemoryStateStore();
    const book = new LockBook("rule", store);
    book.lock("A", T + 5 * H, "long");
    book.lock("A", T + H, "short");
    expect(book.active("A", T + 2 * H)?.reason).toBe("long");
    expect(store.get("protection-lock:rule:A")).toBeDefined();
    expect(book.active("A", T + 5 * H)).toBeUndefined();
    expect(store.get("protection-lock:rule:A")).toBeUndefined();
    store.set("protection-lock:rule:B", "{}");
    expect(() => new LockBook("rule", store).active("B", T)).toThrow(/unreadable lock/);
  });
});

describe("protectionsConfigSchema and createProtections", () => {
  it("has freqtrade-like defaults and builds the three layers", () => {
    const config = protectionsConfigSchema.parse({});
    expect(config).toEqual({
      stopReasons: ["stop-loss", "liquidation"],
      cooldown: { enabled: true },
      stopLossGuard: { enabled: true, stopLosses: 3, windowHours: 24, lockHours: 6, scope: "global" },
      lowProfit: { enabled: true, windowDays: 7, minTrades: 3, minProfitPct: -5, lockHours: 12 },
    });
    expect(createProtections(config).map((l) => [l.name, l.phase])).toEqual([
      ["cooldown", "limit"],
      ["stop-loss-guard", "limit"],
      ["low-profit", "limit"],
    ]);
  });

  it("switches each protection off and applies the configured numbers", () => {
    const config = protectionsConfigSchema.parse({
      cooldown: { minutes: 15 },
      stopLossGuard: { enabled: false },
      lowProfit: { enabled: false },
    });
    const [cooldown, ...rest] = createProtections(config);
    expect(rest).toEqual([]);
    exit(cooldown as RiskLayer, "BTC/USDT", T, "stop-loss");
    expect(check(cooldown as RiskLayer, T).reason).toContain("no new position for 15m, until 2024-01-01 05:15");
  });

  it("rejects a cooldown in both minutes and bars, unknown keys and bad numbers", () => {
    const result = protectionsConfigSchema.safeParse({
      cooldown: { minutes: 5, bars: 2 },
      stopLossGuard: { stopLosses: 0, lockhours: 3 },
    });
    expect(result.success).toBe(false);
    const text = result.success ? "" : formatZodIssues(result.error);
    expect(text).toContain("cooldown.bars: give the cooldown in minutes or in bars, not both");
    expect(text).toContain("unknown key stopLossGuard.lockhours");
    expect(text).toContain("stopLossGuard.stopLosses");
  });
});
