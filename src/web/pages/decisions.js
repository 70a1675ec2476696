import { describeRefusal, getJson, getOptional } from "../api.js";
import { filterForm, h, pagerButtons, price, table, when } from "../dom.js";

const OUTCOMES = ["orders-sent", "rejected", "vetoed", "nothing-to-do"];
const PAGE = 25;

/**
 * The decision log: each decision in plain words with its votes and every risk layer's verdict, filtered by
 * symbol, outcome and risk layer, and "at or before" a time, so "why did it buy at 14:00?" is one search.
 */
export async function renderDecisions(main, { live }) {
  const [markets, shield] = await Promise.all([
    getOptional("/api/markets", { markets: [] }),
    getOptional("/api/shield"),
  ]);
  const symbols = [...new Set(markets.markets.map((m) => m.symbol))];
  const layers = (shield?.layers ?? []).map((l) => l.layer).sort();
  const select = (id, label, values) =>
    h(
      "select",
      { id, "aria-label": label },
      h("option", { value: "" }, `any ${label}`),
      values.map((v) => h("option", { value: v }, v)),
    );
  const symbolSelect = select("filter-symbol", "symbol", symbols);
  const outcomeSelect = select("filter-outcome", "outcome", OUTCOMES);
  const layerSelect = select("filter-layer", "risk layer", layers);
  const atInput = h("input", { id: "filter-at", type: "datetime-local", "aria-label": "At or before (UTC)" });
  const list = h("div", { id: "decision-list" });
  const pager = h("div", { class: "row" });
  const note = h("p", { class: "note" });
  let offset = 0;

  main.append(
    h("h1", {}, "Decision log"),
    h(
      "section",
      { class: "panel" },
      filterForm(
        "decision-filters",
        () => {
          offset = 0;
          load();
        },
        symbolSelect,
        outcomeSelect,
        layerSelect,
        h("label", {}, "at or before (UTC) ", atInput),
      ),
      h("p", { class: "note" }, "The layer filter lists decisions that layer scaled, denied or halted. Newest first."),
      note,
      list,
      pager,
    ),
  );

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (symbolSelect.value) query.set("symbol", symbolSelect.value);
    if (outcomeSelect.value) query.set("outcome", outcomeSelect.value);
    if (layerSelect.value) query.set("layer", layerSelect.value);
    if (atInput.value) query.set("to", String(Date.parse(`${atInput.value}:00Z`) + 59_999));
    let answer;
    try {
      answer = await getJson(`/api/decisions?${query}`);
    } catch (error) {
      note.textContent =
        error.status === 503 ? "No store: decisions are not kept in this session." : describeRefusal(error);
      list.replaceChildren();
      return;
    }
    note.textContent =
      answer.decisions.length === 0
        ? "No decision matches."
        : `Decisions ${offset + 1}–${offset + answer.decisions.length}`;
    list.replaceChildren(...answer.decisions.map(decisionItem));
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
  }
  await load();
  // New decisions arrive with each committed step; the first page follows them, older pages stay put.
  let pending;
  const unsubscribe = live.subscribe((m) => {
    if (m.type !== "step" || offset !== 0) return;
    clearTimeout(pending);
    pending = setTimeout(load, 300);
  });
  return () => {
    unsubscribe();
    clearTimeout(pending);
  };
}

export function decisionItem(d) {
  const verdicts = d.risk.flatMap((r) => r.verdicts.map((v) => ({ ...v, order: r.order })));
  return h(
    "details",
    { class: "decision", "data-outcome": d.outcome },
    h(
      "summary",
      {},
      h("span", { class: `tag ${d.outcome}` }, d.outcome),
      h("strong", {}, `${when(d.time)} ${d.symbol} ${d.action}`),
      d.price === null ? "" : ` @ ${price(d.price)}`,
      h("p", { class: "why" }, d.explanation),
    ),
    h("h2", {}, "Votes"),
    table(
      [
        { label: "Source", value: (v) => v.source },
        { label: "Vote", value: (v) => `${v.action}${v.veto ? " (veto)" : ""}` },
        { label: "Confidence", value: (v) => v.confidence.toFixed(2), num: true },
        { label: "Reasons", value: (v) => v.reasons.join("; ") },
      ],
      d.votes,
      "no votes recorded",
    ),
    h("h2", {}, "Risk shield"),
    table(
      [
        { label: "Layer", value: (v) => v.layer, nowrap: true },
        {
          label: "Verdict",
          value: (v) => `${v.verdict}${v.verdict === "scale" ? ` ×${(v.scale ?? 1).toFixed(2)}` : ""}`,
          cls: (v) => `verdict-${v.verdict}`,
        },
        { label: "Reason", value: (v) => v.reason },
      ],
      verdicts,
      "no order was proposed, so the shield was not asked",
    ),
  );
}
