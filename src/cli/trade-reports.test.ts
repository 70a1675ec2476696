import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportFolders } from "./serve-api.js";
import { startApiSession } from "./testing/api-session.js";
import { UsageError } from "./usage-error.js";

describe("aegis trade --reports: the report viewer's folders", () => {
  const dir = mkdtempSync(join(tmpdir(), "aegis-trade-reports-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a folder that does not exist, naming it", () => {
    expect(() => reportFolders([join(dir, "missing")])).toThrow(UsageError);
    expect(() => reportFolders([join(dir, "missing")])).toThrow(/--reports .*missing is not a folder/);
  });

  it("serves the runs of the given folders beside the trading session", async () => {
    mkdirSync(join(dir, "btc-sma"), { recursive: true });
    writeFileSync(join(dir, "btc-sma", "summary.json"), JSON.stringify({ metrics: { totalReturn: 0.1 } }));
    writeFileSync(join(dir, "btc-sma", "report.html"), "<!doctype html><h1>r</h1>");
    const t = await startApiSession({ reportDirs: reportFolders([dir]) });
    try {
      const runs = (await t.api.server.app.inject({ url: "/api/reports" })).json().runs as { name: string }[];
      expect(runs.map((r) => r.name)).toEqual(["btc-sma"]);
    } finally {
      await t.close();
    }
  }, 60_000);
});
