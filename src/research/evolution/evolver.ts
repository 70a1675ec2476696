import { createRandom, type Random } from "../../domain/random.js";
import type { RegimeLabel } from "../../domain/regime.js";
import type { StrategySpec } from "../../strategy/spec/schema.js";
import { specHash } from "../../strategy/spec/spec-hash.js";
import type { Fitness } from "./fitness.js";
import type { Genome } from "./genes.js";
import { genomeToSpec } from "./genome-spec.js";
import { crossover, mutate, randomGenome } from "./operators.js";

/** Scores specs; the local one runs in this thread, the pool one on worker threads. Same answers either way. */
export interface FitnessEvaluator {
  evaluate(specs: readonly StrategySpec[]): Promise<Fitness[]>;
}

export interface EvolveOptions {
  readonly evaluator: FitnessEvaluator;
  readonly seed: number | string;
  readonly population?: number;
  readonly elitism?: number;
  readonly tournament?: number;
  readonly crossoverRate?: number;
  readonly mutationRate?: number;
  /** Stop after this many generations (generation 0 is the random one). */
  readonly generations: number;
  /** Stop once this many distinct specs have been evaluated. */
  readonly maxEvaluations?: number;
  /** Stop when the best fitness has not improved by more than 1e-9 for this many generations. */
  readonly patience?: number;
  /** Spec hashes never to propose (strategies that failed a gate), with their reasons. */
  readonly blacklist?: ReadonlyMap<string, string>;
  /** Evolve strategies for one market regime: every spec enters only in it (see genomeToSpec). */
  readonly regime?: RegimeLabel;
  /** Names the specs: `<prefix>-g<generation>-<index>`. */
  readonly namePrefix?: string;
  readonly onGeneration?: (summary: GenerationSummary) => void;
}

/** One distinct strategy the search evaluated. */
export interface EvolvedCandidate {
  readonly hash: string;
  readonly name: string;
  readonly generation: number;
  readonly genome: Genome;
  readonly spec: StrategySpec;
  readonly fitness: Fitness;
  /** Spec hashes of the parents (none in generation 0, one for a mutant of an elite, two for a crossover). */
  readonly parents: readonly string[];
}

export interface GenerationSummary {
  readonly generation: number;
  readonly best: number | null;
  readonly mean: number | null;
  /** Candidates with a fitness (enough trades, a defined objective). */
  readonly ranked: number;
  readonly evaluated: number;
  readonly bestHash: string | undefined;
}

export interface EvolveResult {
  /** Every distinct strategy evaluated, in the order it was first evaluated. */
  readonly candidates: readonly EvolvedCandidate[];
  readonly generations: readonly GenerationSummary[];
  /** The final population, best first. */
  readonly population: readonly EvolvedCandidate[];
  readonly stoppedBecause: string;
  /** Proposals skipped because their spec hash is blacklisted. */
  readonly blacklistedSkips: number;
}

const score = (c: EvolvedCandidate): number => c.fitness.fitness ?? Number.NEGATIVE_INFINITY;

/** Best first; ties to the earlier-evaluated, so the order never depends on timing. */
function rank(population: EvolvedCandidate[], order: Map<string, number>): EvolvedCandidate[] {
  return population.sort((a, b) => score(b) - score(a) || (order.get(a.hash) ?? 0) - (order.get(b.hash) ?? 0));
}

/**
 * Algo Trading Lab's genetic loop, seeded and deterministic: a random generation 0, then each generation keeps the
 * `elitism` best, and fills the rest with children of tournament-selected parents (crossover, then mutation).
 * A child whose spec hash is blacklisted or already in the generation is mutated again (up to 20 times, then
 * replaced by a random genome). Fitness comes only from the evaluator (out of sample; see fitness.ts).
 */
export async function evolve(options: EvolveOptions): Promise<EvolveResult> {
  const size = options.population ?? 50;
  const elitism = options.elitism ?? 5;
  const tournament = options.tournament ?? 3;
  const crossoverRate = options.crossoverRate ?? 0.8;
  const mutationRate = options.mutationRate ?? 0.2;
  const patience = options.patience ?? Number.POSITIVE_INFINITY;
  const maxEvaluations = options.maxEvaluations ?? Number.POSITIVE_INFINITY;
  const blacklist = options.blacklist ?? new Map<string, string>();
  const prefix = options.namePrefix ?? "evolved";
  if (!(Number.isInteger(size) && size >= 2))
    throw new RangeError(`population must be a whole number >= 2, got ${size}`);
  if (!(Number.isInteger(elitism) && elitism >= 0 && elitism < size))
    throw new RangeError(`elitism must be a whole number in [0, population), got ${elitism}`);
  if (!(Number.isInteger(options.generations) && options.generations >= 1))
    throw new RangeError(`generations must be a whole number >= 1, got ${options.generations}`);
  if (!(Number.isInteger(tournament) && tournament >= 1))
    throw new RangeError(`tournament must be a whole number >= 1, got ${tournament}`);

  const random = createRandom(options.seed);
  const known = new Map<string, EvolvedCandidate>();
  const order = new Map<string, number>();
  const candidates: EvolvedCandidate[] = [];
  const generations: GenerationSummary[] = [];
  let blacklistedSkips = 0;

  /** Proposes a genome whose hash is neither blacklisted nor in `taken`, mutating it until it is. */
  const admissible = (
    genome: Genome,
    taken: Set<string>,
    rng: Random,
  ): { genome: Genome; spec: StrategySpec; hash: string } => {
    let current = genome;
    for (let attempt = 0; ; attempt++) {
      const spec = genomeToSpec(current, "evolved", options.regime);
      const hash = specHash(spec);
      if (blacklist.has(hash)) blacklistedSkips++;
      else if (!taken.has(hash)) return { genome: current, spec, hash };
      current = attempt < 20 ? mutate(current, rng, Math.max(mutationRate, 0.5)) : randomGenome(rng);
    }
  };

  let population: EvolvedCandidate[] = [];
  let best = Number.NEGATIVE_INFINITY;
  let stale = 0;
  let stoppedBecause = `${options.generations} generations`;
  for (let generation = 0; generation < options.generations; generation++) {
    const taken = new Set<string>();
    const next: { genome: Genome; spec: StrategySpec; hash: string; parents: string[] }[] = [];
    if (generation === 0) {
      for (let i = 0; i < size; i++) {
        const proposal = admissible(randomGenome(random), taken, random);
        taken.add(proposal.hash);
        next.push({ ...proposal, parents: [] });
      }
    } else {
      for (const elite of population.slice(0, elitism)) {
        taken.add(elite.hash);
        next.push({ genome: elite.genome, spec: elite.spec, hash: elite.hash, parents: [...elite.parents] });
      }
      const pick = (): EvolvedCandidate => {
        let winner = random.pick(population);
        for (let k = 1; k < tournament; k++) {
          const challenger = random.pick(population);
          if (score(challenger) > score(winner)) winner = challenger;
        }
        return winner;
      };
      while (next.length < size) {
        const a = pick();
        const crossed = random.chance(crossoverRate);
        const b = crossed ? pick() : a;
        const child = mutate(crossed ? crossover(a.genome, b.genome, random) : a.genome, random, mutationRate);
        const proposal = admissible(child, taken, random);
        taken.add(proposal.hash);
        next.push({ ...proposal, parents: crossed && a.hash !== b.hash ? [a.hash, b.hash] : [a.hash] });
      }
    }
    // Only specs never seen before are evaluated; a spec seen in an earlier generation keeps its fitness.
    const fresh = next.filter((p) => !known.has(p.hash));
    const scores = await options.evaluator.evaluate(fresh.map((p) => p.spec));
    fresh.forEach((proposal, i) => {
      const name = `${prefix}-g${generation}-${candidates.length}`;
      const candidate: EvolvedCandidate = {
        hash: proposal.hash,
        name,
        generation,
        genome: proposal.genome,
        spec: { ...proposal.spec, name },
        fitness: scores[i] as Fitness,
        parents: proposal.parents,
      };
      known.set(proposal.hash, candidate);
      order.set(proposal.hash, candidates.length);
      candidates.push(candidate);
    });
    population = rank(
      next.map((p) => known.get(p.hash) as EvolvedCandidate),
      order,
    );
    const ranked = population.filter((c) => c.fitness.fitness !== null);
    const top = ranked[0];
    const summary: GenerationSummary = {
      generation,
      best: top?.fitness.fitness ?? null,
      mean: ranked.length > 0 ? ranked.reduce((s, c) => s + score(c), 0) / ranked.length : null,
      ranked: ranked.length,
      evaluated: candidates.length,
      bestHash: top?.hash,
    };
    generations.push(summary);
    options.onGeneration?.(summary);
    const current = summary.best ?? Number.NEGATIVE_INFINITY;
    if (current > best + 1e-9) {
      best = current;
      stale = 0;
    } else stale++;
    if (candidates.length >= maxEvaluations) {
      stoppedBecause = `evaluation budget of ${maxEvaluations} reached`;
      break;
    }
    if (stale >= patience) {
      stoppedBecause = `converged: best fitness unchanged for ${patience} generations`;
      break;
    }
  }
  return { candidates, generations, population, stoppedBecause, blacklistedSkips };
}
