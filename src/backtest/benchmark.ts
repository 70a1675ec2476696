import type { CandleSeries } from "../domain/candles.js";

/**
 * Buy-and-hold value of 1 unit of capital spread equally over the symbols at their first bar, sampled at `times`
 * (the equity curve's labels). A symbol with no bar yet at a time counts at its entry value.
 */
export function buyAndHoldIndex(series: readonly CandleSeries[], times: Float64Array): Float64Array {
  const out = new Float64Array(times.length);
  const weight = 1 / series.length;
  for (const s of series) {
    if (s.length === 0) continue;
    const first = s.close[0] as number;
    let j = 0;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      while (j + 1 < s.length && (s.time[j + 1] as number) <= t) j++;
      const price = (s.time[j] as number) <= t ? (s.close[j] as number) : first;
      out[i] = (out[i] as number) + (weight * price) / first;
    }
  }
  return out;
}
