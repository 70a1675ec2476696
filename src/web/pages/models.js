import { getJson, getOptional } from "../api.js";
import { h, panel, table, when } from "../dom.js";

const fixed = (x, digits = 3) => (typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "n/a");
const share = (x) => (typeof x === "number" && Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : "n/a");

/**
 * The ML signal sources' training runs (`aegis train ml --out`): out-of-sample accuracy, AUC, log-loss and Brier
 * beside the base rate they must beat, the calibration, every walk-forward fold and the top features. A run on
 * shuffled labels (the permutation baseline) is marked, so a model can be read against its baseline.
 */
export async function renderModels(main) {
  const answer = await getOptional("/api/models", { runs: [] });
  const detail = h("div", { id: "model-detail" });
  const open = async (run) => {
    const full = await getJson(`/api/models/${run.id.split("/").map(encodeURIComponent).join("/")}`);
    detail.replaceChildren(...runDetail(full));
  };
  main.append(
    h("h1", {}, "Model metrics"),
    h(
      "section",
      { class: "panel" },
      table(
        [
          {
            label: "Run",
            value: (r) => h("button", { type: "button", class: "quiet", onclick: () => open(r) }, r.name),
          },
          { label: "Symbol", value: (r) => (r.ok ? r.symbol : "–") },
          { label: "Labels", value: (r) => (r.ok ? (r.permutationBaseline ? "shuffled (baseline)" : "real") : "–") },
          { label: "Folds", value: (r) => (r.ok ? r.folds : "–"), num: true },
          { label: "OOS rows", value: (r) => (r.ok ? r.outOfSample.rows : "–"), num: true },
          { label: "Base rate", value: (r) => (r.ok ? share(r.outOfSample.baseRate) : "–"), num: true },
          { label: "Accuracy", value: (r) => (r.ok ? share(r.outOfSample.accuracy) : "–"), num: true },
          { label: "AUC", value: (r) => (r.ok ? fixed(r.outOfSample.auc) : "–"), num: true },
          { label: "Log-loss", value: (r) => (r.ok ? fixed(r.outOfSample.logLoss) : "–"), num: true },
          {
            label: "Top features",
            value: (r) =>
              r.ok ? r.topFeatures.map((f) => f.feature).join(", ") : h("span", { class: "field-error" }, r.error),
          },
        ],
        answer.runs,
        "no training runs in the model folders (write one with `aegis train ml --data FILE --out models/ml`)",
      ),
      h(
        "p",
        { class: "note" },
        "Every figure is out of sample: each fold's model is judged only on the later window it never trained on.",
      ),
    ),
    h("section", { class: "panel", style: "margin-top:14px" }, detail),
  );
}

function runDetail(full) {
  if (!full.ok) return [h("h2", {}, full.name), h("p", { class: "field-error" }, full.error)];
  const run = full.run;
  const oos = run.outOfSample;
  const maxGain = Math.max(...run.topFeatures.map((f) => f.gain), 0) || 1;
  return [
    h("h2", {}, `${full.name} · ${run.symbol} · ${run.features.length} features`),
    h(
      "p",
      {},
      `Out of sample: accuracy ${share(oos.accuracy)} against a base rate of ${share(oos.baseRate)}, precision ${share(oos.precision)}, ` +
        `recall ${share(oos.recall)}, AUC ${fixed(oos.auc)}, log-loss ${fixed(oos.logLoss)}, Brier ${fixed(oos.brier)}; ` +
        `${run.abstainedRows} rows without a vote (a feature was NaN).`,
    ),
    panel(
      "Calibration (predicted probability against what happened)",
      table(
        [
          { label: "Bin", value: (b) => `${fixed(b.from, 2)}–${fixed(b.to, 2)}` },
          { label: "Rows", value: (b) => b.count, num: true },
          { label: "Predicted", value: (b) => share(b.meanPredicted), num: true },
          { label: "Observed", value: (b) => share(b.observedRate), num: true },
        ],
        oos.calibration,
      ),
    ),
    panel(
      "Walk-forward folds",
      table(
        [
          { label: "Fold", value: (f) => f.index, num: true },
          { label: "Test from", value: (f) => when(f.testFrom) },
          { label: "Test to", value: (f) => when(f.testTo) },
          { label: "Train rows", value: (f) => f.trainRows, num: true },
          { label: "Accuracy", value: (f) => share(f.metrics.accuracy), num: true },
          { label: "AUC", value: (f) => fixed(f.metrics.auc), num: true },
        ],
        run.folds,
      ),
    ),
    panel(
      "Top features (gain)",
      table(
        [
          { label: "Feature", value: (f) => f.feature },
          { label: "Gain", value: (f) => fixed(f.gain, 2), num: true },
          {
            label: "",
            value: (f) =>
              h("span", {
                class: "bar",
                style: `display:inline-block;height:8px;background:currentColor;width:${Math.round((f.gain / maxGain) * 120)}px`,
              }),
          },
        ],
        run.topFeatures,
      ),
    ),
  ];
}
