import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { ApiContext } from "./context.js";
import { LIVE_PROTOCOL, liveStream } from "./live.js";
import { type ApiServer, createApiServer } from "./server.js";

const token = "a".repeat(64);
const ctx: ApiContext = { store: undefined, session: undefined, reportDirs: [], dataDir: "/nonexistent", now: () => 0 };

/** Resolves to the hello message's type on open, or to the HTTP status of a refused upgrade. */
function connect(url: string, init: { protocols?: string[]; headers?: Record<string, string> } = {}) {
  return new Promise<{ opened: true; protocol: string; hello: string } | { opened: false; status: number }>(
    (resolve, reject) => {
      const socket = new WebSocket(url, init.protocols ?? [], { headers: init.headers ?? {} });
      socket.on("message", (data) => {
        const hello = JSON.parse(String(data)).type as string;
        socket.close();
        resolve({ opened: true, protocol: socket.protocol, hello });
      });
      socket.on("unexpected-response", (_request, response) => {
        resolve({ opened: false, status: response.statusCode ?? 0 });
        socket.terminate();
      });
      socket.on("error", (error) => {
        if (!/Unexpected server response/.test(error.message)) reject(error);
      });
    },
  );
}

describe("the live stream's token when reads are protected", () => {
  let server: ApiServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async (protectReads: boolean) => {
    server = createApiServer(ctx, [liveStream()], { auth: { token, protectReads } });
    return `${(await server.listen()).replace("http", "ws")}/api/live`;
  };

  it("refuses an upgrade without the token, or with a wrong one, with 401", async () => {
    const url = await start(true);
    expect(await connect(url)).toEqual({ opened: false, status: 401 });
    expect(await connect(url, { protocols: [LIVE_PROTOCOL, `bearer.${"b".repeat(64)}`] })).toEqual({
      opened: false,
      status: 401,
    });
    expect(await connect(`${url}?token=${"b".repeat(64)}`)).toEqual({ opened: false, status: 401 });
  });

  it("accepts the token as a subprotocol (what a browser can send) and never echoes it back", async () => {
    const url = await start(true);
    const answer = await connect(url, { protocols: [LIVE_PROTOCOL, `bearer.${token}`] });
    expect(answer).toEqual({ opened: true, protocol: LIVE_PROTOCOL, hello: "hello" });
  });

  it("accepts the token in the query string and in the Authorization header", async () => {
    const url = await start(true);
    expect(await connect(`${url}?token=${token}`)).toMatchObject({ opened: true, hello: "hello" });
    expect(await connect(url, { headers: { authorization: `Bearer ${token}` } })).toMatchObject({ opened: true });
  });

  it("stays open without a token when reads are not protected", async () => {
    const url = await start(false);
    expect(await connect(url)).toMatchObject({ opened: true, hello: "hello" });
    expect(await connect(url, { protocols: [LIVE_PROTOCOL] })).toMatchObject({ opened: true, protocol: LIVE_PROTOCOL });
  });
});
