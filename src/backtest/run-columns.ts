import type { CandleSeries } from "../domain/candles.js";
import { BatchColumns, type ColumnSource } from "../strategy/columns.js";

/** The batch columns a run computed, by the series they were computed on. */
export type RunColumns = ReadonlyMap<CandleSeries, ColumnSource>;

/**
 * The columns of `series` for drawing or reading after a run: the run's own when it ran on that very series (its
 * indicators are already computed: the report's SMAs of a 4 M-bar run cost ~0.3 s to compute again), otherwise
 * fresh ones. A run with warm-up ran on longer series, so the measured series get fresh columns.
 */
export function columnsAfterRun(columns: RunColumns | undefined, series: CandleSeries): ColumnSource {
  return columns?.get(series) ?? new BatchColumns(series);
}
