import { readdirSync, readlinkSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * Lowers the CPU priority of the calling thread only, by `by` nice steps (Linux: a thread's nice value is its own, and setpriority takes
 * a thread id where it takes a pid). The API worker calls it so that when the API, the trading thread and whatever
 * else share the cores, the scheduler hands a core to the trading thread first: a bar waits less, a page a little
 * more. Returns the thread id, or undefined where threads have no nice value of their own (not Linux) or the change
 * is refused; the API then runs at the process's priority, as before.
 */
export function lowerThreadPriority(by: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // "/proc/thread-self" → "<pid>/task/<tid>": the kernel's id of this thread, which Node does not expose.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    return lower(tid, by) ? tid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Lowers every thread of this process by `by` nice steps: the main thread first, so that the threads it starts
 * later (libuv's pool) inherit the lower priority, then those Node started before any JavaScript ran (V8's GC and
 * compiler helpers), which setpriority on the pid alone would leave at the old one. Returns the pid, or undefined
 * where that cannot be done (not Linux, refused).
 */
export function lowerProcessPriority(by: number): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    if (!lower(process.pid, by)) return undefined;
    for (const task of readdirSync("/proc/self/task")) {
      const tid = Number(task);
      if (tid !== process.pid) lower(tid, by);
    }
    return process.pid;
  } catch {
    return undefined;
  }
}

/** Relative to what the thread inherited: a bot started under `nice` keeps the API below it, and never asks for a
 * raise (which needs privileges). */
function lower(tid: number, by: number): boolean {
  try {
    setPriority(tid, Math.min(19, getPriority(tid) + by));
    return true;
  } catch {
    return false;
  }
}
