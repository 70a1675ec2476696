import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { reportFolders } from "./report-folders.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-report-folders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reportFolders", () => {
  it("lists each root and the folders directly inside it, skipping files, deeper folders and missing roots", () => {
    mkdirSync(join(dir, "a", "run1", "deeper"), { recursive: true });
    writeFileSync(join(dir, "a", "notes.txt"), "x");
    mkdirSync(join(dir, "b"));
    const folders = reportFolders([join(dir, "a"), join(dir, "missing"), join(dir, "b")]);
    expect(folders.map((f) => [f.rootIndex, f.name, f.path])).toEqual([
      [0, ".", join(dir, "a")],
      [0, "run1", join(dir, "a", "run1")],
      [2, ".", join(dir, "b")],
    ]);
  });
});
