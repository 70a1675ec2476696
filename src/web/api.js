/** The API seen from the page: JSON reads, token-carrying writes and the live stream. */

const TOKEN_KEY = "aegis.token";

/** The token lives in sessionStorage: it goes when the tab closes and is never written into the page or a URL. */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? "",
  set: (value) => (value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY)),
};

const ACTOR_KEY = "aegis.actor";

/** Who acts, for the record every control keeps (`by`); remembered in this browser, "dashboard" until given. */
export const actor = {
  get: () => localStorage.getItem(ACTOR_KEY) ?? "",
  set: (value) => (value ? localStorage.setItem(ACTOR_KEY, value) : localStorage.removeItem(ACTOR_KEY)),
  /** The `by` and `reason` fields of a control's body. */
  fields: () => ({ by: actor.get() || "dashboard", reason: "from the dashboard" }),
};

/** "field: message" once, whether or not the server's message already starts with the field. */
export function describeRefusal(error) {
  if (!error.field || error.message.startsWith(`${error.field}:`)) return error.message;
  return `${error.field}: ${error.message}`;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error ?? `HTTP ${status}`);
    this.status = status;
    this.field = body?.field;
    this.body = body;
  }
}

function headers(extra = {}) {
  const value = token.get();
  return value ? { ...extra, authorization: `Bearer ${value}` } : extra;
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: text };
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function getJson(path) {
  return answer(await fetch(path, { headers: headers() }));
}

/** A read that may legitimately be absent (no store, no session yet): resolves to `fallback` on 404 and 503. */
export async function getOptional(path, fallback = null) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 503)) return fallback;
    throw error;
  }
}

export async function send(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "content-type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  return answer(await fetch(path, init));
}

/**
 * The live stream: one WebSocket shared by every page, reconnecting with a growing delay. Listeners get each
 * message; `onState` tells the header whether updates are flowing.
 */
export class LiveStream {
  #listeners = new Set();
  #retry = 500;
  onState = () => {};
  received = 0;

  #socket = null;

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live`;
    // A browser's WebSocket cannot send an Authorization header: the token rides as a `bearer.<token>`
    // subprotocol (never in the URL, so never in a log line), needed when the server guards its reads.
    const value = token.get();
    let socket;
    try {
      socket = new WebSocket(url, value ? ["aegis-live", `bearer.${value}`] : ["aegis-live"]);
    } catch {
      // A pasted token with characters a subprotocol cannot carry: connect without it (refused if reads are guarded).
      socket = new WebSocket(url, ["aegis-live"]);
    }
    this.#socket = socket;
    socket.addEventListener("open", () => {
      this.#retry = 500;
      this.onState(true);
    });
    socket.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      this.received++;
      for (const listener of this.#listeners) listener(message);
    });
    socket.addEventListener("close", () => {
      if (this.#socket !== socket) return;
      this.onState(false);
      setTimeout(() => this.connect(), this.#retry);
      this.#retry = Math.min(this.#retry * 2, 30_000);
    });
  }

  /** Connects again at once, with the token as it is now (after the token was pasted or forgotten). */
  reconnect() {
    const old = this.#socket;
    this.#retry = 500;
    this.connect();
    old?.close();
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
