import { closeSync, mkdirSync, openSync, statSync, unlinkSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UsageError } from "./usage-error.js";

/**
 * Output paths are checked before a run starts, so that a long backtest never ends on a raw EEXIST/ENOTDIR.
 * Directories are created one level at a time: Node's recursive mkdir loops forever on a path under /proc (each
 * mkdir says ENOENT, so it keeps trying the parent), and a level-by-level walk turns that into a plain message.
 */

/** Makes sure `path` is a directory the run can write into (creating it and its missing parents); else UsageError. */
export function prepareOutputDir(option: string, path: string): void {
  const absolute = resolve(path);
  const kind = kindOf(absolute);
  if (kind === "file" || kind === "other") throw new UsageError(`${option} ${path}: exists and is not a directory`);
  if (kind === "missing") createLevels(option, path, absolute);
  probeWritable(option, path, resolve(absolute, `.aegis-write-check-${process.pid}`));
}

/**
 * Makes sure the file `path` can be written: its folder exists (a typo in a folder name should not silently create
 * a new tree, as a shell redirection would not) and the path is not a folder. An existing file is overwritten.
 */
export function prepareOutputFile(option: string, path: string): void {
  const absolute = resolve(path);
  const kind = kindOf(absolute);
  if (kind === "directory") throw new UsageError(`${option} ${path}: is a directory; give a file name`);
  const folder = dirname(absolute);
  const folderKind = kindOf(folder);
  if (folderKind === "other") throw new UsageError(`${option} ${path}: ${folder} is not a directory`);
  if (folderKind === "missing") throw new UsageError(`${option} ${path}: the folder ${folder} does not exist`);
  if (kind === "file") {
    try {
      closeSync(openSync(absolute, "a"));
    } catch (error) {
      throw new UsageError(`${option} ${path}: cannot be written (${reason(error)})`);
    }
    return;
  }
  probeWritable(option, path, absolute);
}

type Kind = "missing" | "directory" | "file" | "other";

function kindOf(path: string): Kind {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return "directory";
    return stat.isFile() ? "file" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a parent is a file (/dev/null/x); the walk below names which one.
    if (code === "ENOENT" || code === "ENOTDIR") return "missing";
    return "other";
  }
}

/** Creates the missing folders of `absolute` from the top down, naming the first level that cannot be created. */
function createLevels(option: string, path: string, absolute: string): void {
  const missing: string[] = [];
  let at = absolute;
  for (;;) {
    const kind = kindOf(at);
    if (kind === "directory") break;
    if (kind !== "missing") throw new UsageError(`${option} ${path}: ${at} is not a directory`);
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && kindOf(level) === "directory") continue;
      throw new UsageError(`${option} ${path}: cannot create ${level} (${reason(error)})`);
    }
  }
}

/** Creates and removes `probe`: the only check that also holds for root, to whom access(2) says yes to /proc. */
function probeWritable(option: string, path: string, probe: string): void {
  try {
    closeSync(openSync(probe, "wx"));
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot write there (${reason(error)})`);
  }
  unlinkSync(probe);
}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOENT":
      return "the system does not allow it there";
    case "ENOTDIR":
      return "a parent is not a directory";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    case "EISDIR":
      return "it is a directory";
    default:
      return code ?? (error as Error).message;
  }
}
