import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rssDocument, ScriptedHttpServer } from "../../data/context/testing.js";
import { aegisArgv } from "../testing/aegis-command.js";

const cwd = mkdtempSync(join(tmpdir(), "aegis-context-cli-"));
const store = `sqlite:${join(cwd, "aegis.sqlite")}`;

/** Runs the CLI without blocking this process, which serves the feeds it polls. */
function aegis(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      aegisArgv(args),
      { cwd, encoding: "utf8", env: { ...process.env, WHALE_ALERT_API_KEY: "" } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("aegis context poll|show", () => {
  const server = new ScriptedHttpServer();
  beforeAll(async () => {
    await server.start();
    server.routes.set("/rss", {
      contentType: "application/rss+xml",
      body: rssDocument([{ title: "SEC sues exchange, fraud charges", guid: "1" }]),
    });
    server.routes.set("/fng/", {
      body: JSON.stringify({
        data: [{ value: "27", value_classification: "Fear", timestamp: String(Date.UTC(2024, 2, 1) / 1000) }],
        metadata: { error: null },
      }),
    });
    server.routes.set("/down", { status: 500, contentType: "text/plain", body: "down" });
  });
  afterAll(async () => {
    await server.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("polls the sources into the store and shows what was known at an instant", async () => {
    const poll = await aegis(
      "context",
      "poll",
      "--store",
      store,
      "--rss",
      `wire=${server.url("/rss")}`,
      "--fear-greed",
      server.url("/fng/"),
    );
    expect(poll.stderr).toBe("");
    expect(poll.stdout).toBe("news         1 new\nsentiment    1 new\nfear-greed   1 new\n");
    expect(poll.code).toBe(0);

    const now = await aegis("context", "show", "--store", store);
    expect(now.code).toBe(0);
    expect(now.stdout).toMatch(/^news {9}1 headline\(s\), newest seen /m);
    expect(now.stdout).toContain("   - SEC sues exchange, fraud charges (wire)");
    expect(now.stdout).toMatch(
      /^sentiment {4}-0\.7096 mean compound of 1 headline\(s\) \(0 positive, 1 negative; vader\)/m,
    );
    expect(now.stdout).toMatch(/^whale {8}none: no whale poll seen yet$/m);

    const before = await aegis("context", "show", "--store", store, "--at", "2024-03-01T12:00", "--json");
    const snapshot = JSON.parse(before.stdout) as Record<string, unknown>;
    expect(snapshot.at).toBe(Date.UTC(2024, 2, 1, 12));
    expect(snapshot.news).toEqual({ missing: expect.stringMatching(/^first headline seen /) });
    expect(snapshot.fearGreed).toEqual({ missing: "no fear-and-greed value seen yet" });
  });

  it("exits 1 naming a source that failed", async () => {
    const poll = await aegis("context", "poll", "--store", store, "--rss", `bad=${server.url("/down")}`);
    expect(poll.code).toBe(1);
    expect(poll.stdout).toContain(`news         0 new; bad: ${server.url("/down")} answered HTTP 500: down`);
  });

  it("bad input is a plain message and exit code 2", async () => {
    const at = await aegis("context", "show", "--store", store, "--at", "yesterday-ish");
    expect(at.code).toBe(2);
    expect(at.stderr).toContain('--at "yesterday-ish" is not a date');
    const missing = await aegis("context", "show", "--store", `sqlite:${join(cwd, "none.sqlite")}`);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot open the store");
    const nothing = await aegis("context", "poll", "--store", store);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("nothing to poll: give --rss, --fear-greed or --whale-url");
  });
});
