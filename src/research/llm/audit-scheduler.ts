import type { LlmBridge } from "../../ai/llm/llm-bridge.js";
import { type Audit, type AuditContext, runAudit } from "./auditor.js";

export interface AuditSchedulerOptions {
  readonly bridge: LlmBridge;
  /** Default 15 minutes (AlphaWEEX). */
  readonly intervalMs?: number;
  readonly threshold?: number;
  /** Reads the point-in-time context (candles, risk level, sentiment, whale risk, live record) when an audit is due. */
  readonly context: () => Promise<AuditContext>;
  readonly clock: () => number;
  readonly onAudit?: (audit: Audit) => void | Promise<void>;
  readonly log?: (line: string) => void;
}

export const DEFAULT_AUDIT_INTERVAL_MS = 15 * 60_000;

/**
 * Runs the auditor every `intervalMs` of the injected clock. The owner calls `tick()` (from its bar loop or a
 * timer); a tick before the next due time does nothing, and a tick while an audit is in flight does not start a
 * second one. A failed audit still waits the full interval: a broken model is not asked in a tight loop.
 */
export class AuditScheduler {
  readonly intervalMs: number;
  #nextDue: number | undefined;
  #running = false;
  readonly #options: AuditSchedulerOptions;

  constructor(options: AuditSchedulerOptions) {
    const intervalMs = options.intervalMs ?? DEFAULT_AUDIT_INTERVAL_MS;
    if (!(Number.isFinite(intervalMs) && intervalMs > 0))
      throw new RangeError(`the audit interval must be a positive number of ms, got ${intervalMs}`);
    this.intervalMs = intervalMs;
    this.#options = options;
  }

  /** When the next audit is due (Unix ms); undefined before the first tick (the first tick audits). */
  get nextDue(): number | undefined {
    return this.#nextDue;
  }

  /** Audits if one is due; resolves to the audit, or undefined when none ran or it failed. */
  async tick(): Promise<Audit | undefined> {
    const now = this.#options.clock();
    if (this.#running || (this.#nextDue !== undefined && now < this.#nextDue)) return undefined;
    this.#running = true;
    this.#nextDue = now + this.intervalMs;
    try {
      let context: AuditContext;
      try {
        context = await this.#options.context();
      } catch (error) {
        this.#options.log?.(`auditor: no audit, the context could not be read: ${(error as Error).message}`);
        return undefined;
      }
      const outcome = await runAudit(this.#options.bridge, context, {
        ...(this.#options.threshold !== undefined ? { threshold: this.#options.threshold } : {}),
        ...(this.#options.log ? { log: this.#options.log } : {}),
      });
      if (!outcome.ok) return undefined;
      await this.#options.onAudit?.(outcome.audit);
      return outcome.audit;
    } finally {
      this.#running = false;
    }
  }
}
