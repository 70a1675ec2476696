import type { DebateRound, DebateTranscript as StoredTranscript } from "../research/llm/debate-types.js";
import type { StoreSession } from "../store/store.js";
import type { DebateSource, DebateSummary, DebateTranscript, DebateTurn } from "./debate-source.js";

/**
 * The LLM research layer's stored debates (`llm_debates`) as the API shows them: each round becomes the
 * proposer's turn (its rationale and spec, or why it had none), the gates' turn (stage, verdict, the numbers
 * quoted in the reasons) and the red team's critique that the next round answers.
 */
export function storeDebates(store: StoreSession): DebateSource {
  return {
    async list(page) {
      const all = await store.debates.range<StoredTranscript>();
      return all
        .reverse()
        .slice(page.offset, page.offset + page.limit)
        .map((d) => summary(d.id, d.transcript, d.outcome, d.survivorId));
    },
    async get(id) {
      const d = await store.debates.get<StoredTranscript>(id);
      if (!d) return undefined;
      const turns = d.transcript.rounds.flatMap((round) => turnsOf(round));
      return { ...summary(d.id, d.transcript, d.outcome, d.survivorId), turns } satisfies DebateTranscript;
    },
  };
}

/** What a debate was about: the auditor's suggestion it answered, the hypothesis it judged, or its kind. */
export function debateTopic(t: StoredTranscript): string {
  return t.suggestion
    ? `${t.suggestion.reason} → ${t.suggestion.proposedChange}`
    : (t.idea ?? `${t.kind} on ${t.symbol}`);
}

function summary(id: number, t: StoredTranscript, outcome: string, survivorId: string | undefined): DebateSummary {
  return {
    id,
    time: t.startedAt,
    topic: `${t.symbol} · ${debateTopic(t)}`,
    rounds: t.rounds.length,
    outcome,
    ...(survivorId !== undefined ? { strategyId: survivorId } : {}),
  };
}

function turnsOf(r: DebateRound): DebateTurn[] {
  const proposal = r.failure
    ? `no usable answer: ${r.failure}`
    : [r.rationale, r.spec ? `spec ${r.specHash ?? ""}: ${JSON.stringify(r.spec)}` : undefined]
        .filter((part) => part !== undefined && part !== "")
        .join("\n");
  const turns: DebateTurn[] = [
    { round: r.round, speaker: r.proposer, text: proposal || "(nothing proposed)" },
    {
      round: r.round,
      speaker: "gates",
      text: `${r.stage}: ${r.verdict}${r.reasons.length ? ` (${r.reasons.join("; ")})` : ""}`,
    },
  ];
  if (r.critique) turns.push({ round: r.round, speaker: "auditor", text: r.critique });
  return turns;
}
