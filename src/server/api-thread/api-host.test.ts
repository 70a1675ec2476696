import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { type ApiHost, startApiHost } from "./api-host.js";
import type { ApiWorkerData, WorkerToMain } from "./messages.js";

const dir = mkdtempSync(join(tmpdir(), "aegis-api-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in for api-worker.js that needs no build: it says where it runs and echoes pings, in either isolation.
const echo = join(dir, "echo-worker.mjs");
writeFileSync(
  echo,
  `import { parentPort, workerData } from "node:worker_threads";
const send = parentPort ? (m) => parentPort.postMessage(m) : (m) => process.send(m);
const start = (data) => send({ type: "listening", url: "http://127.0.0.1:" + data.port + "/" + (parentPort ? "thread" : "process"), tid: process.pid });
const on = (m) => { if (m.type === "start") start(m.data); else if (m.type === "ping") send({ type: "pong", id: m.id }); };
if (parentPort) { parentPort.on("message", on); start(workerData); } else process.on("message", on);
`,
);
const data = { port: 4321 } as ApiWorkerData;

function nextMessage(host: ApiHost): Promise<WorkerToMain> {
  return new Promise((resolve) => host.onMessage(resolve));
}

describe.each(["process", "thread"] as const)("an API host as a %s", (isolation) => {
  it("starts the worker with its data, carries messages both ways, and ends it on terminate", async () => {
    const host = startApiHost(isolation, pathToFileURL(echo), data);
    const exited = new Promise<string>((resolve) => host.onExit(resolve));
    const listening = (await nextMessage(host)) as { type: string; url: string; tid: number };
    expect(listening).toMatchObject({ type: "listening", url: `http://127.0.0.1:4321/${isolation}` });
    expect(listening.tid === process.pid).toBe(isolation === "thread");
    const pong = nextMessage(host);
    host.post({ type: "ping", id: 7 });
    expect(await pong).toEqual({ type: "pong", id: 7 });
    await host.terminate();
    expect(await exited).toBe(isolation === "process" ? "signal SIGKILL" : "exit code 1");
    // After its end a message has nowhere to go: dropped, never thrown at the trading side.
    expect(() => host.post({ type: "ping", id: 8 })).not.toThrow();
    await host.terminate();
  });
});
