/** What a component says about itself: whether it can do its job now, and in words why (not). */
export interface ComponentHealth {
  readonly ok: boolean;
  readonly detail: string;
}

/** The kinds the readiness check lists: every feed, venue, store, alert channel and AI source. */
export type ComponentKind = "feed" | "venue" | "store" | "alerts" | "ai" | "other";

export interface ReadinessCheck {
  readonly name: string;
  readonly kind: ComponentKind;
  check(): ComponentHealth | Promise<ComponentHealth>;
}

export interface ReadinessReport {
  readonly ready: boolean;
  readonly components: readonly ({ name: string; kind: ComponentKind } & ComponentHealth)[];
}

/**
 * The components that make a session ready. Each registers a `check()`; the alerts helper registers one per
 * channel, an AI source one per model. A check that throws or takes longer than the timeout counts as not ok, with
 * that said, so one hung component cannot hang the readiness answer.
 */
export class ReadinessRegistry {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 2000;
  }

  /** Adds (or replaces, by name) a check; returns a function that removes it. */
  register(check: ReadinessCheck): () => void {
    this.#checks.set(check.name, check);
    return () => {
      if (this.#checks.get(check.name) === check) this.#checks.delete(check.name);
    };
  }

  get names(): string[] {
    return [...this.#checks.keys()];
  }

  async report(): Promise<ReadinessReport> {
    const components = await Promise.all(
      [...this.#checks.values()].map(async (c) => ({ name: c.name, kind: c.kind, ...(await this.#run(c)) })),
    );
    return { ready: components.every((c) => c.ok), components };
  }

  async #run(c: ReadinessCheck): Promise<ComponentHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ComponentHealth>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, detail: `no answer within ${this.#timeoutMs} ms` }),
        this.#timeoutMs,
      );
      timer.unref();
    });
    try {
      const result = await Promise.race([Promise.resolve().then(() => c.check()), timeout]);
      return { ok: result.ok === true, detail: String(result.detail) };
    } catch (error) {
      return { ok: false, detail: `check failed: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
    }
  }
}
