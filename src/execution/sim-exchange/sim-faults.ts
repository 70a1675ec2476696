/**
 * Fault injection for the simulated exchange's REST API, switchable per test: each scripted fault hits the next
 * matching requests once. Error bodies and headers are Binance's own.
 */

export type SimFault =
  /** HTTP 429 (or 418) with Binance's -1003 body; `retryAfterSeconds` defaults to 1, `null` sends no header. */
  | { readonly kind: "rate-limit"; readonly status?: 429 | 418; readonly retryAfterSeconds?: number | null }
  /** A 5xx HTML page from the front end; the request is not processed. */
  | { readonly kind: "server-error"; readonly status?: 500 | 502 | 503 | 504 }
  /** The connection is destroyed before the request is processed. */
  | { readonly kind: "drop-connection" }
  /**
   * No answer until the client gives up (or the server closes). With `process: true` the request takes effect first
   * (an order is placed), so only the answer goes missing.
   */
  | { readonly kind: "timeout"; readonly process?: boolean }
  /** The request takes effect (an order is placed), then the connection is destroyed before the answer. */
  | { readonly kind: "lose-response" }
  /** HTTP 200 with a body that is not JSON; the request is not processed. */
  | { readonly kind: "malformed" }
  /** A Binance error body, e.g. `{ status: 400, code: -2010, msg: "Account has insufficient balance ..." }`. */
  | { readonly kind: "binance-error"; readonly status: number; readonly code: number; readonly msg: string };

/** Which requests a fault hits: the next `times` (default 1) requests to `path` and `method` after `skip`. */
export interface SimFaultMatch {
  /** Exact path, e.g. `/api/v3/order`; any path when absent. */
  readonly path?: string;
  /** HTTP method, e.g. `POST`; any method when absent. */
  readonly method?: string;
  readonly skip?: number;
  readonly times?: number;
}

interface ScriptedFault {
  readonly fault: SimFault;
  readonly match: SimFaultMatch;
  skip: number;
  times: number;
}

/** The queue of scripted faults, consulted once per request. */
export class SimFaultScript {
  private readonly faults: ScriptedFault[] = [];
  /** How many faults have been applied so far, by kind. */
  readonly applied: Record<SimFault["kind"], number> = {
    "rate-limit": 0,
    "server-error": 0,
    "drop-connection": 0,
    timeout: 0,
    "lose-response": 0,
    malformed: 0,
    "binance-error": 0,
  };

  add(fault: SimFault, match: SimFaultMatch = {}): void {
    this.faults.push({ fault, match, skip: match.skip ?? 0, times: match.times ?? 1 });
  }

  clear(): void {
    this.faults.length = 0;
  }

  get pending(): number {
    return this.faults.length;
  }

  /** The fault for this request, if one is scripted for it (consuming it). */
  take(method: string, path: string): SimFault | undefined {
    const index = this.faults.findIndex(
      (entry) =>
        (entry.match.path === undefined || entry.match.path === path) &&
        (entry.match.method === undefined || entry.match.method.toUpperCase() === method),
    );
    if (index < 0) return undefined;
    const entry = this.faults[index]!;
    if (entry.skip > 0) {
      entry.skip--;
      return undefined;
    }
    entry.times--;
    if (entry.times <= 0) this.faults.splice(index, 1);
    this.applied[entry.fault.kind]++;
    return entry.fault;
  }
}

export function rateLimitMessage(status: number): string {
  return status === 418
    ? "Way too many requests; IP banned until 1700000000000. Please use the websocket for live updates to avoid bans."
    : "Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.";
}
