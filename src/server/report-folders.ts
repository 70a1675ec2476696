import { readdirSync } from "node:fs";
import { join } from "node:path";

export interface ReportFolder {
  /** Index of the root in the configured report folders: with `name` it makes the ids used in URLs. */
  readonly rootIndex: number;
  readonly root: string;
  /** "." for the root itself, else the subfolder's name. */
  readonly name: string;
  readonly path: string;
}

/**
 * Where runs can sit in the report folders: each root itself and the folders directly inside it (`aegis backtest
 * --out DIR` and `aegis evolve --out DIR` write one run per DIR). A root that is not there yet holds none.
 */
export function reportFolders(roots: readonly string[]): ReportFolder[] {
  const folders: ReportFolder[] = [];
  roots.forEach((root, rootIndex) => {
    let names: string[];
    try {
      names = readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name);
    } catch {
      return;
    }
    folders.push({ rootIndex, root, name: ".", path: root });
    for (const name of names) folders.push({ rootIndex, root, name, path: join(root, name) });
  });
  return folders;
}
