import { describeRefusal, getJson } from "../api.js";
import { filterForm, h, pagerButtons, panel, table, when } from "../dom.js";
import { evidence, fixed, nothingYet, short } from "./gate-view.js";

const PAGE = 50;
const STATUSES = [
  "generated",
  "backtested",
  "validated",
  "shadow",
  "awaiting-approval",
  "live-small",
  "live",
  "retired",
];
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Best and mean fitness per generation of one evolution report, as a small SVG line chart. */
function fitnessChart(report) {
  const points = report.generations;
  const values = points.flatMap((g) => [g.best, g.mean]).filter((v) => typeof v === "number");
  if (values.length === 0) return h("p", { class: "muted" }, "No generation had a ranked strategy.");
  const [width, height, pad] = [640, 200, 36];
  const min = Math.min(0, ...values);
  const max = Math.max(...values, min + 1e-9);
  const x = (i) => pad + (points.length > 1 ? (i / (points.length - 1)) * (width - 2 * pad) : (width - 2 * pad) / 2);
  const y = (v) => height - pad - ((v - min) / (max - min)) * (height - 2 * pad);
  const line = (key, colour) =>
    svg("polyline", {
      fill: "none",
      stroke: colour,
      "stroke-width": 2,
      "data-series": key,
      points: points
        .map((g, i) => (typeof g[key] === "number" ? `${x(i).toFixed(1)},${y(g[key]).toFixed(1)}` : ""))
        .filter(Boolean)
        .join(" "),
    });
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "fitness-chart",
    role: "img",
    "aria-label": `fitness per generation of ${report.name}`,
  });
  chart.append(
    svg("line", { x1: pad, x2: width - pad, y1: y(0), y2: y(0), stroke: "#555", "stroke-dasharray": 4 }),
    line("best", "#4ea1ff"),
    line("mean", "#f0a64b"),
    svg("text", { x: 4, y: y(max) + 4, class: "axis" }, fixed(max)),
    svg("text", { x: 4, y: y(min) + 4, class: "axis" }, fixed(min)),
    svg("text", { x: pad, y: height - 8, class: "axis" }, "generation 0"),
    svg("text", { x: width - pad - 80, y: height - 8, class: "axis" }, `generation ${points.length - 1}`),
    svg("text", { x: pad, y: 14, class: "axis", style: "fill:#4ea1ff" }, "best"),
    svg("text", { x: pad + 40, y: 14, class: "axis", style: "fill:#f0a64b" }, "mean"),
  );
  return chart;
}

function reportPanel(report) {
  const passed = report.finalists.filter((f) => f.passed).length;
  return h(
    "section",
    { class: "panel", "data-report": report.id },
    h("h2", {}, `${report.symbol}${report.regime ? ` (${report.regime})` : ""} · ${report.name}`),
    h(
      "p",
      { class: "note" },
      `Written ${when(report.modified)}; seed ${report.seed}; ${report.generations.length} generations (${report.stoppedBecause}); ${report.trials} strategies tried; PBO ${fixed(report.pbo, 3)}; ${passed} of ${report.finalists.length} finalists passed the gates.`,
    ),
    fitnessChart(report),
  );
}

/**
 * Evolution history: the fitness curve of each evolution report in the report folders, then every strategy in the
 * store with its lifecycle (who moved it, when, why, and the numbers of each move), the generation, fitness and
 * parents of evolved ones, and the parent chain of the one opened.
 */
export async function renderEvolution(main) {
  const strategy = h("input", { id: "evo-strategy", placeholder: "strategy id or start", "aria-label": "strategy" });
  const status = h(
    "select",
    { id: "evo-status", "aria-label": "status" },
    h("option", { value: "" }, "any status"),
    STATUSES.map((s) => h("option", { value: s }, s)),
  );
  const source = h("input", { id: "evo-source", placeholder: "any source", "aria-label": "source", size: 10 });
  const note = h("p", { class: "note", id: "evo-note" });
  const list = h("div", { id: "evo-list" });
  const pager = h("div", { class: "row" });
  const charts = h("div", { id: "evo-reports", style: "margin-bottom:14px" });
  const detail = h("div", { id: "evo-detail", style: "margin-top:14px" });
  let offset = 0;

  main.append(
    h("h1", {}, "Evolution history"),
    charts,
    h(
      "section",
      { class: "panel" },
      h("h2", {}, "Strategies and their lifecycle"),
      filterForm(
        "evo-filters",
        () => {
          offset = 0;
          load();
        },
        strategy,
        status,
        source,
      ),
      note,
      list,
      pager,
    ),
    detail,
  );

  async function open(s) {
    let lineage;
    try {
      lineage = await getJson(`/api/evolution/lineage/${encodeURIComponent(s.id)}`);
    } catch (error) {
      lineage = { chain: [], error: describeRefusal(error) };
    }
    detail.replaceChildren(
      panel(
        `${s.name} · ${short(s.id)} · ${s.status}`,
        h("p", { class: "note" }, `id ${s.id}, source ${s.source}, created ${when(s.createdAt)}`),
        table(
          [
            { label: "Time", value: (t) => when(t.time), nowrap: true },
            { label: "Move", value: (t) => `${t.fromStatus ?? "–"} → ${t.toStatus}`, nowrap: true },
            { label: "By", value: (t) => t.by },
            {
              label: "Why, and the numbers",
              value: (t) => evidence(t.reason, t.figures, t.gates),
            },
          ],
          s.transitions,
          "no move recorded",
        ),
      ),
      panel(
        "Lineage (the strategy, its parents, theirs …)",
        lineage.error ? h("p", { class: "field-error" }, lineage.error) : null,
        table(
          [
            { label: "Strategy", value: (n) => `${n.name || "(unknown)"} · ${short(n.hash)}` },
            { label: "Generation", value: (n) => n.generation ?? "–", num: true },
            { label: "Fitness", value: (n) => fixed(n.fitness, 3), num: true },
            { label: "Status", value: (n) => n.status ?? "not in the store" },
            { label: "Parents", value: (n) => n.parents.map(short).join(", ") || "none (random or hand-made)" },
            { label: "Found in", value: (n) => n.from },
          ],
          lineage.chain,
          "no lineage",
        ),
        lineage.truncated ? h("p", { class: "note" }, "Cut at 100 ancestors.") : null,
      ),
    );
  }

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (strategy.value.trim()) query.set("strategy", strategy.value.trim());
    if (status.value) query.set("status", status.value);
    if (source.value.trim()) query.set("source", source.value.trim());
    let answer;
    try {
      answer = await getJson(`/api/evolution?${query}`);
    } catch (error) {
      note.textContent =
        error.status === 503 ? "No store: this session keeps no strategies on disk." : describeRefusal(error);
      note.className = error.status === 503 ? "note" : "note field-error";
      list.replaceChildren();
      return;
    }
    note.className = "note";
    const filtered = query.has("strategy") || query.has("status") || query.has("source");
    note.textContent = answer.strategies.length
      ? `Strategies ${offset + 1}–${offset + answer.strategies.length}, last moved first; ${answer.evolvedStored} evolved strategies stored. Open one for its moves and lineage.`
      : "";
    list.replaceChildren(
      answer.strategies.length === 0 && !filtered && offset === 0
        ? nothingYet("evo-empty", "No strategy is stored in this store. An evolution run with a store fills it:", [
            ["evolved strategies and their lifecycle", "aegis evolve --data FILE --store sqlite:DATA/aegis.sqlite"],
            ["its fitness curve too", "… --out results/evo, then aegis serve --reports results"],
          ])
        : table(
            [
              {
                label: "Strategy",
                value: (s) =>
                  h("button", { type: "button", class: "quiet", "data-open": s.id, onclick: () => open(s) }, s.name),
              },
              { label: "Id", value: (s) => short(s.id) },
              { label: "Source", value: (s) => s.source },
              { label: "Status", value: (s) => s.status },
              { label: "Generation", value: (s) => s.evolved?.generation ?? "–", num: true },
              {
                label: "Fitness",
                value: (s) =>
                  s.evolved ? (s.evolved.fitness === null ? "unranked" : fixed(s.evolved.fitness, 3)) : "–",
                num: true,
              },
              { label: "Parents", value: (s) => (s.evolved ? s.evolved.parents.map(short).join(", ") || "none" : "–") },
              { label: "Last move", value: (s) => when(s.updatedAt), nowrap: true },
            ],
            answer.strategies,
            "no strategy matches",
          ),
    );
    pager.replaceChildren(
      ...pagerButtons({
        atStart: offset === 0,
        more: answer.more,
        newer: () => {
          offset = Math.max(0, offset - PAGE);
          load();
        },
        older: () => {
          offset += PAGE;
          load();
        },
      }),
    );
    if (offset === 0 && !filtered) {
      charts.replaceChildren(
        ...(answer.reports.length
          ? answer.reports.map(reportPanel)
          : [
              h(
                "p",
                { class: "note", id: "evo-no-report" },
                "No evolution report in the report folders (aegis evolve --out DIR writes one; serve it with --reports).",
              ),
            ]),
      );
    }
  }

  await load();
}
