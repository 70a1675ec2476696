import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeInBackground } from "./background-file-writer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function path(): string {
  const dir = mkdtempSync(join(tmpdir(), "aegis-background-writer-"));
  dirs.push(dir);
  return join(dir, "out.txt");
}

async function writeAll(file: string, pieces: readonly string[], bufferBytes?: number): Promise<void> {
  await writeInBackground(
    file,
    async (write) => {
      for (const piece of pieces) {
        const wait = write(piece);
        if (wait !== undefined) await wait;
      }
    },
    bufferBytes,
  );
}

describe("writeInBackground", () => {
  it("writes exactly the concatenated pieces, multi-byte text across many buffer turns included", async () => {
    const pieces: string[] = [];
    for (let i = 0; i < 5_000; i++) pieces.push(`${i},équité × → ✓ 📈 ${"x".repeat(i % 97)}\n`);
    for (const bufferBytes of [1 << 10, 1 << 22]) {
      const file = path();
      await writeAll(file, pieces, bufferBytes);
      expect(readFileSync(file, "utf8")).toBe(pieces.join(""));
    }
  });

  it("writes a piece larger than its buffers whole, in order with the pieces around it", async () => {
    const big = `${"€".repeat(5_000)}\n`; // 15 KB of UTF-8 through 1 KB buffers
    const file = path();
    await writeAll(file, ["before\n", "a".repeat(900), big, "after\n", big], 1 << 10);
    expect(readFileSync(file, "utf8")).toBe(`before\n${"a".repeat(900)}${big}after\n${big}`);
  });

  it("writes an empty file when given nothing", async () => {
    const file = path();
    await writeAll(file, []);
    expect(readFileSync(file, "utf8")).toBe("");
  });

  it("closes the file and rethrows when filling fails, keeping what was written", async () => {
    const file = path();
    await expect(
      writeInBackground(file, async (write) => {
        write("kept\n");
        throw new Error("no more");
      }),
    ).rejects.toThrow("no more");
    expect(readFileSync(file, "utf8")).toBe("kept\n");
  });

  it("rejects when the file cannot be opened", async () => {
    await expect(writeAll(join(path(), "missing", "out.txt"), ["x"])).rejects.toThrow(/ENOENT/);
  });
});
