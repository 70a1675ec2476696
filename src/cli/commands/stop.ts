import { loadConfig } from "../../config/load-config.js";
import type { EmergencyStopRequest } from "../../engine/trading/trading-session.js";
import { openStore } from "../../store/open-store.js";
import type { StoreSession } from "../../store/store.js";
import { UsageError } from "../usage-error.js";
import { riskStoreUrl } from "./risk.js";
import { stopRequestKey } from "./trade.js";

/**
 * `aegis stop --by NAME [--flatten]`: asks a running trading session to stop now. The request goes through the
 * store, so it works from another shell or machine; the session carries it out after its current step: it halts
 * (orders that would open risk are cancelled and refused from then on), closes every position with --flatten,
 * records who asked and why, then exits.
 */
export async function stopCommand(
  options: { by?: string; reason?: string; flatten?: boolean; session?: string; store?: string },
  globals: { config?: string },
): Promise<void> {
  const by = options.by?.trim();
  if (!by)
    throw new UsageError(
      "aegis stop needs --by NAME: an emergency stop is a person's decision, and the record says whose",
    );
  const { config } = loadConfig({ file: globals.config });
  const url = options.store ?? riskStoreUrl(config);
  // A store that does not exist holds no session to stop: bad input (exit 2), named as such.
  const store = await openStore(url, { mustExist: true }).catch((error: unknown) => {
    const what = options.session ? `no session named ${options.session}` : "no trading session";
    throw new UsageError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    let query = store.db.selectFrom("tradingSessions").select(["session"]).orderBy("updatedAt", "desc");
    if (options.session) query = query.where("session", "=", options.session);
    const sessions = (await query.execute()).map((r) => r.session);
    if (sessions.length === 0)
      throw new UsageError(
        options.session
          ? `no session named ${options.session} in ${store.location}`
          : `no trading session in ${store.location}`,
      );
    const request: EmergencyStopRequest = {
      by,
      reason: options.reason ?? "emergency stop",
      flatten: options.flatten === true,
    };
    await recordStopRequest(store, sessions, request, Date.now());
    process.stdout.write(
      `stop requested by ${by} for ${sessions.join(", ")}${request.flatten ? " (closing every position)" : ""}: a running bot acts after its current step\n`,
    );
  } finally {
    await store.close();
  }
}

/**
 * Leaves a stop request where a running session looks after each step (a latch per session) and records it in the
 * store's events. `aegis stop` and the API's stop both go through here.
 */
export async function recordStopRequest(
  store: StoreSession,
  sessions: readonly string[],
  request: EmergencyStopRequest,
  time: number,
): Promise<void> {
  for (const session of sessions) await store.latches.set(stopRequestKey(session), JSON.stringify(request), time);
  await store.events.append({ time, kind: "stop.requested", source: "operator", detail: { ...request, sessions } });
}
