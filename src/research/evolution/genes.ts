/**
 * The gene encoding of Algo Trading Lab's strategy evolver: entry-long, entry-short, exit and filter genes, each a
 * condition with a weight, and risk parameters (position size, ATR stop). A genome is plain data (JSON); it becomes
 * a strategy spec (src/strategy/spec), never code. Parameter ranges are Algo Trading Lab's (EMA fast 5–20 / slow
 * 15–50, RSI 7–21 with oversold 20–35 / overbought 65–80, ADX 10–20 over 15–30, MACD 8–15 / 20–30 / 7–12, ATR
 * 10–20, Bollinger 15–25 with 1.5–2.5 σ).
 */

/** One condition kind and the range of each of its parameters. `mirror` is the same idea for the other side. */
export interface AtomKind {
  readonly params: readonly { readonly min: number; readonly max: number; readonly integer: boolean }[];
  /** The AtomName of the mirror image (a string here, checked by the `satisfies` below, to avoid a type cycle). */
  readonly mirror: string;
}

const int = (min: number, max: number) => ({ min, max, integer: true });
const real = (min: number, max: number) => ({ min, max, integer: false });

export const ATOMS = {
  rsiBelow: { params: [int(7, 21), int(20, 35)], mirror: "rsiAbove" },
  rsiAbove: { params: [int(7, 21), int(65, 80)], mirror: "rsiBelow" },
  emaCrossUp: { params: [int(5, 20), int(15, 50)], mirror: "emaCrossDown" },
  emaCrossDown: { params: [int(5, 20), int(15, 50)], mirror: "emaCrossUp" },
  emaAbove: { params: [int(5, 20), int(15, 50)], mirror: "emaBelow" },
  emaBelow: { params: [int(5, 20), int(15, 50)], mirror: "emaAbove" },
  macdAbove: { params: [int(8, 15), int(20, 30), int(7, 12)], mirror: "macdBelow" },
  macdBelow: { params: [int(8, 15), int(20, 30), int(7, 12)], mirror: "macdAbove" },
  adxAbove: { params: [int(10, 20), int(15, 30)], mirror: "adxAbove" },
  adxBelow: { params: [int(10, 20), int(15, 30)], mirror: "adxBelow" },
  closeBelowBand: { params: [int(15, 25), real(1.5, 2.5)], mirror: "closeAboveBand" },
  closeAboveBand: { params: [int(15, 25), real(1.5, 2.5)], mirror: "closeBelowBand" },
  closeAboveSma: { params: [int(20, 200)], mirror: "closeBelowSma" },
  closeBelowSma: { params: [int(20, 200)], mirror: "closeAboveSma" },
  breakoutUp: { params: [int(10, 60)], mirror: "breakoutDown" },
  breakoutDown: { params: [int(10, 60)], mirror: "breakoutUp" },
} as const satisfies Record<string, AtomKind>;

export type AtomName = keyof typeof ATOMS;
export const ATOM_NAMES = Object.keys(ATOMS) as AtomName[];

/** The mirror image of an atom kind (rsiBelow ↔ rsiAbove); ADX is its own mirror. */
export function mirrorKind(kind: AtomName): AtomName {
  return ATOMS[kind].mirror as AtomName;
}

export interface Atom {
  readonly kind: AtomName;
  readonly params: readonly number[];
}

export interface WeightedGene {
  readonly atom: Atom;
  /** How much this condition counts in its group's vote, 0.1–2. */
  readonly weight: number;
}

export interface RiskGenes {
  /** Share of equity per position, percent (5–100). */
  readonly positionSize: number;
  /** Stop-loss in ATR multiples (1–3, Algo Trading Lab's range). */
  readonly stopAtr: number;
  /** Take-profit in ATR multiples; 0 = none, else 1.5–6. */
  readonly takeProfitAtr: number;
  readonly atrPeriod: number;
}

export interface Genome {
  readonly entryLong: readonly WeightedGene[];
  /** Empty: the strategy is long-only. */
  readonly entryShort: readonly WeightedGene[];
  /** Exit genes of a long; a short exits on their mirror images. Empty: only stops and reversals exit. */
  readonly exit: readonly WeightedGene[];
  /** Conditions an entry also needs (mirrored for shorts), as a weighted vote of their own. */
  readonly filter: readonly WeightedGene[];
  /** A group fires when the weights of its true genes reach this share of the group's total weight (0.3–1). */
  readonly threshold: number;
  readonly risk: RiskGenes;
}

/** Bounds of the genome, so a vote stays a small any-of-alls and a spec stays readable. */
export const GENOME_LIMITS = {
  entryLong: { min: 1, max: 3 },
  entryShort: { min: 0, max: 3 },
  exit: { min: 0, max: 3 },
  filter: { min: 0, max: 2 },
  weight: { min: 0.1, max: 2 },
  threshold: { min: 0.3, max: 1 },
  positionSize: { min: 5, max: 100 },
  stopAtr: { min: 1, max: 3 },
  takeProfitAtr: { min: 1.5, max: 6 },
  atrPeriod: { min: 10, max: 20 },
} as const;

export class GeneError extends Error {
  override name = "GeneError";
}

const GROUPS = ["entryLong", "entryShort", "exit", "filter"] as const;

/** Checks a genome from outside (a file, a store, a worker): every problem at once, naming where it is. */
export function validateGenome(value: unknown): Genome {
  const problems: string[] = [];
  const g = value as Partial<Genome> | null;
  if (g === null || typeof g !== "object") throw new GeneError("a genome must be an object");
  for (const group of GROUPS) {
    const genes = g[group];
    const limits = GENOME_LIMITS[group];
    if (!Array.isArray(genes)) {
      problems.push(`${group}: must be a list of genes`);
      continue;
    }
    if (genes.length < limits.min || genes.length > limits.max)
      problems.push(`${group}: needs ${limits.min} to ${limits.max} genes, got ${genes.length}`);
    for (const [i, gene] of (genes as WeightedGene[]).entries()) problems.push(...geneProblems(gene, `${group}.${i}`));
  }
  const range = (where: string, v: unknown, min: number, max: number, zeroAllowed = false) => {
    if (typeof v !== "number" || !Number.isFinite(v) || ((v < min || v > max) && !(zeroAllowed && v === 0)))
      problems.push(`${where}: must be a number from ${min} to ${max}${zeroAllowed ? " (or 0)" : ""}, got ${v}`);
  };
  range("threshold", g.threshold, GENOME_LIMITS.threshold.min, GENOME_LIMITS.threshold.max);
  const risk = g.risk as Partial<RiskGenes> | undefined;
  if (risk === undefined || typeof risk !== "object") problems.push("risk: missing");
  else {
    range("risk.positionSize", risk.positionSize, GENOME_LIMITS.positionSize.min, GENOME_LIMITS.positionSize.max);
    range("risk.stopAtr", risk.stopAtr, GENOME_LIMITS.stopAtr.min, GENOME_LIMITS.stopAtr.max);
    const tp = GENOME_LIMITS.takeProfitAtr;
    range("risk.takeProfitAtr", risk.takeProfitAtr, tp.min, tp.max, true);
    range("risk.atrPeriod", risk.atrPeriod, GENOME_LIMITS.atrPeriod.min, GENOME_LIMITS.atrPeriod.max);
    if (typeof risk.atrPeriod === "number" && !Number.isInteger(risk.atrPeriod))
      problems.push(`risk.atrPeriod: must be a whole number, got ${risk.atrPeriod}`);
  }
  if (problems.length > 0) throw new GeneError(`invalid genome:\n- ${problems.join("\n- ")}`);
  return g as Genome;
}

function geneProblems(gene: WeightedGene, where: string): string[] {
  if (gene === null || typeof gene !== "object" || typeof gene.atom !== "object" || gene.atom === null)
    return [`${where}: a gene is { atom: { kind, params }, weight }`];
  const problems: string[] = [];
  const { weight } = gene;
  if (typeof weight !== "number" || !(weight >= GENOME_LIMITS.weight.min && weight <= GENOME_LIMITS.weight.max))
    problems.push(
      `${where}.weight: must be from ${GENOME_LIMITS.weight.min} to ${GENOME_LIMITS.weight.max}, got ${weight}`,
    );
  const kind = ATOMS[gene.atom.kind as AtomName] as AtomKind | undefined;
  if (kind === undefined) {
    problems.push(`${where}.atom.kind: unknown "${String(gene.atom.kind)}" (kinds: ${ATOM_NAMES.join(", ")})`);
    return problems;
  }
  const params = gene.atom.params;
  if (!Array.isArray(params) || params.length !== kind.params.length) {
    problems.push(`${where}.atom.params: ${gene.atom.kind} takes ${kind.params.length} numbers`);
    return problems;
  }
  kind.params.forEach((rule, i) => {
    const v = params[i];
    if (typeof v !== "number" || !(v >= rule.min && v <= rule.max) || (rule.integer && !Number.isInteger(v)))
      problems.push(
        `${where}.atom.params.${i}: must be ${rule.integer ? "a whole number" : "a number"} from ${rule.min} to ${rule.max}, got ${v}`,
      );
  });
  if (gene.atom.kind.startsWith("ema") && params.length === 2 && (params[0] as number) >= (params[1] as number))
    problems.push(`${where}.atom.params: the fast EMA (${params[0]}) must be shorter than the slow one (${params[1]})`);
  return problems;
}

/** Genes in a genome: the complexity the fitness penalizes. */
export function geneCount(genome: Genome): number {
  return genome.entryLong.length + genome.entryShort.length + genome.exit.length + genome.filter.length;
}
