import type { Logger } from "pino";
import type { EngineEvents, EventBus, EventName } from "../../engine/events.js";
import type { SessionStatus } from "../../engine/trading/session-status.js";
import type { AegisMetrics } from "../aegis-metrics.js";
import type { CandleSource } from "../context.js";
import type { ReadinessRegistry } from "../readiness.js";
import type { ConfigView, SessionControl } from "../session-control.js";
import { type ApiHost, type ApiIsolation, startApiHost } from "./api-host.js";
import { packedCandleUpdates } from "./candle-mirror.js";
import { Heartbeat, type HeartbeatOptions } from "./heartbeat.js";
import type { ApiWorkerData, AskWhat, MainToWorker, WorkerToMain } from "./messages.js";
import { CONTROL_METHODS, remoteError } from "./remote-parts.js";

/** What the trading thread keeps and answers for the API worker. */
export interface ApiThreadParts {
  readonly worker: Omit<ApiWorkerData, "status">;
  readonly bus: EventBus;
  readonly status: () => SessionStatus;
  readonly candles: CandleSource;
  readonly control: SessionControl;
  readonly config: ConfigView;
  readonly readiness: ReadinessRegistry;
  readonly metrics: AegisMetrics;
  readonly log: Pick<Logger, "info" | "warn" | "error">;
  readonly now: () => number;
  /** At most one status snapshot per this many ms (the last step's always follows); default 20. */
  readonly statusEveryMs?: number;
  /** Event batches the worker may hold unhandled; past it, events are dropped, never queued (default 64). */
  readonly maxBatchesInFlight?: number;
  /** How long `close` waits for the answers in flight before it terminates the worker (default 3000). */
  readonly closeTimeoutMs?: number;
  /** Wait before starting a dead worker again; doubles per failed start up to 30 s (default 200 ms). */
  readonly restartDelayMs?: number;
  /** The hung-worker watchdog: a beat every `everyMs` (1000), restarted after `missedBeats` (3) unanswered. */
  readonly heartbeat?: HeartbeatOptions;
  /** A child process of its own (default) or a worker thread of this process: see api-host.ts. */
  readonly isolation?: ApiIsolation;
}

/** The worker could not listen: `code` is Node's (EADDRINUSE …), so the caller can explain it. */
export class ApiListenError extends Error {
  override name = "ApiListenError";
  constructor(
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

const CONTROL_METHOD_SET: ReadonlySet<string> = new Set(CONTROL_METHODS);

/**
 * `aegis trade`'s API in a child process of its own or a worker thread (api-host.ts runs api-worker.ts in either;
 * "worker" below means whichever). The trading thread only posts status snapshots at a
 * bounded rate and the bus events a connected dashboard subscribes to (batched once per turn of the event loop,
 * dropped rather than queued when the worker falls behind), and answers the worker's questions (controls,
 * readiness, metrics, new candles). Crash-only: a worker that dies is logged, alerted and started again on the same
 * port while trading goes on; so is one that stops answering the heartbeat (hung: terminated, then restarted as if
 * it had died). The readiness check lists the worker with its restarts and why.
 */
export class ApiThread {
  #worker: ApiHost | undefined;
  #url = "";
  #port: number;
  #closing = false;
  #forwarded: (() => void)[] = [];
  #batch: [EventName, EngineEvents[EventName]][] = [];
  #inFlight = 0;
  #flushScheduled: NodeJS.Immediate | undefined;
  #statusDue = false;
  #statusTimer: NodeJS.Timeout | undefined;
  #lastStatus = Number.NEGATIVE_INFINITY;
  #pings = new Map<number, () => void>();
  #nextPing = 1;
  #restartTimer: NodeJS.Timeout | undefined;
  #restartDelay: number;
  readonly #offSaved: () => void;
  readonly #offReadiness: () => void;
  #heartbeat: Heartbeat | undefined;
  /** Set when the watchdog terminated the worker: the exit that follows is reported as a hang, not a crash. */
  #hung: string | undefined;
  /** Why the worker was last restarted and when (the session's clock), for the readiness check. */
  #lastRestart: { reason: string; time: number } | undefined;
  #onRestart: { count: number; resolve: () => void }[] = [];
  /** Workers started again after one died. */
  restarts = 0;
  /** The worker's thread id (or process id) when it lowered its CPU priority (Linux), else undefined. */
  tid: number | undefined;
  /** Workers terminated by the watchdog because they stopped answering the heartbeat. */
  hangs = 0;
  /** Events not forwarded because the worker had too many batches unhandled. */
  dropped = 0;

  private constructor(readonly parts: ApiThreadParts) {
    this.#port = parts.worker.port;
    this.#restartDelay = parts.restartDelayMs ?? 200;
    this.#offSaved = parts.bus.on("STATE_SAVED", () => this.#statusAfterStep());
    this.#offReadiness = parts.readiness.register({
      name: "api-worker",
      kind: "other",
      check: () => this.#health(),
    });
  }

  /** Starts the worker; resolves once it listens, rejects with an ApiListenError when it cannot. */
  static async start(parts: ApiThreadParts): Promise<ApiThread> {
    const thread = new ApiThread(parts);
    try {
      await thread.#spawn();
    } catch (error) {
      thread.#closing = true;
      thread.#offSaved();
      thread.#offReadiness();
      throw error;
    }
    return thread;
  }

  get url(): string {
    return this.#url;
  }

  /** Resolves when the worker has handled everything posted so far (status and events included): for tests. */
  async settled(): Promise<void> {
    this.#flush();
    const worker = this.#worker;
    if (!worker) return;
    const id = this.#nextPing++;
    worker.ref();
    await new Promise<void>((resolve) => {
      this.#pings.set(id, resolve);
      this.#post({ type: "ping", id });
    }).finally(() => {
      if (this.#pings.size === 0) worker.unref();
    });
  }

  /** Resolves once the worker has been started again `count` times in all (tests, after `kill`). */
  restarted(count: number): Promise<void> {
    if (this.restarts >= count) return Promise.resolve();
    return new Promise((resolve) => this.#onRestart.push({ count, resolve }));
  }

  /** Stops the worker as a crash would (tests): it is restarted like after any other death. */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }

  /** Blocks the worker's event loop for good (tests): only the watchdog gets it back. */
  hang(): void {
    this.#post({ type: "hang" });
  }

  #health(): { ok: boolean; detail: string } {
    const last = this.#lastRestart;
    const restarts =
      last === undefined
        ? "never restarted"
        : `restarted ${this.restarts} time(s) (${this.hangs} hung), last at ${new Date(last.time).toISOString()}: ${last.reason}`;
    // The heartbeat runs from the worker's `listening` until its exit or hang: exactly while it serves.
    if (this.#heartbeat === undefined) return { ok: false, detail: `the API worker is restarting; ${restarts}` };
    return { ok: true, detail: `worker ${this.#worker?.kind ?? "thread"} on port ${this.#port}; ${restarts}` };
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#offSaved();
    this.#offReadiness();
    this.#stopHeartbeat();
    this.#unforward();
    clearTimeout(this.#statusTimer);
    clearTimeout(this.#restartTimer);
    if (this.#flushScheduled) clearImmediate(this.#flushScheduled);
    for (const resolve of this.#pings.values()) resolve();
    this.#pings.clear();
    const worker = this.#worker;
    if (!worker) return;
    // Graceful first: the answer to a stop asked over the API is still in flight when the bot's stop closes the API.
    // Held (ref'd) while it closes: a caller awaiting `close` may have nothing else keeping the event loop alive.
    worker.ref();
    let bound: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      bound = setTimeout(resolve, this.parts.closeTimeoutMs ?? 3000);
      worker.onMessage((message) => {
        if (message.type === "closed") resolve();
      });
      worker.onExit(() => resolve());
      this.#post({ type: "close" });
    }).finally(() => {
      clearTimeout(bound);
      this.#worker = undefined;
    });
    await worker.terminate();
  }

  #spawn(): Promise<void> {
    const fromSource = import.meta.url.endsWith(".ts");
    const file = new URL(fromSource ? "./api-worker-tsx.mjs" : "./api-worker.js", import.meta.url);
    const data: ApiWorkerData = { ...this.parts.worker, port: this.#port, status: this.parts.status() };
    const worker = startApiHost(this.parts.isolation ?? "process", file, data);
    this.#worker = worker;
    this.#inFlight = 0;
    this.#lastStatus = performance.now();
    return new Promise<void>((resolve, reject) => {
      let listening = false;
      worker.onMessage((message) => {
        if (message.type === "listening") {
          listening = true;
          this.#url = message.url;
          this.tid = message.tid;
          this.#port = Number(new URL(message.url).port);
          this.#restartDelay = this.parts.restartDelayMs ?? 200;
          // Once it listens, never what keeps the process alive: the bot's stop closes it, and a finished `--steps`
          // run exits. (Before, it is: a caller awaiting the start has nothing else holding the event loop.)
          worker.unref();
          this.#startHeartbeat(worker);
          resolve();
        } else if (message.type === "listen-failed") {
          reject(new ApiListenError(message.code, message.message));
          void worker.terminate();
        } else this.#onMessage(message);
      });
      let failure = "";
      worker.onError((error) => {
        failure = `: ${error.message}`;
        this.parts.log.error({ err: error.message }, "api worker failed");
      });
      worker.onExit((how) => {
        if (this.#worker === worker) {
          this.#worker = undefined;
          this.#stopHeartbeat();
          this.#unforward();
          for (const resolve of this.#pings.values()) resolve();
          this.#pings.clear();
        }
        if (!listening)
          reject(new ApiListenError(undefined, `the API worker stopped before listening (${how})${failure}`));
        else if (!this.#closing) this.#died(how);
      });
    });
  }

  #died(how: string): void {
    const hung = this.#hung;
    this.#hung = undefined;
    const reason = hung ?? `stopped (${how})`;
    const message = `the API worker ${reason}; trading goes on, the API restarts on port ${this.#port}`;
    this.#lastRestart = { reason, time: this.parts.now() };
    if (hung === undefined) this.parts.log.error({ how, port: this.#port }, "api worker stopped; restarting it");
    else this.parts.log.error({ port: this.#port, reason }, "api worker hung; restarting it");
    this.parts.bus.publish("ALERT", { time: this.parts.now(), level: "warning", message, kind: "api" });
    this.#scheduleRestart();
  }

  #startHeartbeat(worker: ApiHost): void {
    this.#stopHeartbeat();
    this.#heartbeat = new Heartbeat(this.parts.heartbeat ?? {}, {
      send: (id) => this.#post({ type: "beat", id }),
      onHung: (silentMs) => {
        if (this.#worker !== worker || this.#closing) return;
        this.hangs++;
        this.#stopHeartbeat();
        this.#hung = `did not answer the heartbeat for ${silentMs} ms (hung)`;
        // Terminate ends even a loop that never yields; its exit restarts it through #died, as a crash does.
        void worker.terminate();
      },
    });
  }

  #stopHeartbeat(): void {
    this.#heartbeat?.stop();
    this.#heartbeat = undefined;
  }

  #scheduleRestart(): void {
    const delay = this.#restartDelay;
    this.#restartDelay = Math.min(30_000, delay * 2);
    this.#restartTimer = setTimeout(() => {
      if (this.#closing) return;
      this.#spawn().then(
        () => {
          this.restarts++;
          const due = this.#onRestart.filter((w) => w.count <= this.restarts);
          this.#onRestart = this.#onRestart.filter((w) => w.count > this.restarts);
          for (const w of due) w.resolve();
          this.parts.log.info({ url: this.#url, restarts: this.restarts }, "api worker restarted");
        },
        (error: Error) => {
          this.parts.log.error({ err: error.message }, "api worker could not start again; retrying");
          if (!this.#closing) this.#scheduleRestart();
        },
      );
    }, delay);
    this.#restartTimer.unref();
  }

  #onMessage(message: WorkerToMain): void {
    switch (message.type) {
      case "ask":
        void this.#answer(message.id, message);
        return;
      case "listen":
        this.#forward(message.names);
        return;
      case "ack":
        this.#inFlight = Math.max(0, this.#inFlight - 1);
        return;
      case "beat":
        this.#heartbeat?.answered();
        return;
      case "pong": {
        const resolve = this.#pings.get(message.id);
        this.#pings.delete(message.id);
        resolve?.();
        return;
      }
      default:
        return;
    }
  }

  async #answer(id: number, question: AskWhat): Promise<void> {
    try {
      if (question.what === "candles") {
        // The bars were copied for the message: moved to the worker, not copied a second time.
        const answer = packedCandleUpdates(this.parts.candles, question.have);
        this.#post({ type: "answer", id, value: answer }, [answer.bars.buffer as ArrayBuffer]);
        return;
      }
      this.#post({ type: "answer", id, value: await this.#run(question) });
    } catch (error) {
      this.#post({ type: "failed", id, error: remoteError(error) });
    }
  }

  async #run(question: AskWhat): Promise<unknown> {
    const p = this.parts;
    switch (question.what) {
      case "control": {
        if (!CONTROL_METHOD_SET.has(question.method)) throw new Error(`no control ${question.method}`);
        const method = (p.control as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[
          question.method
        ];
        if (!method) throw new Error(`no control ${question.method}`);
        return await method.apply(p.control, [...question.args]);
      }
      case "config-current":
        return await p.config.current();
      case "config-history":
        return await p.config.history();
      case "readiness":
        return await p.readiness.report();
      case "metrics":
        return p.metrics.registry.render();
      case "candles":
        return packedCandleUpdates(p.candles, question.have);
    }
  }

  /** Subscribes to exactly the events the worker's subscribers want. */
  #forward(names: readonly EventName[]): void {
    this.#unforward();
    for (const name of names)
      this.#forwarded.push(
        this.parts.bus.on(name, (payload) => {
          this.#batch.push([name, payload]);
          this.#scheduleFlush();
        }),
      );
  }

  #unforward(): void {
    for (const off of this.#forwarded.splice(0)) off();
    this.#batch = [];
  }

  #statusAfterStep(): void {
    const wait = this.#lastStatus + (this.parts.statusEveryMs ?? 20) - performance.now();
    if (wait <= 0) {
      this.#statusDue = true;
      this.#scheduleFlush();
    } else if (this.#statusTimer === undefined) {
      this.#statusTimer = setTimeout(() => {
        this.#statusTimer = undefined;
        this.#statusDue = true;
        this.#scheduleFlush();
      }, wait);
      this.#statusTimer.unref();
    }
  }

  /** After the step that published them: the snapshot and the events cost the bar nothing. */
  #scheduleFlush(): void {
    this.#flushScheduled ??= setImmediate(() => this.#flush());
  }

  #flush(): void {
    if (this.#flushScheduled) clearImmediate(this.#flushScheduled);
    this.#flushScheduled = undefined;
    if (!this.#worker) {
      this.#batch = [];
      return;
    }
    // The status first: the live stream's `equity` message, sent on STATE_SAVED, reads it.
    if (this.#statusDue) {
      this.#statusDue = false;
      this.#lastStatus = performance.now();
      this.#post({ type: "status", status: this.parts.status() });
    }
    const events = this.#batch;
    if (events.length === 0) return;
    this.#batch = [];
    if (this.#inFlight >= (this.parts.maxBatchesInFlight ?? 64)) {
      if (this.dropped === 0) this.parts.log.warn({ events: events.length }, "api worker behind; live events dropped");
      this.dropped += events.length;
      return;
    }
    this.#inFlight++;
    this.#post({ type: "events", events });
  }

  #post(message: MainToWorker, transfer: readonly ArrayBuffer[] = []): void {
    try {
      this.#worker?.post(message, transfer);
    } catch (error) {
      // A payload that cannot be cloned must not fail the caller (a bus handler, a step): it is logged and lost.
      this.parts.log.warn({ err: (error as Error).message, type: message.type }, "api worker message not sent");
      if (message.type === "events") this.#inFlight = Math.max(0, this.#inFlight - 1);
      if (message.type === "answer") this.#worker?.post({ type: "failed", id: message.id, error: remoteError(error) });
    }
  }
}
