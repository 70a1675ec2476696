import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataFiles } from "../../../cli/load-data-files.js";
import { runEvolution } from "../run-evolution.js";
import { RedisServer, skipRedisTests } from "../testing/redis-server.js";
import { syntheticHourlyBars } from "../testing/synthetic-markets.js";
import { QueueEvaluator } from "./queue-evaluator.js";
import { seriesFingerprint } from "./queue-protocol.js";

const root = resolve(import.meta.dirname, "../../../..");
const tsxLoader = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
const main = join(root, "src/cli/main.ts");

interface Child {
  readonly process: ChildProcess;
  output: string;
  /** Resolves with the first output line matching the pattern (already printed or to come). */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function start(args: string[], cwd: string): Child {
  const child = spawn(process.execPath, ["--import", tsxLoader, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  const handle: Child = {
    process: child,
    output: "",
    line: (pattern) =>
      new Promise((resolveLine) => {
        const found = handle.output.split("\n").find((l) => pattern.test(l));
        if (found !== undefined) resolveLine(found);
        else waiters.push({ pattern, resolve: resolveLine });
      }),
    exited: new Promise((resolveExit) => child.once("exit", (code) => resolveExit(code))),
  };
  const onData = (chunk: Buffer) => {
    handle.output += chunk.toString();
    for (const waiter of [...waiters]) {
      const found = handle.output.split("\n").find((l) => waiter.pattern.test(l));
      if (found !== undefined) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(found);
      }
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  return handle;
}

async function stop(child: Child, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill(signal);
  await child.exited;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject()));
    });
  });
}

const doneJobs = (children: readonly Child[]) =>
  children.flatMap((c) => [...c.output.matchAll(/^job (\S+) done$/gm)].map((m) => m[1] as string));

describe.skipIf(skipRedisTests())("evolution through a BullMQ queue and aegis worker processes", () => {
  const temp = mkdtempSync(join(tmpdir(), "aegis-queue-"));
  const file = join(temp, "bars.csv");
  const children: Child[] = [];
  let redis: RedisServer;

  beforeAll(async () => {
    const s = syntheticHourlyBars({ seed: 9, bars: 3000, edge: 0.001 });
    const rows = ["timestamp,open,high,low,close,volume"];
    for (let i = 0; i < s.length; i++)
      rows.push([s.time[i], s.open[i], s.high[i], s.low[i], s.close[i], s.volume[i]].join(","));
    writeFileSync(file, `${rows.join("\n")}\n`);
    redis = await RedisServer.start();
  }, 30_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => stop(c)));
    await redis?.stop();
    rmSync(temp, { recursive: true, force: true });
  }, 30_000);

  const worker = (queueName: string) => {
    const child = start([main, "worker", "--queue", redis.url, "--queue-name", queueName, "--lock-ms", "1000"], temp);
    children.push(child);
    return child;
  };

  it("aegis evolve --queue with 2 worker processes gives the run a local evolve gives for the same seed", async () => {
    const workers = [worker("same"), worker("same")];
    await Promise.all(workers.map((w) => w.line(/^worker ready/)));
    const args = ["evolve", "--data", file, "--generations", "3", "--population", "12", "--seed", "7"];
    const local = start([main, ...args, "--out", join(temp, "local")], temp);
    const queued = start(
      [main, ...args, "--out", join(temp, "queued"), "--queue", redis.url, "--queue-name", "same"],
      temp,
    );
    expect(await local.exited, local.output).toBe(0);
    expect(await queued.exited, queued.output).toBe(0);
    const report = (dir: string) => JSON.parse(readFileSync(join(temp, dir, "evolution.json"), "utf8"));
    const queuedRun = report("queued");
    expect(queuedRun).toEqual(report("local"));
    expect(queuedRun.finalists.length).toBeGreaterThan(0);
    // Every job answered once: 12 + the fresh specs of 2 more generations, in slices of 10.
    const jobs = doneJobs(workers);
    expect(new Set(jobs).size).toBe(jobs.length);
    expect(jobs.length).toBeGreaterThanOrEqual(4);
  }, 180_000);

  it("a worker killed mid-job loses nothing: another worker retries its job and the result is unchanged", async () => {
    const hanging = start(
      [join(root, "src/research/evolution/testing/hanging-queue-worker.ts"), redis.url, "kill", "1000"],
      temp,
    );
    children.push(hanging);
    await hanging.line(/^ready$/);
    const [series] = await loadDataFiles({ files: [file], symbols: [], policy: "reject" }, []);
    if (!series) throw new Error("no bars");
    const stalled: string[] = [];
    const queue = await QueueEvaluator.connect({
      url: redis.url,
      queueName: "kill",
      batch: 5,
      onStalled: (id) => stalled.push(id),
    });
    const options = { series, generations: 2, population: 12, seed: 11 };
    try {
      const distributed = runEvolution({
        ...options,
        evaluator: (data, plan) =>
          queue.evaluator({ file, bars: data.series.length, fingerprint: seriesFingerprint(data.series) }, plan),
      });
      const held = (await hanging.line(/^holding /)).slice("holding ".length);
      await stop(hanging, "SIGKILL");
      const rescuer = worker("kill");
      const run = await distributed;
      const local = await runEvolution(options);
      expect(JSON.parse(JSON.stringify(run))).toEqual(JSON.parse(JSON.stringify(local)));
      expect(stalled).toContain(held);
      const jobs = doneJobs([rescuer]);
      expect(jobs.filter((id) => id === held)).toHaveLength(1);
      expect(new Set(jobs).size).toBe(jobs.length);
    } finally {
      await queue.close();
    }
  }, 180_000);

  it("fails the generation with a message naming the URL when Redis goes away mid-run", async () => {
    const own = await RedisServer.start();
    const queue = await QueueEvaluator.connect({ url: own.url, queueName: "gone", giveUpMs: 500 });
    try {
      const [series] = await loadDataFiles({ files: [file], symbols: [], policy: "reject" }, []);
      if (!series) throw new Error("no bars");
      const waiting = runEvolution({
        series,
        generations: 1,
        population: 6,
        seed: 1,
        evaluator: (data, plan) =>
          queue.evaluator({ file, bars: data.series.length, fingerprint: seriesFingerprint(data.series) }, plan),
      });
      // No worker listens on this queue: the generation waits until the server is stopped under it.
      await own.stop();
      await expect(waiting).rejects.toThrow(`lost Redis at ${own.url} for more than 500 ms`);
    } finally {
      await queue.close();
      await own.stop();
    }
  }, 60_000);

  it("names the URL and exits 2 when Redis cannot be reached, for evolve and worker", async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const evolve = start([main, "evolve", "--data", file, "--generations", "1", "--queue", url], temp);
    const lonely = start([main, "worker", "--queue", url], temp);
    expect(await evolve.exited).toBe(2);
    expect(await lonely.exited).toBe(2);
    expect(evolve.output).toContain(`--queue ${url}: cannot reach Redis`);
    expect(lonely.output).toContain(`--queue ${url}: cannot reach Redis`);
    const bad = start([main, "worker", "--queue", "http://127.0.0.1:1"], temp);
    expect(await bad.exited).toBe(2);
    expect(bad.output).toContain("expected redis://HOST:PORT");
  }, 60_000);
});
