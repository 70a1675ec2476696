export {
  CANDLE_STORE_SCHEMA_VERSION,
  type CandleRows,
  CandleStore,
  type OhlcvRow,
  type StoredSeries,
  type TimeRange,
} from "./candle-store.js";
