import type { Vote } from "../../domain/signal.js";
import { TIMEFRAMES } from "../../domain/timeframe.js";
import type { AsyncSignalSource, SourceSignal } from "../../strategy/signal-source.js";
import type { IndicatorDeclaration } from "../../strategy/spec/schema.js";
import type { BarContext, SeriesReader, StrategySetup } from "../../strategy/strategy.js";
import {
  ADVISOR_SYSTEM,
  type AdvisorAnswer,
  advisorAnswerSchema,
  advisorPrompt,
  type UntrustedText,
} from "./advisor-prompt.js";
import type { LlmBridge } from "./llm-bridge.js";

export interface LlmAdvisorOptions {
  readonly bridge: LlmBridge;
  /** How long a decision waits for the advisor (ms); late, it abstains. */
  readonly deadlineMs: number;
  /** Names the advisor in votes and decision records; give the combiner a weight for it (`advisorWeights`). */
  readonly id?: string;
  /** Recent candles in the prompt (default 20). */
  readonly candles?: number;
  /** Indicators in the prompt by name; default RSI 14, SMA 20 and 50, ATR 14. */
  readonly indicators?: Readonly<Record<string, IndicatorDeclaration>>;
  /** Disagreeing at least this sure vetoes the trade (default 0.7); less sure, it shrinks the size. */
  readonly vetoConfidence?: number;
  /** The regime label at a bar, when a detector runs. */
  readonly regime?: (symbol: string, time: number) => string | undefined;
  /** Context multipliers at a bar (fear and greed, macro …), when providers run. */
  readonly multipliers?: (symbol: string, time: number) => Readonly<Record<string, number>> | undefined;
  /** Headlines and other outside text known at a bar: they go into the prompt fenced as untrusted data. */
  readonly untrusted?: (symbol: string, time: number) => readonly UntrustedText[];
  /** The key of the decision at a bar, stored with the exchange (the session's `session|strategy|symbol|time`). */
  readonly decisionKey?: (symbol: string, time: number) => string;
}

export const DEFAULT_ADVISOR_ID = "llm-advisor";
/** The advisor's weight against a primary's 1: it can lower a decision's confidence a little, never raise it. */
export const ADVISOR_WEIGHT = 0.1;

const DEFAULT_INDICATORS: Readonly<Record<string, IndicatorDeclaration>> = {
  rsi14: { type: "rsi", period: 14 },
  sma20: { type: "sma", period: 20 },
  sma50: { type: "sma", period: 50 },
  atr14: { type: "atr", period: 14 },
};

/**
 * The LLM advisor (Algo Trading Lab's "can override a risky trade to HOLD", WawaTrader's "never decides alone"):
 * an advisor-role signal source that, when the strategy or another primary proposes a trade, shows a language model
 * the recent candles, indicators, regime, context multipliers and every vote, and turns its answer into a vote.
 *
 * - It is asked only when a primary proposes a trade, so a bar without one costs no request.
 * - Its role is "advisor": the combiner never lets it choose an action, so it cannot open a trade alone, whatever
 *   the model says ("BUY, confidence 1.0" on every bar changes nothing).
 * - Disagreeing (hold, or another action) with confidence ≥ `vetoConfidence` is a veto: orders that open or grow
 *   a position are dropped, exits still go out. Disagreeing less surely shrinks the size by its confidence.
 * - Off, down, slow, refusing or talking nonsense, it abstains; the decision record carries the bridge's reason.
 */
export function llmAdvisor(options: LlmAdvisorOptions): AsyncSignalSource {
  const id = options.id ?? DEFAULT_ADVISOR_ID;
  const vetoAt = options.vetoConfidence ?? 0.7;
  const candleCount = options.candles ?? 20;
  return {
    id,
    role: "advisor",
    deadlineMs: options.deadlineMs,
    init(setup: StrategySetup) {
      const prices = {
        open: setup.price("open"),
        high: setup.price("high"),
        low: setup.price("low"),
        close: setup.price("close"),
        volume: setup.price("volume"),
      };
      const indicators = Object.entries(options.indicators ?? DEFAULT_INDICATORS).map(
        ([name, declaration]) => [name, setup.indicator(declaration)] as [string, SeriesReader],
      );
      const duration = setup.timeframe === undefined ? undefined : TIMEFRAMES[setup.timeframe];
      return async (context: BarContext, abort: AbortSignal, votes: readonly Vote[]) => {
        const proposed = votes.filter(
          (v) => v.role !== "advisor" && v.abstained === undefined && !v.veto && v.action !== "hold",
        );
        if (proposed.length === 0) return undefined;
        const symbol = setup.symbol;
        const candles = [];
        for (let ago = Math.min(candleCount, context.index + 1) - 1; ago >= 0; ago--) {
          candles.push({
            time: duration === undefined ? context.time : context.time - ago * duration,
            open: prices.open.at(ago),
            high: prices.high.at(ago),
            low: prices.low.at(ago),
            close: prices.close.at(ago),
            volume: prices.volume.at(ago),
          });
        }
        const values: Record<string, number> = {};
        for (const [name, reader] of indicators) {
          const value = reader.at(0);
          if (Number.isFinite(value)) values[name] = round(value);
        }
        const user = advisorPrompt({
          symbol,
          timeframe: setup.timeframe,
          time: context.time,
          candles,
          indicators: values,
          regime: options.regime?.(symbol, context.time),
          multipliers: options.multipliers?.(symbol, context.time),
          position: context.position,
          votes,
          untrusted: options.untrusted?.(symbol, context.time) ?? [],
        });
        const answer = await options.bridge.ask({
          role: "advisor",
          system: ADVISOR_SYSTEM,
          user,
          schema: advisorAnswerSchema,
          schemaName: "advisor_answer",
          asOf: context.time,
          signal: abort,
          ...(options.decisionKey ? { decisionKey: options.decisionKey(symbol, context.time) } : {}),
        });
        // The engine records a thrown error as the abstention's reason, so the decision record says why.
        if (!answer.ok) throw new Error(`${answer.failure}: ${answer.detail}`);
        return toSignal(answer.value, proposed, vetoAt);
      };
    },
  };
}

/** The combiner weight of the advisor: 10 % of a primary by default. */
export function advisorWeights(id = DEFAULT_ADVISOR_ID, weight = ADVISOR_WEIGHT): Record<string, number> {
  return { [id]: weight };
}

function toSignal(answer: AdvisorAnswer, proposed: readonly Vote[], vetoAt: number): SourceSignal {
  const agrees = proposed.some((v) => v.action === answer.action);
  const warnings = answer.riskWarnings.length > 0 ? ` (warnings: ${answer.riskWarnings.join("; ")})` : "";
  const reason = `${answer.action} ${answer.confidence.toFixed(2)}: ${answer.reasoning}${warnings}`;
  if (agrees) return { action: answer.action, confidence: answer.confidence, reason };
  if (answer.confidence >= vetoAt) return { action: "hold", confidence: answer.confidence, reason, veto: true };
  return { action: answer.action, confidence: answer.confidence, reason, scale: 1 - answer.confidence };
}

function round(value: number): number {
  return Number(value.toPrecision(6));
}
