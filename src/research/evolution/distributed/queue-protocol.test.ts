import { describe, expect, it } from "vitest";
import { sliceSeries } from "../../../domain/candles.js";
import { defaultFitnessPlan } from "../fitness.js";
import { failedFitness } from "../local-evaluator.js";
import { syntheticHourlyBars } from "../testing/synthetic-markets.js";
import { checkJobResult, type FitnessJob, seriesFingerprint } from "./queue-protocol.js";

const series = syntheticHourlyBars({ seed: 1, bars: 600, edge: 0 });
const plan = defaultFitnessPlan(series.length, { cash: 10_000, fee: 0.001 });
const job = (specs: number): FitnessJob => ({
  data: { file: "x.csv", bars: series.length, fingerprint: seriesFingerprint(series) },
  plan,
  specs: Array.from({ length: specs }, () => ({}) as FitnessJob["specs"][number]),
});

describe("queue job protocol", () => {
  it("fingerprints the bars: the same bars give the same print, one changed close another", () => {
    const copy = sliceSeries(series, 0, series.length);
    expect(seriesFingerprint(copy)).toBe(seriesFingerprint(series));
    const close = Float64Array.from(series.close);
    close[300] = (close[300] as number) * 1.0001;
    expect(seriesFingerprint({ ...series, close })).not.toBe(seriesFingerprint(series));
    expect(seriesFingerprint(sliceSeries(series, 0, 599))).not.toBe(seriesFingerprint(series));
  });

  it("accepts one fitness per spec and refuses a worker's garbage, naming the job and what is wrong", () => {
    const good = [failedFitness("x", plan.blocks), failedFitness("y", plan.blocks)];
    expect(checkJobResult(good, job(2), "j1")).toBe(good);
    expect(() => checkJobResult("ok", job(2), "j1")).toThrow(/queue job j1 returned string instead of 2 fitness/);
    expect(() => checkJobResult(good, job(3), "j2")).toThrow(/queue job j2 returned 2 fitness values for 3 specs/);
    expect(() => checkJobResult([good[0], null], job(2), "j3")).toThrow(/bad fitness for spec 1: null/);
    expect(() => checkJobResult([{ ...good[0], fitness: "high" }, good[1]], job(2), "j4")).toThrow(
      /spec 0: fitness high is neither a finite number nor null/,
    );
    expect(() => checkJobResult([{ ...good[0], blockStats: [1] }, good[1]], job(2), "j5")).toThrow(
      /block statistics are not 48 numbers/,
    );
  });
});
