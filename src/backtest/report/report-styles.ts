/**
 * The report's stylesheet: light by default, dark when the reader's system prefers it. The chart script reads the
 * same custom properties (--bg, --fg, --up, …) so charts and tables follow one palette.
 */
export const REPORT_STYLES = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --grid: #eff2f5; --border: #d1d9e0;
  --panel: #f6f8fa; --up: #1a7f37; --down: #cf222e; --accent: #0969da; --bench: #8250df; --warn: #9a6700;
  --up-rgb: 26, 127, 55; --down-rgb: 207, 34, 46; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --grid: #1c2128; --border: #3d444d; --panel: #151b23;
    --up: #3fb950; --down: #f85149; --accent: #4493f8; --bench: #d2a8ff; --warn: #d29922;
    --up-rgb: 63, 185, 80; --down-rgb: 248, 81, 73; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--border); }
h3 { font-size: 14px; margin: 16px 0 6px; }
.subtitle, .muted, .caption { color: var(--muted); }
.caption { font-size: 12px; margin: 4px 0 0; }
nav { margin: 10px 0 0; font-size: 13px; }
nav a { color: var(--accent); margin-right: 14px; text-decoration: none; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; }
.context { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 14px 0 0; padding: 12px 16px;
  background: var(--panel); border: 1px solid var(--border); border-radius: 6px; }
.context dt { color: var(--muted); }
.context dd { margin: 0; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid; }
.badge.in-sample { color: var(--warn); }
.badge.out-of-sample { color: var(--up); }
.badge.unspecified { color: var(--down); }
.headline { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 0; }
.headline div { padding: 8px 14px; border: 1px solid var(--border); border-radius: 6px; min-width: 130px; }
.headline b { display: block; font-size: 18px; }
.headline span { color: var(--muted); font-size: 12px; }
dl.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr)); gap: 0 28px; margin: 0; }
dl.metrics div { display: flex; justify-content: space-between; gap: 12px; padding: 3px 0; border-bottom: 1px solid var(--grid); }
dl.metrics dt { color: var(--muted); }
dl.metrics dd { margin: 0; font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
.na { color: var(--muted); font-style: italic; }
.notes { font-size: 12px; color: var(--muted); margin: 8px 0 0; padding-left: 18px; }
.chart-box { position: relative; height: 440px; border: 1px solid var(--border); border-radius: 6px; overflow: hidden; }
.chart-box.short { height: 260px; }
.chart { position: absolute; inset: 0; }
.legend { position: absolute; left: 10px; top: 6px; z-index: 3; font-size: 12px; pointer-events: none;
  background: var(--bg); opacity: 0.9; padding: 1px 6px; border-radius: 4px; white-space: pre; }
.tooltip { position: absolute; z-index: 4; pointer-events: none; white-space: pre; font-size: 12px; padding: 6px 8px;
  background: var(--panel); border: 1px solid var(--border); border-radius: 4px; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); }
.key { font-size: 12px; color: var(--muted); margin: 0 0 6px; }
.swatch { display: inline-block; width: 14px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 13px; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--grid); text-align: right; white-space: nowrap; }
th { color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--border); }
td.text, th.text { text-align: left; }
/* Free text (exit reasons, risk reasons) wraps inside the page instead of running off its right edge. */
td.wrap { white-space: normal; min-width: 14em; max-width: 36em; overflow-wrap: anywhere; }
.halt { border-left: 3px solid var(--down); padding: 4px 10px; }
table.monthly td { min-width: 58px; }
table.monthly td.total { font-weight: 600; border-left: 1px solid var(--border); }
.pos { color: var(--up); }
.neg { color: var(--down); }
table.monthly .pos, table.monthly .neg { color: var(--fg); }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
`;
