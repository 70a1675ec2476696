import { h } from "../dom.js";

export const short = (id) => (typeof id === "string" && /^[0-9a-f]{16,}$/.test(id) ? id.slice(0, 12) : (id ?? "–"));

export const fixed = (x, digits = 2) =>
  typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits).replace(/\.?0+$/, "") || "0" : "n/a";

/** Gate results as one line each: ✓/✗, name, measured value, threshold. Values are numbers, names are text nodes. */
export function gateList(gates) {
  if (!gates?.length) return null;
  return h(
    "ul",
    { class: "gates" },
    gates.map((g) =>
      h(
        "li",
        { class: g.passed ? "up" : "down", title: g.detail ?? "" },
        `${g.passed ? "✓" : "✗"} ${g.gate} ${g.value === null ? "n/a" : fixed(g.value, 4)}${g.threshold ? ` (${g.threshold})` : ""}`,
      ),
    ),
  );
}

/** Figures a transition carried (fitness, Sharpe, p-value …) as "name value" pairs. */
export function figureLine(figures) {
  if (!figures?.length) return null;
  return h(
    "div",
    { class: "figures" },
    figures.map((f) => h("span", { class: "tag" }, `${f.name} ${fixed(f.value, 4)}${f.unit ? ` ${f.unit}` : ""}`)),
  );
}

/**
 * What a verdict or a lifecycle move rests on: its figures and gates, and the stored text. With gates read from the
 * text, the text repeats them: it stays one click away, as the record.
 */
export function evidence(text, figures, gates) {
  const words = gates?.length
    ? h("details", {}, h("summary", {}, "stored text"), h("div", { class: "reason" }, text))
    : h("div", { class: "reason" }, text);
  return h("div", {}, figureLine(figures), gateList(gates), words);
}

/** A plain explanation in place of an empty page: what is missing, and the command that fills each part. */
export function nothingYet(id, what, fills) {
  return h(
    "div",
    { class: "nothing-yet", id },
    h("strong", {}, "Nothing yet. "),
    what,
    h(
      "ul",
      {},
      fills.map(([part, command]) => h("li", {}, `${part}: `, h("code", {}, command))),
    ),
  );
}
