import { describeRefusal, getJson, getOptional } from "../api.js";
import { h, money, panel, pct, price, qty, signClass, table, when } from "../dom.js";
import { drawdownChart, equityChart, PriceChart, sec } from "./charts.js";

const DEFAULT_INDICATORS = "ema:20,ema:50,bbands:20:2,rsi:14";

/**
 * Candles with indicators and fills, equity against buy-and-hold, drawdown, every market at a glance, positions
 * with live P&L, open orders and recent trades; all of it follows the live stream.
 */
export async function renderOverview(main, { live }) {
  const [markets, portfolio, equity, orders, trades] = await Promise.all([
    getOptional("/api/markets", { markets: [] }),
    getOptional("/api/portfolio"),
    getOptional("/api/equity"),
    getOptional("/api/orders/open", { orders: [] }),
    getOptional("/api/trades?limit=20", { trades: [] }),
  ]);
  const list = markets.markets;
  const symbols = [...new Set(list.map((m) => m.symbol))];
  const params = new URLSearchParams(location.hash.split("?")[1] ?? "");
  let symbol = params.get("symbol") ?? symbols[0];
  let timeframe = params.get("timeframe") ?? list.find((m) => m.symbol === symbol)?.timeframe;
  let indicators = sessionStorage.getItem("aegis.indicators") ?? DEFAULT_INDICATORS;

  const symbolSelect = h(
    "select",
    { "aria-label": "Symbol", id: "symbol" },
    symbols.map((s) => h("option", { value: s }, s)),
  );
  const timeframeSelect = h("select", { "aria-label": "Timeframe", id: "timeframe" });
  const indicatorInput = h("input", { id: "indicators", value: indicators, size: 36, "aria-label": "Indicators" });
  const chartNote = h("p", { class: "note" });
  const chartBox = h("div", { class: "chart", id: "price-chart" });
  const positionsBox = h("div", { id: "positions" });
  const marketsBox = h("div", { id: "markets" });
  const ordersBox = h("div", { id: "open-orders" });
  const tradesBox = h("div", { id: "trades" });
  const summary = h("p", { class: "note", id: "portfolio-summary" });

  const fillTimeframes = () => {
    timeframeSelect.replaceChildren(
      ...list.filter((m) => m.symbol === symbol).map((m) => h("option", { value: m.timeframe }, m.timeframe)),
    );
    if (timeframe) timeframeSelect.value = timeframe;
    timeframe = timeframeSelect.value;
  };
  if (symbol) symbolSelect.value = symbol;
  fillTimeframes();

  const equityBox = h("div", { class: "chart small", id: "equity-chart" });
  const drawdownBox = h("div", { class: "chart small", id: "drawdown-chart" });
  main.append(
    h("h1", {}, "Overview"),
    h(
      "div",
      { class: "grid" },
      h(
        "section",
        { class: "panel wide" },
        h(
          "div",
          { class: "row" },
          h("h2", { style: "margin:0" }, "Market"),
          symbolSelect,
          timeframeSelect,
          h("label", {}, "indicators ", indicatorInput),
          h("button", { type: "button", id: "apply-indicators", onclick: () => applyIndicators() }, "Apply"),
        ),
        chartBox,
        chartNote,
      ),
      panel(
        "Equity vs buy-and-hold",
        equityBox,
        h(
          "p",
          { class: "note" },
          equity?.benchmark
            ? `dashed: ${equity.benchmark.label} of the same markets from the first equity point`
            : "no candles to compare with",
        ),
      ),
      panel("Drawdown from peak (%)", drawdownBox),
      panel("Positions (live P&L)", summary, positionsBox),
      panel("All markets", marketsBox),
      panel("Open orders", ordersBox),
      panel("Recent trades", tradesBox),
    ),
  );

  const chart = new PriceChart(chartBox);
  const state = window.aegisDashboard;
  async function loadCandles() {
    if (!symbol || !timeframe) {
      chartNote.textContent = "No candles: the server has no live session or candle store.";
      return;
    }
    try {
      const answer = await getJson(
        `/api/candles/${encodeURIComponent(symbol)}?timeframe=${encodeURIComponent(timeframe)}&limit=500&indicators=${encodeURIComponent(indicators)}`,
      );
      chart.show(answer);
      state.candles = chart.barCount;
      chartNote.textContent = `${symbol} ${timeframe}: ${answer.candles.length} bars to ${when(answer.candles.at(-1)?.time)}, ${answer.markers.length} fills marked (▲ buy, ▼ sell). Indicators: ${answer.indicators.map((i) => i.id).join(", ") || "none"}.`;
      chartNote.classList.remove("field-error");
    } catch (error) {
      chartNote.textContent = error.field ? describeRefusal(error) : `Candles could not load: ${error.message}`;
      chartNote.classList.add("field-error");
    }
  }
  function applyIndicators() {
    indicators = indicatorInput.value.trim();
    sessionStorage.setItem("aegis.indicators", indicators);
    loadCandles();
  }
  symbolSelect.addEventListener("change", () => {
    symbol = symbolSelect.value;
    timeframe = undefined;
    fillTimeframes();
    loadCandles();
  });
  timeframeSelect.addEventListener("change", () => {
    timeframe = timeframeSelect.value;
    loadCandles();
  });

  let positions = portfolio?.positions ?? [];
  const lastPrice = new Map();
  const renderPositions = () => {
    positionsBox.replaceChildren(
      table(
        [
          { label: "Symbol", value: (p) => p.symbol },
          { label: "Side", value: (p) => p.side },
          { label: "Qty", value: (p) => qty(p.quantity), num: true },
          { label: "Entry", value: (p) => price(p.entryPrice), num: true },
          { label: "Mark", value: (p) => price(p.markPrice), num: true },
          { label: "P&L", value: (p) => money(p.unrealizedPnl), num: true, cls: (p) => signClass(p.unrealizedPnl) },
        ],
        positions,
        "flat: no open position",
      ),
    );
  };
  const renderSummary = (p) => {
    summary.textContent = p
      ? `equity ${money(p.equity)} · cash ${money(p.cash)} · ${pct(p.returnPct)} since start (${money(p.initialCash ?? 0)})${p.halted ? ` · HALTED: ${p.halted}` : ""}`
      : "no trading session yet";
  };
  const renderMarkets = () => {
    marketsBox.replaceChildren(
      table(
        [
          { label: "Market", value: (m) => `${m.symbol} ${m.timeframe}` },
          { label: "Last", value: (m) => price(lastPrice.get(m.symbol)), num: true },
          {
            label: "Position",
            value: (m) => {
              const p = positions.find((x) => x.symbol === m.symbol);
              return p ? `${p.side} ${qty(p.quantity)}` : "flat";
            },
          },
          {
            label: "P&L",
            value: (m) => money(positions.find((x) => x.symbol === m.symbol)?.unrealizedPnl ?? 0),
            num: true,
            cls: (m) => signClass(positions.find((x) => x.symbol === m.symbol)?.unrealizedPnl ?? 0),
          },
          {
            label: "",
            value: (m) =>
              h("a", { href: `#/overview?symbol=${encodeURIComponent(m.symbol)}&timeframe=${m.timeframe}` }, "chart"),
          },
        ],
        list,
        "no markets",
      ),
    );
  };
  const renderOrders = (rows) =>
    ordersBox.replaceChildren(
      table(
        [
          { label: "Placed", value: (o) => when(o.intentTime), nowrap: true },
          { label: "Symbol", value: (o) => o.symbol },
          { label: "Side", value: (o) => o.side },
          { label: "Type", value: (o) => o.type },
          { label: "Qty", value: (o) => qty(o.qty), num: true },
          { label: "Price", value: (o) => price(o.price ?? o.stop), num: true },
          { label: "Status", value: (o) => o.status },
        ],
        rows,
        "no open order",
      ),
    );
  const renderTrades = (rows) =>
    tradesBox.replaceChildren(
      table(
        [
          { label: "Closed", value: (t) => when(t.exitTime), nowrap: true },
          { label: "Symbol", value: (t) => t.symbol },
          { label: "Side", value: (t) => t.side },
          { label: "Entry", value: (t) => price(t.entryPrice), num: true },
          { label: "Exit", value: (t) => price(t.exitPrice), num: true },
          { label: "P&L", value: (t) => money(t.pnl), num: true, cls: (t) => signClass(t.pnl) },
          { label: "Why it closed", value: (t) => t.exitReason ?? "" },
        ],
        rows,
        "no closed trade yet",
      ),
    );

  await Promise.all(
    symbols.map(async (s) => {
      const m = list.find((x) => x.symbol === s);
      const last = await getOptional(`/api/candles/${encodeURIComponent(s)}?timeframe=${m.timeframe}&limit=1`);
      if (last?.candles[0]) lastPrice.set(s, last.candles[0].close);
    }),
  );
  renderSummary(portfolio);
  renderPositions();
  renderMarkets();
  renderOrders(orders.orders);
  let recentTrades = trades.trades;
  renderTrades(recentTrades);
  let equityCharts;
  if (equity?.points.length) {
    equityCharts = { equity: equityChart(equityBox, equity), drawdown: drawdownChart(drawdownBox, equity) };
  } else {
    equityBox.replaceChildren(h("p", { class: "muted" }, "no equity recorded yet"));
  }
  await loadCandles();

  let peak = Math.max(...(equity?.points ?? []).map((p) => p.equity), Number.NEGATIVE_INFINITY);
  let ordersTimer;
  const unsubscribe = live.subscribe((message) => {
    const d = message.data;
    if (message.type === "bar") {
      lastPrice.set(d.symbol, d.bar.close);
      if (d.symbol === symbol && d.timeframe === timeframe) {
        chart.update(d.bar);
        state.candles = chart.barCount;
        state.lastBar = d.bar.time;
      }
      renderMarkets();
    } else if (message.type === "equity") {
      positions = d.positions;
      renderPositions();
      renderMarkets();
      renderSummary({ ...d, initialCash: portfolio?.initialCash });
      if (equityCharts) {
        peak = Math.max(peak, d.equity);
        equityCharts.equity.strategy.update({ time: sec(message.time), value: d.equity });
        equityCharts.drawdown.area.update({
          time: sec(message.time),
          value: peak > 0 ? (d.equity / peak - 1) * 100 : 0,
        });
      }
    } else if (message.type === "fill" && d.fill.symbol === symbol) {
      chart.addFill({ time: d.fill.time, side: d.fill.side, price: d.fill.price, reason: d.fill.reason ?? "" });
    } else if (message.type === "trade") {
      recentTrades = [d, ...recentTrades].slice(0, 20);
      renderTrades(recentTrades);
    }
    if (message.type === "order" || message.type === "fill") {
      // Orders change in bursts (placed, acknowledged, filled in one step): one reload after the burst.
      clearTimeout(ordersTimer);
      ordersTimer = setTimeout(
        async () => renderOrders((await getOptional("/api/orders/open", { orders: [] })).orders),
        250,
      );
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(ordersTimer);
    chart.chart.remove();
    equityCharts?.equity.chart.remove();
    equityCharts?.drawdown.chart.remove();
  };
}
