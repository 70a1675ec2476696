/**
 * The script the report page runs to draw its charts from the JSON in `#aegis-data` with the inlined
 * lightweight-charts build. Plain ES2017 in a string because it runs in the browser, not in Node; it builds DOM
 * text with textContent only (never innerHTML), so data strings cannot inject markup. When it has drawn everything
 * it sets `window.aegisReport` ({ ready, charts, markerCount (markers drawn), markedTrades (entries and exits
 * they stand for), expectedMarkers, tradeCount, clusters (markers per candle chart now) }) for tests to read.
 */
export const REPORT_CLIENT_SCRIPT = String.raw`(function () {
  "use strict";
  var LC = window.LightweightCharts;
  var data = JSON.parse(document.getElementById("aegis-data").textContent);
  var css = getComputedStyle(document.documentElement);
  function cssVar(name) { return css.getPropertyValue(name).trim(); }
  var theme = {
    bg: cssVar("--bg"), fg: cssVar("--fg"), muted: cssVar("--muted"), grid: cssVar("--grid"),
    border: cssVar("--border"), up: cssVar("--up"), down: cssVar("--down"), accent: cssVar("--accent"),
    bench: cssVar("--bench")
  };
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + a + ")";
  }
  function undelta(d) {
    var out = new Array(d.length), t = 0;
    for (var i = 0; i < d.length; i++) { t += d[i]; out[i] = t; }
    return out;
  }
  function fmt(x, digits) {
    return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function signed(x, digits) { return (x > 0 ? "+" : "") + fmt(x, digits); }
  function utc(seconds) { return new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " "); }
  function logScaleFits(columns) {
    var lo = Infinity, hi = -Infinity;
    columns.forEach(function (values) {
      for (var i = 0; i < values.length; i++) { if (values[i] < lo) lo = values[i]; if (values[i] > hi) hi = values[i]; }
    });
    return lo > 0 && hi / lo > 5;
  }
  function makeChart(el, logScale) {
    return LC.createChart(el, {
      autoSize: true,
      layout: { background: { type: "solid", color: theme.bg }, textColor: theme.fg, fontSize: 12 },
      grid: { vertLines: { color: theme.grid }, horzLines: { color: theme.grid } },
      rightPriceScale: { borderColor: theme.border, mode: logScale ? 1 : 0, scaleMargins: { top: 0.08, bottom: 0.08 } },
      timeScale: { borderColor: theme.border, timeVisible: true, secondsVisible: false, minBarSpacing: 0.001 },
      crosshair: { mode: 0 }
    });
  }
  function showTip(tip, box, point, lines) {
    if (!point || lines.length === 0) { tip.hidden = true; return; }
    tip.textContent = lines.join("\n");
    tip.hidden = false;
    var x = point.x + 14, y = point.y + 14;
    if (x + tip.offsetWidth > box.clientWidth) x = Math.max(0, point.x - tip.offsetWidth - 14);
    if (y + tip.offsetHeight > box.clientHeight) y = Math.max(0, point.y - tip.offsetHeight - 14);
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }

  var charts = 0, markerCount = 0, markedTrades = 0, clusterCounts = [];
  // Marker text is drawn only while few trades are in view; with many it is an unreadable smear, so zooming in
  // brings it back.
  var TEXT_MARKER_LIMIT = 16;

  data.candles.forEach(function (c, s) {
    var el = document.getElementById("candles-" + s);
    var time = undelta(c.time);
    var bars = new Array(time.length);
    for (var i = 0; i < time.length; i++) {
      bars[i] = { time: time[i], open: c.open[i], high: c.high[i], low: c.low[i], close: c.close[i] };
    }
    var chart = makeChart(el, logScaleFits([c.low, c.high]));
    var series = chart.addSeries(LC.CandlestickSeries, {
      upColor: theme.up, downColor: theme.down, borderUpColor: theme.up, borderDownColor: theme.down,
      wickUpColor: theme.up, wickDownColor: theme.down,
      priceFormat: { type: "price", precision: c.precision, minMove: Math.pow(10, -c.precision) }
    });
    series.setData(bars);
    var overlayColors = ["#f2c94c", "#56ccf2", "#bb6bd9", "#f2994a"];
    var overlays = c.overlays.map(function (o, k) {
      var line = chart.addSeries(LC.LineSeries, { color: overlayColors[k % overlayColors.length], lineWidth: 1,
        priceLineVisible: false, lastValueVisible: false, crosshairMarkerVisible: false,
        priceFormat: { type: "price", precision: c.precision, minMove: Math.pow(10, -c.precision) } });
      var points = [];
      for (var i = 0; i < time.length; i++) if (o.values[i] !== null) points.push({ time: time[i], value: o.values[i] });
      line.setData(points);
      return { label: o.label, series: line };
    });
    var trades = data.trades.filter(function (t) { return t[1] === s; });
    // Four kinds of marker; trades closer together than a cluster's width share one marker per kind, numbered.
    var KINDS = [
      { position: "belowBar", shape: "arrowUp", color: theme.up, name: "long entries" },
      { position: "aboveBar", shape: "arrowDown", color: theme.down, name: "short entries" },
      { position: "aboveBar", shape: "circle", color: theme.up, name: "winning exits" },
      { position: "belowBar", shape: "circle", color: theme.down, name: "losing exits" }
    ];
    var points = [], notes = {};
    function note(time, line) { (notes[time] = notes[time] || []).push(line); }
    trades.forEach(function (t) {
      var id = t[0], long = t[2] === 0, side = long ? "long" : "short";
      var pnl = t[7], ret = t[8] * 100, reason = data.reasons[t[9]];
      points.push({ time: t[3], kind: long ? 0 : 1, label: (long ? "L " : "S ") + fmt(t[4], c.precision) });
      points.push({ time: t[5], kind: pnl >= 0 ? 2 : 3, label: signed(pnl, 2) });
      note(t[3], "#" + id + " " + side + " entry @ " + fmt(t[4], c.precision));
      note(t[5], "#" + id + " " + side + " exit @ " + fmt(t[6], c.precision) + "  PnL " + signed(pnl, 2) +
        " (" + signed(ret, 2) + " %)  " + reason);
    });
    points.sort(function (a, b) { return a.time - b.time || a.kind - b.kind; });
    // One marker per kind per cluster, about MARKER_SPACING px wide at the current zoom; alone, a marker keeps its
    // price or PnL text while few are in view.
    var MARKER_SPACING = 14;
    function clusterWidth(range) {
      if (!range) return 0;
      var span = range.to - range.from, slots = Math.max(1, el.clientWidth / MARKER_SPACING);
      return span / slots;
    }
    function clustered(width) {
      var out = [], open = {}, inView = 0;
      var range = chart.timeScale().getVisibleRange();
      for (var i = 0; i < points.length; i++) {
        var p = points[i], key = (width > 0 ? Math.floor((p.time - time[0]) / width) : p.time) + ":" + p.kind;
        if (range && p.time >= range.from && p.time <= range.to) inView++;
        var m = open[key];
        if (m) { m.count++; continue; }
        m = { time: p.time, kind: p.kind, count: 1, label: p.label };
        open[key] = m;
        out.push(m);
      }
      var withText = inView <= 2 * TEXT_MARKER_LIMIT;
      var markers = out.map(function (m, j) {
        var k = KINDS[m.kind];
        var marker = { time: m.time, position: k.position, shape: k.shape, color: k.color, id: "m" + j };
        if (m.count > 1) marker.text = String(m.count);
        else if (withText) marker.text = m.label;
        return marker;
      });
      markers.sort(function (a, b) { return a.time - b.time; });
      return { markers: markers, clusters: out };
    }
    chart.timeScale().fitContent();
    // fitContent shows everything, but the chart reports that range only after its first layout.
    var width = clusterWidth(time.length > 0 ? { from: time[0], to: time[time.length - 1] } : null);
    var current = clustered(width);
    var plugin = LC.createSeriesMarkers(series, current.markers);
    function tally() {
      var n = 0;
      current.clusters.forEach(function (m) { n += m.count; });
      return n;
    }
    markerCount += current.markers.length;
    markedTrades += tally();
    chart.timeScale().subscribeVisibleTimeRangeChange(function (range) {
      var wanted = clusterWidth(range);
      // Re-cluster only when the zoom changed by more than a quarter: panning keeps the markers as they are.
      if (wanted > 0 && (width === 0 || Math.abs(wanted / width - 1) > 0.25)) {
        width = wanted;
        current = clustered(width);
        plugin.setMarkers(current.markers);
        clusterCounts[s] = current.markers.length;
      }
    });
    clusterCounts[s] = current.markers.length;

    // Zoomed out, one pixel spans dozens of bars: the tooltip lists the trades within a few pixels of the mouse.
    var noteTimes = Object.keys(notes).map(Number).sort(function (a, b) { return a - b; });
    function notesNear(x) {
      var ts = chart.timeScale(), from = ts.coordinateToTime(x - 5), to = ts.coordinateToTime(x + 5);
      if (from === null || to === null) return [];
      var lo = 0, hi = noteTimes.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (noteTimes[mid] < from) lo = mid + 1; else hi = mid; }
      var lines = [];
      for (var i = lo; i < noteTimes.length && noteTimes[i] <= to; i++) lines = lines.concat(notes[noteTimes[i]]);
      return lines.length > 8 ? lines.slice(0, 8).concat(["… " + (lines.length - 8) + " more: zoom in"]) : lines;
    }
    var box = el.parentElement;
    var legend = box.querySelector(".legend"), tip = box.querySelector(".tooltip");
    // The heading above names the symbol; the legend lists the indicator lines, and the bar under the mouse.
    var lines = overlays.map(function (o) { return o.label; }).join("   ");
    legend.textContent = lines;
    chart.subscribeCrosshairMove(function (p) {
      var bar = p.time !== undefined ? p.seriesData.get(series) : undefined;
      var values = overlays.map(function (o) {
        var v = p.time !== undefined ? p.seriesData.get(o.series) : undefined;
        return o.label + (v ? " " + fmt(v.value, c.precision) : "");
      }).join("   ");
      legend.textContent = bar ? utc(p.time) + "  O " + fmt(bar.open, c.precision) + "  H " +
        fmt(bar.high, c.precision) + "  L " + fmt(bar.low, c.precision) + "  C " + fmt(bar.close, c.precision) +
        (values ? "   " + values : "") : lines;
      showTip(tip, box, p.point, p.point ? notesNear(p.point.x) : []);
    });
    charts++;
  });

  function lineChart(id, payload, draw) {
    var el = document.getElementById(id);
    if (!el || payload.time.length === 0) return;
    var time = undelta(payload.time);
    var chart = makeChart(el, draw.logScale && logScaleFits(payload.lines.map(function (l) { return l.values; })));
    var drawn = payload.lines.map(function (line, k) {
      var series = chart.addSeries(draw.type(k), draw.options(k));
      var points = new Array(time.length);
      for (var i = 0; i < time.length; i++) points[i] = { time: time[i], value: line.values[i] };
      series.setData(points);
      return series;
    });
    chart.timeScale().fitContent();
    var box = el.parentElement, legend = box.querySelector(".legend");
    // The legend shows the values under the crosshair, or the last values when the mouse is elsewhere.
    function describe(p) {
      var hovering = p && p.time !== undefined;
      return (hovering ? utc(p.time) : "Last") + "   " + payload.lines.map(function (line, k) {
        var point = hovering ? drawn[k] && p.seriesData.get(drawn[k]) : undefined;
        var value = point ? point.value : line.values[line.values.length - 1];
        return line.label + " " + draw.format(value);
      }).join("   ");
    }
    legend.textContent = describe();
    chart.subscribeCrosshairMove(function (p) { legend.textContent = describe(p); });
    charts++;
  }
  var lineColors = [theme.accent, theme.bench];
  lineChart("equity-chart", data.equity, {
    logScale: true,
    type: function () { return LC.LineSeries; },
    options: function (k) {
      return { color: lineColors[k], lineWidth: k === 0 ? 2 : 1, priceFormat: { type: "price", precision: 2, minMove: 0.01 } };
    },
    format: function (v) { return fmt(v, 2); }
  });
  var percent = { type: "custom", minMove: 0.01, formatter: function (v) { return v.toFixed(2) + " %"; } };
  lineChart("drawdown-chart", data.drawdown, {
    logScale: false,
    type: function (k) { return k === 0 ? LC.BaselineSeries : LC.LineSeries; },
    options: function (k) {
      return k === 0
        ? { baseValue: { type: "price", price: 0 }, bottomLineColor: theme.down, bottomFillColor1: alpha(theme.down, 0.45),
            bottomFillColor2: alpha(theme.down, 0.15), topLineColor: theme.down, topFillColor1: "rgba(0,0,0,0)",
            topFillColor2: "rgba(0,0,0,0)", lineWidth: 1, priceFormat: percent }
        : { color: theme.bench, lineWidth: 1, priceFormat: percent };
    },
    format: function (v) { return v.toFixed(2) + " %"; }
  });

  window.aegisReport = {
    ready: true, charts: charts, markerCount: markerCount, markedTrades: markedTrades,
    expectedMarkers: data.expectedMarkers, tradeCount: data.trades.length, clusters: clusterCounts
  };
})();
`;
