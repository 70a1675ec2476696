/**
 * A small DOM builder: every text goes in as a text node, so nothing the API returns is ever parsed as HTML.
 * `h("td", { class: "num" }, "1.5")`.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function money(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

export function price(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return x.toLocaleString("en-US", { maximumFractionDigits: Math.abs(x) >= 100 ? 2 : 6 });
}

export function qty(x) {
  return Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: 8 }) : "–";
}

export function pct(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return `${x >= 0 ? "+" : ""}${x.toFixed(2)} %`;
}

/** "2024-03-01 14:00 UTC": the dashboard shows UTC everywhere, like the logs and the store. */
export function when(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function signClass(x) {
  return x > 0 ? "up" : x < 0 ? "down" : "";
}

/** A table from column definitions `{ label, value(row), num?, cls?(row) }`, with a line when it is empty. */
export function table(columns, rows, empty = "nothing yet") {
  const head = h(
    "tr",
    {},
    columns.map((c) => h("th", { class: c.num ? "num" : null }, c.label)),
  );
  const body = rows.length
    ? rows.map((row) =>
        h(
          "tr",
          {},
          columns.map((c) =>
            h(
              "td",
              {
                class: [c.num ? "num" : "", c.nowrap ? "nowrap" : "", c.cls ? c.cls(row) : ""].join(" ").trim() || null,
              },
              c.value(row),
            ),
          ),
        ),
      )
    : [h("tr", {}, h("td", { colspan: columns.length, class: "muted" }, empty))];
  return h("table", {}, h("thead", {}, head), h("tbody", {}, body));
}

export function panel(title, ...children) {
  return h("section", { class: "panel" }, h("h2", {}, title), ...children);
}

/** A row of filters with a Search button: `search` runs on submit (the form itself never navigates). */
export function filterForm(id, search, ...fields) {
  const onsubmit = (event) => {
    event.preventDefault();
    search();
  };
  return h("form", { class: "row", id, onsubmit }, ...fields, h("button", { type: "submit" }, "Search"));
}

/** The "← newer" / "older →" buttons of a paged list (newest first). */
export function pagerButtons({ atStart, more, newer, older }) {
  return [
    h("button", { type: "button", disabled: atStart, onclick: newer }, "← newer"),
    h("button", { type: "button", disabled: !more, onclick: older }, "older →"),
  ];
}
