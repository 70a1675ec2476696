import { describe, expect, it } from "vitest";
import { createRandom } from "../../domain/random.js";
import { Adam, Mlp } from "./mlp.js";

describe("Mlp", () => {
  it("backpropagates the exact gradient: every parameter agrees with central finite differences", () => {
    const random = createRandom(4);
    const net = new Mlp([5, 7, 6, 3], random, Float64Array);
    const input = Array.from({ length: 5 }, () => random.normal());
    const target = [0.3, -1.2, 0.8];
    // loss = ½ Σ (out − target)², so d loss / d out = out − target.
    const loss = () => {
      const out = net.forward(input);
      return 0.5 * target.reduce((s, t, i) => s + ((out[i] as number) - t) ** 2, 0);
    };
    net.zeroGrad();
    const out = net.forward(input);
    net.backward(target.map((t, i) => (out[i] as number) - t));
    const analytic = Float64Array.from(net.grads);
    let worst = 0;
    const h = 1e-6;
    for (let k = 0; k < net.params.length; k++) {
      const saved = net.params[k] as number;
      net.params[k] = saved + h;
      const up = loss();
      net.params[k] = saved - h;
      const down = loss();
      net.params[k] = saved;
      const numeric = (up - down) / (2 * h);
      const error =
        Math.abs(numeric - (analytic[k] as number)) /
        Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic[k] as number));
      // A ReLU exactly at its kink has no derivative; random inputs make that vanishingly unlikely.
      worst = Math.max(worst, error);
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it("is deterministic for a seed, and refuses an input of the wrong size", () => {
    const a = new Mlp([18, 128, 64, 32, 3], createRandom(1));
    const b = new Mlp([18, 128, 64, 32, 3], createRandom(1));
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
    expect(a.params.length).toBe(18 * 128 + 128 + 128 * 64 + 64 + 64 * 32 + 32 + 32 * 3 + 3);
    expect(() => a.forward(new Float32Array(17))).toThrow(/input has 17 values; the network takes 18/);
  });

  it("learns XOR with Adam", () => {
    const net = new Mlp([2, 8, 1], createRandom(7), Float64Array);
    const adam = new Adam(net.params.length, 0.05);
    const data = [
      [0, 0, 0],
      [0, 1, 1],
      [1, 0, 1],
      [1, 1, 0],
    ] as const;
    for (let epoch = 0; epoch < 500; epoch++) {
      net.zeroGrad();
      for (const [x, y, t] of data) {
        const out = net.forward([x, y]);
        net.backward([(out[0] as number) - t]);
      }
      adam.step(net.params, net.grads, 1 / data.length);
    }
    for (const [x, y, t] of data) expect(net.forward([x, y])[0]).toBeCloseTo(t, 1);
  });
});
