import { describe, expect, it } from "vitest";
import { NYSE } from "../../data/calendar/exchange-calendar.js";
import { barCloseTime } from "../../data/calendar/market-hours.js";
import type { Candle } from "../../domain/candles.js";
import { ManualClock } from "../../domain/clock.js";
import type { ClosedBar } from "../live-runner.js";
import { StepAssembler } from "./step-assembler.js";

const M = 60_000;
const bar = (open: number): Candle => ({ time: open, open: 1, high: 1, low: 1, close: 1, volume: 1 });

function setup(graceMs = 5000) {
  const clock = new ManualClock(0);
  const steps: string[][] = [];
  const late: ClosedBar[] = [];
  const assembler = new StepAssembler({
    symbols: ["A", "B"],
    barMs: M,
    clock,
    graceMs,
    onStep: (bars) => steps.push(bars.map((b) => `${b.symbol}@${b.bar.time}`)),
    onLate: (b) => late.push(b),
  });
  return { clock, steps, late, assembler };
}

describe("StepAssembler", () => {
  it("steps as soon as every symbol delivered its bar for the instant, in slot order", () => {
    const { clock, steps, assembler } = setup();
    clock.set(M);
    assembler.add("B", bar(0));
    expect(steps).toEqual([]);
    assembler.add("A", bar(0));
    expect(steps).toEqual([["A@0", "B@0"]]);
  });

  it("steps without a slow symbol once the grace period after the close has passed", () => {
    const { clock, steps, assembler } = setup(5000);
    clock.set(M + 100);
    assembler.add("A", bar(0));
    clock.set(M + 4999);
    expect(steps).toEqual([]);
    clock.set(M + 5000);
    expect(steps).toEqual([["A@0"]]);
  });

  it("treats a bar whose step already ran as late and does not trade it", () => {
    const { clock, steps, late, assembler } = setup(1000);
    clock.set(M);
    assembler.add("A", bar(0));
    clock.set(M + 1000);
    assembler.add("B", bar(0));
    expect(steps).toEqual([["A@0"]]);
    expect(late.map((b) => b.symbol)).toEqual(["B"]);
  });

  it("runs an older incomplete step before a newer complete one", () => {
    const { clock, steps, assembler } = setup();
    clock.set(2 * M);
    assembler.add("A", bar(0));
    assembler.add("A", bar(M));
    assembler.add("B", bar(M));
    expect(steps).toEqual([["A@0"], ["A@60000", "B@60000"]]);
  });

  it("resumes after a restart without re-trading steps already done", () => {
    const { clock, steps, late, assembler } = setup();
    assembler.resumeAfter(2 * M);
    clock.set(3 * M);
    assembler.add("A", bar(M));
    assembler.add("A", bar(2 * M));
    assembler.add("B", bar(2 * M));
    expect(late).toHaveLength(1);
    expect(steps).toEqual([["A@120000", "B@120000"]]);
  });
});

describe("StepAssembler with daily stock bars", () => {
  const DAY = 86_400_000;
  const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

  it("closes each daily step at the NYSE session's end, 16:00 New York on both sides of a DST change", () => {
    const clock = new ManualClock(0);
    const steps: { close: number | undefined; time: number }[] = [];
    const assembler = new StepAssembler({
      symbols: ["AAPL", "SPY"],
      barMs: DAY,
      clock,
      graceMs: 60_000,
      barClose: (_symbol, time) => barCloseTime(NYSE, time, DAY),
      onStep: (bars) => steps.push({ close: bars[0]?.close, time: bars[0]?.bar.time as number }),
    });
    // Friday 8 March 2024 (EST, UTC-5), then Monday 11 March (EDT, UTC-4: clocks went forward on Sunday 10 March).
    for (const date of ["2024-03-08", "2024-03-11"]) {
      const close = barCloseTime(NYSE, day(date), DAY);
      clock.set(close + 1000);
      assembler.add("AAPL", bar(day(date)));
      // SPY is late: the step waits for it through the grace after the session's end, not until midnight.
      clock.set(close + 60_000);
    }
    expect(steps.map((s) => new Date(s.close as number).toISOString())).toEqual([
      "2024-03-08T21:00:00.000Z",
      "2024-03-11T20:00:00.000Z",
    ]);
    expect(steps.map((s) => s.time)).toEqual([day("2024-03-08"), day("2024-03-11")]);
    // The day's bar arriving after its step ran is late, not a new step at midnight.
    const late: string[] = [];
    const again = new StepAssembler({
      symbols: ["AAPL"],
      barMs: DAY,
      clock,
      barClose: (_symbol, time) => barCloseTime(NYSE, time, DAY),
      onStep: () => {},
      onLate: (b) => late.push(b.symbol),
    });
    again.resumeAfter(barCloseTime(NYSE, day("2024-03-11"), DAY));
    again.add("AAPL", bar(day("2024-03-11")));
    expect(late).toEqual(["AAPL"]);
  });
});
