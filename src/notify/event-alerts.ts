import type { EngineEvents } from "../engine/events.js";
import { type Alert, type AlertKind, isKind } from "./alert.js";

/** An alert and, when repeats of it should be sent once per window, the identity that makes it a repeat. */
export interface KeyedAlert {
  readonly alert: Alert;
  readonly key?: string;
}

// One formatter for all: toLocaleString with options builds a new one per call (tens of µs on the bus's path).
const NUMBER = new Intl.NumberFormat("en-US", { maximumFractionDigits: 8 });
const money = (x: number) => NUMBER.format(x);

export function fillAlert({ fill }: EngineEvents["ORDER_FILLED"]): KeyedAlert {
  return {
    alert: {
      kind: "trade",
      level: "info",
      time: fill.time,
      title: `${fill.side.toUpperCase()} ${money(fill.quantity)} ${fill.symbol} @ ${money(fill.price)}`,
      text: `fee ${money(fill.fee)} (${fill.liquidity}) · ${fill.reason} · order ${fill.clientOrderId}`,
    },
  };
}

/** A layer that keeps denying (a stale feed, a full position) alerts once per window, not on every bar. */
export function rejectionAlert(event: EngineEvents["SIGNAL_REJECTED"]): KeyedAlert {
  const denial = event.verdicts.find((v) => v.verdict === "deny" || v.verdict === "halt");
  const layer = denial?.layer ?? "risk";
  return {
    alert: {
      kind: "risk-rejection",
      level: "warning",
      time: event.time,
      title: `${event.symbol}: entry refused by ${layer}`,
      text: denial?.reason ?? event.reason,
    },
    key: `risk:${event.symbol}:${layer}`,
  };
}

export function killSwitchAlert(event: EngineEvents["KILL_SWITCH"]): KeyedAlert {
  return {
    alert: {
      kind: "kill-switch",
      level: "critical",
      time: event.time,
      title: "KILL SWITCH: trading halted",
      text: `${event.reason}\nOnly orders that reduce a position go out. Reset: aegis risk reset --by NAME`,
    },
    key: `halt:${event.reason}`,
  };
}

const HALTED = "trading halted: ";

/**
 * ALERT events. A publisher may say what an alert is about with a `kind` field (reconciliation,
 * strategy-approval, error …); without one, the session's feed alerts are recognised by their wording, and the
 * engine's "trading halted" alert shares its key with KILL_SWITCH so the person gets one message, not two.
 */
export function busAlert(event: EngineEvents["ALERT"]): KeyedAlert {
  const declared = event.kind;
  let kind: AlertKind;
  let key = `alert:${event.message}`;
  if (typeof declared === "string" && isKind(declared)) kind = declared;
  else if (event.message.startsWith(HALTED)) {
    kind = "kill-switch";
    key = `halt:${event.message.slice(HALTED.length)}`;
  } else if (/new entries blocked$/.test(event.message)) kind = "feed";
  else kind = "error";
  return { alert: { kind, level: event.level, time: event.time, title: event.message }, key };
}
