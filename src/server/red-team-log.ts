import { readFileSync } from "node:fs";
import { join } from "node:path";
import { auditAnswerSchema } from "../research/llm/auditor.js";
import type { DebateRound, DebateTranscript } from "../research/llm/debate-types.js";
import type { StoredDebate } from "../store/repositories/debates.js";
import type { StoreSession } from "../store/store.js";
import { reportFolders } from "./report-folders.js";
import { parseJsonColumn } from "./routes/read-common.js";
import { debateTopic } from "./store-debates.js";
import { type ParsedFigure, type ParsedGate, transitionEvidence } from "./transition-numbers.js";

export const RED_TEAM_KINDS = ["gates", "audit", "debate"] as const;
export type RedTeamKind = (typeof RED_TEAM_KINDS)[number];
export type Verdict = "passed" | "failed";

export interface RedTeamGate extends ParsedGate {
  readonly detail?: string;
}

/** One line of the red-team audit log: a gate verdict, an audit of the live strategy, or a debate. */
export interface RedTeamEntry {
  readonly kind: RedTeamKind;
  readonly time: number;
  readonly strategyId: string | null;
  readonly name: string | null;
  /** null for an audit: it judges the live strategy, it is no gate. */
  readonly verdict: Verdict | null;
  readonly blacklisted: boolean;
  /** The lifecycle status reached, or the debate's stage (selection, holdout, blacklisted, invalid …). */
  readonly stage: string | null;
  readonly by: string;
  readonly gates: readonly RedTeamGate[];
  readonly figures: readonly ParsedFigure[];
  /** The stored words: a transition's reason, the gates' reasons, an audit's analysis, a debate's topic. */
  readonly text: string;
  readonly debateId?: number;
  readonly exchangeId?: number;
  readonly audit?: {
    readonly model: string;
    readonly signal: string | null;
    readonly confidence: number | null;
    readonly suggestion: { readonly reason: string; readonly proposedChange: string } | null;
    readonly error: string | null;
  };
}

export interface BlacklistedSpec {
  readonly hash: string;
  readonly name: string | null;
  readonly reason: string;
  readonly time: number;
  /** lifecycle (a retired evolver finalist), debate, or the report folder's blacklist.json. */
  readonly source: string;
}

export interface LogFilter {
  readonly strategy?: string;
  readonly verdict?: Verdict;
  /** How many of the newest rows each source must give for the merged page to be right. */
  readonly take: number;
  /** Only moves whose reason says the spec was blacklisted (the evolver's retirements). */
  readonly blacklistedOnly?: boolean;
}

const matches = (id: string | null | undefined, prefix: string | undefined) =>
  prefix === undefined || id?.startsWith(prefix) === true;

/** Machines that move strategies on gate evidence: the evolver, the LLM layer, the shadow promotion. */
const GATE_MOVERS = ["gate", "shadow"];
const GATE_STATUSES = ["backtested", "validated", "awaiting-approval", "retired"];

/** Lifecycle moves made on gate evidence, newest first, with the gates and numbers their reasons carry. */
export async function transitionVerdicts(store: StoreSession, filter: LogFilter): Promise<RedTeamEntry[]> {
  let sql = store.db
    .selectFrom("strategyTransitions as t")
    .leftJoin("strategies as s", "s.id", "t.strategyId")
    .select(["t.id", "t.strategyId", "t.toStatus", "t.by", "t.reason", "t.numbers", "t.time", "s.name"])
    .where((eb) => eb.or([eb("t.by", "in", GATE_MOVERS), eb("t.by", "like", "llm-%")]))
    .where("t.toStatus", "in", GATE_STATUSES);
  if (filter.strategy !== undefined)
    sql = sql.where("t.strategyId", ">=", filter.strategy).where("t.strategyId", "<", `${filter.strategy}\uffff`);
  if (filter.verdict === "failed") sql = sql.where("t.toStatus", "=", "retired");
  if (filter.verdict === "passed") sql = sql.where("t.toStatus", "!=", "retired");
  if (filter.blacklistedOnly) sql = sql.where("t.reason", "like", "%(blacklisted)%");
  const rows = await sql.orderBy("t.time", "desc").orderBy("t.id", "desc").limit(filter.take).execute();
  return rows.map((r) => ({
    kind: "gates",
    time: Number(r.time),
    strategyId: r.strategyId,
    name: r.name ?? null,
    verdict: r.toStatus === "retired" ? "failed" : "passed",
    blacklisted: r.reason.includes("(blacklisted)"),
    stage: r.toStatus,
    by: r.by,
    ...transitionEvidence(r.reason, r.numbers),
    text: r.reason,
  }));
}

type Stored = StoredDebate<DebateTranscript>;

function roundEntry(d: Stored, r: DebateRound): RedTeamEntry {
  const gates = [...(r.selection?.gates ?? []), ...(r.holdout?.gates ?? [])].map((g) => ({
    gate: g.gate,
    passed: g.passed,
    value: g.value,
    threshold: g.threshold,
    detail: g.detail,
  }));
  return {
    kind: "gates",
    time: d.startedAt,
    strategyId: r.specHash ?? null,
    name: r.spec?.name ?? null,
    verdict: r.verdict === "approved" ? "passed" : "failed",
    blacklisted: r.specHash !== undefined && (d.transcript.blacklisted ?? []).includes(r.specHash),
    stage: r.stage,
    by: `red team (debate ${d.id}, round ${r.round}, ${r.proposer})`,
    gates,
    figures: [],
    text: r.reasons.join("; ") || (r.verdict === "approved" ? "every gate passed" : r.stage),
    debateId: d.id,
  };
}

/** Each debate, and each of its rounds that reached the gates (the stored verdicts, not re-read text). */
export async function debateEntries(store: StoreSession, filter: LogFilter): Promise<RedTeamEntry[]> {
  const debates = await store.debates.range<DebateTranscript>();
  const out: RedTeamEntry[] = [];
  for (const d of debates) {
    const t = d.transcript;
    const verdict: Verdict = d.outcome === "approved" ? "passed" : "failed";
    if (matches(d.survivorId, filter.strategy) && (filter.verdict === undefined || filter.verdict === verdict))
      out.push({
        kind: "debate",
        time: d.startedAt,
        strategyId: d.survivorId ?? null,
        name: t.survivor?.name ?? null,
        verdict,
        blacklisted: false,
        stage: t.stoppedBecause ?? null,
        by: t.kind,
        gates: [],
        figures: [],
        text: `${d.symbol} · ${debateTopic(t)} · ${t.rounds.length} rounds`,
        debateId: d.id,
      });
    for (const r of t.rounds ?? []) {
      if (r.specHash === undefined || r.stage === "no-answer" || r.stage === "invalid") continue;
      const entry = roundEntry(d, r);
      if (
        matches(entry.strategyId, filter.strategy) &&
        (filter.verdict === undefined || filter.verdict === entry.verdict)
      )
        out.push(entry);
    }
  }
  return out;
}

/** The auditor's audits (its stored exchanges): the answer's signal, confidence, analysis and suggestion. */
export async function auditEntries(store: StoreSession, filter: LogFilter): Promise<RedTeamEntry[]> {
  // An audit is about the live strategy, never a gate: it has no strategy id or verdict to match a filter.
  if (filter.strategy !== undefined || filter.verdict !== undefined) return [];
  const rows = await store.db
    .selectFrom("llmExchanges")
    .select(["id", "time", "model", "response", "error"])
    .where("role", "=", "auditor")
    .orderBy("time", "desc")
    .orderBy("id", "desc")
    .limit(filter.take)
    .execute();
  return rows.map((r) => {
    const answer = auditAnswerSchema.safeParse(parseJsonColumn<unknown>(r.response, null));
    const a = answer.success ? answer.data : undefined;
    return {
      kind: "audit",
      time: Number(r.time),
      strategyId: null,
      name: null,
      verdict: null,
      blacklisted: false,
      stage: null,
      by: "auditor",
      gates: [],
      figures: a ? [{ name: "confidence", value: a.confidence }] : [],
      text: a?.analysis ?? r.error ?? r.response ?? "no answer",
      exchangeId: Number(r.id),
      audit: {
        model: r.model,
        signal: a?.signal ?? null,
        confidence: a?.confidence ?? null,
        suggestion: a?.suggestion ?? null,
        error: r.error ?? (r.response !== null && !a ? "the answer is not an audit (not the auditor's JSON)" : null),
      },
    };
  });
}

/**
 * Every blacklisted spec with its reason, newest first: evolver finalists retired as blacklisted, specs a debate
 * blacklisted, and the blacklist.json files `aegis evolve --out` keeps in the report folders.
 */
export async function blacklistedSpecs(
  store: StoreSession,
  reportDirs: readonly string[],
  filter: { readonly strategy?: string; readonly take: number },
): Promise<BlacklistedSpec[]> {
  const out: BlacklistedSpec[] = [];
  const retired = await transitionVerdicts(store, { ...filter, verdict: "failed", blacklistedOnly: true });
  for (const r of retired)
    if (r.blacklisted && r.strategyId !== null)
      out.push({ hash: r.strategyId, name: r.name, reason: r.text, time: r.time, source: "lifecycle" });
  for (const d of await store.debates.range<DebateTranscript>()) {
    for (const hash of d.transcript.blacklisted ?? []) {
      if (!matches(hash, filter.strategy)) continue;
      const round = d.transcript.rounds.find((r) => r.specHash === hash);
      const reason = round?.reasons.join("; ") || "blacklisted by the red team";
      out.push({ hash, name: round?.spec?.name ?? null, reason, time: d.startedAt, source: `debate ${d.id}` });
    }
  }
  for (const { file, label } of blacklistFiles(reportDirs)) {
    const entries = parseJsonColumn<Record<string, { reason?: unknown; time?: unknown; name?: unknown }>>(file, {});
    for (const [hash, e] of Object.entries(entries ?? {})) {
      if (!matches(hash, filter.strategy) || typeof e?.reason !== "string") continue;
      out.push({
        hash,
        name: typeof e.name === "string" ? e.name : null,
        reason: e.reason,
        time: typeof e.time === "number" ? e.time : 0,
        source: label,
      });
    }
  }
  // One line per spec and source: the evolver's retirement and its blacklist.json say the same thing twice.
  const seen = new Set<string>();
  return out
    .sort((a, b) => b.time - a.time)
    .filter((b) => {
      const key = `${b.hash}|${b.source === "lifecycle" || b.source.startsWith("report ") ? "evolver" : b.source}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, filter.take);
}

/** blacklist.json files in each report folder and one level below, as text with the run they belong to. */
function blacklistFiles(roots: readonly string[]): { file: string; label: string }[] {
  const files: { file: string; label: string }[] = [];
  for (const { name, path } of reportFolders(roots)) {
    try {
      files.push({ file: readFileSync(join(path, "blacklist.json"), "utf8"), label: `report ${name}` });
    } catch {
      // no blacklist in this folder
    }
  }
  return files;
}
