import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { withChunkedWriter, writeInChunks } from "./chunked-writer.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function path(): string {
  const dir = mkdtempSync(join(tmpdir(), "aegis-chunked-writer-"));
  dirs.push(dir);
  return join(dir, "out.txt");
}

describe("writeInChunks", () => {
  it("writes exactly the concatenated pieces, multi-byte text across buffer flushes included", () => {
    // ~10 MB of pieces mixing ASCII, 2- and 3-byte characters and surrogate pairs: several 4 MB flushes.
    const pieces: string[] = [];
    for (let i = 0; i < 60_000; i++) pieces.push(`${i},équité ✓ 📈 ${"x".repeat(i % 300)}\n`);
    const file = path();
    writeInChunks(file, (write) => {
      for (const piece of pieces) write(piece);
    });
    expect(readFileSync(file, "utf8")).toBe(pieces.join(""));
  });

  it("writes a piece larger than its buffer whole, in order with the pieces around it", () => {
    const big = `${"€".repeat(2_000_000)}\n`; // 6 MB of UTF-8, more than the 4 MB buffer
    const file = path();
    writeInChunks(file, (write) => {
      write("before\n");
      write(big);
      write("after\n");
    });
    expect(readFileSync(file, "utf8")).toBe(`before\n${big}after\n`);
  });

  it("closes the file and keeps what was written when the filler throws", () => {
    const file = path();
    expect(() =>
      writeInChunks(file, (write) => {
        write("kept\n");
        throw new Error("formatter failed");
      }),
    ).toThrow("formatter failed");
    expect(readFileSync(file, "utf8")).toBe("kept\n");
  });

  it("writes ASCII and numbers byte by byte with the same text as String(), non-ASCII and flushes included", () => {
    const numbers = [0, 7, 10, 99, 1_704_067_200_000, Number.MAX_SAFE_INTEGER, -5, 0.5, -0, 1e21, Number.NaN, 2 ** 60];
    const texts = [",10000.5\n", "équité ✓\n", "", "x".repeat(500)];
    const expected: string[] = [];
    const file = path();
    withChunkedWriter(file, (writer) => {
      // ~5 MB: flushes of the 4 MB buffer between the pieces.
      for (let i = 0; i < 40_000; i++) {
        const value = numbers[i % numbers.length] as number;
        const text = texts[i % texts.length] as string;
        writer.writeNumber(value);
        writer.writeAscii(text);
        expected.push(String(value), text);
      }
      const longer = "y".repeat(5_000_000); // more than the whole buffer
      writer.writeAscii(longer);
      expected.push(longer);
    });
    expect(readFileSync(file, "utf8")).toBe(expected.join(""));
  });
});
