import { z } from "zod";
import { ContextSourceError, type FetchTextOptions, fetchText, oneLine } from "./context-fetch.js";
import { formatInstantUtc, ObservationIndex, type PollReport, type SeenObservation } from "./observation-index.js";
import type { ContextObservationLog } from "./observation-log.js";

/** One large on-chain transfer, whatever API reported it. */
export interface WhaleTransfer {
  readonly id: string;
  readonly symbol: string;
  readonly amount: number;
  /** Block time, Unix ms. */
  readonly timestamp: number;
  readonly fromType: string;
  readonly toType: string;
  readonly toOwner?: string;
}

/** A source of whale transfers; Whale Alert is the one implemented, others (Glassnode, CryptoQuant) fit the same. */
export interface WhaleFeed {
  readonly name: string;
  /** Transfers with a block time at or after `since` (Unix ms). */
  transfers(since: number): Promise<readonly WhaleTransfer[]>;
}

const owner = z.object({ address: z.string().optional(), owner: z.string().optional(), owner_type: z.string() });
const whaleAlertSchema = z.object({
  result: z.literal("success"),
  cursor: z.string().optional(),
  count: z.number().optional(),
  transactions: z
    .array(
      z.object({
        blockchain: z.string(),
        symbol: z.string(),
        id: z.union([z.string(), z.number()]),
        transaction_type: z.string().optional(),
        hash: z.string(),
        from: owner,
        to: owner,
        timestamp: z.number(),
        amount: z.number().nonnegative(),
        amount_usd: z.number().optional(),
        transaction_count: z.number().optional(),
      }),
    )
    .optional(),
});

/**
 * Parses Whale Alert's REST API v1 `GET /v1/transactions` answer (https://docs.whale-alert.io/#transactions):
 * `{result:"success", cursor, count, transactions:[{blockchain, symbol, id, transaction_type, hash,
 * from:{address, owner, owner_type}, to:{…}, timestamp (s), amount, amount_usd, transaction_count}]}`, or
 * `{result:"error", message}`. Times become ms; an error answer or junk is an error naming the source.
 */
export function parseWhaleAlert(source: string, text: string): WhaleTransfer[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ContextSourceError(source, "format", `answer is not JSON: ${oneLine(text, 80)}`);
  }
  const result = json as { result?: unknown; message?: unknown } | null;
  if (result?.result === "error") {
    throw new ContextSourceError(
      source,
      "format",
      `Whale Alert reports an error: ${String(result.message ?? "no message")}`,
    );
  }
  const parsed = whaleAlertSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ContextSourceError(
      source,
      "format",
      `not Whale Alert's format: ${issue?.path.join(".") || "answer"}: ${issue?.message ?? "invalid"}`,
    );
  }
  return (parsed.data.transactions ?? []).map((t) => ({
    id: `${t.blockchain}:${t.id}`,
    symbol: t.symbol.toLowerCase(),
    amount: t.amount,
    timestamp: t.timestamp * 1000,
    fromType: t.from.owner_type,
    toType: t.to.owner_type,
    ...(t.to.owner === undefined ? {} : { toOwner: t.to.owner }),
  }));
}

export interface WhaleAlertOptions {
  /** Default https://api.whale-alert.io/v1/transactions. */
  readonly url?: string;
  readonly apiKey: string;
  /** Only transfers of at least this USD value (the API's `min_value`, default 500 000). */
  readonly minValueUsd?: number;
  readonly fetch?: FetchTextOptions;
}

/** Whale Alert's REST API v1 as a WhaleFeed. */
export class WhaleAlertFeed implements WhaleFeed {
  readonly name = "whale-alert";
  readonly #options: WhaleAlertOptions;
  constructor(options: WhaleAlertOptions) {
    this.#options = options;
  }

  async transfers(since: number): Promise<readonly WhaleTransfer[]> {
    const url = new URL(this.#options.url ?? "https://api.whale-alert.io/v1/transactions");
    url.searchParams.set("api_key", this.#options.apiKey);
    url.searchParams.set("start", String(Math.floor(since / 1000)));
    url.searchParams.set("min_value", String(this.#options.minValueUsd ?? 500_000));
    // The key is a query parameter in this API: messages name the endpoint without it.
    const shown = `${url.origin}${url.pathname}`;
    try {
      return parseWhaleAlert(
        this.name,
        await fetchText(this.name, url.toString(), { accept: ["json"], ...this.#options.fetch }),
      );
    } catch (error) {
      if (error instanceof ContextSourceError) {
        throw new ContextSourceError(
          this.name,
          error.kind,
          error.message.replaceAll(url.toString(), shown).replace(`${this.name}: `, ""),
        );
      }
      throw error;
    }
  }
}

export const WHALE_SOURCE = "whale";
export const WHALE_TRANSFER_SOURCE = "whale-transfer";

/** The inflow one poll saw: BTC sent to exchanges from elsewhere, in the transfers that poll found new. */
export interface WhaleInflow {
  readonly inflow: number;
  readonly transfers: number;
}

export interface WhaleProviderOptions {
  readonly log: ContextObservationLog;
  readonly now: () => number;
  readonly feed?: WhaleFeed;
  /** Default "btc". */
  readonly symbol?: string;
  /** How far back the first poll asks (default 1 h, Whale Alert's free-tier limit). */
  readonly lookbackMs?: number;
  /** A poll older than this is stale (default 2 h). */
  readonly maxAgeMs?: number;
}

/**
 * Exchange inflows, point-in-time: each poll stores the new transfers it found (source "whale-transfer") and one
 * inflow observation (source "whale": the BTC that moved to an exchange from a non-exchange wallet), also when it
 * is zero, so a quiet feed reads 0 and a dead one reads stale. `at` and `between` fit risk's WhaleInflowLayer
 * (`ContextProvider<number>`).
 */
export class WhaleFlowProvider {
  readonly name = WHALE_SOURCE;
  readonly maxAgeMs: number;
  readonly #polls = new ObservationIndex(WHALE_SOURCE);
  readonly #transfers = new ObservationIndex(WHALE_TRANSFER_SOURCE);
  readonly #options: WhaleProviderOptions;
  readonly #symbol: string;

  constructor(options: WhaleProviderOptions) {
    this.#options = options;
    this.#symbol = (options.symbol ?? "btc").toLowerCase();
    this.maxAgeMs = options.maxAgeMs ?? 2 * 3_600_000;
  }

  async load(through?: number): Promise<void> {
    await this.#polls.load(this.#options.log, through);
    await this.#transfers.load(this.#options.log, through);
  }

  async poll(): Promise<PollReport> {
    const feed = this.#options.feed;
    if (feed === undefined) return { source: this.name, added: 0, errors: ["no whale feed configured"], skipped: [] };
    const now = this.#options.now();
    const lookback = now - (this.#options.lookbackMs ?? 3_600_000);
    let transfers: readonly WhaleTransfer[];
    try {
      transfers = await feed.transfers(lookback);
    } catch (error) {
      if (!(error instanceof ContextSourceError)) throw error;
      return { source: this.name, added: 0, errors: [error.message], skipped: [] };
    }
    const seenAt = this.#options.now();
    const fresh = transfers.filter((t) => !this.#transfers.has(t.id) && t.timestamp <= seenAt);
    const inflow = fresh
      .filter((t) => t.symbol === this.#symbol && t.toType === "exchange" && t.fromType !== "exchange")
      .reduce((sum, t) => sum + t.amount, 0);
    const transferRecords = fresh.map((t) => ({
      source: WHALE_TRANSFER_SOURCE,
      itemKey: t.id,
      seenAt,
      eventTime: t.timestamp,
      value: t,
    }));
    const value: WhaleInflow = { inflow: Number(inflow.toFixed(8)), transfers: fresh.length };
    const pollRecord = { source: WHALE_SOURCE, itemKey: `poll@${seenAt}`, seenAt, value };
    await this.#options.log.record([...transferRecords, pollRecord]);
    this.#transfers.add(transferRecords);
    this.#polls.add([pollRecord]);
    return { source: this.name, added: fresh.length, errors: [], skipped: [] };
  }

  /** The inflow of the last poll seen by `time`, unless older than maxAgeMs. */
  at(time: number): SeenObservation<number> | undefined {
    const record = this.#polls.latest(time);
    if (record === undefined || time - record.seenAt > this.maxAgeMs) return undefined;
    return { value: (record.value as WhaleInflow).inflow, time: record.seenAt };
  }

  between(after: number, through: number): readonly SeenObservation<number>[] {
    return this.#polls.between(after, through).map((r) => ({ value: (r.value as WhaleInflow).inflow, time: r.seenAt }));
  }

  /** Transfers seen in (after, through], for the CLI. */
  transfersBetween(after: number, through: number): readonly WhaleTransfer[] {
    return this.#transfers.between(after, through).map((r) => r.value as WhaleTransfer);
  }

  missing(time: number): string {
    const record = this.#polls.latest(time);
    if (record === undefined) return "no whale poll seen yet";
    return `last whale poll ${formatInstantUtc(record.seenAt)} is older than ${this.maxAgeMs / 3_600_000} h`;
  }
}
