import { resolveSettings } from "../../backtest/backtest-settings.js";
import { evaluateParameters, type MeasuredRange } from "../../backtest/evaluate-parameters.js";
import { dailyReturns, type PairedSignificance, pairedSignificance } from "../../backtest/gates/paired-significance.js";
import type { CandleSeries } from "../../domain/candles.js";
import { transitionFigures } from "../../domain/transition-evidence.js";
import type { StrategyRecords } from "../../engine/lifecycle/strategy-lifecycle.js";
import { judgePromotion, type PromotionRule, type PromotionVerdict } from "../../engine/shadow/promotion.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";

export interface AgainstLive extends PairedSignificance {
  /** First and last day compared (UTC midnight, Unix ms). */
  readonly from: number;
  readonly to: number;
}

/**
 * The candidate and the live strategy traded by the event-driven engine over the same bars with the same fees,
 * then their daily returns compared by a paired test (see pairedSignificance): is the candidate better than live
 * by more than chance, out of sample? `range` should be bars neither strategy was selected on.
 */
export function testAgainstLive(input: {
  readonly series: CandleSeries;
  readonly candidate: StrategySpec;
  readonly live: StrategySpec;
  readonly range: MeasuredRange;
  readonly cash: number;
  readonly fee: number;
  readonly seed?: number;
}): AgainstLive {
  const settings = resolveSettings({ cash: input.cash, fee: input.fee });
  const run = (spec: StrategySpec) =>
    evaluateParameters({ series: [input.series], spec, params: {}, settings, range: input.range }).equity;
  const candidate = run(input.candidate);
  const live = run(input.live);
  const a = dailyReturns(candidate.time, candidate.equity);
  const b = dailyReturns(live.time, live.equity);
  if (a.days.length !== b.days.length || a.days.some((d, i) => d !== b.days[i]))
    throw new Error("candidate and live equity do not cover the same days");
  const test = pairedSignificance(a.returns, b.returns, input.seed !== undefined ? { seed: input.seed } : {});
  return { ...test, from: a.days[0] ?? 0, to: a.days[a.days.length - 1] ?? 0 };
}

/**
 * The lifecycle's promotion step (shadow → awaiting approval): the shadow numbers must satisfy the promotion rule
 * and the test against live must be significant (a p-value is required here). When ready, the move is recorded by
 * "shadow" with the verdict, the p-value and the test's details, so the p-value stays with the candidate.
 */
export async function promoteIfSignificant(
  strategies: StrategyRecords,
  input: {
    readonly candidateId: string;
    readonly liveId: string;
    readonly shadow: { iterations: number; sharpe: number | null; liveSharpe: number | null };
    readonly significance: AgainstLive;
    readonly rule?: Partial<PromotionRule>;
    readonly time: number;
  },
): Promise<PromotionVerdict & { moved: boolean }> {
  const record = await strategies.get(input.candidateId);
  if (!record) throw new Error(`no stored strategy with id ${input.candidateId}`);
  if (record.status !== "shadow")
    return { ready: false, moved: false, reason: `${input.candidateId} is ${record.status}, not in shadow` };
  const s = input.significance;
  const verdict = judgePromotion({ ...input.shadow, pValue: s.pValue }, { ...input.rule, requireSignificance: true });
  if (!verdict.ready) return { ...verdict, moved: false };
  const days = `${new Date(s.from).toISOString().slice(0, 10)} – ${new Date(s.to).toISOString().slice(0, 10)}`;
  await strategies.transition(
    input.candidateId,
    "awaiting-approval",
    "shadow",
    `${verdict.reason}; vs live ${input.liveId}: p ${s.pValue.toPrecision(3)} (Diebold–Mariano, lag ${s.lag}, ` +
      `${s.days} days ${days}, mean daily difference ${(s.meanDifference * 100).toFixed(4)} %, ` +
      `bootstrap p ${s.bootstrapPValue.toPrecision(3)})`,
    input.time,
    "shadow",
    {
      gates: [],
      figures: transitionFigures([
        ["shadow iterations", input.shadow.iterations],
        ["shadow Sharpe", input.shadow.sharpe],
        ["live Sharpe", input.shadow.liveSharpe],
        ["p", s.pValue],
        ["bootstrap p", s.bootstrapPValue],
        ["days", s.days],
        ["mean daily difference", s.meanDifference * 100, "%"],
      ]),
    },
  );
  return { ...verdict, moved: true };
}
