import { actor, getOptional, send } from "../api.js";
import { h, panel, table, when } from "../dom.js";
import { showResult } from "./controls.js";

/** The value typed: JSON when it parses (numbers, booleans, objects), else the text itself. */
function parseValue(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Current configuration, one change at a time (validated by the server, the refused field named) and its history. */
export async function renderConfig(main) {
  const current = h("pre", { class: "json", id: "config-current" });
  const history = h("div", { id: "config-history" });
  const path = h("input", {
    id: "config-path",
    placeholder: "risk.maxDrawdown",
    size: 32,
    required: true,
    "aria-label": "Setting",
  });
  const value = h("input", {
    id: "config-value",
    placeholder: "0.2",
    size: 20,
    required: true,
    "aria-label": "New value",
  });
  const result = h("div", { class: "result", id: "config-result" }, "No change yet.");

  async function load() {
    const config = await getOptional("/api/config");
    current.textContent = config
      ? JSON.stringify(config.config ?? config, null, 2)
      : "The configuration is not served here.";
    const answer = await getOptional("/api/config/history");
    const rows = Array.isArray(answer) ? answer : (answer?.history ?? answer?.changes ?? []);
    history.replaceChildren(
      table(
        [
          { label: "When", value: (c) => when(c.time ?? c.at) },
          { label: "Who", value: (c) => c.by ?? c.who ?? "" },
          { label: "Setting", value: (c) => c.path ?? c.key ?? "" },
          { label: "Old", value: (c) => JSON.stringify(c.oldValue ?? c.old ?? null) },
          { label: "New", value: (c) => JSON.stringify(c.newValue ?? c.new ?? null) },
        ],
        rows,
        "no change recorded",
      ),
    );
  }

  main.append(
    h("h1", {}, "Configuration"),
    h(
      "div",
      { class: "grid" },
      panel(
        "Change a setting",
        h(
          "form",
          {
            class: "row",
            id: "config-form",
            onsubmit: async (event) => {
              event.preventDefault();
              const ok = await showResult(
                result,
                send("PUT", "/api/config", {
                  ...actor.fields(),
                  path: path.value.trim(),
                  value: parseValue(value.value.trim()),
                }),
                () => `${path.value.trim()} is now ${value.value.trim()}.`,
              );
              if (ok) await load();
            },
          },
          path,
          value,
          h("button", { type: "submit" }, "Save"),
        ),
        h(
          "p",
          { class: "note" },
          'Values are JSON (0.2, true, "text"). The server validates the whole configuration; a refusal names the field. Needs the token.',
        ),
        result,
      ),
      panel("Current configuration", current),
      h("section", { class: "panel wide" }, h("h2", {}, "Change history"), history),
    ),
  );
  await load();
}
