import type { LlmAnswer, LlmAsk, LlmBridge, LlmRole, LlmRoleStatus } from "./llm-bridge.js";

/**
 * A training cutoff as configured: "2024-06" (the end of that month), "2024-06-30" (the end of that day) or an ISO
 * instant. The end, because a model trained "up to June 2024" may have read prices from the last day of June.
 */
export function parseTrainingCutoff(text: string): number {
  const trimmed = text.trim();
  const month = /^(\d{4})-(\d{2})$/.exec(trimmed);
  if (month) {
    const [year, m] = [Number(month[1]), Number(month[2])];
    if (m >= 1 && m <= 12) return Date.UTC(year, m, 1) - 1;
  } else if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) {
    const day = Date.parse(`${trimmed}T00:00:00Z`);
    if (Number.isFinite(day)) return day + 86_400_000 - 1;
  } else {
    const instant = Date.parse(trimmed);
    if (Number.isFinite(instant) && /^\d{4}-\d{2}-\d{2}T/.test(trimmed)) return instant;
  }
  throw new RangeError(`training cutoff "${text}" is not YYYY-MM, YYYY-MM-DD or an ISO instant`);
}

/** One answer consulted on a bar the model may have seen in training. */
export interface ContaminatedUse {
  readonly role: LlmRole;
  readonly model: string;
  readonly asOf: number;
  readonly cutoff: number;
}

/** What a run's summary must say about contamination (`undefined` from `label()` means clean). */
export interface ContaminationLabel {
  readonly contaminated: true;
  readonly answers: number;
  readonly models: readonly { readonly model: string; readonly cutoff: string }[];
  readonly firstBar: string;
  readonly lastBar: string;
  /** One line for the CLI and reports. */
  readonly text: string;
}

/** Counts the forced answers of one run, for its summary. */
export class ContaminationLedger {
  readonly #uses: ContaminatedUse[] = [];
  /** Refusals (not forced), for the run's report: they were "no vote". */
  refused = 0;

  note(use: ContaminatedUse): void {
    this.#uses.push(use);
  }

  get contaminated(): boolean {
    return this.#uses.length > 0;
  }

  label(): ContaminationLabel | undefined {
    if (this.#uses.length === 0) return undefined;
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const models = [...new Map(this.#uses.map((u) => [u.model, day(u.cutoff)])).entries()].map(([model, cutoff]) => ({
      model,
      cutoff,
    }));
    const times = this.#uses.map((u) => u.asOf);
    const firstBar = day(Math.min(...times));
    const lastBar = day(Math.max(...times));
    const who = models.map((m) => `${m.model} (cutoff ${m.cutoff})`).join(", ");
    return {
      contaminated: true,
      answers: this.#uses.length,
      models,
      firstBar,
      lastBar,
      text: `CONTAMINATED: ${this.#uses.length} LLM answer(s) about bars from ${firstBar} to ${lastBar}, before the training cutoff of ${who}; the model may remember these prices, so these results overstate what it can do (forced by the user)`,
    };
  }
}

/** A run summary with its contamination label attached when there is one (JSON summaries, evolution records). */
export function labelContamination<T extends object>(
  summary: T,
  ledger: ContaminationLedger,
): T & { readonly contamination?: ContaminationLabel } {
  const label = ledger.label();
  return label === undefined ? summary : { ...summary, contamination: label };
}

export interface ContaminationGuardOptions {
  /** Declared training cutoff (Unix ms, see `parseTrainingCutoff`) of each model, by model name. */
  readonly cutoffs: Readonly<Record<string, number>>;
  /** The user forced consulting models on bars before their cutoff: answers pass, labelled contaminated. */
  readonly force?: boolean;
  /** The model that answers a role; default: the inner bridge's status. */
  readonly modelOf?: (role: LlmRole) => string | undefined;
  readonly ledger?: ContaminationLedger;
}

/**
 * A decorator of LlmBridge that refuses to consult a model about a bar before the model's training cutoff (it may
 * remember what came next) unless the user forced it, and then labels every such answer contaminated and counts it
 * in the ledger the run's summary prints. A model without a declared cutoff is refused too: an unknown cutoff
 * cannot be shown to be before the bar.
 */
export class ContaminationGuard implements LlmBridge {
  readonly ledger: ContaminationLedger;
  readonly #inner: LlmBridge;
  readonly #options: ContaminationGuardOptions;
  readonly #modelOf: (role: LlmRole) => string | undefined;

  constructor(inner: LlmBridge, options: ContaminationGuardOptions) {
    for (const [model, cutoff] of Object.entries(options.cutoffs)) {
      if (!Number.isFinite(cutoff)) throw new RangeError(`training cutoff of ${model} is not a time: ${cutoff}`);
    }
    this.#inner = inner;
    this.#options = options;
    this.ledger = options.ledger ?? new ContaminationLedger();
    this.#modelOf =
      options.modelOf ?? ((role) => inner.status().find((s) => s.role === role && s.enabled)?.model ?? undefined);
  }

  enabled(role: LlmRole): boolean {
    return this.#inner.enabled(role);
  }

  status(): readonly LlmRoleStatus[] {
    return this.#inner.status();
  }

  async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
    const model = this.#modelOf(request.role);
    if (model === undefined) return this.#inner.ask(request);
    const cutoff = this.#options.cutoffs[model];
    const bar = new Date(request.asOf).toISOString();
    if (cutoff === undefined) {
      this.ledger.refused++;
      return {
        ok: false,
        failure: "contaminated",
        detail: `${request.role}: model ${model} declares no training cutoff, so a question about ${bar} cannot be shown to be after it; declare one`,
      };
    }
    if (request.asOf > cutoff) return this.#inner.ask(request);
    const cutoffDay = new Date(cutoff).toISOString().slice(0, 10);
    if (!this.#options.force) {
      this.ledger.refused++;
      return {
        ok: false,
        failure: "contaminated",
        detail: `${request.role}: bar ${bar} is before ${model}'s training cutoff ${cutoffDay}; the model may remember it (only a forced run may ask, and its results are labelled)`,
      };
    }
    const answer = await this.#inner.ask(request);
    if (!answer.ok) return answer;
    this.ledger.note({ role: request.role, model, asOf: request.asOf, cutoff });
    return { ...answer, contaminated: true };
  }
}
