import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../domain/clock.js";
import { ChannelQueue } from "./channel-queue.js";
import { emailTransport } from "./email.js";
import { memoryLogger } from "./testing/memory-logger.js";

const PASSWORD = "smtp-Secret-Passw0rd";

interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on 127.0.0.1 that requires a login and can be told to refuse recipients. */
async function startSmtp(): Promise<{
  port: number;
  mails: Mail[];
  refuse: { code: number } | null;
  close(): Promise<void>;
}> {
  const state = { mails: [] as Mail[], refuse: null as { code: number } | null };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: false,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "aegis" && auth.password === PASSWORD) callback(null, { user: "aegis" });
      else callback(new Error("Invalid username or password"));
    },
    onRcptTo(_address, _session, callback) {
      if (state.refuse) {
        const error = new Error(state.refuse.code >= 500 ? "mailbox unavailable" : "try again later") as Error & {
          responseCode: number;
        };
        error.responseCode = state.refuse.code;
        callback(error);
      } else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        state.mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails: state.mails,
    get refuse() {
      return state.refuse;
    },
    set refuse(value) {
      state.refuse = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The body as a person reads it: soft line breaks joined, =XX escapes decoded. */
function decodeQuotedPrintable(data: string): string {
  const joined = data.replace(/=\r?\n/g, "");
  return Buffer.from(
    joined.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}

describe("e-mail channel against a local SMTP server", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let clock: ManualClock;
  beforeEach(async () => {
    smtp = await startSmtp();
    clock = new ManualClock(1_700_000_000_000);
  });
  afterEach(async () => {
    await smtp.close();
  });

  const queueFor = (password: string) =>
    new ChannelQueue({
      transport: emailTransport({
        host: "127.0.0.1",
        port: smtp.port,
        secure: false,
        user: "aegis",
        password,
        from: "aegis@example.test",
        to: ["ops@example.test", "alice@example.test"],
      }),
      clock,
      logger: memoryLogger().logger,
      policy: { batchMs: 60_000, backoffMs: 1000 },
      secrets: [password],
    });
  const alert = (title: string) => ({ kind: "error" as const, level: "warning" as const, time: clock.now(), title });

  it("sends a batch of alerts as one mail to every recipient after the batching window", async () => {
    const queue = queueFor(PASSWORD);
    queue.enqueue(alert("feed BTC/USDT stale"));
    queue.enqueue(alert("feed ETH/USDT stale"));
    clock.advance(60_000);
    await queue.settled();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0] as Mail;
    expect(mail.from).toBe("aegis@example.test");
    expect(mail.to).toEqual(["ops@example.test", "alice@example.test"]);
    const text = decodeQuotedPrintable(mail.data);
    expect(text).toMatch(/^Subject: .*Aegis:_2_alerts/m);
    expect(text).toContain("feed BTC/USDT stale");
    expect(text).toContain("feed ETH/USDT stale");
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1 });
    await queue.close();
  });

  it("drops on a refused login (535) without retrying, and the password is in no error", async () => {
    const queue = queueFor("wrong-Passw0rd-123");
    queue.enqueue(alert("x"));
    clock.advance(60_000);
    await queue.settled();
    expect(queue.health()).toMatchObject({ dropped: 1, retryAt: null, sent: 0 });
    expect(queue.health().lastError?.message).toMatch(/^email: SMTP 535 /);
    expect(JSON.stringify(queue.health())).not.toContain("wrong-Passw0rd-123");
    await queue.close();
  });

  it("retries after an SMTP 451 (try later) and delivers once the server accepts", async () => {
    smtp.refuse = { code: 451 };
    const queue = queueFor(PASSWORD);
    queue.enqueue(alert("x"));
    clock.advance(60_000);
    await queue.settled();
    expect(queue.health().lastError?.message).toMatch(/^email: SMTP 451 /);
    expect(queue.health().retryAt).toBe(clock.now() + 1000);
    smtp.refuse = null;
    clock.advance(1000);
    await queue.settled();
    expect(smtp.mails).toHaveLength(1);
    expect(queue.health()).toMatchObject({ healthy: true, sent: 1, failures: 1 });
    await queue.close();
  });

  it("drops on a permanent refusal of the recipient (550)", async () => {
    smtp.refuse = { code: 550 };
    const queue = queueFor(PASSWORD);
    queue.enqueue(alert("x"));
    clock.advance(60_000);
    await queue.settled();
    expect(queue.health()).toMatchObject({ dropped: 1, retryAt: null });
    expect(queue.health().lastError?.message).toMatch(/^email: SMTP 550 /);
    await queue.close();
  });
});
