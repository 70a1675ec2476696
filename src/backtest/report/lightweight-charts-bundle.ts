import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export interface InlineScript {
  readonly code: string;
  /** `'sha256-…'` source expression for a Content-Security-Policy script-src allowing exactly this code inline. */
  readonly cspHash: string;
}

let cached: InlineScript | undefined;

/**
 * The standalone production build of lightweight-charts (it defines the global `LightweightCharts`), read from
 * node_modules once per process and cached, so a report embeds it and opens offline.
 */
export function lightweightChartsScript(): InlineScript {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve("lightweight-charts/package.json");
  const file = path.join(path.dirname(packageJson), "dist", "lightweight-charts.standalone.production.js");
  const code = readFileSync(file, "utf8");
  // Inlined verbatim: a "</script" in the library would end the element early and break the page.
  if (/<\/script/i.test(code)) throw new Error(`${file} contains "</script" and cannot be inlined as is`);
  cached = inlineScript(code);
  return cached;
}

/** Wraps script code with its CSP hash. */
export function inlineScript(code: string): InlineScript {
  return { code, cspHash: `'sha256-${createHash("sha256").update(code, "utf8").digest("base64")}'` };
}
