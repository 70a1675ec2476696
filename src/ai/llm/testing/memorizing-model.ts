import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { sharedDataDir } from "../../../indicators/testing/reference-data.js";
import type { LlmAnswer, LlmAsk, LlmBridge, LlmRole, LlmRoleStatus } from "../llm-bridge.js";
import { type PromptCandles, signedPct } from "../market-prompt.js";

export const BTC_1H_FILE = `${sharedDataDir}crypto/binance_spot_BTCUSDT_1h.csv.gz`;

/** The real BTC/USDT 1h history of /work/shared/data, or undefined when the file is absent. */
export function loadBtcHistory(file = BTC_1H_FILE): PromptCandles | undefined {
  if (!existsSync(file)) return undefined;
  const lines = gunzipSync(readFileSync(file)).toString("utf8").trim().split("\n").slice(1);
  const columns = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(lines.length));
  lines.forEach((line, row) => {
    line.split(",").forEach((cell, column) => {
      (columns[column] as Float64Array)[row] = Number(cell);
    });
  });
  const [time, open, high, low, close, volume] = columns as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  return { time, open, high, low, close, volume };
}

export type Direction = "up" | "down";
export const directionSchema = z.object({ direction: z.enum(["up", "down"]) });

/** How the memorizer found the bar: by its date, by its exact close, by the shape of the series, or not at all. */
export type RecallKey = "date" | "price" | "pattern" | "none";

/**
 * A scripted "model" that has memorized the real history, as a language model trained on it might have: it reads
 * the last row of a market prompt, finds that bar in the history by its date, else by its exact close, else
 * (when `matchPattern`) by the sequence of closes in % from the last one, and answers the next bar's real direction.
 * When it finds nothing it guesses with a seeded coin. It measures what masking hides, not what a real model knows.
 */
export class MemorizingModel {
  readonly #history: PromptCandles;
  readonly #byTime = new Map<number, number>();
  readonly #byClose = new Map<number, number>();
  readonly #matchPattern: boolean;
  #seed: number;
  readonly recalls: Record<RecallKey, number> = { date: 0, price: 0, pattern: 0, none: 0 };

  constructor(history: PromptCandles, options: { matchPattern?: boolean; seed?: number } = {}) {
    this.#history = history;
    this.#matchPattern = options.matchPattern ?? false;
    this.#seed = options.seed ?? 1;
    for (let i = 0; i < history.close.length; i++) {
      this.#byTime.set(history.time[i] as number, i);
      if (!this.#byClose.has(history.close[i] as number)) this.#byClose.set(history.close[i] as number, i);
    }
  }

  answer(prompt: string): Direction {
    const rows = prompt
      .split("\n")
      .slice(2)
      .map((row) => row.split(" | "));
    const last = rows[rows.length - 1] ?? [];
    let index: number | undefined;
    let key: RecallKey = "none";
    const date = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/.test(last[0] ?? "")
      ? Date.parse(`${(last[0] as string).replace(" ", "T")}:00Z`)
      : Number.NaN;
    if (Number.isFinite(date)) [index, key] = [this.#byTime.get(date), "date"];
    if (index === undefined && !/[+-]|^0(\.0+)?$/.test(last[4] ?? ""))
      [index, key] = [this.#byClose.get(Number(last[4])), "price"];
    if (index === undefined && this.#matchPattern)
      [index, key] = [this.#findPattern(rows.map((row) => row[4] ?? "")), "pattern"];
    const close = this.#history.close;
    if (index === undefined || index + 1 >= close.length) {
      this.recalls.none++;
      return this.#coin() ? "up" : "down";
    }
    this.recalls[key]++;
    return (close[index + 1] as number) > (close[index] as number) ? "up" : "down";
  }

  /** The first bar whose preceding closes, in % from its close to two decimals, read as the prompt's. */
  #findPattern(closes: readonly string[]): number | undefined {
    const close = this.#history.close;
    const n = closes.length;
    const decimals = (closes[0]?.split(".")[1] ?? "").length;
    for (let i = n - 1; i < close.length; i++) {
      const last = close[i] as number;
      let match = true;
      for (let k = n - 2; k >= 0 && match; k--) {
        match = signedPct((((close[i - (n - 1 - k)] as number) - last) / last) * 100, decimals) === closes[k];
      }
      if (match) return i;
    }
    return undefined;
  }

  #coin(): boolean {
    // mulberry32: a fixed seed gives the same guesses on every run.
    this.#seed = (this.#seed + 0x6d2b79f5) | 0;
    let t = this.#seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296 < 0.5;
  }
}

/** The memorizer behind the LlmBridge contract (role "advisor", model "memorizer"), for decorator tests. */
export function memorizingBridge(model: MemorizingModel, name = "memorizer"): LlmBridge & { calls: number } {
  const bridge = {
    calls: 0,
    enabled: (_role: LlmRole) => true,
    status: (): readonly LlmRoleStatus[] => [{ role: "advisor", enabled: true, model: name, healthy: true }],
    async ask<T>(request: LlmAsk<T>): Promise<LlmAnswer<T>> {
      bridge.calls++;
      const parsed = request.schema.safeParse({ direction: model.answer(request.user) });
      if (!parsed.success) return { ok: false, failure: "invalid", detail: parsed.error.message };
      return { ok: true, value: parsed.data, model: name, latencyMs: 1, contaminated: false, replayed: false };
    },
  };
  return bridge;
}

/** A seeded sample of decision bars (each with `bars` bars before it and one after), sorted. */
export function sampleBars(length: number, count: number, bars: number, seed = 7): number[] {
  const picked = new Set<number>();
  let state = seed;
  while (picked.size < count) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    picked.add(bars + (state % (length - bars - 1)));
  }
  return [...picked].sort((a, b) => a - b);
}

/** Share of the sample where `answer(prompt for bar i)` is the real next-bar direction. */
export function hitRate(history: PromptCandles, bars: readonly number[], answer: (i: number) => Direction): number {
  let hits = 0;
  for (const i of bars) {
    const truth: Direction = (history.close[i + 1] as number) > (history.close[i] as number) ? "up" : "down";
    if (answer(i) === truth) hits++;
  }
  return hits / bars.length;
}
