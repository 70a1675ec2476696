import { z } from "zod";

/**
 * The `context:` section of the config: the live sources `aegis trade` polls on its market clock. What each poll
 * saw is stored with the instant it was seen (the store's context observations), so `aegis context show` and a later
 * backtest see exactly what the session knew. Macro stays on the index files of `risk.context.macro`.
 */
export const liveContextConfigSchema = z
  .object({
    /** Minutes of market time between polls. */
    pollMinutes: z.number().positive().max(1440).default(15),
    /** RSS or Atom feeds of headlines (scored by the lexicon model as they arrive). */
    rss: z.array(z.object({ name: z.string().min(1), url: z.url() }).strict()).default([]),
    /** alternative.me's fear-and-greed API (https://api.alternative.me/fng/), or a server speaking its format. */
    fearGreedUrl: z.url().optional(),
    /** Whale Alert's transactions API; the key is read from the environment variable `apiKeyEnv`. */
    whale: z
      .object({
        url: z.url().optional(),
        apiKeyEnv: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]*$/)
          .default("WHALE_ALERT_API_KEY"),
      })
      .strict()
      .optional(),
    /**
     * Index bars (SPY, QQQ) for the macro layer from Alpaca's Market Data API (`GET /v2/stocks/bars`), keys in
     * ALPACA_API_KEY / ALPACA_API_SECRET; ALPACA_BASE_URL points it at another origin (the local Alpaca).
     */
    macro: z
      .object({
        symbols: z
          .array(z.string().regex(/^[A-Z][A-Z.]{0,9}$/, "a ticker such as SPY"))
          .min(1)
          .default(["SPY", "QQQ"]),
        timeframe: z.enum(["1m", "5m", "15m", "30m", "1h", "4h", "1d"]).default("1h"),
      })
      .strict()
      .optional(),
  })
  .strict();

export type LiveContextConfig = z.infer<typeof liveContextConfigSchema>;
