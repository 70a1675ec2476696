import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.js";
import { type ApiServer, createApiServer } from "../server.js";
import { reportRoutes, resolveReportFile } from "./read-reports.js";

describe("report viewer", () => {
  let dir: string;
  let server: ApiServer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "aegis-reports-"));
    const root = join(dir, "results");
    const outside = join(dir, "outside");
    mkdirSync(join(root, "btc-sma"), { recursive: true });
    mkdirSync(join(root, "wf"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, "secret.json"), '{"secret":true}');
    writeFileSync(join(root, "btc-sma", "summary.json"), '{"metrics":{"totalReturnPct":12.5}}');
    writeFileSync(join(root, "btc-sma", "report.html"), "<html><body>report</body></html>");
    writeFileSync(join(root, "btc-sma", "trades.csv"), "id\n1\n");
    writeFileSync(join(root, "wf", "walkforward.json"), '{"windows":[]}');
    symlinkSync(join(outside, "secret.json"), join(root, "btc-sma", "link.json"));
    symlinkSync(outside, join(root, "escape"));
    const ctx: ApiContext = { store: undefined, session: undefined, reportDirs: [root], dataDir: dir, now: () => 0 };
    server = createApiServer(ctx, [reportRoutes]);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists backtest and walk-forward runs with their summaries and files", async () => {
    const runs = (await server.app.inject({ url: "/api/reports" })).json().runs;
    const byName = Object.fromEntries(runs.map((r: { name: string }) => [r.name, r]));
    expect(byName["btc-sma"]).toMatchObject({
      id: "0/btc-sma",
      kind: "backtest",
      files: ["report.html", "summary.json", "trades.csv"],
      summary: { metrics: { totalReturnPct: 12.5 } },
    });
    expect(byName.wf.kind).toBe("walk-forward");
    expect(byName.escape).toBeUndefined();
  });

  it("serves a run's report sandboxed, with its content type", async () => {
    const res = await server.app.inject({ url: "/api/reports/0/btc-sma/report.html" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/html");
    expect(res.headers["content-security-policy"]).toContain("sandbox");
    expect(res.body).toContain("report");
  });

  it.each([
    ["dot-dot as the run", "/api/reports/0/../outside%2Fsecret.json"],
    ["encoded dot-dot", "/api/reports/0/%2e%2e/outside%2Fsecret.json"],
    ["encoded dot-dot with encoded slashes in the file", "/api/reports/0/btc-sma/..%2F..%2Foutside%2Fsecret.json"],
    ["an absolute path", `/api/reports/0/btc-sma/${encodeURIComponent(join(tmpdir(), "x.json"))}`],
    ["an absolute run", `/api/reports/0/${encodeURIComponent("/etc")}/passwd.txt`],
    ["a symlinked file that points outside", "/api/reports/0/btc-sma/link.json"],
    ["a symlinked folder that points outside", "/api/reports/0/escape/secret.json"],
    ["a root that does not exist", "/api/reports/7/btc-sma/report.html"],
    ["a file type a run does not write", "/api/reports/0/btc-sma/..%2F..%2F..%2F..%2Fetc%2Fpasswd"],
    ["a NUL byte", "/api/reports/0/btc-sma/report.html%00.json"],
  ])("answers 404 for %s", async (_name, url) => {
    const res = await server.app.inject({ url });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain("secret");
  });

  it("decides on real paths itself, not by the router's reading of the URL", () => {
    const roots = [join(dir, "results")];
    expect(resolveReportFile(roots, 0, "btc-sma", "report.html")).toBe(join(dir, "results", "btc-sma", "report.html"));
    expect(resolveReportFile(roots, 0, "..", "outside/secret.json")).toBeUndefined();
    expect(resolveReportFile(roots, 0, "btc-sma", "../../outside/secret.json")).toBeUndefined();
    expect(resolveReportFile(roots, 0, "escape", "secret.json")).toBeUndefined();
    expect(resolveReportFile(roots, 0, "btc-sma", "link.json")).toBeUndefined();
    expect(resolveReportFile(roots, 0, "btc-sma", join(dir, "outside", "secret.json"))).toBeUndefined();
  });
});
