import { z } from "zod";
import { llmConfigSchema } from "../ai/llm/llm-config.js";
import { retrainConfigSchema } from "../ai/ml/retrain/retrain-settings.js";
import { learnersConfigSchema } from "../ai/runtime/learners-config.js";
import { liveContextConfigSchema } from "../data/context/live-context-config.js";
import { MAX_SLIPPAGE_BPS } from "../execution/slippage.js";
import { riskConfigSchema } from "../risk/config.js";
import { parseSize } from "../risk/sizing/size-rule.js";
import { apiConfigSchema } from "../server/api-config.js";
import { tradingSlotsSchema } from "./trading-slots.js";

/**
 * The whole configuration of Aegis. Every object is `.strict()`: an unknown key is an error that names it, so a
 * typo such as `max_drawdown` never silently falls back to a default.
 */
const exchangeSchema = z
  .object({
    apiKey: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** Points the exchange's REST endpoints at another host: a testnet, a proxy, or a local test server. */
    apiBaseUrl: z.url().optional(),
    sandbox: z.boolean().default(false),
  })
  .strict();

export const backtestDefaultsSchema = z
  .object({
    cash: z.number().positive().default(10_000),
    fee: z.number().min(0).max(0.1).default(0.001),
    slippageBps: z.number().min(0).max(MAX_SLIPPAGE_BPS).default(0),
    /**
     * Size of every run that gives no `--size`, written as `--size` is. Unset: the strategy's own sizing, else an
     * equal share of equity per symbol. A currency is checked against each market when the run starts.
     */
    size: z
      .string()
      .superRefine((text, context) => {
        try {
          parseSize(text);
        } catch (error) {
          context.addIssue({ code: "custom", message: (error as Error).message.replace(/^(invalid )?--size /, "") });
        }
      })
      .optional(),
    seed: z.number().int().default(42),
    /** Funding rates of perpetuals for `backtest`: one file (one symbol), or symbol → file; see `--funding`. */
    funding: z.union([z.string().min(1), z.record(z.string().min(1), z.string().min(1))]).optional(),
  })
  .strict();

/** Where the trading runtime persists everything; `aegis export` and `aegis risk` read the same place. */
export const storeConfigSchema = z
  .object({
    /**
     * `sqlite:PATH` (or a plain path) or `postgres://user@host:port/db`. Default `<dataDir>/aegis.sqlite`. Keep a
     * PostgreSQL password out of the URL: the driver reads PGPASSWORD from the environment.
     */
    url: z.string().min(1).optional(),
  })
  .strict();

/** Trading runtime settings. Live trading needs `live: true` here AND `--live` on the command line. */
export const tradingConfigSchema = z
  .object({
    live: z.boolean().default(false),
    /** Learning sources attached to every slot of `aegis trade` (issue 9). */
    learners: learnersConfigSchema,
    /** Symbols and their strategies, as `--symbols` and `--strategy SYMBOL=NAME` give them (trading-slots.ts). */
    slots: tradingSlotsSchema.optional(),
    /** Retrains every `ml:` strategy of `aegis trade` on schedule (every, window, holdout, tolerance, dir). */
    retrain: retrainConfigSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    dataDir: z.string().min(1).default(".aegis"),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    backtest: backtestDefaultsSchema.default(backtestDefaultsSchema.parse({})),
    risk: riskConfigSchema.prefault({}),
    store: storeConfigSchema.prefault({}),
    trading: tradingConfigSchema.prefault({}),
    /** The REST API and dashboard of `aegis trade` and `aegis serve` (host, port, token on reads). */
    api: apiConfigSchema.prefault({}),
    /** Language models per role (advisor, auditor …); empty = every role off. See the README, "Language models". */
    llm: llmConfigSchema.prefault({}),
    /** Live context sources `aegis trade` polls (RSS, fear-and-greed, Whale Alert); absent = none polled. */
    context: liveContextConfigSchema.optional(),
    exchanges: z
      .record(z.string().regex(/^[a-z0-9]+$/, "exchange ids are lower case, e.g. binance"), exchangeSchema)
      .default({}),
  })
  .strict();

export type AegisConfig = z.infer<typeof configSchema>;
export type ExchangeConfig = z.infer<typeof exchangeSchema>;
