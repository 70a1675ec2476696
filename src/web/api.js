/** The API seen from the page: JSON reads, token-carrying writes and the live stream. */

const TOKEN_KEY = "aegis.token";

/** The token lives in sessionStorage: it goes when the tab closes and is never written into the page or a URL. */
export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) ?? "",
  set: (value) => (value ? sessionStorage.setItem(TOKEN_KEY, value) : sessionStorage.removeItem(TOKEN_KEY)),
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

  connect() {
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/live`;
    const socket = new WebSocket(url);
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
      this.onState(false);
      setTimeout(() => this.connect(), this.#retry);
      this.#retry = Math.min(this.#retry * 2, 30_000);
    });
  }

  subscribe(listener) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
