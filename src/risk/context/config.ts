import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { RiskLayer } from "../shield.js";
import type { RiskStateStore } from "../state-store.js";
import { MacroRiskLayer } from "./macro.js";
import type { ContextProvider } from "./provider.js";
import { SentimentLayer } from "./sentiment.js";
import { loadSeriesCsv, type SeriesCsvOptions } from "./series-csv.js";
import { WhaleInflowLayer } from "./whale.js";

/** Fields every file-backed series shares; `timestamps` defaults differ per series, so it is added per schema. */
const seriesFields = {
  /** Value column of the CSV (header name). */
  column: z.string().min(1).optional(),
  /** Length of one row's period; default: the most common step between rows. */
  periodMinutes: z.number().positive().optional(),
  /** Older data is stale (no data); default: two periods. */
  maxAgeMinutes: z.number().positive().optional(),
};
const timestamps = z.enum(["publication", "period-start"]);

export const macroConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Index symbol → CSV of its closes, e.g. { SPY: "data/spy_1h.csv", QQQ: "data/qqq_1h.csv" }. */
    files: z.record(z.string().min(1), z.string().min(1)).default({}),
    ...seriesFields,
    timestamps: timestamps.default("period-start"),
    dropPct: z.number().positive().lt(100).default(1),
    windowMinutes: z.number().positive().default(60),
    scale: z.number().min(0).max(1).default(0.5),
  })
  .strict();

export const whaleConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** CSV of BTC exchange inflow (BTC per row). */
    file: z.string().min(1).optional(),
    ...seriesFields,
    timestamps: timestamps.default("period-start"),
    thresholdBtc: z.number().positive().default(1000),
    scale: z.number().min(0).max(1).default(0.7),
    stopFactor: z.number().positive().max(1).default(0.75),
    expiryHours: z.number().positive().default(24),
  })
  .strict();

export const sentimentConfigSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** CSV of the fear-and-greed index (0–100). */
    file: z.string().min(1).optional(),
    ...seriesFields,
    timestamps: timestamps.default("publication"),
    mode: z.enum(["contrarian", "momentum"]).default("contrarian"),
    shape: z.enum(["linear", "bands"]).default("linear"),
    min: z.number().min(0).default(0.5),
    max: z.number().positive().default(1.5),
    mirrorForShorts: z.boolean().default(true),
  })
  .strict()
  .refine((value) => value.min <= value.max, { message: "sentiment min must be <= max", path: ["min"] });

/** `risk.context` of the config file: the market context multipliers. */
export const contextConfigSchema = z
  .object({
    macro: macroConfigSchema.default(macroConfigSchema.parse({})),
    whale: whaleConfigSchema.default(whaleConfigSchema.parse({})),
    sentiment: sentimentConfigSchema.default(sentimentConfigSchema.parse({})),
  })
  .strict();

export type ContextConfig = z.infer<typeof contextConfigSchema>;

/** The series the context layers read. */
export interface ContextProviders {
  readonly macro: Readonly<Record<string, ContextProvider<number>>>;
  readonly whale?: ContextProvider<number>;
  readonly sentiment?: ContextProvider<number>;
}

/** The layers, in the order they multiply, plus the whale layer for position management's stop tightening. */
export interface ContextLayers {
  readonly layers: readonly RiskLayer[];
  readonly macro: MacroRiskLayer | undefined;
  readonly whale: WhaleInflowLayer | undefined;
  readonly sentiment: SentimentLayer | undefined;
}

const MINUTE = 60_000;

/**
 * Reads the series files named in the config (paths relative to `baseDir`, default the working directory). A file
 * that is named but cannot be read or is invalid is an error; a layer without a file gets no provider.
 */
export async function loadContextProviders(
  config: ContextConfig,
  options: { baseDir?: string } = {},
): Promise<ContextProviders> {
  const at = (file: string) => (isAbsolute(file) ? file : resolve(options.baseDir ?? process.cwd(), file));
  const seriesOptions = (
    section: { column?: string | undefined; periodMinutes?: number | undefined; maxAgeMinutes?: number | undefined },
    meaning: "publication" | "period-start",
  ): SeriesCsvOptions => ({
    timestamps: meaning,
    ...(section.column !== undefined ? { column: section.column } : {}),
    ...(section.periodMinutes !== undefined ? { periodMs: section.periodMinutes * MINUTE } : {}),
    ...(section.maxAgeMinutes !== undefined ? { maxAgeMs: section.maxAgeMinutes * MINUTE } : {}),
  });
  const macro: Record<string, ContextProvider<number>> = {};
  if (config.macro.enabled) {
    for (const [symbol, file] of Object.entries(config.macro.files)) {
      macro[symbol] = await loadSeriesCsv(at(file), {
        ...seriesOptions(config.macro, config.macro.timestamps),
        name: symbol,
        checkValue: (value) => (value > 0 ? undefined : "a close must be > 0"),
      });
    }
  }
  const whale =
    config.whale.enabled && config.whale.file !== undefined
      ? await loadSeriesCsv(at(config.whale.file), {
          ...seriesOptions(config.whale, config.whale.timestamps),
          name: "BTC exchange inflow",
          checkValue: (value) => (value >= 0 ? undefined : "an inflow cannot be negative"),
        })
      : undefined;
  const sentiment =
    config.sentiment.enabled && config.sentiment.file !== undefined
      ? await loadSeriesCsv(at(config.sentiment.file), {
          ...seriesOptions(config.sentiment, config.sentiment.timestamps),
          name: "fear-and-greed",
          checkValue: (value) => (value >= 0 && value <= 100 ? undefined : "the index runs from 0 to 100"),
        })
      : undefined;
  return { macro, ...(whale ? { whale } : {}), ...(sentiment ? { sentiment } : {}) };
}

/**
 * Builds the enabled context layers from the parsed config and already loaded providers (`loadContextProviders`,
 * or live feeds). A layer whose file is not configured runs neutral and its reason says so; a file that is
 * configured but has no provider is a wiring mistake and throws.
 */
export function createContextLayers(
  config: ContextConfig,
  deps: { store: RiskStateStore; providers?: ContextProviders },
): ContextLayers {
  const providers = deps.providers ?? { macro: {} };
  let macro: MacroRiskLayer | undefined;
  let whale: WhaleInflowLayer | undefined;
  let sentiment: SentimentLayer | undefined;
  if (config.macro.enabled) {
    for (const symbol of Object.keys(config.macro.files)) {
      if (providers.macro[symbol] === undefined) throw notLoaded(`context.macro.files.${symbol}`);
    }
    macro = new MacroRiskLayer({
      providers: providers.macro,
      store: deps.store,
      drop: config.macro.dropPct / 100,
      windowMs: config.macro.windowMinutes * MINUTE,
      scale: config.macro.scale,
      note: "no index files configured in context.macro.files",
    });
  }
  if (config.whale.enabled) {
    if (config.whale.file !== undefined && providers.whale === undefined) throw notLoaded("context.whale.file");
    whale = new WhaleInflowLayer({
      ...(providers.whale ? { provider: providers.whale } : {}),
      threshold: config.whale.thresholdBtc,
      scale: config.whale.scale,
      stopFactor: config.whale.stopFactor,
      expiryMs: config.whale.expiryHours * 60 * MINUTE,
      note: "no inflow file configured in context.whale.file",
    });
  }
  if (config.sentiment.enabled) {
    if (config.sentiment.file !== undefined && providers.sentiment === undefined)
      throw notLoaded("context.sentiment.file");
    const { mode, shape, min, max } = config.sentiment;
    sentiment = new SentimentLayer({
      ...(providers.sentiment ? { provider: providers.sentiment } : {}),
      mapping: { mode, shape, min, max },
      mirrorForShorts: config.sentiment.mirrorForShorts,
      note: "no fear-and-greed file configured in context.sentiment.file",
    });
  }
  const layers = [macro, sentiment, whale].filter((layer): layer is NonNullable<typeof layer> => layer !== undefined);
  return { layers, macro, whale, sentiment };
}

/** Loads the configured files and builds the layers in one step. */
export async function loadContextLayers(
  config: ContextConfig,
  deps: { store: RiskStateStore; baseDir?: string },
): Promise<ContextLayers> {
  const providers = await loadContextProviders(config, deps.baseDir !== undefined ? { baseDir: deps.baseDir } : {});
  return createContextLayers(config, { store: deps.store, providers });
}

function notLoaded(key: string): Error {
  return new Error(`${key} is configured but its series was not loaded; use loadContextLayers or loadContextProviders`);
}
