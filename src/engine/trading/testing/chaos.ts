/**
 * The chaos run: a simulated exchange (in this process, in real time, with random faults) and `aegis trade --mode
 * testnet` against it in a child process, killed with SIGKILL at random moments and restarted, again and again; at
 * the end a last run reconciles and stops cleanly, and the invariants are checked against the exchange's own books:
 * no order placed twice, no order the exchange accepted missing from the store or booked differently, stored
 * positions equal to the exchange's, closed trades consistent with the stored fills, the kill switch still latched
 * if it ever was, and, once it tripped, no order that opens or grows a position ever placed again (across every
 * restart that follows). From run `tripFromRun` on, the drawdown limit is tightened so that the switch does trip
 * while processes are still being killed. Used by `scripts/chaos.ts` (the full run) and by a short test.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type SimExchange, type SimFault, startSimExchange } from "../../../execution/sim-exchange/index.js";
import { createVenueClient } from "../../../execution/venue/create-venue-client.js";
import { KILL_SWITCH_KEY } from "../../../risk/guards/kill-switch.js";
import { openStore } from "../../../store/open-store.js";
import { StoreSessionStore } from "../../../store/trading-session-store.js";

export interface ChaosOptions {
  /** SIGKILLs to deliver (at least this many; runs that die on their own do not count). */
  readonly kills: number;
  readonly seed: number;
  /** A fresh directory for the store, config and logs. */
  readonly dir: string;
  /** How to start `aegis`: e.g. [process.execPath, "dist/cli/main.js"]. */
  readonly aegis: readonly string[];
  /** Market time per wall time of the exchange (default 600: a 1m bar every 100 ms). */
  readonly speed?: number;
  /** Longest life of a run after it started trading, before its kill, in wall ms (default 5000). */
  readonly maxLifeMs?: number;
  /** Chance per 100 ms of wall time that a fault is scripted (default 0.1). */
  readonly faultRate?: number;
  /** Drawdown in % that trips the kill switch (default 2). */
  readonly killSwitchPct?: number;
  /**
   * From this run on (counting kills delivered so far), the drawdown limit is `tripPct` instead, so the kill switch
   * trips mid-run and the latched invariant is exercised across the restarts after it (default: half of `kills`;
   * Infinity keeps `killSwitchPct` throughout).
   */
  readonly tripFromKill?: number;
  /** The tight drawdown limit in % (default 0.1: a round trip's fees alone reach it). */
  readonly tripPct?: number;
  /**
   * Keep killing past `kills` until this many kills came after the trip (up to `maxKills`): on a loaded machine
   * many runs die while still starting, so a fixed count may end before the latch was ever held across a restart.
   */
  readonly minKillsAfterTrip?: number;
  readonly maxKills?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly kills: number;
  /** Kills delivered the moment the exchange accepted an order (between "sent" and "acknowledged"). */
  readonly killsAfterAccept: number;
  /** Runs that ended by themselves with an error (a fault during start-up, say) and were restarted. */
  readonly crashes: number;
  readonly ordersAtVenue: number;
  readonly fills: number;
  readonly trades: number;
  readonly faults: Readonly<Record<string, number>>;
  readonly killSwitchLatched: boolean;
  /** Market time at which the kill switch tripped (its latch), if it did. */
  readonly killSwitchTrippedAt: number | undefined;
  /** Kills delivered after the trip (restarts that had to keep the latch). */
  readonly killsAfterTrip: number;
  /** Orders placed at the exchange after the trip (all must reduce a position). */
  readonly ordersAfterTrip: number;
  readonly discrepancies: readonly string[];
}

const SESSION = "chaos";
const SYMBOL = "BTC/USDT";
/** Where faults hit: the order path and the reads reconciliation makes (market data has its own tests). */
const ORDER_PATHS = ["/api/v3/order", "/api/v3/order", "/api/v3/openOrders", "/api/v3/account"];

/** A small seeded generator (mulberry32), so a run can be repeated. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomFault(rand: () => number): SimFault {
  const pick = rand();
  if (pick < 0.25) return { kind: "lose-response" };
  if (pick < 0.45) return { kind: "rate-limit", retryAfterSeconds: 1 };
  if (pick < 0.6) return { kind: "server-error", status: 503 };
  if (pick < 0.8) return { kind: "drop-connection" };
  if (pick < 0.95) return { kind: "malformed" };
  return { kind: "timeout", process: true };
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const rand = random(o.seed);
  const speed = o.speed ?? 600;
  const sim = await startSimExchange({
    clock: "realtime",
    speed,
    seed: o.seed,
    markets: [{ base: "BTC", quote: "USDT", startPrice: 30_000 }],
    historyBars: 500,
    bars: 60_000,
  });
  // Every attempt to place an order that reaches the matching engine, by client order id (refused duplicates too),
  // and when (market time) with what side: the latched invariant is checked against these.
  const attempts = new Map<string, number>();
  const placements: Placement[] = [];
  const place = sim.engine.placeOrder.bind(sim.engine);
  sim.engine.placeOrder = (request) => {
    const id = request.clientOrderId ?? "";
    attempts.set(id, (attempts.get(id) ?? 0) + 1);
    placements.push({
      clientOrderId: id,
      time: sim.now(),
      side: request.side,
      venue: request.venue,
      reduceOnly: request.reduceOnly === true,
    });
    return place(request);
  };
  const spec = join(o.dir, "fast-cross.yaml");
  writeFileSync(
    spec,
    "name: fast-cross\nindicators:\n  fast: { type: sma, period: 2 }\n  slow: { type: sma, period: 4 }\n" +
      "entry:\n  long: { crossAbove: [fast, slow] }\nexit:\n  long: { crossBelow: [fast, slow] }\n",
  );
  const config = join(o.dir, "aegis.yaml");
  const tripFrom = o.tripFromKill ?? Math.floor(o.kills / 2);
  const writeConfig = (pct: number) =>
    writeFileSync(config, `risk:\n  killSwitch:\n    maxDrawdown:\n      pct: ${pct}\n`);
  const storeUrl = `sqlite:${join(o.dir, "chaos.sqlite")}`;
  const args = (extra: readonly string[]) => [
    ...o.aegis.slice(1),
    "--config",
    config,
    "trade",
    "--mode",
    "testnet",
    "--exchange",
    "sim",
    "--venue-url",
    sim.url,
    "--symbols",
    SYMBOL,
    "--speed",
    String(speed),
    "--warmup",
    "30",
    "--cash",
    "5000",
    "--strategy",
    spec,
    "--store",
    storeUrl,
    "--session",
    SESSION,
    "--no-status",
    ...extra,
  ];
  let kills = 0;
  let killsAfterAccept = 0;
  let crashes = 0;
  let wsDrops = 0;
  let latchSeen = false;
  let killsAfterTrip = 0;
  try {
    const wantMore = () =>
      o.minKillsAfterTrip !== undefined && killsAfterTrip < o.minKillsAfterTrip && kills < (o.maxKills ?? o.kills * 3);
    while (kills < o.kills || wantMore()) {
      writeConfig(kills >= tripFrom ? (o.tripPct ?? 0.1) : (o.killSwitchPct ?? 2));
      const latchedBefore = latchSeen;
      const run = spawnRun(o.aegis[0] as string, args([]), o.dir);
      // One kill in four lands during start-up (loading state, reconciling); the others while it trades.
      const duringStartup = rand() < 0.25;
      const life = duringStartup ? 200 + rand() * 8_000 : 200 + rand() * ((o.maxLifeMs ?? 5_000) - 200);
      const afterAccept = !duringStartup && rand() < 0.3;
      let killedAfterAccept = false;
      const stopWatching = sim.engine.onEvent((event) => {
        if (afterAccept && event.executionType === "NEW" && event.order.clientOrderId.startsWith(`${SESSION}-`)) {
          killedAfterAccept = run.child.kill("SIGKILL");
        }
      });
      // A start-up that hangs (a held answer) is killed too, at most 40 s in.
      let timer = setTimeout(() => run.child.kill("SIGKILL"), duringStartup ? life : 40_000);
      void run.started.then(() => {
        if (!duringStartup && run.child.exitCode === null && run.child.signalCode === null) {
          clearTimeout(timer);
          timer = setTimeout(() => run.child.kill("SIGKILL"), life);
        }
      });
      let trading = false;
      void run.started.then(() => {
        trading = true;
      });
      const faults = setInterval(() => {
        // Faults hit runs that trade (a start-up that hangs on a held answer would only slow the run down), at
        // most a few waiting at once, so that they land at random moments instead of piling up.
        if (trading && sim.faults.pending < 3 && rand() < (o.faultRate ?? 0.1)) {
          const path = ORDER_PATHS[Math.floor(rand() * ORDER_PATHS.length)] as string;
          sim.faults.add(randomFault(rand), { path });
        }
        if (rand() < (o.faultRate ?? 0.1) / 5) {
          sim.dropWebSockets();
          wsDrops++;
        }
      }, 100);
      const exit = await run.exited;
      clearTimeout(timer);
      clearInterval(faults);
      sim.faults.clear();
      stopWatching();
      if (exit.signal === "SIGKILL") {
        kills++;
        if (killedAfterAccept) killsAfterAccept++;
        if (latchedBefore) killsAfterTrip++;
      } else {
        crashes++;
        log(`run ended by itself (code ${exit.code}): ${exit.stderr.trim().split("\n").slice(-12).join(" | ")}`);
      }
      latchSeen ||= await killSwitchLatched(storeUrl);
      if (exit.signal === "SIGKILL") log(`kill ${kills}: ${sim.orders().length} orders at the exchange so far`);
    }
    // A last run with no faults: it reconciles, trades a few steps and stops cleanly.
    sim.faults.clear();
    const last = spawnRun(o.aegis[0] as string, args(["--steps", "3"]), o.dir);
    const timer = setTimeout(() => last.child.kill("SIGKILL"), 120_000);
    const final = await last.exited;
    clearTimeout(timer);
    const discrepancies: string[] = [];
    if (final.code !== 0) discrepancies.push(`the last run did not end cleanly (code ${final.code}): ${final.stderr}`);
    const checked = await checkInvariants(sim, storeUrl, attempts);
    discrepancies.push(...checked.discrepancies);
    const latched = await killSwitchLatched(storeUrl);
    if (latchSeen && !latched) discrepancies.push("the kill switch was latched and is not any more");
    const trippedAt = await killSwitchTripTime(storeUrl);
    // The latch is labelled like the step's equity (the open time of the bar that closed), and a step decides before
    // its risk layers observe, as in a backtest: an order decided in the tripping step, or in an earlier one and sent
    // a moment later, is not new risk after the trip. So the check is on when each order was decided (its stored
    // intent time), not on when the exchange heard it; an order missing from the store counts as decided after.
    const decidedAt = await intentTimes(storeUrl);
    const afterTrip =
      trippedAt === undefined
        ? []
        : placements.filter((p) => p.time > trippedAt && (decidedAt.get(p.clientOrderId) ?? Infinity) > trippedAt);
    discrepancies.push(
      ...afterTrip
        .filter(opensRisk)
        .map(
          (p) =>
            `order ${p.clientOrderId} (${p.side}) decided at ${iso(decidedAt.get(p.clientOrderId))} and placed at ${iso(p.time)}, after the kill switch tripped at ${iso(trippedAt)}`,
        ),
    );
    return {
      kills,
      killsAfterAccept,
      crashes,
      ordersAtVenue: checked.orders,
      fills: checked.fills,
      trades: checked.trades,
      faults: { ...sim.faults.applied, "websocket-drop": wsDrops },
      killSwitchLatched: latched,
      killSwitchTrippedAt: trippedAt,
      killsAfterTrip,
      ordersAfterTrip: afterTrip.length,
      discrepancies,
    };
  } finally {
    await sim.close();
  }
}

function spawnRun(command: string, args: readonly string[], cwd: string) {
  const child: ChildProcess = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let markStarted: () => void = () => {};
  // Resolves once the run has loaded its state, reconciled and taken the feed.
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout = (stdout + chunk.toString()).slice(-1_000);
    if (stdout.includes("Ctrl-C stops")) markStarted();
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited, started };
}

interface Placement {
  readonly clientOrderId: string;
  readonly time: number;
  readonly side: "BUY" | "SELL";
  readonly venue: "spot" | "futures";
  readonly reduceOnly: boolean;
}

/**
 * Whether an order can open or grow a position: on spot (no shorts) every buy; on futures every order not marked
 * reduce-only. The chaos strategy trades spot long-only, so a sell there only ever closes.
 */
function iso(time: number | undefined): string {
  return time === undefined ? "(not in the store)" : new Date(time).toISOString();
}

function opensRisk(p: Placement): boolean {
  return p.venue === "spot" ? p.side === "BUY" : !p.reduceOnly;
}

/** Each stored order's intent time (when the step that decided it happened), by client order id. */
async function intentTimes(storeUrl: string): Promise<Map<string, number>> {
  const store = await openStore(storeUrl);
  try {
    return new Map((await store.orders.range()).map((order) => [order.clientOrderId, order.intentTime]));
  } finally {
    await store.close();
  }
}

async function killSwitchLatched(storeUrl: string): Promise<boolean> {
  return (await readLatch(storeUrl)) !== undefined;
}

/** The market time the kill switch latch records as its trip (undefined when it never tripped). */
async function killSwitchTripTime(storeUrl: string): Promise<number | undefined> {
  const raw = await readLatch(storeUrl);
  if (raw === undefined) return undefined;
  const time = Number((JSON.parse(raw) as { time?: unknown }).time);
  if (!Number.isFinite(time)) throw new Error(`the kill-switch latch has no trip time: ${raw}`);
  return time;
}

async function readLatch(storeUrl: string): Promise<string | undefined> {
  const store = await openStore(storeUrl).catch(() => undefined);
  if (!store) return undefined;
  try {
    return await store.latches.get(KILL_SWITCH_KEY);
  } catch {
    return undefined; // no tables yet: the first run was killed before it made them
  } finally {
    await store.close();
  }
}

/** Compares the store with the exchange's books; every difference found is a discrepancy. */
async function checkInvariants(
  sim: SimExchange,
  storeUrl: string,
  attempts: ReadonlyMap<string, number>,
): Promise<{ orders: number; fills: number; trades: number; discrepancies: string[] }> {
  const out: string[] = [];
  for (const [id, count] of attempts) if (count > 1) out.push(`order ${id} was sent to the exchange ${count} times`);
  const venueOrders = sim.orders("spot").filter((order) => order.clientOrderId.startsWith(`${SESSION}-`));
  const store = await openStore(storeUrl);
  try {
    const stored = new Map((await store.orders.range()).map((order) => [order.clientOrderId, order]));
    const lot = 0.00001;
    for (const v of venueOrders) {
      const s = stored.get(v.clientOrderId);
      if (!s) {
        out.push(`order ${v.clientOrderId} (${v.status}) at the exchange is missing from the store`);
        continue;
      }
      const expected =
        v.status === "FILLED" ? "filled" : v.status === "CANCELED" ? "cancelled" : v.status.toLowerCase();
      const open = v.status === "NEW" || v.status === "PARTIALLY_FILLED";
      if (!(open ? ["acknowledged", "partially-filled"].includes(s.status) : s.status === expected))
        out.push(`order ${v.clientOrderId}: the exchange says ${v.status}, the store ${s.status}`);
      // A buy holds its quantity net of the fee taken in BTC, down to a lot; a sell holds what it sold.
      const fee = v.side === "BUY" ? v.fills.reduce((sum, f) => sum + f.commission, 0) : 0;
      const low = v.executedQuantity - fee - (v.side === "BUY" ? lot : 0) - 1e-9;
      if (s.filledQty < low || s.filledQty > v.executedQuantity + 1e-9)
        out.push(`order ${v.clientOrderId}: the exchange filled ${v.executedQuantity}, the store ${s.filledQty}`);
    }
    const atVenue = new Set(venueOrders.map((v) => v.clientOrderId));
    for (const s of stored.values()) {
      if (!atVenue.has(s.clientOrderId) && (s.filledQty > 0 || !["cancelled", "rejected"].includes(s.status)))
        out.push(`order ${s.clientOrderId} is ${s.status} in the store but the exchange never had it`);
    }
    const state = await new StoreSessionStore(store, "sim").load(SESSION);
    const ours = state?.portfolio.positions.find((p) => p.symbol === SYMBOL)?.quantity ?? 0;
    const dust = state?.liveVenue?.dust[SYMBOL] ?? 0;
    const client = await createVenueClient({ exchangeId: "binance", mode: "sim", local: sim });
    let venue = 0;
    try {
      venue = (await client.fetchBalances()).find((b) => b.asset === "BTC")?.total ?? 0;
    } finally {
      await client.close();
    }
    if (Math.abs(venue - (ours + dust)) > lot / 2)
      out.push(`position: the store holds ${ours} (+${dust} dust), the exchange ${venue}`);
    // Trades: every time the stored fills take the position back to flat, one trade closed.
    const fills = await store.fills.range();
    let position = 0;
    let flats = 0;
    for (const f of fills) {
      const before = position;
      position += f.side === "buy" ? f.qty : -f.qty;
      if (Math.abs(position) < 1e-12) position = 0;
      if (before !== 0 && position === 0) flats++;
    }
    const trades = await store.trades.range();
    if (trades.length !== flats) out.push(`the stored fills close ${flats} trades, the store has ${trades.length}`);
    return { orders: venueOrders.length, fills: fills.length, trades: trades.length, discrepancies: out };
  } finally {
    await store.close();
  }
}
