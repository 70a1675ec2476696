import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { ApiWorkerData } from "./messages.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-trading-link-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A forked process that connects as the API worker does and reports what it was given.
const child = join(dir, "link-child.mts");
writeFileSync(
  child,
  `import { connectToTrading } from ${JSON.stringify(fileURLToPath(new URL("./trading-link.ts", import.meta.url)))};
const link = await connectToTrading();
link.onMessage((m) => { if (m.type === "ping") link.post({ type: "pong", id: m.id }); });
link.post({ type: "listening", url: "port " + link.data.port, tid: link.tid });
`,
);

describe("the API worker's link to the trading side, as a child process", () => {
  it("takes its data from the first message, lowers its priority, answers, and ends when the channel closes", async () => {
    const proc = fork(child, [], { execArgv: ["--import", "tsx/esm"], serialization: "advanced" });
    const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
    type Reply = { type: string; url?: string; tid?: number; id?: number };
    const next = () => new Promise<Reply>((resolve) => proc.once("message", resolve as never));
    // A message before the start is not the start: ignored, the link still waits for its data.
    proc.send({ type: "ping", id: 1 });
    proc.send({ type: "start", data: { port: 4321, nice: 5 } as ApiWorkerData });
    const listening = await next();
    expect(listening).toMatchObject({ type: "listening", url: "port 4321" });
    if (process.platform === "linux") {
      expect(listening.tid).toBe(proc.pid);
      expect(getPriority(proc.pid)).toBe(Math.min(19, getPriority() + 5));
    }
    const pong = next();
    proc.send({ type: "ping", id: 2 });
    expect(await pong).toEqual({ type: "pong", id: 2 });
    // What a dead trading process looks like from here: the channel closes, and the worker must not outlive it.
    proc.disconnect();
    expect(await exited).toBe(0);
  }, 60_000);
});
