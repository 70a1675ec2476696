import * as LC from "../vendor/lightweight-charts.standalone.production.mjs";

/** Chart helpers over lightweight-charts (served from the installed package, no build step). */

const COLORS = ["#f5c542", "#4f9dde", "#c678dd", "#56b6c2", "#e06c75", "#98c379", "#d19a66", "#abb2bf"];

export function createChart(el, options = {}) {
  return LC.createChart(el, {
    autoSize: true,
    layout: {
      background: { type: LC.ColorType.Solid, color: "#171e26" },
      textColor: "#d7dde4",
      panes: { separatorColor: "#26313d" },
    },
    grid: { vertLines: { color: "#1f2933" }, horzLines: { color: "#1f2933" } },
    timeScale: { timeVisible: true, secondsVisible: false, borderColor: "#26313d" },
    rightPriceScale: { borderColor: "#26313d" },
    ...options,
  });
}

/** Unix ms → the chart's time (UTC seconds). */
export const sec = (ms) => Math.floor(ms / 1000);

/** Candles with indicator overlays (price pane) and oscillators (a pane below), and fill markers. */
export class PriceChart {
  constructor(el) {
    this.chart = createChart(el);
    this.candles = this.chart.addSeries(LC.CandlestickSeries, {
      upColor: "#26a69a",
      downColor: "#ef5350",
      borderVisible: false,
      wickUpColor: "#26a69a",
      wickDownColor: "#ef5350",
    });
    this.markers = LC.createSeriesMarkers(this.candles, []);
    this.lines = [];
    this.times = [];
  }

  /** Replaces everything with an answer of GET /api/candles/:symbol. */
  show(answer) {
    for (const line of this.lines) this.chart.removeSeries(line);
    this.lines = [];
    this.times = answer.candles.map((c) => sec(c.time));
    this.candles.setData(
      answer.candles.map((c) => ({ time: sec(c.time), open: c.open, high: c.high, low: c.low, close: c.close })),
    );
    let color = 0;
    for (const indicator of answer.indicators) {
      const pane = indicator.pane === "price" ? 0 : 1;
      for (const [name, values] of Object.entries(indicator.lines)) {
        const line = this.chart.addSeries(
          indicator.id.startsWith("macd") && name === "histogram" ? LC.HistogramSeries : LC.LineSeries,
          {
            color: COLORS[color++ % COLORS.length],
            lineWidth: 1,
            title: name === "value" ? indicator.id : `${indicator.id} ${name}`,
            priceLineVisible: false,
            lastValueVisible: false,
          },
          pane,
        );
        line.setData(values.map((v, i) => (v === null ? { time: this.times[i] } : { time: this.times[i], value: v })));
        this.lines.push(line);
      }
    }
    this.setMarkers(answer.markers);
    this.chart.timeScale().fitContent();
  }

  /** Fills as arrows on the bar they happened in; the text is the order's reason. */
  setMarkers(fills) {
    this.fills = fills.slice();
    const markers = [];
    for (const f of fills) {
      const time = this.#barOf(sec(f.time));
      if (time === undefined) continue;
      const buy = f.side === "buy";
      markers.push({
        time,
        position: buy ? "belowBar" : "aboveBar",
        color: buy ? "#26a69a" : "#ef5350",
        shape: buy ? "arrowUp" : "arrowDown",
        // The reason is long ("exit long: fast crossBelow slow"); the chart shows the side, the decision log the why.
        text: buy ? "B" : "S",
      });
    }
    markers.sort((a, b) => a.time - b.time);
    this.markers.setMarkers(markers);
  }

  addFill(fill) {
    this.setMarkers([...(this.fills ?? []), fill]);
  }

  /** A new or updated bar from the live stream. */
  update(bar) {
    const time = sec(bar.time);
    const last = this.times[this.times.length - 1];
    if (last !== undefined && time < last) return;
    if (time !== last) this.times.push(time);
    this.candles.update({ time, open: bar.open, high: bar.high, low: bar.low, close: bar.close });
  }

  #barOf(time) {
    let lo = 0;
    let hi = this.times.length - 1;
    let found;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] <= time) {
        found = this.times[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  get barCount() {
    return this.times.length;
  }
}

/** Equity against buy-and-hold. */
export function equityChart(el, equity) {
  const chart = createChart(el);
  const strategy = chart.addSeries(LC.LineSeries, { color: "#4f9dde", lineWidth: 2, title: "equity" });
  strategy.setData(equity.points.map((p) => ({ time: sec(p.time), value: p.equity })));
  if (equity.benchmark) {
    const hold = chart.addSeries(LC.LineSeries, {
      color: "#8a96a3",
      lineWidth: 1,
      lineStyle: LC.LineStyle.Dashed,
      title: equity.benchmark.label,
    });
    hold.setData(equity.benchmark.points.map((p) => ({ time: sec(p.time), value: p.equity })));
  }
  chart.timeScale().fitContent();
  return { chart, strategy };
}

/** Drawdown from the running peak, in percent (always ≤ 0). */
export function drawdownChart(el, equity) {
  const chart = createChart(el);
  const area = chart.addSeries(LC.AreaSeries, {
    lineColor: "#ef5350",
    topColor: "rgba(239,83,80,0.05)",
    bottomColor: "rgba(239,83,80,0.4)",
    lineWidth: 1,
    invertFilledArea: true,
    title: "drawdown %",
  });
  area.setData(equity.points.map((p) => ({ time: sec(p.time), value: p.drawdownPct })));
  chart.timeScale().fitContent();
  return { chart, area };
}
