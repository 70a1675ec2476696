/** Architect answers for the debate tests, as raw JSON text the scripted bridge returns. */

/** Donchian breakout, held 8 bars: it trades the edge `syntheticHourlyBars` plants. */
export const breakoutSpec = (stopLossPct: number, name = "dc-breakout") => ({
  name,
  indicators: { dc: { type: "donchian", period: 20 } },
  entry: { long: { gt: ["close", { ref: "dc.upper", ago: 1 }] } },
  exits: { stopLossPct, timeExitBars: 8 },
});

/** Buys weakness, sells strength: against the planted momentum, so it loses on every window. */
export const fadeSpec = (name = "sma-fade") => ({
  name,
  indicators: { f: { type: "sma", period: 5 }, s: { type: "sma", period: 50 } },
  entry: { long: { crossBelow: ["f", "s"] } },
  exit: { long: { crossAbove: ["f", "s"] } },
  exits: { stopLossPct: 3 },
});

export const proposal = (spec: unknown, rationale = "scripted") => JSON.stringify({ rationale, spec });
