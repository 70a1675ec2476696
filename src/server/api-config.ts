import { z } from "zod";

/** The port `aegis trade` serves the API and dashboard on unless `--api-port` says otherwise (0 = a free port). */
export const DEFAULT_API_PORT = 8420;

/** `api:` in aegis.yaml. */
export const apiConfigSchema = z
  .object({
    /** 127.0.0.1 by default: the API can stop the bot. Another address exposes it to the network (token still needed). */
    host: z.string().min(1).default("127.0.0.1"),
    port: z.number().int().min(0).max(65_535).default(DEFAULT_API_PORT),
    /** Ask for the token on read routes too (positions, trades, configuration), not only on controls. */
    protectReads: z.boolean().default(false),
    /**
     * `aegis trade` serves the API from its own worker thread (HTTP, routes, WebSocket), so a request never delays
     * a bar; false = on the trading thread, as `aegis serve` does.
     */
    thread: z.boolean().default(true),
    /**
     * With `thread`: the API in a child process whose threads all run 10 nice steps lower ("process", so neither its
     * requests nor its garbage collector take a core from the trading thread, and a crash of the API cannot take the
     * bot with it), or in a worker thread of the bot's process ("thread": lighter on memory).
     */
    isolation: z.enum(["process", "thread"]).default("process"),
    /** The API worker's watchdog: the trading thread posts a heartbeat every this many ms… */
    heartbeatMs: z.number().int().min(50).max(60_000).default(1000),
    /** …and terminates and restarts a worker that left this many in a row unanswered (hung, not dead). */
    heartbeatMissed: z.number().int().min(1).max(100).default(3),
    /** Largest request body, in bytes (larger → 413). */
    bodyLimit: z
      .number()
      .int()
      .min(1024)
      .max(16 * 2 ** 20)
      .default(64 * 1024),
  })
  .strict();

export type ApiConfig = z.infer<typeof apiConfigSchema>;
