import { describe, expect, it } from "vitest";
import { Heartbeat } from "./heartbeat.js";
import { handTicker } from "./testing/hand-ticker.js";

describe("Heartbeat", () => {
  it("posts one beat per tick and stays quiet while beats are answered", () => {
    const hand = handTicker();
    const sent: number[] = [];
    const hung: number[] = [];
    const beat = new Heartbeat(
      { everyMs: 500, missedBeats: 2, ticker: hand.ticker },
      { send: (id) => sent.push(id), onHung: (ms) => hung.push(ms) },
    );
    for (let k = 0; k < 10; k++) {
      hand.tick();
      beat.answered();
    }
    expect(hand.every).toBe(500);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(hung).toEqual([]);
  });

  it("says hung once after missedBeats unanswered beats, then stops ticking", () => {
    const hand = handTicker();
    const sent: number[] = [];
    const hung: number[] = [];
    const beat = new Heartbeat(
      { everyMs: 1000, missedBeats: 3, ticker: hand.ticker },
      { send: (id) => sent.push(id), onHung: (ms) => hung.push(ms) },
    );
    hand.tick();
    hand.tick();
    hand.tick();
    expect(beat.unanswered).toBe(3);
    expect(hung).toEqual([]);
    hand.tick();
    expect(hung).toEqual([3000]);
    expect(hand.running).toBe(false);
    hand.tick();
    expect(sent).toEqual([1, 2, 3]);
    expect(hung).toEqual([3000]);
  });

  it("forgives missed beats once any beat is answered", () => {
    const hand = handTicker();
    const hung: number[] = [];
    const beat = new Heartbeat(
      { missedBeats: 3, ticker: hand.ticker },
      { send: () => {}, onHung: (ms) => hung.push(ms) },
    );
    hand.tick();
    hand.tick();
    beat.answered();
    hand.tick();
    hand.tick();
    hand.tick();
    expect(hung).toEqual([]);
    expect(beat.unanswered).toBe(3);
  });

  it("does not blame the worker for beats missed while this thread itself was starved (a late tick)", () => {
    const hand = handTicker();
    const hung: number[] = [];
    let now = 0;
    new Heartbeat(
      { everyMs: 1000, missedBeats: 3, ticker: hand.ticker, now: () => now },
      { send: () => {}, onHung: (ms) => hung.push(ms) },
    );
    for (const at of [1000, 2000, 3000]) {
      now = at;
      hand.tick();
    }
    now = 9000;
    hand.tick();
    expect(hung).toEqual([]);
    for (const at of [10_000, 11_000]) {
      now = at;
      hand.tick();
    }
    expect(hung).toEqual([3000]);
  });

  it("refuses an interval or a count that cannot work, naming it", () => {
    const io = { send: () => {}, onHung: () => {} };
    expect(() => new Heartbeat({ everyMs: 0 }, io)).toThrow(/everyMs must be > 0/);
    expect(() => new Heartbeat({ missedBeats: 0.5 }, io)).toThrow(/missedBeats must be a whole number/);
  });
});
