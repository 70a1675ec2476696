import { getOptional } from "../api.js";
import { h, table, when } from "../dom.js";

/** A metric of summary.json; n/a (too few samples) stays visible as "n/a", never as a number. */
const metric = (run, key, scale = 1) => {
  const value = run.summary?.metrics?.[key];
  if (typeof value === "number") return (value * scale).toFixed(2);
  return value === undefined ? "–" : "n/a";
};

/** Runs written by `aegis backtest --out` and walk-forward, and their report shown in a sandboxed frame. */
export async function renderReports(main) {
  const answer = await getOptional("/api/reports", { runs: [] });
  const viewer = h("div", { id: "report-viewer" });
  const open = (run, file) => {
    const url = `/api/reports/${run.id.split("/").map(encodeURIComponent).join("/")}/${encodeURIComponent(file)}`;
    viewer.replaceChildren(
      h("h2", {}, `${run.name}: ${file}`),
      file.endsWith(".html")
        ? h("iframe", { class: "report", src: url, sandbox: "allow-scripts", title: `${run.name} report` })
        : h("p", {}, h("a", { href: url, target: "_blank", rel: "noopener" }, `open ${file}`)),
    );
  };
  main.append(
    h("h1", {}, "Backtest reports"),
    h(
      "section",
      { class: "panel" },
      table(
        [
          { label: "Run", value: (r) => r.name },
          { label: "Kind", value: (r) => r.kind },
          { label: "Written", value: (r) => when(r.modified) },
          { label: "Return %", value: (r) => metric(r, "totalReturn", 100), num: true },
          { label: "Max DD %", value: (r) => metric(r, "maxDrawdown", 100), num: true },
          { label: "Sharpe", value: (r) => metric(r, "sharpe"), num: true },
          {
            label: "Files",
            value: (r) =>
              h(
                "span",
                {},
                r.files.map((f) => h("button", { type: "button", class: "quiet", onclick: () => open(r, f) }, f)),
              ),
          },
        ],
        answer.runs,
        "no results in the report folders (write some with `aegis backtest --out DIR`)",
      ),
      h(
        "p",
        { class: "note" },
        "Each report states its data range, fees and slippage, in-sample or out-of-sample, as the run recorded them.",
      ),
    ),
    h("section", { class: "panel", style: "margin-top:14px" }, viewer),
  );
}
