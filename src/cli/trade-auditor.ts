import { ChatLlmBridge } from "../ai/llm/chat-llm-bridge.js";
import { LlmConfigError, resolveLlmRoles } from "../ai/llm/llm-config.js";
import type { LlmRecorder } from "../ai/llm/llm-recorder.js";
import type { AegisConfig } from "../config/schema.js";
import type { CandleSeries } from "../domain/candles.js";
import { AuditScheduler } from "../research/llm/audit-scheduler.js";
import type { Audit, AuditContext } from "../research/llm/auditor.js";
import { llmHealthAlert } from "./llm-health.js";
import { UsageError } from "./usage-error.js";

export interface TradeAuditorParts {
  readonly record: LlmRecorder["record"];
  readonly onRecordError: (error: unknown) => void;
  readonly alert: (payload: { time: number; level: "info" | "warning"; message: string; kind: string }) => void;
  readonly log: (line: string) => void;
  /** Market time of the session. */
  readonly clock: () => number;
  /** The bars the auditor reads (the first slot's, warm-up included); undefined before the session has any. */
  readonly series: () => CandleSeries | undefined;
  /** The live strategy's recent record, when the store has one. */
  readonly live?: () => Promise<AuditContext["live"]>;
  readonly onAudit?: (audit: Audit) => void;
  /** Sentiment, whale risk and the global risk level, when context providers run. */
  readonly context?: () => Partial<AuditContext> | undefined;
}

export interface TradeAuditor {
  readonly bridge: ChatLlmBridge;
  /** Audits when one is due on the market clock (call after every committed step); never throws. */
  tick(): Promise<void>;
  readonly description: string;
}

/**
 * The auditor of AlphaWEEX inside `aegis trade`: every `llm.auditor.intervalMinutes` (15) of market time it reads
 * the last 100 bars and the live record and answers an analysis, a signal and a confidence. It never trades: an
 * audit is logged with its exchange stored, and one below 0.7 confidence with an evolution suggestion raises an
 * alert for a person, who can debate it with `aegis llm architect --reason … --change …` (the debate backtests,
 * which does not belong in the trading process). Undefined when no auditor model is configured.
 */
export function tradeAuditor(
  llm: AegisConfig["llm"],
  parts: TradeAuditorParts,
  env: NodeJS.ProcessEnv = process.env,
): TradeAuditor | undefined {
  let roles: ReturnType<typeof resolveLlmRoles>;
  try {
    roles = resolveLlmRoles(llm, env);
  } catch (error) {
    if (error instanceof LlmConfigError) throw new UsageError(error.message);
    throw error;
  }
  const config = roles.get("auditor");
  if (!config) return undefined;
  const bridge = new ChatLlmBridge({
    roles: new Map([["auditor", config]]),
    recorder: { record: parts.record },
    onRecordError: parts.onRecordError,
    onHealthChange: (role, change) => parts.alert(llmHealthAlert(role, change)),
  });
  const intervalMinutes = llm.auditor?.intervalMinutes ?? 15;
  const scheduler = new AuditScheduler({
    bridge,
    intervalMs: intervalMinutes * 60_000,
    clock: parts.clock,
    log: parts.log,
    context: async () => {
      const series = parts.series();
      if (!series || series.length === 0) throw new Error("the session has no bars yet");
      const live = await parts.live?.();
      return { ...parts.context?.(), series, ...(live ? { live } : {}) };
    },
    onAudit: (audit) => {
      parts.log(
        `auditor (${audit.model}): ${audit.signal} at confidence ${audit.confidence.toFixed(2)}: ${audit.analysis}`,
      );
      parts.onAudit?.(audit);
      if (audit.suggestion)
        parts.alert({
          time: parts.clock(),
          level: "warning",
          kind: "llm-audit",
          message:
            `LLM auditor is unsure (confidence ${audit.confidence.toFixed(2)} < 0.7) and suggests: ` +
            `${audit.suggestion.reason} → ${audit.suggestion.proposedChange}. Debate it with ` +
            "`aegis llm architect --reason … --change …` (nothing changes by itself).",
        });
    },
  });
  return {
    bridge,
    tick: async () => {
      try {
        await scheduler.tick();
      } catch (error) {
        parts.log(`auditor: ${(error as Error).message}`);
      }
    },
    description: `${config.model} every ${intervalMinutes} min of market time`,
  };
}
