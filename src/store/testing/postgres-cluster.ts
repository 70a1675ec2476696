import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** Where Debian puts the server binaries (the newest installed version); AEGIS_PG_BIN overrides it. */
export const POSTGRES_BIN = process.env.AEGIS_PG_BIN ?? debianPostgresBin();

function debianPostgresBin(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0] ?? "15";
  return join(root, newest, "bin");
}

/** Why PostgreSQL tests cannot run here, or undefined when they can. */
export function postgresUnavailableReason(): string | undefined {
  for (const tool of ["initdb", "pg_ctl", "postgres"]) {
    if (!existsSync(join(POSTGRES_BIN, tool))) {
      return `PostgreSQL server binaries not found in ${POSTGRES_BIN} (install Debian's postgresql or set AEGIS_PG_BIN)`;
    }
  }
  return undefined;
}

export interface PostgresClusterOptions {
  /** fsync off makes tests faster; a stop with `-m immediate` still loses nothing committed (the OS has it). */
  readonly fsync?: boolean;
}

/**
 * A throw-away PostgreSQL cluster for tests and benches: initdb in a temp dir, listening on 127.0.0.1 on a free
 * port with its unix socket in the same dir. As root the server runs as the `postgres` user (it refuses root).
 */
export class PostgresCluster {
  readonly dir: string;
  readonly port: number;
  readonly #asPostgres: boolean;
  #databases = 0;

  private constructor(dir: string, port: number, asPostgres: boolean) {
    this.dir = dir;
    this.port = port;
    this.#asPostgres = asPostgres;
  }

  static async start(options: PostgresClusterOptions = {}): Promise<PostgresCluster> {
    const reason = postgresUnavailableReason();
    if (reason !== undefined) throw new Error(reason);
    const asPostgres = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), "aegis-pg-"));
    const cluster = new PostgresCluster(dir, await freePort(), asPostgres);
    try {
      if (asPostgres) {
        const { stdout } = await run("id", ["-u", "postgres"]);
        const { stdout: gid } = await run("id", ["-g", "postgres"]);
        chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
      }
      await cluster.#tool("initdb", ["-D", cluster.#data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
      cluster.#serverOptions = `-p ${cluster.port} -k ${dir} -h 127.0.0.1 -c fsync=${options.fsync ? "on" : "off"}`;
      await cluster.start();
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return cluster;
  }

  #serverOptions = "";

  get #data(): string {
    return join(this.dir, "data");
  }

  /** Connection URL of a database in this cluster. */
  url(database = "postgres"): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Creates an empty database and resolves to its URL. */
  async createDatabase(name = `aegis_${++this.#databases}`): Promise<string> {
    const client = new pg.Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  async start(): Promise<void> {
    await this.#tool("pg_ctl", [
      "-D",
      this.#data,
      "-l",
      join(this.dir, "server.log"),
      "-w",
      "-o",
      this.#serverOptions,
      "start",
    ]);
  }

  /** `immediate` is a crash (no checkpoint, connections cut); `fast` a clean shutdown. */
  async stop(mode: "fast" | "immediate" = "fast"): Promise<void> {
    await this.#tool("pg_ctl", ["-D", this.#data, "-m", mode, "-w", "stop"]);
  }

  /** Stops the server (if running) and removes every file of the cluster. */
  async destroy(): Promise<void> {
    try {
      await this.stop("immediate");
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #tool(tool: string, args: string[]): Promise<void> {
    const path = join(POSTGRES_BIN, tool);
    try {
      if (this.#asPostgres) await run("runuser", ["-u", "postgres", "--", path, ...args], { cwd: this.dir });
      else await run(path, args, { cwd: this.dir });
    } catch (error) {
      const failed = error as { stderr?: string; message: string };
      throw new Error(`${tool} failed: ${failed.stderr?.trim() || failed.message}`, { cause: error });
    }
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
