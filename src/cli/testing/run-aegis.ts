import { spawn } from "node:child_process";
import { aegisArgv } from "./aegis-command.js";

export interface AegisRun {
  readonly code: number | null;
  /** Killed at the bound: the process had not exited by itself. */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `aegis ARGS` in a fresh process in `cwd`; `onOutput` sees stdout as it grows. Past `boundMs` the process is
 * SIGKILLed and the run reports `timedOut`, so a bot that does not stop fails its test instead of hanging it.
 */
export function runAegis(
  args: readonly string[],
  options: { readonly cwd: string; readonly boundMs: number; readonly onOutput?: (stdout: string) => void },
): Promise<AegisRun> {
  return new Promise((done) => {
    const child = spawn(process.execPath, aegisArgv(args), { cwd: options.cwd });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const bound = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.boundMs);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onOutput?.(stdout);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => {
      clearTimeout(bound);
      done({ code, timedOut, stdout, stderr });
    });
  });
}
