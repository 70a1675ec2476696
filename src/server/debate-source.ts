/**
 * The architect ↔ auditor debates (issue 11's debate protocol) as the API reads them. The store's debates table
 * belongs to the LLM layer; the lead connects it here through `ApiContext.debates`. Without it the API says that no
 * debates are stored rather than failing.
 */
export interface DebateSummary {
  readonly id: number;
  /** When the debate started, Unix ms. */
  readonly time: number;
  /** What the debate was about: the auditor's suggestion or the strategy spec's name. */
  readonly topic: string;
  readonly rounds: number;
  /** e.g. "accepted", "rejected", "blacklisted". */
  readonly outcome: string;
  /** The strategy the surviving spec became, when one did. */
  readonly strategyId?: string;
}

/** One turn of a debate: who spoke, in which round, and what was said (untrusted model text, shown as text). */
export interface DebateTurn {
  readonly round: number;
  /** "architect", "auditor", "gate" … */
  readonly speaker: string;
  readonly text: string;
  readonly time?: number;
}

export interface DebateTranscript extends DebateSummary {
  readonly turns: readonly DebateTurn[];
}

export interface DebateSource {
  /** Newest first. */
  list(page: { readonly limit: number; readonly offset: number }): Promise<readonly DebateSummary[]>;
  get(id: number): Promise<DebateTranscript | undefined>;
}
