import { getOptional } from "../api.js";
import { h, table, when } from "../dom.js";

/** Strategies and where each is in its lifecycle (generated → validated → shadow → approved → live → retired). */
export async function renderStrategies(main) {
  const answer = await getOptional("/api/strategies", { strategies: [] });
  main.append(
    h("h1", {}, "Strategies"),
    h(
      "section",
      { class: "panel" },
      table(
        [
          { label: "Id", value: (s) => s.id },
          { label: "Name", value: (s) => s.name },
          { label: "Status", value: (s) => s.status },
          { label: "Source", value: (s) => s.source },
          { label: "Updated", value: (s) => when(s.updatedAt) },
        ],
        answer.strategies,
        "no strategy registered in the store",
      ),
      h("p", { class: "note" }, "Approve and retire from the CLI (`aegis approve`) or the API with a token."),
    ),
  );
}
