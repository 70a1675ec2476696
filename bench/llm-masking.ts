/**
 * What masking the market prompt hides from a model that memorized the history. A scripted "memorizing" model reads
 * the prompt of a real BTC/USDT 1h bar (/work/shared/data), looks the bar up in the real history and answers the
 * next bar's direction; its hit rate on a fixed seeded sample of 400 bars is the leak. Lookup by date or price
 * stands for a model that remembers prices by date; lookup by shape (the sequence of % moves) for one that
 * remembers the path itself. 50 % is a coin; the base rate of "up" bars in the sample is printed next to it.
 */
import { renderMarketPrompt } from "../src/ai/llm/market-prompt.js";
import {
  BTC_1H_FILE,
  hitRate,
  loadBtcHistory,
  MemorizingModel,
  sampleBars,
} from "../src/ai/llm/testing/memorizing-model.js";

const SAMPLE = 400;

export async function run(log: (line: string) => void): Promise<string> {
  const history = loadBtcHistory();
  if (history === undefined) return `# LLM masking\n\nskipped: ${BTC_1H_FILE} is absent\n`;
  const sample = sampleBars(history.close.length, SAMPLE, 24);
  const up = sample.filter((i) => (history.close[i + 1] as number) > (history.close[i] as number)).length / SAMPLE;
  const cases = [
    { prompt: "unmasked (dates, prices, ticker)", masked: false, bars: 24, decimals: 2, pattern: false },
    { prompt: "masked, 24 bars, 0.01 %", masked: true, bars: 24, decimals: 2, pattern: false },
    { prompt: "masked, 24 bars, 0.01 %", masked: true, bars: 24, decimals: 2, pattern: true },
    { prompt: "masked, 24 bars, 0.1 %", masked: true, bars: 24, decimals: 1, pattern: true },
    { prompt: "masked, 24 bars, 1 %", masked: true, bars: 24, decimals: 0, pattern: true },
    { prompt: "masked, 8 bars, 0.1 %", masked: true, bars: 8, decimals: 1, pattern: true },
    { prompt: "masked, 8 bars, 1 %", masked: true, bars: 8, decimals: 0, pattern: true },
  ];
  const rows: string[] = [];
  for (const c of cases) {
    const model = new MemorizingModel(history, { matchPattern: c.pattern });
    const started = performance.now();
    const rate = hitRate(history, sample, (i) =>
      model.answer(
        renderMarketPrompt({
          symbol: "BTC/USDT",
          timeframe: "1h",
          candles: history,
          end: i,
          bars: c.bars,
          masked: c.masked,
          maskedDecimals: c.decimals,
        }),
      ),
    );
    const recalled = Object.entries(model.recalls)
      .filter(([, n]) => n > 0)
      .map(([key, n]) => `${key} ${n}`)
      .join(", ");
    const memorizer = c.pattern ? "date, price or shape" : "date or price";
    log(`llm-masking: ${c.prompt}, lookup by ${memorizer}: ${(rate * 100).toFixed(1)} % (${recalled})`);
    rows.push(
      `| ${c.prompt} | ${memorizer} | ${(rate * 100).toFixed(1)} % | ${recalled} | ${((performance.now() - started) / 1000).toFixed(1)} s |`,
    );
  }
  return [
    "# LLM masking: directional hit rate of a memorizing model",
    "",
    `Real BTC/USDT 1h bars (${history.close.length} in the file), a seeded sample of ${SAMPLE} decision bars; up bars in the sample: ${(up * 100).toFixed(1)} %.`,
    "",
    "| prompt | the model recalls the bar by | hit rate | bars recalled by | time |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
    "Reading: masking removes what a model can look up by date or price (the hit rate falls to a coin), but the",
    "sequence of relative moves is itself a fingerprint: a model that remembered the path finds 24 bars at 0.01 %",
    "precision every time. Only a short window at coarse precision blurs it. Masking lowers the leak; it does not",
    "replace the training-cutoff guard, which stays on for masked prompts too.",
    "",
  ].join("\n");
}
