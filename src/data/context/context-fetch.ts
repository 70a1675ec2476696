/** Why a context source could not be read; `source` names the provider, the message says what was wrong. */
export class ContextSourceError extends Error {
  override name = "ContextSourceError";
  readonly source: string;
  readonly kind: "http" | "timeout" | "network" | "too-large" | "content-type" | "format";
  constructor(source: string, kind: ContextSourceError["kind"], message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
    this.kind = kind;
  }
}

export interface FetchTextOptions {
  /** Default 10 s: a context source that hangs must not hold a decision. */
  readonly timeoutMs?: number;
  /** Bodies larger than this are refused while streaming (default 5 MB), so a runaway feed cannot fill memory. */
  readonly maxBytes?: number;
  /** Content types accepted (substring match on the header, e.g. "xml", "json"); undefined: any. */
  readonly accept?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: typeof fetch;
}

/**
 * GETs a URL as text with a timeout, a size limit and a content-type check, turning every way it can go wrong
 * (HTTP status, timeout, refused connection, oversize body, HTML where JSON was expected) into a
 * ContextSourceError that names the source.
 */
export async function fetchText(source: string, url: string, options: FetchTextOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxBytes = options.maxBytes ?? 5_000_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(url, { signal: controller.signal, headers: options.headers });
    } catch (error) {
      if (controller.signal.aborted)
        throw new ContextSourceError(source, "timeout", `no answer from ${url} within ${timeoutMs} ms`);
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ContextSourceError(source, "network", `cannot reach ${url}: ${cause}`, { cause: error });
    }
    if (!response.ok) {
      const body = await readLimited(response, 300, controller, source, url, timeoutMs, true).catch(() => "");
      throw new ContextSourceError(
        source,
        "http",
        `${url} answered HTTP ${response.status}${body ? `: ${oneLine(body)}` : ""}`,
      );
    }
    const type = response.headers.get("content-type") ?? "";
    if (options.accept !== undefined && !options.accept.some((wanted) => type.toLowerCase().includes(wanted))) {
      await response.body?.cancel().catch(() => {});
      throw new ContextSourceError(
        source,
        "content-type",
        `${url} sent content type "${type || "none"}", expected ${options.accept.join(" or ")}`,
      );
    }
    return await readLimited(response, maxBytes, controller, source, url, timeoutMs, false);
  } finally {
    clearTimeout(timer);
  }
}

async function readLimited(
  response: Response,
  maxBytes: number,
  controller: AbortController,
  source: string,
  url: string,
  timeoutMs: number,
  truncate: boolean,
): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        chunks.push(value);
        await reader.cancel().catch(() => {});
        if (truncate) break;
        throw new ContextSourceError(source, "too-large", `${url} sent more than ${maxBytes} bytes; refused`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ContextSourceError) throw error;
    if (controller.signal.aborted) {
      throw new ContextSourceError(source, "timeout", `${url} did not finish its answer within ${timeoutMs} ms`);
    }
    throw new ContextSourceError(source, "network", `reading ${url} failed: ${String(error)}`, { cause: error });
  }
  const text = Buffer.concat(chunks).toString("utf8");
  return truncate ? text.slice(0, maxBytes) : text;
}

/** A body excerpt for an error message: one line, at most 120 characters. */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
