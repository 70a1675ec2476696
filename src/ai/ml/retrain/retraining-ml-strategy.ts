/**
 * `--strategy "ml:<model.json>?retrain=7d&window=180d"`: the ML strategy whose model is retrained on schedule
 * inside the session. Each closed bar is a step boundary: the retrainer is stepped at the bar's close time (a
 * finished job's model is swapped in, a due job is started in a worker thread), then the model in use votes. The
 * bars a retrain reads are the slot's own closed bars (history loaded at start + bars received), read through the
 * strategy's series readers, which stop at the current bar.
 *
 * Options of the query: retrain (every, e.g. 7d, 12h), window (training window), holdout (bars held out to compare
 * candidate and current model), tolerance (log-loss), dir (versioned folder; default <model dir>/retrain-<name>),
 * and the ML strategy's buy / sell / short. The same retrain settings can come from the config's `trading.retrain`
 * block instead (retrain-settings.ts holds the rules of both).
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CandleSeries } from "../../../domain/candles.js";
import type { BarContext, OnBar, Strategy, StrategySetup } from "../../../strategy/strategy.js";
import { type Abstentions, createMlStrategy, parseMlReference } from "../ml-strategy.js";
import { MlRetrainer, type RetrainEvent } from "./ml-retrainer.js";
import type { RetrainRunner } from "./retrain-job.js";
import {
  durationMs,
  parseRetrainSettings,
  queryKey,
  RETRAIN_FIELDS,
  type RetrainSettingsInput,
  retrainInputFromQuery,
} from "./retrain-settings.js";

/** "7d", "12h", "90m", "2w" → ms; a clear RangeError naming the query key otherwise. */
export function parseSpan(name: string, text: string): number {
  const value = durationMs(text);
  if (value === undefined)
    throw new RangeError(`ml strategy: ${name}=${text} is not a duration like 7d, 12h, 90m or 2w`);
  return value;
}

export interface RetrainingMlOptions {
  readonly model: string;
  readonly everyMs: number;
  readonly windowMs: number;
  readonly holdoutBars?: number;
  readonly tolerance?: number;
  readonly dir?: string;
  readonly buyAbove?: number;
  readonly sellBelow?: number;
  readonly allowShort?: boolean;
  readonly runner?: RetrainRunner;
  /** Besides `<dir>/events.jsonl`: where the session sends the events (stderr line, alert). */
  readonly onEvent?: (event: RetrainEvent) => void;
}

export function createRetrainingMlStrategy(
  options: RetrainingMlOptions,
): Strategy & { readonly abstentions: Abstentions; readonly retrainer: () => MlRetrainer; readonly dir: string } {
  const dir = options.dir ?? join(dirname(options.model), `retrain-${basename(options.model, ".model.json")}`);
  let readers: { series: () => CandleSeries } | undefined;
  const journal = (event: RetrainEvent) => {
    mkdirSync(dir, { recursive: true });
    appendFileSync(
      join(dir, "events.jsonl"),
      `${JSON.stringify({ ...event, atIso: new Date(event.at).toISOString() })}\n`,
    );
    options.onEvent?.(event);
  };
  const retrainer = new MlRetrainer({
    dir,
    initialModel: options.model,
    schedule: {
      everyMs: options.everyMs,
      windowMs: options.windowMs,
      ...(options.holdoutBars !== undefined ? { holdoutBars: options.holdoutBars } : {}),
      ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
    },
    bars: () => readers?.series() ?? emptySeries(""),
    ...(options.runner ? { runner: options.runner } : {}),
    onEvent: journal,
  });
  const inner = createMlStrategy(retrainer.loaded, {
    ...(options.buyAbove !== undefined ? { buyAbove: options.buyAbove } : {}),
    ...(options.sellBelow !== undefined ? { sellBelow: options.sellBelow } : {}),
    allowShort: options.allowShort ?? false,
  });
  const barMs = retrainer.loaded.metadata.barMs;
  return {
    ...inner,
    name: `ml:${options.model}?retrain`,
    parameters: { ...inner.parameters, retrainEveryMs: options.everyMs, retrainWindowMs: options.windowMs },
    abstentions: inner.abstentions,
    retrainer: () => retrainer,
    dir,
    init(setup: StrategySetup): OnBar {
      const fields = (["open", "high", "low", "close", "volume"] as const).map((f) => setup.price(f));
      let current: BarContext | undefined;
      readers = {
        series: () => {
          const count = current ? current.index + 1 : 0;
          const column = (k: number) =>
            Float64Array.from({ length: count }, (_, i) => (fields[k] as (typeof fields)[0]).at(count - 1 - i));
          return {
            symbol: setup.symbol,
            timeframe: setup.timeframe,
            time: Float64Array.from(
              { length: count },
              (_, i) => (current as BarContext).time - (count - 1 - i) * barMs,
            ),
            open: column(0),
            high: column(1),
            low: column(2),
            close: column(3),
            volume: column(4),
            length: count,
          };
        },
      };
      const vote = inner.init(setup);
      return (bar: BarContext) => {
        current = bar;
        try {
          retrainer.step(bar.time + barMs);
        } catch (error) {
          journal({ kind: "retrain-failed", at: bar.time + barMs, error: (error as Error).message });
        }
        return vote(bar);
      };
    },
  };
}

function emptySeries(symbol: string): CandleSeries {
  const none = new Float64Array(0);
  return {
    symbol,
    timeframe: undefined,
    time: none,
    open: none,
    high: none,
    low: none,
    close: none,
    volume: none,
    length: 0,
  };
}

const listeners = new Set<(event: RetrainEvent) => void>();

/**
 * Every retrain event of the process, for whoever runs the session: the strategies are built from their names
 * before the session exists, so `aegis trade` subscribes here once it has one (its alerts) and unsubscribes on stop.
 */
export function onRetrainEvents(listener: (event: RetrainEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function publishRetrainEvent(event: RetrainEvent): void {
  for (const listener of listeners) listener(event);
}

/** The ALERT a retrain event raises: a swap or a rejection is news, a failure a warning. */
export function retrainAlert(event: RetrainEvent): {
  time: number;
  level: "info" | "warning";
  message: string;
  kind: string;
} {
  return {
    time: event.at,
    level: event.kind === "retrain-failed" ? "warning" : "info",
    message: `ML retrain: ${describeRetrainEvent(event)}`,
    kind: `ml-${event.kind}`,
  };
}

/** True when an `ml:` reference asks for retraining (`retrain=` in its query). */
export function wantsRetraining(reference: string): boolean {
  const query = reference.split("?")[1] ?? "";
  return new URLSearchParams(query).has("retrain");
}

/** The retrain keys (`retrain=`, `window=` …) an `ml:` reference's query holds. */
export function retrainKeysIn(reference: string): string[] {
  const query = new URLSearchParams(reference.split("?")[1] ?? "");
  return RETRAIN_FIELDS.map(queryKey).filter((key) => query.has(key));
}

/**
 * `ml:<model.json>?retrain=7d&window=180d[&holdout=…&tolerance=…&dir=…&buy=…&sell=…&short=1]`, or `ml:<model.json>`
 * with `block` (the config's `trading.retrain`) giving the retrain settings. Both are read by the same rules
 * (retrain-settings.ts); a reference with retrain keys AND a block is refused, so no setting is silently dropped.
 */
export function loadRetrainingMlStrategy(
  reference: string,
  onEvent?: (event: RetrainEvent) => void,
  block?: RetrainSettingsInput,
): ReturnType<typeof createRetrainingMlStrategy> {
  const { path: model, settings, number } = parseMlReference(reference);
  if (block !== undefined) {
    const keys = retrainKeysIn(reference);
    if (keys.length > 0)
      throw new RangeError(
        `retraining is set twice: ${keys.map((k) => `${k}=`).join(", ")} in the strategy name and the config's trading.retrain block; keep one of them`,
      );
  }
  const retrain = block
    ? parseRetrainSettings(block, "config")
    : parseRetrainSettings(retrainInputFromQuery(settings), "name");
  const buyAbove = number("buy");
  const sellBelow = number("sell");
  return createRetrainingMlStrategy({
    model,
    everyMs: retrain.everyMs,
    windowMs: retrain.windowMs,
    ...(retrain.holdoutBars !== undefined ? { holdoutBars: retrain.holdoutBars } : {}),
    ...(retrain.tolerance !== undefined ? { tolerance: retrain.tolerance } : {}),
    ...(retrain.dir !== undefined ? { dir: retrain.dir } : {}),
    ...(buyAbove !== undefined ? { buyAbove } : {}),
    ...(sellBelow !== undefined ? { sellBelow } : {}),
    allowShort: settings.get("short") === "1",
    ...(onEvent ? { onEvent } : {}),
  });
}

/** One line per event, for the session's log and alerts. */
export function describeRetrainEvent(event: RetrainEvent): string {
  const at = new Date(event.at).toISOString();
  switch (event.kind) {
    case "retrain-started":
      return `${at} retrain started on bars to ${new Date(event.lastBar).toISOString()}`;
    case "model-swapped":
      return `${at} model v${event.version} in use (${event.record.reason})`;
    case "retrain-rejected":
      return `${at} candidate v${event.record.version} rejected, current model kept (${event.record.reason})`;
    case "retrain-failed":
      return `${at} retrain failed, current model kept: ${event.error}`;
  }
}
