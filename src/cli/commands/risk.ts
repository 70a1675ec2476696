import { loadConfig } from "../../config/load-config.js";
import { clearMacroRisk, readMacroRisk } from "../../risk/context/macro.js";
import { readKillSwitchLatch, resetKillSwitch } from "../../risk/guards/kill-switch.js";
import { createStabilityLock } from "../../risk/guards/stability-lock.js";
import { defaultStorePath, openStore as openTradingStore } from "../../store/open-store.js";
import { type DurableRiskState, openRiskState } from "../../store/risk-state.js";
import { UsageError } from "../usage-error.js";

/** The durable risk state of paper and live trading (latches and their audit trail) lives in the store. */
export function riskStoreUrl(config: { dataDir: string; store: { url?: string | undefined } }): string {
  return config.store.url ?? `sqlite:${defaultStorePath(config.dataDir)}`;
}

async function openStore(globals: { config?: string }): Promise<{
  store: DurableRiskState;
  config: ReturnType<typeof loadConfig>["config"];
  close(): Promise<void>;
}> {
  const { config } = loadConfig({ file: globals.config });
  const trading = await openTradingStore(riskStoreUrl(config));
  const latches = await openRiskState(trading);
  const close = async () => {
    await latches.close();
    await trading.close();
  };
  return { store: latches, config, close };
}

function requirePerson(by: string | undefined, what: string): string {
  if (!by || by.trim() === "")
    throw new UsageError(`${what} needs --by NAME: only a person can do it, and the record says who`);
  return by.trim();
}

/** `aegis risk status`: the latches, the stability lock and the last risk events. */
export async function riskStatusCommand(globals: { config?: string }, now = Date.now()): Promise<void> {
  const { store, config, close } = await openStore(globals);
  try {
    const kill = readKillSwitchLatch(store);
    const macro = readMacroRisk(store);
    const lock = createStabilityLock(config.risk.stabilityLock, store).check(now);
    const lines = [
      `risk state: ${store.path}`,
      `kill switch   ${kill ? `TRIPPED at ${iso(kill.time)}: ${kill.reason}` : "not tripped"}`,
      `macro risk    ${macro ? `HIGH: ${macro.reason}` : "normal"}`,
      `strategy lock ${lock.allowed ? "open" : "LOCKED"}: ${lock.reason}`,
      "last events:",
      ...store
        .events()
        .slice(-10)
        .map((e) => `  ${iso(e.time)} ${e.kind} ${JSON.stringify(e.detail)}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  } finally {
    await close();
  }
}

/** `aegis risk reset --by NAME`: a person clears the kill switch latch. */
export async function riskResetCommand(
  options: { by?: string },
  globals: { config?: string },
  now = Date.now(),
): Promise<void> {
  const by = requirePerson(options.by, "resetting the kill switch");
  const { store, close } = await openStore(globals);
  try {
    const cleared = resetKillSwitch(store, by, now);
    process.stdout.write(
      cleared
        ? `kill switch reset by ${by} (was: ${cleared.reason})\n`
        : `kill switch was not tripped; reset recorded by ${by}\n`,
    );
  } finally {
    await close();
  }
}

/** `aegis risk clear-macro --by NAME`: a person clears global risk HIGH. */
export async function riskClearMacroCommand(options: { by?: string }, globals: { config?: string }): Promise<void> {
  const by = requirePerson(options.by, "clearing macro risk");
  const { store, close } = await openStore(globals);
  try {
    const cleared = clearMacroRisk(store, by);
    process.stdout.write(
      cleared
        ? `macro risk cleared by ${by} (was: ${cleared.reason})\n`
        : "macro risk was not HIGH; nothing to clear\n",
    );
  } finally {
    await close();
  }
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "unknown time";
}
