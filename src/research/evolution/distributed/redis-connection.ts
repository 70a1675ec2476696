import { Redis } from "ioredis";

/** Redis cannot be reached at the URL given (bad input: the CLI exits 2 and names the URL). */
export class RedisUnreachableError extends Error {
  override name = "UsageError";
}

/** A URL ioredis accepts, checked before anything connects: redis:// or rediss:// with a host. */
export function checkRedisUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RedisUnreachableError(`--queue ${url}: not a URL (expected redis://HOST:PORT)`);
  }
  if (!["redis:", "rediss:"].includes(parsed.protocol) || parsed.hostname === "")
    throw new RedisUnreachableError(`--queue ${url}: expected redis://HOST:PORT`);
}

/**
 * A BullMQ connection that gives up on a Redis that stays away: it retries for `giveUpMs`, then ends, so a run
 * fails with a message instead of waiting forever. BullMQ needs maxRetriesPerRequest null on its connections.
 */
export function queueConnection(url: string, giveUpMs: number, onGiveUp: (reason: string) => void): Redis {
  let downSince: number | undefined;
  let lastError = "";
  const connection = new Redis(url, {
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: () => {
      downSince ??= Date.now();
      if (Date.now() - downSince > giveUpMs) {
        onGiveUp(`lost Redis at ${url} for more than ${giveUpMs} ms (${lastError || "connection closed"})`);
        return null;
      }
      return 200;
    },
  });
  connection.on("error", (error: Error) => {
    lastError = error.message;
  });
  connection.on("ready", () => {
    downSince = undefined;
  });
  return connection;
}

/** Connects once, without retrying, to tell an unreachable Redis apart before a run starts. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  checkRedisUrl(url);
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  probe.on("error", () => {
    // reported by connect() below
  });
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new RedisUnreachableError(`--queue ${url}: cannot reach Redis (${(error as Error).message})`);
  } finally {
    probe.disconnect();
  }
}
