import { REGIMES, type RegimeLabel } from "../../domain/regime.js";
import { validateSpec } from "../../strategy/spec/parse.js";
import type { Condition, IndicatorDeclaration, StrategySpec } from "../../strategy/spec/schema.js";
import { type Atom, GeneError, type Genome, mirrorKind, type WeightedGene } from "./genes.js";

type Indicators = Record<string, IndicatorDeclaration>;

/** A name for an indicator that says what it is: `ema12`, `bb20_2p25`. */
const tag = (n: number): string => String(n).replace(".", "p");

/** The condition an atom stands for, declaring the indicators it reads. */
function atomCondition(atom: Atom, indicators: Indicators): Condition {
  const p = atom.params;
  const at = (i: number) => p[i] as number;
  const declare = (name: string, declaration: IndicatorDeclaration): string => {
    indicators[name] = declaration;
    return name;
  };
  const ema = (period: number) => declare(`ema${period}`, { type: "ema", period });
  switch (atom.kind) {
    case "rsiBelow":
      return { lt: [declare(`rsi${at(0)}`, { type: "rsi", period: at(0) }), at(1)] };
    case "rsiAbove":
      return { gt: [declare(`rsi${at(0)}`, { type: "rsi", period: at(0) }), at(1)] };
    case "emaCrossUp":
      return { crossAbove: [ema(at(0)), ema(at(1))] };
    case "emaCrossDown":
      return { crossBelow: [ema(at(0)), ema(at(1))] };
    case "emaAbove":
      return { gt: [ema(at(0)), ema(at(1))] };
    case "emaBelow":
      return { lt: [ema(at(0)), ema(at(1))] };
    case "macdAbove":
    case "macdBelow": {
      const name = declare(`macd${at(0)}_${at(1)}_${at(2)}`, {
        type: "macd",
        fastPeriod: at(0),
        slowPeriod: at(1),
        signalPeriod: at(2),
      });
      return atom.kind === "macdAbove" ? { gt: [`${name}.histogram`, 0] } : { lt: [`${name}.histogram`, 0] };
    }
    case "adxAbove":
    case "adxBelow": {
      const name = declare(`adx${at(0)}`, { type: "adx", period: at(0) });
      return atom.kind === "adxAbove" ? { gt: [name, at(1)] } : { lt: [name, at(1)] };
    }
    case "closeBelowBand":
    case "closeAboveBand": {
      const name = declare(`bb${at(0)}_${tag(at(1))}`, {
        type: "bbands",
        period: at(0),
        nbdevup: at(1),
        nbdevdn: at(1),
      });
      return atom.kind === "closeBelowBand" ? { lt: ["close", `${name}.lower`] } : { gt: ["close", `${name}.upper`] };
    }
    case "closeAboveSma":
    case "closeBelowSma": {
      const name = declare(`sma${at(0)}`, { type: "sma", period: at(0) });
      return atom.kind === "closeAboveSma" ? { gt: ["close", name] } : { lt: ["close", name] };
    }
    case "breakoutUp":
    case "breakoutDown": {
      const name = declare(`dc${at(0)}`, { type: "donchian", period: at(0) });
      // The channel of the bars before this one, so a new high can exceed it.
      return atom.kind === "breakoutUp"
        ? { gt: ["close", { ref: `${name}.upper`, ago: 1 }] }
        : { lt: ["close", { ref: `${name}.lower`, ago: 1 }] };
    }
    default:
      throw new GeneError(`unknown atom kind "${String(atom.kind)}"`);
  }
}

export function mirrorAtom(atom: Atom): Atom {
  return { kind: mirrorKind(atom.kind), params: atom.params };
}

/**
 * A weighted vote as a condition: true when the weights of the true genes reach `threshold` × the total weight.
 * Written as any-of the minimal gene subsets that reach it, each an all-of (at most 2^3 − 1 subsets).
 */
export function voteCondition(genes: readonly WeightedGene[], threshold: number, indicators: Indicators): Condition {
  const conditions = genes.map((g) => atomCondition(g.atom, indicators));
  if (conditions.length === 1) return conditions[0] as Condition;
  const total = genes.reduce((sum, g) => sum + g.weight, 0);
  const needed = threshold * total - 1e-9;
  const minimal: number[] = [];
  const k = genes.length;
  // Subsets in order of size, so a superset of a kept subset is recognised and skipped.
  const masks = Array.from({ length: (1 << k) - 1 }, (_, i) => i + 1).sort(
    (a, b) => popCount(a) - popCount(b) || a - b,
  );
  for (const mask of masks) {
    if (minimal.some((m) => (m & mask) === m)) continue;
    let weight = 0;
    for (let i = 0; i < k; i++) if (mask & (1 << i)) weight += (genes[i] as WeightedGene).weight;
    if (weight >= needed) minimal.push(mask);
  }
  const clauses = minimal.map((mask): Condition => {
    const parts = conditions.filter((_, i) => mask & (1 << i));
    return parts.length === 1 ? (parts[0] as Condition) : { all: parts };
  });
  return clauses.length === 1 ? (clauses[0] as Condition) : { any: clauses };
}

function popCount(mask: number): number {
  let n = 0;
  for (let m = mask; m > 0; m >>= 1) n += m & 1;
  return n;
}

const mirrored = (genes: readonly WeightedGene[]): WeightedGene[] =>
  genes.map((g) => ({ atom: mirrorAtom(g.atom), weight: g.weight }));

/**
 * The strategy spec a genome encodes, validated by the same schema as any hand-written spec. With `regime`, the
 * strategy is one for that market regime: it enters only while the regime detector (default settings) says so.
 */
export function genomeToSpec(genome: Genome, name = "evolved", regime?: RegimeLabel): StrategySpec {
  const indicators: Indicators = {};
  const regimeFilter: Condition[] = [];
  if (regime !== undefined) {
    const code = REGIMES.indexOf(regime);
    if (code < 0) throw new GeneError(`unknown regime "${regime}" (regimes: ${REGIMES.join(", ")})`);
    indicators.regime = { type: "regime" };
    regimeFilter.push({ between: ["regime", code, code] });
  }
  const withFilter = (entry: Condition, filter: readonly WeightedGene[]): Condition => {
    const parts = [
      entry,
      ...(filter.length > 0 ? [voteCondition(filter, genome.threshold, indicators)] : []),
      ...regimeFilter,
    ];
    return parts.length === 1 ? entry : { all: parts };
  };
  const entryLong = withFilter(voteCondition(genome.entryLong, genome.threshold, indicators), genome.filter);
  const short = genome.entryShort.length > 0;
  const entryShort = short
    ? withFilter(voteCondition(genome.entryShort, genome.threshold, indicators), mirrored(genome.filter))
    : undefined;
  const exitLong = genome.exit.length > 0 ? voteCondition(genome.exit, genome.threshold, indicators) : undefined;
  const exitShort =
    short && genome.exit.length > 0 ? voteCondition(mirrored(genome.exit), genome.threshold, indicators) : undefined;
  const risk = genome.risk;
  return validateSpec(
    {
      name,
      indicators,
      entry: { long: entryLong, ...(entryShort ? { short: entryShort } : {}) },
      exit: { ...(exitLong ? { long: exitLong } : {}), ...(exitShort ? { short: exitShort } : {}) },
      allowShort: short,
      exits: {
        stopLossAtr: risk.stopAtr,
        atrPeriod: risk.atrPeriod,
        ...(risk.takeProfitAtr > 0 ? { takeProfitAtr: risk.takeProfitAtr } : {}),
      },
      sizing: { type: "percent-equity", value: risk.positionSize },
    },
    `genome ${name}`,
  );
}
