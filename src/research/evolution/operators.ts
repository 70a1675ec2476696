import type { Random } from "../../domain/random.js";
import {
  ATOM_NAMES,
  ATOMS,
  type Atom,
  type AtomKind,
  GENOME_LIMITS,
  type Genome,
  type RiskGenes,
  type WeightedGene,
} from "./genes.js";

/**
 * Random genomes, crossover and mutation. Every operator returns a genome inside GENOME_LIMITS (values clamped and
 * rounded, EMA fast < slow repaired), so every child compiles to a valid spec (property-tested).
 */

const round2 = (v: number) => Math.round(v * 100) / 100;
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

function paramValue(rule: AtomKind["params"][number], v: number): number {
  const c = clamp(v, rule.min, rule.max);
  return rule.integer ? Math.round(c) : round2(c);
}

/** Keeps a fast EMA shorter than the slow one. */
function repair(atom: Atom): Atom {
  if (!atom.kind.startsWith("ema")) return atom;
  let [fast, slow] = atom.params as [number, number];
  if (fast >= slow) slow = Math.min(50, fast + 1);
  if (fast >= slow) fast = slow - 1;
  return { kind: atom.kind, params: [fast, slow] };
}

export function randomAtom(random: Random, kind = random.pick(ATOM_NAMES)): Atom {
  const params = (ATOMS[kind] as AtomKind).params.map((rule) =>
    paramValue(rule, rule.integer ? random.int(rule.min, rule.max) : random.uniform(rule.min, rule.max)),
  );
  return repair({ kind, params });
}

function randomGene(random: Random): WeightedGene {
  return {
    atom: randomAtom(random),
    weight: round2(random.uniform(GENOME_LIMITS.weight.min, GENOME_LIMITS.weight.max)),
  };
}

function randomGroup(random: Random, min: number, max: number): WeightedGene[] {
  return Array.from({ length: random.int(min, max) }, () => randomGene(random));
}

export function randomRisk(random: Random): RiskGenes {
  const L = GENOME_LIMITS;
  return {
    positionSize: random.int(L.positionSize.min, L.positionSize.max),
    stopAtr: round2(random.uniform(L.stopAtr.min, L.stopAtr.max)),
    takeProfitAtr: random.chance(0.5) ? 0 : round2(random.uniform(L.takeProfitAtr.min, L.takeProfitAtr.max)),
    atrPeriod: random.int(L.atrPeriod.min, L.atrPeriod.max),
  };
}

export function randomGenome(random: Random): Genome {
  return {
    entryLong: randomGroup(random, 1, 2),
    entryShort: random.chance(0.5) ? [] : randomGroup(random, 1, 2),
    exit: randomGroup(random, 0, 2),
    filter: randomGroup(random, 0, 1),
    threshold: round2(random.uniform(GENOME_LIMITS.threshold.min, GENOME_LIMITS.threshold.max)),
    risk: randomRisk(random),
  };
}

/** Uniform crossover of whole groups and of each risk parameter: a child is made only of its parents' genes. */
export function crossover(a: Genome, b: Genome, random: Random): Genome {
  const from = <T>(x: T, y: T): T => (random.chance(0.5) ? x : y);
  return {
    entryLong: from(a.entryLong, b.entryLong),
    entryShort: from(a.entryShort, b.entryShort),
    exit: from(a.exit, b.exit),
    filter: from(a.filter, b.filter),
    threshold: from(a.threshold, b.threshold),
    risk: {
      positionSize: from(a.risk.positionSize, b.risk.positionSize),
      stopAtr: from(a.risk.stopAtr, b.risk.stopAtr),
      takeProfitAtr: from(a.risk.takeProfitAtr, b.risk.takeProfitAtr),
      atrPeriod: from(a.risk.atrPeriod, b.risk.atrPeriod),
    },
  };
}

/** Gaussian steps of about a tenth of each range, with probability `rate` per value; genes added, dropped, replaced. */
export function mutate(genome: Genome, random: Random, rate = 0.2): Genome {
  const L = GENOME_LIMITS;
  const step = (v: number, min: number, max: number, integer: boolean): number => {
    if (!random.chance(rate)) return v;
    const next = clamp(v + random.normal(0, (max - min) / 8), min, max);
    return integer ? Math.round(next) : round2(next);
  };
  const mutateGene = (gene: WeightedGene): WeightedGene => {
    if (random.chance(rate / 4)) return randomGene(random);
    const kind = ATOMS[gene.atom.kind] as AtomKind;
    const params = gene.atom.params.map((v, i) => {
      const rule = kind.params[i] as AtomKind["params"][number];
      return paramValue(rule, step(v, rule.min, rule.max, rule.integer));
    });
    return {
      atom: repair({ kind: gene.atom.kind, params }),
      weight: step(gene.weight, L.weight.min, L.weight.max, false),
    };
  };
  const mutateGroup = (genes: readonly WeightedGene[], min: number, max: number): WeightedGene[] => {
    const out = genes.map(mutateGene);
    if (out.length < max && random.chance(rate / 2)) out.push(randomGene(random));
    if (out.length > min && random.chance(rate / 2)) out.splice(random.int(0, out.length - 1), 1);
    return out;
  };
  const takeProfit = (() => {
    if (random.chance(rate / 4)) return genome.risk.takeProfitAtr > 0 ? 0 : L.takeProfitAtr.min;
    if (genome.risk.takeProfitAtr === 0) return 0;
    return step(genome.risk.takeProfitAtr, L.takeProfitAtr.min, L.takeProfitAtr.max, false);
  })();
  return {
    entryLong: mutateGroup(genome.entryLong, L.entryLong.min, L.entryLong.max),
    entryShort: mutateGroup(genome.entryShort, L.entryShort.min, L.entryShort.max),
    exit: mutateGroup(genome.exit, L.exit.min, L.exit.max),
    filter: mutateGroup(genome.filter, L.filter.min, L.filter.max),
    threshold: step(genome.threshold, L.threshold.min, L.threshold.max, false),
    risk: {
      positionSize: step(genome.risk.positionSize, L.positionSize.min, L.positionSize.max, true),
      stopAtr: step(genome.risk.stopAtr, L.stopAtr.min, L.stopAtr.max, false),
      takeProfitAtr: takeProfit,
      atrPeriod: step(genome.risk.atrPeriod, L.atrPeriod.min, L.atrPeriod.max, true),
    },
  };
}
