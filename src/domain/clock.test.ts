import { describe, expect, it } from "vitest";
import { ManualClock } from "./clock.js";

describe("ManualClock", () => {
  it("fires timers in due order while advancing, each at its own due time", () => {
    const clock = new ManualClock(1000);
    const fired: [string, number][] = [];
    clock.setTimer(300, () => fired.push(["c", clock.now()]));
    clock.setTimer(100, () => fired.push(["a", clock.now()]));
    clock.setTimer(100, () => fired.push(["b", clock.now()]));
    clock.advance(250);
    expect(fired).toEqual([
      ["a", 1100],
      ["b", 1100],
    ]);
    expect(clock.now()).toBe(1250);
    clock.advance(50);
    expect(fired.at(-1)).toEqual(["c", 1300]);
    expect(clock.pending).toBe(0);
  });

  it("runs a timer set by a firing timer when it falls due within the same advance", () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    clock.setTimer(10, () => {
      fired.push(clock.now());
      clock.setTimer(10, () => fired.push(clock.now()));
    });
    clock.advance(100);
    expect(fired).toEqual([10, 20]);
  });

  it("does not fire a cancelled timer, and refuses to go back in time", () => {
    const clock = new ManualClock(0);
    let fired = false;
    const cancel = clock.setTimer(10, () => {
      fired = true;
    });
    cancel();
    clock.advance(20);
    expect(fired).toBe(false);
    expect(() => clock.set(5)).toThrowError(/does not go back/);
  });
});
