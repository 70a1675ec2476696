export { formatMetrics, formatMetricValue } from "./format-metrics.js";
export {
  METRIC_DEFINITIONS,
  METRIC_KEYS,
  type MetricDefinition,
  type MetricKey,
  type MetricKind,
  type Metrics,
  metricLabel,
} from "./metric-definitions.js";
export {
  computeMetrics,
  DEFAULT_MIN_PERIODS_FOR_RATIOS,
  DEFAULT_MIN_TRADES_FOR_RATIOS,
  type MetricsInput,
} from "./metrics.js";
