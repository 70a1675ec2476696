import { type AegisConfig, configSchema } from "../config/schema.js";
import { StrategyLifecycle } from "../engine/lifecycle/strategy-lifecycle.js";
import type { EmergencyStopRequest, TradingSession } from "../engine/trading/trading-session.js";
import { clearMacroRisk } from "../risk/context/macro.js";
import { resetKillSwitch } from "../risk/guards/kill-switch.js";
import { createStabilityLock } from "../risk/guards/stability-lock.js";
import type { RiskStateStore } from "../risk/state-store.js";
import { ControlConflict, type SessionControl } from "../server/session-control.js";
import { storeControl } from "../server/store-control.js";
import type { StoreSession } from "../store/store.js";
import { recordStopRequest } from "./commands/stop.js";
import { stopRequestKey } from "./commands/trade.js";

export interface TradeControlParts {
  readonly session: TradingSession;
  /** The session's name in the store. */
  readonly name: string;
  readonly store: StoreSession;
  /** The durable risk latches the session's shield reads (kill switch, macro risk). */
  readonly risk: RiskStateStore;
  /** The configuration `aegis trade` started with (file + environment + earlier API changes). */
  readonly config: AegisConfig;
  /** Wall-clock time for the records of who did what when. */
  readonly now: () => number;
  /** Called once an API stop has been carried out and committed: `aegis trade` then exits as on `aegis stop`. */
  readonly onStop: (request: EmergencyStopRequest) => void;
}

/** The controls of a running `aegis trade` session, for the API. */
export function tradeSessionControl(parts: TradeControlParts): SessionControl {
  const { session, store, risk, now } = parts;
  let stopping = false;
  const live = () => {
    if (stopping) throw new ControlConflict("the session is stopping");
  };
  return {
    ...storeControl(
      store,
      { schema: configSchema, base: parts.config },
      now,
      new StrategyLifecycle(store.strategies, createStabilityLock(parts.config.risk.stabilityLock, risk), now),
    ),
    async pause({ by, reason }) {
      live();
      const changed = session.pause(by, reason);
      const current = session.paused;
      return {
        paused: true,
        message: changed
          ? `new entries paused by ${by}; exits, stops and take-profits still run`
          : `already paused by ${current?.by}: ${current?.reason}`,
      };
    },
    async resume({ by, reason }) {
      live();
      const changed = session.resume(by, reason);
      const halted = session.engine.halted ? ` (the session is still halted: ${session.engine.haltReason})` : "";
      return {
        paused: false,
        message: `${changed ? `new entries resumed by ${by}` : "entries were not paused"}${halted}`,
      };
    },
    async stop({ by, reason, flatten }) {
      live();
      stopping = true;
      const request: EmergencyStopRequest = { by, reason, flatten };
      // The same record as `aegis stop` (a latch and an event), so a crash right now still stops on restart…
      await recordStopRequest(store, [parts.name], request, now());
      // …but in this process there is no need to wait for the next bar: take the request back and act now.
      await store.latches.delete(stopRequestKey(parts.name));
      session.emergencyStop(`stopped by ${by}: ${reason}`, flatten);
      await session.flushed();
      // After this answer is on its way: the stop closes the API server too.
      setImmediate(() => parts.onStop(request));
      return {
        message: `stopped by ${by}: orders that would open risk cancelled${flatten ? ", every position closed" : ""}; the bot exits`,
      };
    },
    async resetKillSwitch({ by }) {
      const cleared = resetKillSwitch(risk, by, now());
      const halted = session.engine.halted
        ? `; this session stays halted (${session.engine.haltReason}) until it is restarted`
        : "";
      return {
        cleared: cleared !== undefined,
        message: `${cleared ? `kill switch reset by ${by} (was: ${cleared.reason})` : `kill switch was not tripped; reset recorded by ${by}`}${halted}`,
      };
    },
    async clearMacroRisk({ by }) {
      const cleared = clearMacroRisk(risk, by);
      return {
        cleared: cleared !== undefined,
        message: cleared
          ? `macro risk cleared by ${by} (was: ${cleared.reason})`
          : "macro risk was not HIGH; nothing to clear",
      };
    },
  };
}
