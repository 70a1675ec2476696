import { z } from "zod";

const onlineLearner = z
  .object({
    kind: z.literal("online-learner"),
    window: z.number().int().min(1).optional(),
    minTrades: z.number().int().min(1).optional(),
    minWinRate: z.number().min(0).max(1).optional(),
    maxConsecutiveLosses: z.number().int().min(1).optional(),
    targetWinRate: z.number().min(0).max(1).optional(),
    recoveryHours: z.number().positive().optional(),
  })
  .strict();

const allocator = z
  .object({
    kind: z.literal("allocator"),
    lookbackDays: z.number().int().min(2).optional(),
    minWeight: z.number().min(0).max(1).optional(),
    maxWeight: z.number().min(0).max(1).optional(),
    dailyRiskBudget: z.number().positive().optional(),
    rebalanceThreshold: z.number().gt(0).lt(1).optional(),
    minActiveDays: z.number().int().min(1).optional(),
  })
  .strict();

const patternMemory = z
  .object({
    kind: z.literal("pattern-memory"),
    k: z.number().int().min(1).optional(),
    minNeighbours: z.number().int().min(1).optional(),
    vetoBelow: z.number().min(0).max(1).optional(),
    scaleBelow: z.number().min(0).max(1).optional(),
  })
  .strict();

const learner = z.discriminatedUnion("kind", [onlineLearner, allocator, patternMemory]);

/**
 * `trading.learners`: the learning sources `aegis trade` attaches to every slot, by name
 * (`[online-learner, allocator, pattern-memory]`) or with options (`{ kind: allocator, lookbackDays: 60 }`).
 */
export const learnersConfigSchema = z
  .array(z.union([z.enum(["online-learner", "allocator", "pattern-memory"]).transform((kind) => ({ kind })), learner]))
  .default([])
  .superRefine((list, context) => {
    const seen = new Set<string>();
    for (const entry of list) {
      if (seen.has(entry.kind)) context.addIssue({ code: "custom", message: `learner ${entry.kind} appears twice` });
      seen.add(entry.kind);
    }
  });

export type LearnerConfig = z.infer<typeof learner>;
