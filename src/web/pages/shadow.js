import { getJson, getOptional } from "../api.js";
import { h, money, panel, pct, signClass, table, when } from "../dom.js";

const fixed = (x, digits = 2) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "n/a");

/**
 * Shadow vs live: every candidate strategy that trades beside the live one on the same bars with paper fills, its
 * return and Sharpe next to the live strategy's, and the promotion rule's verdict. A candidate marked ready still
 * waits for a person's approval (Strategies page).
 */
export async function renderShadow(main) {
  const answer = await getOptional("/api/shadow", { runs: [] });
  const detail = h("div", { id: "shadow-detail" });
  const open = async (run) => {
    const full = await getJson(`/api/shadow/${encodeURIComponent(run.strategyId)}`);
    const last = full.equity.at(-1);
    detail.replaceChildren(
      h("h2", {}, `${full.run.strategyId} beside the live strategy`),
      h(
        "p",
        {},
        last
          ? `Last step ${when(last.time)}: shadow equity ${money(last.equity)}, live equity ${money(last.liveEquity)}.`
          : "No equity point stored yet.",
      ),
      panel(
        "Paper trades",
        table(
          [
            { label: "Symbol", value: (t) => t.symbol },
            { label: "Side", value: (t) => t.side },
            { label: "Entry", value: (t) => when(t.entryTime) },
            { label: "Exit", value: (t) => when(t.exitTime) },
            { label: "P&L", value: (t) => money(t.pnl), num: true, cls: (t) => signClass(t.pnl) },
            { label: "Exit reason", value: (t) => t.exitReason ?? "–" },
          ],
          full.trades,
          "no trade closed yet",
        ),
      ),
    );
  };
  main.append(
    h("h1", {}, "Shadow vs live"),
    h(
      "section",
      { class: "panel" },
      table(
        [
          {
            label: "Candidate",
            value: (r) => h("button", { type: "button", class: "quiet", onclick: () => open(r) }, r.strategyId),
          },
          { label: "Steps", value: (r) => r.iterations, num: true },
          { label: "Return", value: (r) => pct(r.roi * 100), num: true, cls: (r) => signClass(r.roi) },
          { label: "Live return", value: (r) => pct(r.liveRoi * 100), num: true, cls: (r) => signClass(r.liveRoi) },
          { label: "Sharpe", value: (r) => fixed(r.sharpe), num: true },
          { label: "Live Sharpe", value: (r) => fixed(r.liveSharpe), num: true },
          {
            label: "p vs live",
            value: (r) => (typeof r.pValue === "number" ? r.pValue.toPrecision(3) : "n/a"),
            num: true,
          },
          { label: "Days", value: (r) => r.pairedDays ?? 0, num: true },
          { label: "Verdict", value: (r) => (r.ready ? `ready for approval: ${r.verdict}` : r.verdict) },
          { label: "Updated", value: (r) => when(r.updatedAt) },
        ],
        answer.runs,
        "no strategy in shadow (move one there with `aegis strategies` or let the evolver validate one)",
      ),
      h("p", { class: "note" }, "Shadows trade with paper fills only; none is promoted without a person's approval."),
    ),
    h("section", { class: "panel", style: "margin-top:14px" }, detail),
  );
}
