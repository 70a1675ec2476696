import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../open-store.js";
import type { Store } from "../store.js";
import { PostgresCluster, postgresUnavailableReason } from "./postgres-cluster.js";

/**
 * One backend for `describe.each`: `setup` once per file (beforeAll: a temp dir, or a PostgreSQL cluster),
 * `open` a fresh empty store per test, `teardown` closes every store and removes every file.
 */
export interface StoreBackendFixture {
  readonly name: "sqlite" | "postgres";
  /** Set when the backend cannot run here; the suite is skipped with this message. */
  readonly skipReason: string | undefined;
  setup(): Promise<void>;
  /** A new, empty, migrated store. */
  open(): Promise<Store>;
  /** A URL or path for another fresh store, without opening it. */
  freshLocation(): Promise<string>;
  teardown(): Promise<void>;
  /** The running cluster (PostgreSQL only), for tests that stop and restart it. */
  readonly cluster: PostgresCluster | undefined;
}

class SqliteFixture implements StoreBackendFixture {
  readonly name = "sqlite" as const;
  readonly skipReason = undefined;
  readonly cluster = undefined;
  #dir = "";
  #count = 0;
  readonly #open: Store[] = [];

  async setup(): Promise<void> {
    this.#dir = mkdtempSync(join(tmpdir(), "aegis-store-"));
  }
  async freshLocation(): Promise<string> {
    return `sqlite:${join(this.#dir, `store-${++this.#count}.sqlite`)}`;
  }
  async open(): Promise<Store> {
    const store = await openStore(await this.freshLocation());
    this.#open.push(store);
    return store;
  }
  async teardown(): Promise<void> {
    for (const store of this.#open.splice(0)) await store.close().catch(() => {});
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

class PostgresFixture implements StoreBackendFixture {
  readonly name = "postgres" as const;
  readonly skipReason = postgresUnavailableReason();
  cluster: PostgresCluster | undefined;
  readonly #open: Store[] = [];

  async setup(): Promise<void> {
    this.cluster = await PostgresCluster.start();
  }
  async freshLocation(): Promise<string> {
    if (!this.cluster) throw new Error("the PostgreSQL fixture was not set up");
    return this.cluster.createDatabase();
  }
  async open(): Promise<Store> {
    const store = await openStore(await this.freshLocation(), { connectTimeoutMs: 2_000 });
    this.#open.push(store);
    return store;
  }
  async teardown(): Promise<void> {
    for (const store of this.#open.splice(0)) await store.close().catch(() => {});
    await this.cluster?.destroy();
    this.cluster = undefined;
  }
}

/** Both backends, for `describe.each(storeBackends())`; a fresh fixture per call, so per test file. */
export function storeBackends(): StoreBackendFixture[] {
  return [new SqliteFixture(), new PostgresFixture()];
}
