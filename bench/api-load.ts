/**
 * The load generator of the API bench, in its own process so that it does not share the event loop of the server
 * it measures: `node api-load.ts '<json>'` prints one JSON line of results.
 * - { mode: "each", base, paths, seconds, connections }: autocannon as fast as the server answers, one path after
 *   the other (throughput and latency per endpoint);
 * - { mode: "mix", base, paths, seconds, connections, rate }: all paths in turn at a fixed total rate (requests/s);
 * - `amount` (mode "each"): that many requests per path instead of `seconds` of them;
 * - { mode: "blocks", base, paths, seconds, connections, rate, blocks }: `blocks` times, "mix" for `seconds` then
 *   idle for `seconds`, printing {"phase":"on"} / {"phase":"off"} as each starts, so that the bench tags every
 *   trading step with the phase it ran in; the last line holds the results of the loaded blocks.
 */
import autocannon from "autocannon";

interface Input {
  readonly mode: "each" | "mix" | "blocks";
  readonly base: string;
  readonly paths: readonly string[];
  readonly seconds: number;
  readonly connections: number;
  readonly rate?: number;
  /** Stop after this many requests instead of after `seconds` (the CPU-per-request bench). */
  readonly amount?: number;
  /** Mode "blocks": how many loaded blocks, each followed by an idle one of the same length. */
  readonly blocks?: number;
}

interface Result {
  path: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

const summary = (path: string, r: autocannon.Result): Result => ({
  path,
  requestsPerSecond: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.errors + r.timeouts,
  non2xx: r.non2xx,
  total: r.requests.total,
});

const input = JSON.parse(process.argv[2] ?? "{}") as Input;
const results: Result[] = [];
if (input.mode === "each") {
  for (const path of input.paths) {
    const r = await autocannon({
      url: `${input.base}${path}`,
      connections: input.connections,
      ...(input.amount ? { amount: input.amount } : { duration: input.seconds }),
    });
    results.push(summary(path, r));
  }
} else if (input.mode === "blocks") {
  for (let b = 0; b < (input.blocks ?? 1); b++) {
    process.stdout.write(`${JSON.stringify({ phase: "on" })}\n`);
    results.push(summary(`block ${b}`, await mix()));
    process.stdout.write(`${JSON.stringify({ phase: "off" })}\n`);
    await new Promise((resolve) => setTimeout(resolve, input.seconds * 1000));
  }
} else {
  results.push(summary(input.paths.join(" + "), await mix()));
}
process.stdout.write(`${JSON.stringify(results)}\n`);

/** All paths in turn at the fixed total rate for `seconds`. */
function mix() {
  return autocannon({
    url: input.base,
    connections: input.connections,
    duration: input.seconds,
    ...(input.rate ? { overallRate: input.rate } : {}),
    requests: input.paths.map((path) => ({ method: "GET" as const, path })),
  });
}
