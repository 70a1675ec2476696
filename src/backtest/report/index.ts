export { downsampleMinMax } from "./downsample.js";
export { type MonthlyReturn, monthlyReturns, type YearlyReturn, yearlyReturns } from "./monthly-returns.js";
export { MAX_TRADE_ROWS, type ReportInput, type ReportMeta, renderReport } from "./render-report.js";
export { MAX_CHART_POINTS } from "./report-data.js";
export { underwater } from "./underwater.js";
