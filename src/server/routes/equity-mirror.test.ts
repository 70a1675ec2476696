import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../store/index.js";
import type { Store } from "../../store/store.js";
import { EquityMirror } from "./equity-mirror.js";
import { downsampled } from "./read-equity.js";

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;

/** Seeded (LCG), so a failure is the same on every run. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
}

describe("EquityMirror: the downsampled curve from the API's copy equals the database's GROUP BY", () => {
  let dir: string;
  let store: Store;
  const rnd = random(7);
  let time = T0;
  const details = [JSON.stringify({ session: "a" }), JSON.stringify({ session: "b" })];

  /** Snapshots of both sessions interleaved, minutes apart with gaps, equity on a random walk with repeats. */
  async function write(n: number) {
    for (let k = 0; k < n; k++) {
      time += MIN * (1 + Math.floor(rnd() * 4));
      await store.db
        .insertInto("equitySnapshots")
        .values({
          time,
          equity: 1000 + Math.round(rnd() * 40) * 5,
          cash: Math.round(rnd() * 1000),
          positionsValue: 0,
          detail: details[k % 3 === 0 ? 1 : 0] as string,
        })
        .execute();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aegis-equity-mirror-"));
    store = await openStore(join(dir, "aegis.sqlite"));
    await write(700);
  }, 30_000);
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const spans = () => {
    const mid = T0 + (time - T0) / 3;
    return [
      { from: undefined, to: undefined },
      { from: Math.round(mid), to: undefined },
      { from: undefined, to: Math.round(mid) },
      { from: Math.round(mid), to: Math.round(mid * 1.0000001) },
      { from: time + 1, to: undefined },
    ];
  };

  async function expectSame(mirror: EquityMirror) {
    expect(await mirror.refresh()).toBe(true);
    for (const span of spans())
      for (const points of [2, 3, 7, 50, 400, 5000]) {
        const filter = { detail: mirror.detail, ...span };
        const fromDb = await downsampled(store.db, filter, points);
        expect(mirror.downsample(filter, points), JSON.stringify({ ...filter, points })).toEqual(fromDb);
      }
  }

  it("for one session, for all sessions, within from/to, for any number of points", async () => {
    for (const detail of [details[0], undefined]) await expectSame(new EquityMirror(store.db, detail));
  });

  it("after more snapshots were written, topped up with the new rows only", async () => {
    const mirror = new EquityMirror(store.db, details[0]);
    await mirror.refresh();
    const before = mirror.length;
    await write(90);
    await expectSame(mirror);
    expect(mirror.length).toBe(before + 60);
  });

  it("is for SQLite only", () => {
    expect(EquityMirror.fits(store.db)).toBe(true);
  });
});
