import { createHash } from "node:crypto";
import type { Blacklist } from "../../backtest/gates/blacklist.js";
import { deflatedSharpe } from "../../backtest/gates/deflated-sharpe.js";
import { probabilityOfOverfitting } from "../../backtest/gates/pbo.js";
import { type GateConfig, type GateResult, runGates } from "../../backtest/gates/validation-gates.js";
import { sliceSeries } from "../../domain/candles.js";
import { SpecError } from "../../strategy/spec/compile.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { specHash } from "../../strategy/spec/spec-hash.js";
import { blockStatistics } from "../evolution/fitness.js";
import { type GateWindows, timeAt } from "./gate-windows.js";
import { runSelection, type SelectionConfig, type SelectionVerdict } from "./selection-gates.js";

/** The holdout gates of issue 10, as recorded (the engine's metrics object is left out of the transcript). */
export interface HoldoutVerdict {
  readonly passed: boolean;
  readonly gates: readonly GateResult[];
  readonly reasons: readonly string[];
  /** The bar range the holdout traded: [searchEnd, holdoutEnd). */
  readonly bars: readonly [number, number];
}

/** How far a proposal got and what stopped it. `invalid` and `blacklisted` never ran a backtest. */
export type Judgement =
  | {
      readonly stage: "invalid";
      readonly passed: false;
      /** The hash it is blacklisted under: of the raw proposal when it did not parse, else of the spec. */
      readonly hash: string;
      readonly reasons: readonly string[];
    }
  | {
      readonly stage: "blacklisted";
      readonly passed: false;
      /** Absent when what was blacklisted is a proposal that never parsed as a spec. */
      readonly spec?: StrategySpec;
      readonly hash: string;
      readonly reasons: readonly string[];
    }
  | {
      readonly stage: "selection";
      readonly passed: false;
      readonly spec: StrategySpec;
      readonly hash: string;
      readonly selection: SelectionVerdict;
      readonly reasons: readonly string[];
    }
  | {
      readonly stage: "holdout";
      readonly passed: boolean;
      readonly spec: StrategySpec;
      readonly hash: string;
      readonly selection: SelectionVerdict;
      readonly holdout: HoldoutVerdict;
      readonly reasons: readonly string[];
    };

export interface RedTeamOptions {
  readonly cash?: number;
  /** Fee as a fraction of notional on every fill (default 0.001, Binance spot taker). */
  readonly fee?: number;
  readonly selection?: Partial<SelectionConfig>;
  readonly gates?: Partial<GateConfig>;
  readonly blacklist: Blacklist;
  readonly clock: () => number;
  /** Blocks of the walk-forward returns for the PBO (CSCV); even, 2..20. */
  readonly pboBlocks?: number;
}

/**
 * The red team: every proposal (architect's or hypothesis generator's) is judged here and nowhere else. It parses
 * the proposal as a spec (never as code), refuses blacklisted specs, runs the selection gates on the search bars and,
 * only for a spec that cleared them, the holdout gates of issue 10 (Sharpe, drawdown, trades, flash crash, DSR
 * given every spec this red team has tried, PBO over them when there are at least two, bootstrap vs buy-and-hold).
 * Every spec that fails a gate is blacklisted with the reason.
 */
export class RedTeam {
  readonly cash: number;
  readonly fee: number;
  /** Walk-forward returns of every distinct spec that reached selection: the trials DSR and PBO count. */
  readonly #trials = new Map<string, Float64Array>();

  constructor(
    readonly windows: GateWindows,
    readonly options: RedTeamOptions,
  ) {
    this.cash = options.cash ?? 10_000;
    this.fee = options.fee ?? 0.001;
  }

  get trials(): number {
    return this.#trials.size;
  }

  judge(candidate: unknown, source: string): Judgement {
    // Junk is blacklisted too, under the hash of its text, so a loop never spends a round on the same junk twice.
    const raw = rawHash(candidate);
    if (this.options.blacklist.has(raw)) {
      const why = this.options.blacklist.reasons().get(raw) ?? "";
      return { stage: "blacklisted", passed: false, hash: raw, reasons: [`already blacklisted: ${why}`] };
    }
    let spec: StrategySpec;
    try {
      spec = validateSpec(candidate, source);
    } catch (error) {
      const reason = error instanceof SpecError ? error.message : `${source}: ${(error as Error).message}`;
      this.options.blacklist.add(raw, { reason, time: this.options.clock(), name: "proposal that is not a spec" });
      return { stage: "invalid", passed: false, hash: raw, reasons: [reason] };
    }
    const hash = specHash(spec);
    if (this.options.blacklist.has(hash)) {
      const why = this.options.blacklist.reasons().get(hash) ?? "";
      return { stage: "blacklisted", passed: false, spec, hash, reasons: [`already blacklisted: ${why}`] };
    }
    let run: ReturnType<typeof runSelection>;
    try {
      run = runSelection(this.windows, spec, {
        cash: this.cash,
        fee: this.fee,
        ...(this.options.selection ? { config: this.options.selection } : {}),
      });
    } catch (error) {
      // A spec that validates but cannot be traded (an unknown reference) is a failed proposal, not a crash.
      const reasons = [`${source}: ${(error as Error).message}`];
      this.#blacklist(hash, spec, reasons);
      return { stage: "invalid", passed: false, hash, reasons };
    }
    this.#trials.set(hash, run.walkForwardReturns);
    if (!run.verdict.passed) {
      this.#blacklist(hash, spec, run.verdict.reasons);
      return { stage: "selection", passed: false, spec, hash, selection: run.verdict, reasons: run.verdict.reasons };
    }
    let holdout: HoldoutVerdict;
    try {
      holdout = this.#holdout(spec, run.walkForwardReturns);
    } catch (error) {
      const bars = [this.windows.searchEnd, this.windows.holdoutEnd] as const;
      holdout = { passed: false, gates: [], reasons: [`holdout gates: ${(error as Error).message}`], bars };
    }
    if (!holdout.passed) this.#blacklist(hash, spec, holdout.reasons);
    return {
      stage: "holdout",
      passed: holdout.passed,
      spec,
      hash,
      selection: run.verdict,
      holdout,
      reasons: holdout.reasons,
    };
  }

  #holdout(spec: StrategySpec, returns: Float64Array): HoldoutVerdict {
    const w = this.windows;
    const trials = this.#trials.size;
    const blocks = this.options.pboBlocks ?? 16;
    const pbo =
      trials >= 2 && [...this.#trials.values()].every((r) => r.length >= blocks * 2)
        ? probabilityOfOverfitting(
            [...this.#trials.values()].map((r) => blockStatistics(r, blocks)),
            blocks,
          )
        : null;
    const verdict = runGates({
      series: sliceSeries(w.series, 0, w.holdoutEnd),
      spec,
      holdout: {
        warmupFrom: timeAt(w, Math.max(0, w.searchEnd - 500)),
        from: timeAt(w, w.searchEnd),
        to: timeAt(w, w.holdoutEnd - 1) + 1,
      },
      cash: this.cash,
      fee: this.fee,
      // As the evolver does: against the best of `trials` zero-skill strategies (estimation variance 1/(T−1)).
      deflatedSharpe: deflatedSharpe({ returns, trials, trialSharpeVariance: 1 / Math.max(1, returns.length - 1) }),
      pbo,
      ...(this.options.gates ? { config: this.options.gates } : {}),
    });
    // PBO needs at least two trials; with one it does not apply (it is not a pass, it is not measured).
    const gates =
      pbo === null ? verdict.gates.filter((g) => g.gate !== "probability of backtest overfitting") : verdict.gates;
    const failed = gates.filter((g) => !g.passed);
    const reasons = verdict.reasons.filter((r) => pbo !== null || !r.startsWith("probability of backtest overfitting"));
    return { passed: failed.length === 0, gates, reasons, bars: [w.searchEnd, w.holdoutEnd] };
  }

  #blacklist(hash: string, spec: StrategySpec, reasons: readonly string[]): void {
    this.options.blacklist.add(hash, { reason: reasons.join("; "), time: this.options.clock(), name: spec.name });
  }
}

/** SHA-256 of a proposal's text as the model wrote it (JSON keeps its key order), whether or not it parses. */
export function rawHash(candidate: unknown): string {
  const text = typeof candidate === "string" ? candidate : (JSON.stringify(candidate) ?? String(candidate));
  return createHash("sha256").update(text).digest("hex");
}
