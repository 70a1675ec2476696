import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { REDACTED_PATHS } from "../cli/logger.js";
import { loadOrCreateToken, TOKEN_FILE, TokenFileError, tokenMatches } from "./auth.js";

describe("API token", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "aegis-auth-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is created on first start as 64 hex characters in an owner-only (0600) file, and read back on the next", () => {
    const dir = tempDir();
    const first = loadOrCreateToken(dir);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    const second = loadOrCreateToken(dir);
    expect(second).toEqual({ token: first.token, file: first.file, created: false });
    expect(loadOrCreateToken(tempDir()).token).not.toBe(first.token);
  });

  it("refuses a token file that group or others can read, saying how to fix it", () => {
    const dir = tempDir();
    const file = join(dir, TOKEN_FILE);
    writeFileSync(file, `${"a".repeat(64)}\n`);
    chmodSync(file, 0o644);
    expect(() => loadOrCreateToken(dir)).toThrow(TokenFileError);
    expect(() => loadOrCreateToken(dir)).toThrow(/other users \(mode 644\).*chmod 600/);
    chmodSync(file, 0o600);
    expect(loadOrCreateToken(dir).token).toBe("a".repeat(64));
  });

  it("compares by digest: right token matches, a wrong one, a prefix or a longer one does not", () => {
    const token = "f".repeat(64);
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches("f".repeat(63), token)).toBe(false);
    expect(tokenMatches(`${token}f`, token)).toBe(false);
    expect(tokenMatches("", token)).toBe(false);
  });

  it("never reaches the pino log: the Authorization header and a token field are redacted", () => {
    const dir = tempDir();
    const { token } = loadOrCreateToken(dir);
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, sink);
    log.info({ req: { headers: { authorization: `Bearer ${token}` } }, api: { token } }, "request");
    log.info({ headers: { authorization: `Bearer ${token}` } }, "request");
    const text = lines.join("");
    expect(lines.length).toBe(2);
    expect(text).not.toContain(token);
    expect(readFileSync(join(dir, TOKEN_FILE), "utf8").trim()).toBe(token);
  });
});
