import { actor, getOptional, send } from "../api.js";
import { h, table, when } from "../dom.js";
import { confirmAction, showResult } from "./controls.js";

/** Where approval leads from each status (the lifecycle's rule: a person moves a strategy towards real money). */
const APPROVES_TO = { "awaiting-approval": "live-small (small real size)", "live-small": "live (full size)" };

/**
 * Strategies and where each is in its lifecycle (generated → backtested → validated → shadow → awaiting approval →
 * live-small → live → retired), with approve and retire buttons that ask first; the server's lifecycle rules and
 * the stability lock decide, and a refusal is shown as the server words it.
 */
export async function renderStrategies(main) {
  const body = h("div", { id: "strategies" });
  const result = h("div", { class: "result", id: "strategy-result" }, "No action yet.");

  const act = async (s, verb) => {
    const text =
      verb === "approve"
        ? `Approve ${s.id}? It moves from ${s.status} to ${APPROVES_TO[s.status]} and trades real money once live.`
        : `Retire ${s.id}? It stops trading (${s.status} → retired); only a rollback brings it back.`;
    if (!(await confirmAction(text))) {
      result.className = "result";
      result.textContent = `${verb} ${s.id}: cancelled.`;
      return;
    }
    const path = `/api/strategies/${encodeURIComponent(s.id)}/${verb}`;
    const ok = await showResult(
      result,
      send("POST", path, actor.fields()),
      (t) => `${s.id}: ${t.fromStatus} → ${t.toStatus} by ${t.by}.`,
    );
    if (ok) await load();
  };

  async function load() {
    const answer = await getOptional("/api/strategies", { strategies: [] });
    body.replaceChildren(
      table(
        [
          { label: "Id", value: (s) => s.id },
          { label: "Name", value: (s) => s.name },
          { label: "Status", value: (s) => h("span", { "data-status": s.id }, s.status) },
          { label: "Source", value: (s) => s.source },
          { label: "Updated", value: (s) => when(s.updatedAt) },
          {
            label: "Actions",
            value: (s) =>
              h(
                "div",
                { class: "row" },
                s.status in APPROVES_TO
                  ? h("button", { type: "button", "data-approve": s.id, onclick: () => act(s, "approve") }, "Approve")
                  : null,
                s.status !== "retired"
                  ? h(
                      "button",
                      { type: "button", class: "danger", "data-retire": s.id, onclick: () => act(s, "retire") },
                      "Retire",
                    )
                  : null,
              ),
          },
        ],
        answer.strategies,
        "no strategy registered in the store",
      ),
    );
  }

  main.append(
    h("h1", {}, "Strategies"),
    h(
      "section",
      { class: "panel" },
      body,
      h(
        "p",
        { class: "note" },
        "Approving needs the token, a person's name (top of the page) and the stability lock open; each move is recorded with who, when and why.",
      ),
      result,
    ),
  );
  await load();
}
