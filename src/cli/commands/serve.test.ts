import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openStore } from "../../store/open-store.js";
import { UsageError } from "../usage-error.js";
import { serveCommand } from "./serve.js";

describe("aegis serve", () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const setup = async () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-serve-"));
    dirs.push(dir);
    const config = join(dir, "aegis.yaml");
    writeFileSync(config, `dataDir: ${join(dir, "data")}\n`);
    const storePath = join(dir, "run.sqlite");
    const store = await openStore(storePath);
    await store.config.record("backtest.cash", 5000, "alice", "smaller account", 1);
    await store.close();
    return { dir, config, storePath };
  };

  it("serves a store read-only on 127.0.0.1: reads answer, controls say there is no live session", async () => {
    const { dir, config, storePath } = await setup();
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((text: string) => void printed.push(text));
    const abort = new AbortController();
    const running = serveCommand({ store: storePath, port: "0" }, { config }, abort.signal);
    await vi.waitFor(() => expect(printed.join("\n")).toMatch(/http:\/\/127\.0\.0\.1:\d+/), { timeout: 10_000 });
    const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(printed.join("\n"))?.[1] as string;
    expect(printed.join("\n")).toMatch(/read-only/);
    const tokenFile = join(dir, "data", "api-token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(printed.join("\n")).not.toContain(token);
    try {
      expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ ok: true, live: false });
      const ready = (await (await fetch(`${url}/api/ready`)).json()) as { components: unknown[] };
      expect(ready.components).toEqual([expect.objectContaining({ kind: "store", ok: true })]);
      const cfg = (await (await fetch(`${url}/api/config`)).json()) as { config: { backtest: { cash: number } } };
      expect(cfg.config.backtest.cash).toBe(5000);
      const pause = await fetch(`${url}/api/control/pause`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ by: "alice" }),
      });
      expect(pause.status).toBe(409);
      expect(((await pause.json()) as { error: string }).error).toMatch(/no live session/);
    } finally {
      abort.abort();
      await running;
    }
  });

  it("refuses a missing store, an unknown session and a bad port in plain words", async () => {
    const { dir, config, storePath } = await setup();
    await expect(serveCommand({ store: join(dir, "none.sqlite") }, { config })).rejects.toThrow(UsageError);
    await expect(serveCommand({ store: storePath, session: "nope" }, { config })).rejects.toThrow(
      /no session named nope/,
    );
    await expect(serveCommand({ store: storePath, port: "http" }, { config })).rejects.toThrow(
      /--port must be a port number/,
    );
  });
});
