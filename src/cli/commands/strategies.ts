import { STANDARD_PARAMETERS } from "../../strategy/builtin/standard-parameters.js";
import { builtinSpec, builtinStrategyNames } from "../../strategy/registry.js";
import { serializeSpec } from "../../strategy/spec/parse.js";
import { UsageError } from "../usage-error.js";

export function strategiesCommand(options: { show?: string }): void {
  if (options.show) {
    const spec = builtinSpec(options.show);
    if (!spec)
      throw new UsageError(`unknown strategy "${options.show}" (built-in: ${builtinStrategyNames().join(", ")})`);
    process.stdout.write(serializeSpec(spec, "yaml"));
    return;
  }
  const lines: string[] = [];
  for (const name of builtinStrategyNames()) {
    const spec = builtinSpec(name);
    if (!spec) continue;
    const own = Object.entries(spec.parameters).filter(([key]) => !(key in STANDARD_PARAMETERS));
    lines.push(`${name.padEnd(20)} ${spec.description ?? ""}`);
    lines.push(`${"".padEnd(20)} parameters: ${own.map(([k, p]) => `${k}=${p.default}`).join(" ")}`);
  }
  lines.push(
    "",
    "Every built-in also takes (default off): " +
      Object.entries(STANDARD_PARAMETERS)
        .map(([k, p]) => `${k} (${p.description})`)
        .join("; "),
    "Example: aegis backtest --strategy sma-cross --param fast=20 --param slow=50 --param stopLoss=3",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
}
