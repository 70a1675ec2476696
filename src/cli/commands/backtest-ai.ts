import type { OnlineLearnerOptions } from "../../ai/online/online-learner.js";
import { type AiEnsemble, createAiEnsemble } from "../../ai/orchestrator/ai-ensemble.js";
import type { RiskConfig } from "../../risk/config.js";

export { AI_STRATEGY } from "./ai-strategy.js";

export interface AiRun {
  readonly ensemble: AiEnsemble;
  /**
   * The risk config for the run: the orchestrator sizes entries (confidence × regime factor), so the shield's own
   * confidence scaling and regime adjustment are off for it (a size counted twice would be wrong), and the regime
   * factors are the config's regime-adjustment multipliers. Everything that only protects stays as configured.
   */
  readonly risk: RiskConfig | undefined;
}

/** `learner`: the configuration's online-learner options (trading.learners), for the ensemble's own learner. */
export function prepareAiRun(
  parameters: Record<string, number>,
  risk: RiskConfig | undefined,
  learner?: OnlineLearnerOptions,
): AiRun {
  const withLearner = learner ? { learner } : {};
  if (!risk) return { ensemble: createAiEnsemble({ parameters, ...withLearner }), risk };
  const { enabled: _on, ...regimeFactors } = risk.sizing.regimeAdjustment;
  return {
    ensemble: createAiEnsemble({ parameters, regimeFactors, ...withLearner }),
    risk: {
      ...risk,
      sizing: {
        ...risk.sizing,
        confidenceScaling: { ...risk.sizing.confidenceScaling, enabled: false },
        regimeAdjustment: { ...risk.sizing.regimeAdjustment, enabled: false },
      },
    },
  };
}
