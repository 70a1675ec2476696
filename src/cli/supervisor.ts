import { type ChildProcess, spawn } from "node:child_process";

export interface SuperviseOptions {
  /** The command to keep alive: [executable, ...args]. */
  readonly command: readonly string[];
  /** First wait before a restart (default 1 s); doubles after each quick crash, up to `maxBackoffMs`. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A child that ran at least this long resets the backoff (default 60 s). */
  readonly stableAfterMs?: number;
  /** Give up after this many restarts in a row without a stable run (default: never). */
  readonly maxRestarts?: number;
  readonly log?: (line: string) => void;
  /** Injected for tests. */
  readonly spawnChild?: (command: readonly string[]) => ChildProcess;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface SuperviseResult {
  readonly restarts: number;
  /** Exit code of the last child (0 after a graceful stop). */
  readonly exitCode: number;
}

/**
 * Keeps a trading bot running, as the seeds' VPS monitor script did: a child that crashes (non-zero exit, killed
 * by a signal) is started again after a backoff; one that exits 0 (a graceful stop) ends the supervisor. SIGINT
 * and SIGTERM are passed on to the child, and no restart follows them. Since startup and crash recovery are one
 * path, a restarted bot resumes from its last committed step.
 */
export async function supervise(options: SuperviseOptions): Promise<SuperviseResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const spawnChild =
    options.spawnChild ??
    ((command: readonly string[]) => spawn(command[0] as string, command.slice(1), { stdio: "inherit" }));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const initial = options.initialBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 60_000;
  const stableAfter = options.stableAfterMs ?? 60_000;
  let backoff = initial;
  let restarts = 0;
  let quickCrashes = 0;
  let stopping = false;
  let child: ChildProcess | undefined;
  const forward = (signal: NodeJS.Signals) => () => {
    stopping = true;
    log(`supervisor: ${signal}, passing it to the bot and not restarting`);
    child?.kill(signal);
  };
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  try {
    for (;;) {
      const started = now();
      child = spawnChild(options.command);
      const running = child;
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        running.once("exit", (c, s) => resolve({ code: c, signal: s }));
        running.once("error", (error) => {
          log(`supervisor: could not start ${options.command[0]}: ${error.message}`);
          resolve({ code: 127, signal: null });
        });
      });
      if (stopping || code === 0) return { restarts, exitCode: code ?? 0 };
      const ranFor = now() - started;
      if (ranFor >= stableAfter) {
        backoff = initial;
        quickCrashes = 0;
      }
      quickCrashes++;
      if (options.maxRestarts !== undefined && quickCrashes > options.maxRestarts) {
        log(`supervisor: the bot crashed ${quickCrashes} times in a row; giving up`);
        return { restarts, exitCode: code ?? 1 };
      }
      log(
        `supervisor: the bot ${signal ? `was killed by ${signal}` : `exited with code ${code}`} after ${(ranFor / 1000).toFixed(1)} s; restarting in ${(backoff / 1000).toFixed(1)} s`,
      );
      await sleep(backoff);
      if (stopping) return { restarts, exitCode: code ?? 1 };
      backoff = Math.min(maxBackoff, backoff * 2);
      restarts++;
    }
  } finally {
    process.off("SIGINT", onInt);
    process.off("SIGTERM", onTerm);
  }
}
