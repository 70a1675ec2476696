import { existsSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../config/load-config.js";
import { CandleStore } from "../../data/store/candle-store.js";

export async function dataListCommand(globals: { config?: string }): Promise<void> {
  const { config } = loadConfig({ file: globals.config });
  const path = join(config.dataDir, "candles.sqlite");
  if (!existsSync(path)) {
    process.stdout.write(
      `no candle store at ${path} yet; fill it with: aegis download --exchange binance --symbol BTC/USDT --since 2024-01-01\n`,
    );
    return;
  }
  const store = new CandleStore(path);
  try {
    const rows = store.list();
    if (rows.length === 0) process.stdout.write(`${path} is empty\n`);
    for (const r of rows) {
      process.stdout.write(
        `${r.exchange}\t${r.symbol}\t${r.timeframe}\t${r.count} bars\t${new Date(r.first).toISOString()} → ${new Date(r.last).toISOString()}\n`,
      );
    }
  } finally {
    store.close();
  }
}
