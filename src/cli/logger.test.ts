import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VenueCredentials } from "../execution/venue/venue-credentials.js";
import { createFileLogger } from "./logger.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("file logger", () => {
  it("writes JSON lines and never a key, a secret or a password, wherever they sit in the object", () => {
    const logger = createFileLogger({ dir, name: "secrets.log" });
    const fakeKey = "AKIAFAKEKEY1234567890";
    const fakeSecret = "s3cr3t-DO-NOT-LOG-abcdef";
    logger.info({ exchange: { id: "binance", apiKey: fakeKey, secret: fakeSecret } }, "connected");
    logger.info({ apiKey: fakeKey, config: { store: { password: fakeSecret } } }, "config");
    logger.info({ credentials: new VenueCredentials(fakeKey, fakeSecret, "test") }, "credentials object");
    logger.flush();
    const text = readFileSync(join(dir, "secrets.log"), "utf8");
    expect(text).not.toContain(fakeSecret);
    expect(text).not.toContain(fakeKey.slice(4));
    const lines = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l["msg"])).toEqual(["connected", "config", "credentials object"]);
    expect((lines[0]?.["exchange"] as Record<string, unknown> | undefined)?.["apiKey"]).toBe("[redacted]");
  });

  it("rotates a file over the size limit at start, keeping the given number of old files", () => {
    const file = join(dir, "big.log");
    for (let i = 0; i < 3; i++) {
      writeFileSync(file, "x".repeat(2000));
      createFileLogger({ dir, name: "big.log", maxBytes: 1000, keep: 2 }).flush();
    }
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
  });
});
