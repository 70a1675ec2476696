import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's redis-server; AEGIS_REDIS_SERVER overrides it. */
export const REDIS_SERVER = process.env.AEGIS_REDIS_SERVER ?? "/usr/bin/redis-server";

/** Why Redis tests cannot run here, or undefined when they can. */
export function redisUnavailableReason(): string | undefined {
  return existsSync(REDIS_SERVER)
    ? undefined
    : `redis-server not found at ${REDIS_SERVER} (install Debian's redis-server or set AEGIS_REDIS_SERVER)`;
}

/**
 * Whether a Redis test skips: only off CI. In CI (CI=true) a missing redis-server must fail the test, so the
 * suite runs and RedisServer.start throws with the reason.
 */
export function skipRedisTests(): boolean {
  const reason = redisUnavailableReason();
  if (reason === undefined || process.env.CI === "true") return false;
  process.stderr.write(`skipping Redis tests: ${reason}\n`);
  return true;
}

/**
 * A throw-away redis-server for tests and benches: its own data dir in a temp folder, 127.0.0.1 on a free port,
 * no persistence; `stop` ends it and removes the dir.
 */
export class RedisServer {
  readonly dir: string;
  readonly port: number;
  readonly #process: ChildProcess;

  private constructor(dir: string, port: number, child: ChildProcess) {
    this.dir = dir;
    this.port = port;
    this.#process = child;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const reason = redisUnavailableReason();
    if (reason !== undefined) throw new Error(reason);
    const dir = mkdtempSync(join(tmpdir(), "aegis-redis-"));
    const port = await freePort();
    const child = spawn(
      REDIS_SERVER,
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        let output = "";
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("Ready to accept connections")) {
            child.stdout?.off("data", onData);
            resolve();
          }
        };
        child.stdout?.on("data", onData);
        child.once("error", (error) => reject(new Error(`redis-server did not start: ${error.message}`)));
        child.once("exit", (code) => reject(new Error(`redis-server exited with code ${code}: ${output.trim()}`)));
      });
    } catch (error) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    child.stdout?.resume();
    child.stderr?.resume();
    return new RedisServer(dir, port, child);
  }

  /** Ends the server (a shutdown without saving) and removes its dir. */
  async stop(): Promise<void> {
    const child = this.#process;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
