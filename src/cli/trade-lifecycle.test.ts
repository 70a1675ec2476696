import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configSchema } from "../config/schema.js";
import type { CandleSeries } from "../domain/candles.js";
import { ManualClock } from "../domain/clock.js";
import type { StepRecord } from "../engine/trading/session-store.js";
import { MemoryStateStore } from "../risk/state-store.js";
import { openStore } from "../store/open-store.js";
import type { Store } from "../store/store.js";
import { StoreSessionStore } from "../store/trading-session-store.js";
import { aegisArgv } from "./testing/aegis-command.js";
import { CRASH_SYMBOL, crashMarket, crashSession, H, PATH_TO_LIVE } from "./testing/crash-session.js";
import { attachTradeLifecycle, runningStrategyKey, startingLifecycleStrategy } from "./trade-lifecycle.js";
import { attachTradeRollback } from "./trade-rollback.js";

const SYMBOL = CRASH_SYMBOL;
const root = resolve(import.meta.dirname, "../..");

/** v1 was live and was superseded by v2 (live now): a rollback brings v1 back. v1 never enters, v2 always holds. */
async function seedLifecycle(store: Store): Promise<void> {
  await store.strategies.upsert(
    { id: "v1", name: "never", source: "user", spec: { name: "never", entry: { long: { lt: ["close", 0] } } } },
    "alice",
    0,
  );
  await store.strategies.upsert(
    { id: "v2", name: "hold", source: "evolver", spec: { name: "hold", entry: { long: { gt: ["close", 0] } } } },
    "alice",
    0,
  );
  for (const id of ["v1", "v2"])
    for (const to of PATH_TO_LIVE) {
      if (id === "v2" && to === "live")
        await store.strategies.transition("v1", "retired", "alice", "superseded by v2", 1);
      await store.strategies.transition(id, to, "alice", `to ${to}`, id === "v1" ? 0 : 1);
    }
}

/** A paper session trading the lifecycle's live strategy, wired as `aegis trade --strategy lifecycle` wires it. */
async function lifecycleSession(store: Store, series: CandleSeries, clock: ManualClock, latches: MemoryStateStore) {
  const sessionStore = new StoreSessionStore(store, "sim");
  const resuming = (await sessionStore.load("paper")) !== undefined;
  const start = await startingLifecycleStrategy(store, resuming);
  const committed: StepRecord[] = [];
  let lifecycle: ReturnType<typeof attachTradeLifecycle> | undefined;
  const { session, feed } = crashSession({
    series,
    clock,
    latches,
    strategy: start.strategy,
    store: sessionStore,
    onCommitted: (step) => {
      committed.push(step);
      void lifecycle?.check();
    },
  });
  const log = { info: () => {}, error: (o: object, m: string) => console.error(m, o) };
  lifecycle = attachTradeLifecycle({
    session,
    store,
    sessionName: "paper",
    symbols: [SYMBOL],
    running: start.running,
    now: () => clock.now(),
    log,
  });
  const follower = lifecycle;
  const rollbacks = attachTradeRollback({
    session,
    store,
    config: configSchema.parse({}),
    latches,
    log,
    afterRollback: () => void follower.check(),
  });
  const alerts: string[] = [];
  session.bus.on("ALERT", (a) => alerts.push(a.message));
  await session.start();
  await lifecycle.started();
  /** Delivers the bars closing up to bar `index` and waits for every commit, rollback and swap they cause. */
  const runUntil = async (index: number) => {
    feed.deliverUntil((series.time[index] as number) + H);
    for (let i = 0; i < 3; i++) {
      await session.flushed();
      await rollbacks.idle();
      await follower.follower.idle();
    }
  };
  return { session, runUntil, committed, alerts, follower: lifecycle.follower };
}

describe("aegis trade --strategy lifecycle", () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-trade-lifecycle-"));
    store = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    await seedLifecycle(store);
  });
  afterEach(async () => {
    await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts with the live strategy and refuses a first start when nothing is live", async () => {
    expect((await startingLifecycleStrategy(store, false)).running).toBe("v2");
    await store.strategies.transition("v2", "retired", "alice", "gone", 2);
    await expect(startingLifecycleStrategy(store, false)).rejects.toThrow(/no strategy is live or live-small/);
    // A restart (the session has state) resumes with nothing live: no signal, entries paused.
    expect((await startingLifecycleStrategy(store, true)).running).toBeNull();
  });

  it("swaps to the restored version at a step boundary when the kill switch trips, keeps the position, records and alerts it", async () => {
    const series = crashMarket();
    const clock = new ManualClock((series.time[100] as number) + H);
    const rig = await lifecycleSession(store, series, clock, new MemoryStateStore());
    expect(rig.session.runningStrategies).toEqual({ [SYMBOL]: "v2" });
    await rig.runUntil(140);
    const held = rig.session.portfolio.positionQuantity(SYMBOL);
    expect(held).toBeGreaterThan(0);
    await rig.runUntil(160);

    expect((await store.strategies.get("v1"))?.status).toBe("live");
    expect((await store.strategies.get("v2"))?.status).toBe("retired");
    expect(rig.session.runningStrategies).toEqual({ [SYMBOL]: "v1" });
    expect(rig.follower.running).toBe("v1");
    // The audit log: from, to, why and when.
    const audit = (await store.events.list()).filter((e) => e.kind === "strategy.swapped");
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatchObject({
      session: "paper",
      from: "v2",
      to: "v1",
      symbols: [SYMBOL],
      reason: expect.stringMatching(/^auto-rollback: rollback from v2: kill switch: /),
    });
    expect(await store.latches.get(runningStrategyKey("paper"))).toBe("v1");
    // The session event is a commit of its own, between two steps: no decision is in it.
    const swapStep = rig.committed.find((s) => s.events.some((e) => e.type === "STRATEGY_SWAPPED"));
    expect(swapStep?.decisions).toEqual([]);
    expect(swapStep?.events.find((e) => e.type === "STRATEGY_SWAPPED")?.payload).toMatchObject({
      symbol: SYMBOL,
      from: "v2",
      to: "v1",
      position: "kept: the new strategy manages it",
    });
    expect(rig.alerts).toContainEqual(expect.stringMatching(/^AAA\/USDT: strategy v2 → v1 \(auto-rollback/));
    // Kept, not closed: the kill switch halted new entries and the restored version manages the position.
    expect(rig.session.portfolio.positionQuantity(SYMBOL)).toBe(held);
    expect(rig.session.engine.halted).toBe(true);
    await rig.session.stop();
  });

  it("swaps when another process rolls the lifecycle back, and a restart after a kill resumes with the swapped strategy and sends no order twice", async () => {
    // v1 here closes any long it holds: it shows that the swapped-in strategy manages the position it inherits.
    await store.strategies.upsert(
      {
        id: "v1",
        name: "out",
        source: "user",
        spec: { name: "out", entry: { long: { lt: ["close", 0] } }, exit: { long: { gt: ["close", 0] } } },
      },
      "alice",
      1,
    );
    const series = crashMarket(false);
    const clock = new ManualClock((series.time[100] as number) + H);
    const latches = new MemoryStateStore();
    const first = await lifecycleSession(store, series, clock, latches);
    await first.runUntil(120);
    expect(first.session.runningStrategies).toEqual({ [SYMBOL]: "v2" });

    // `aegis strategies rollback` in a process of its own, on the same store file.
    const config = join(dir, "aegis.yaml");
    writeFileSync(config, `store:\n  url: sqlite:${join(dir, "aegis.sqlite")}\ndataDir: ${dir}\n`);
    const cli = await runAegis(["--config", config, "strategies", "rollback", "--by", "alice", "--reason", "drift"]);
    expect(cli.stderr).toBe("");
    expect(cli.code).toBe(0);
    expect(first.session.portfolio.positionQuantity(SYMBOL)).toBeGreaterThan(0);
    await first.runUntil(121);
    expect(first.session.runningStrategies).toEqual({ [SYMBOL]: "v1" });
    await first.runUntil(130);
    // The inherited position is v1's to manage: its exit closed it, in a decision of its own.
    const decided = first.committed.flatMap((s) => s.decisions).filter((d) => d.strategy === "v1");
    expect(decided.map((d) => d.action)).toContain("close");
    expect(first.session.portfolio.positionQuantity(SYMBOL)).toBe(0);
    const ordersBefore = (await store.orders.range()).map((o) => o.clientOrderId);
    expect(ordersBefore.length).toBeGreaterThan(0);

    // Killed: no stop, nothing flushed beyond what each step committed. A new process opens the store again.
    const reopened = await openStore(`sqlite:${join(dir, "aegis.sqlite")}`);
    try {
      const second = await lifecycleSession(reopened, series, clock, latches);
      expect(second.session.resumedFrom).toBeDefined();
      expect(second.session.runningStrategies).toEqual({ [SYMBOL]: "v1" });
      expect(second.follower.running).toBe("v1");
      await second.runUntil(150);
      expect(second.session.runningStrategies).toEqual({ [SYMBOL]: "v1" });
      // Only the one swap: the restart found the lifecycle as the session had left it.
      expect((await reopened.events.list()).filter((e) => e.kind === "strategy.swapped")).toHaveLength(1);
      const ids = (await reopened.orders.range()).map((o) => o.clientOrderId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.slice(0, ordersBefore.length)).toEqual(ordersBefore);
      // v1 never enters: still flat after the restart, and every decision since is v1's.
      expect(second.session.portfolio.positionQuantity(SYMBOL)).toBe(0);
      expect(second.committed.flatMap((s) => s.decisions).every((d) => d.strategy === "v1")).toBe(true);
      await second.session.stop();
    } finally {
      await reopened.close().catch(() => {});
    }
  }, 60_000);

  it("`aegis trade --strategy lifecycle` resumes after a SIGKILL with the strategy the lifecycle moved to while it was down", async () => {
    const url = `sqlite:${join(dir, "aegis.sqlite")}`;
    await store.close();
    const trade = ["trade", "--store", url, "--speed", "600", "--warmup", "40", "--no-api", "--symbols", "BTC/USDT"];
    const first = await runAegis([...trade, "--strategy", "lifecycle", "--steps", "5"], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/trading BTC\/USDT with v2 /);
    expect(first.stdout).toMatch(/strategy BTC\/USDT v2/);

    const config = join(dir, "aegis.yaml");
    writeFileSync(config, `store:\n  url: ${url}\ndataDir: ${dir}\n`);
    const rollback = await runAegis(
      ["--config", config, "strategies", "rollback", "--by", "bob", "--reason", "x"],
      dir,
    );
    expect(rollback.code).toBe(0);
    // Killed as soon as it has started (state loaded, swap recorded): the next start is the same path.
    const killed = await runAegis([...trade, "--strategy", "lifecycle"], dir, {
      text: /Ctrl-C stops/,
      signal: "SIGKILL",
    });
    expect(killed.code).toBeNull();
    expect(killed.stdout).toMatch(/trading BTC\/USDT with v1 /);
    // The YAML form of the same slot.
    writeFileSync(
      config,
      `store:\n  url: ${url}\ndataDir: ${dir}\ntrading:\n  slots:\n    - { symbol: BTC/USDT, strategy: lifecycle }\n`,
    );
    const third = await runAegis(["--config", config, ...trade.slice(0, 8), "--steps", "3"], dir);
    expect(third.code).toBe(0);
    expect(third.stdout).toMatch(/trading BTC\/USDT with v1 /);
    expect(third.stdout).toMatch(/resumed from the step closing at/);

    store = await openStore(url);
    const swaps = (await store.events.list()).filter((e) => e.kind === "strategy.swapped");
    expect(swaps.map((e) => [e.detail["from"], e.detail["to"]])).toEqual([["v2", "v1"]]);
    expect(swaps[0]?.detail["reason"]).toBe("the lifecycle changed while the session was down");
    const ids = (await store.orders.range()).map((o) => o.clientOrderId);
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
  }, 120_000);
});

/** Runs the real `aegis` entry point in a fresh process; `signalAfter` signals it once its output matches. */
function runAegis(
  args: string[],
  cwd = root,
  signalAfter?: { text: RegExp; signal: NodeJS.Signals },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, aegisArgv(args), { cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (signalAfter?.text.test(stdout)) child.kill(signalAfter.signal);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => done({ code, stdout, stderr }));
  });
}
