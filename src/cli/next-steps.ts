import { resolve } from "node:path";

/** What `sample: unspecified` means, in words: nobody said whether the parameters were tuned on this data. */
export function sampleWords(sample: { readonly kind: string }): string {
  switch (sample.kind) {
    case "in-sample":
      return "sample: in-sample (parameters tuned on this data)";
    case "out-of-sample":
      return "sample: out-of-sample (parameters fixed before this data)";
    default:
      return "sample: hand-set parameters (in-sample if tuned on this data)";
  }
}

/**
 * The lines that end a backtest with an output folder: where the report is and, after a run on the simulated
 * market (as `npm start` does), how to try real data.
 */
export function nextSteps(out: string, simulated: boolean): string[] {
  const lines = [`next     open ${resolve(out, "report.html")} in a browser (it works offline)`];
  if (simulated) {
    lines.push(
      "         try real data: aegis backtest --data FILE.csv --from 2022-01-01 --to 2022-12-31 --out DIR",
      "         (a CSV of OHLCV bars; `aegis data check FILE.csv` validates one, `aegis download` fetches one)",
    );
  }
  return lines;
}
