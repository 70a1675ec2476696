import { existsSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import pino, { type Logger } from "pino";

/** Paths of values that must never reach a log line, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  "apiKey",
  "secret",
  "password",
  "token",
  "*.apiKey",
  "*.secret",
  "*.password",
  "*.token",
  "*.*.apiKey",
  "*.*.secret",
  "*.*.password",
  "*.*.token",
  "headers.authorization",
  "*.headers.authorization",
];

export interface FileLoggerOptions {
  readonly dir: string;
  /** File name inside `dir` (default aegis.log). */
  readonly name?: string;
  readonly level?: string;
  /** Rotate when the file is larger than this at start (default 20 MB)… */
  readonly maxBytes?: number;
  /** …keeping this many old files: aegis.log.1 (newest) … aegis.log.N (default 5). */
  readonly keep?: number;
}

/**
 * Structured JSON logs (pino) in a file, rotated by size when the bot starts (a long-running bot is restarted
 * often enough by deployments and the supervisor; no log-rotation daemon needed). Keys, secrets, passwords and
 * tokens are redacted wherever they appear in a logged object.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, options.name ?? "aegis.log");
  rotate(file, options.maxBytes ?? 20 * 2 ** 20, options.keep ?? 5);
  return pino(
    {
      level: options.level ?? "info",
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      base: { pid: process.pid },
    },
    pino.destination({ dest: file, sync: true, mkdir: true }),
  );
}

function rotate(file: string, maxBytes: number, keep: number): void {
  if (!existsSync(file) || statSync(file).size <= maxBytes) return;
  rmSync(`${file}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  renameSync(file, `${file}.1`);
}
