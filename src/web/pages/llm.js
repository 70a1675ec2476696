import { describeRefusal, getJson, getOptional } from "../api.js";
import { filterForm, h, pagerButtons, panel, table, when } from "../dom.js";
import { decisionItem } from "./decisions.js";

const PAGE = 50;

const tokens = (e) =>
  e.promptTokens === null && e.completionTokens === null
    ? "–"
    : `${e.promptTokens ?? "?"} → ${e.completionTokens ?? "?"}`;
const cost = (e) => (e.costUsd === null ? "–" : `$${e.costUsd.toFixed(e.costUsd < 0.01 ? 5 : 2)}`);

/**
 * Model text is untrusted (a news headline can carry a prompt injection, a model can answer with markup): it goes
 * into a <pre> as one text node and is never parsed as HTML.
 */
const text = (id, value, empty) =>
  value === null || value === undefined
    ? h("p", { class: "muted", id }, empty)
    : h("pre", { class: "llm-text", id }, value);

/**
 * Every prompt and response of the language-model layer (advisor, auditor, architect …) with latency, tokens, cost
 * and errors; one exchange opens beside the decision it influenced. Below, the architect ↔ auditor debates.
 */
export async function renderLlm(main) {
  const role = h("input", { id: "llm-role", placeholder: "any role", "aria-label": "role", size: 12 });
  const from = h("input", { id: "llm-from", type: "datetime-local", "aria-label": "From (UTC)" });
  const to = h("input", { id: "llm-to", type: "datetime-local", "aria-label": "To (UTC)" });
  const note = h("p", { class: "note", id: "llm-note" });
  const list = h("div", { id: "llm-list" });
  const pager = h("div", { class: "row" });
  const detail = h("div", { id: "llm-detail" });
  const debates = h("div", { id: "llm-debates" });
  let offset = 0;

  main.append(
    h("h1", {}, "LLM conversations"),
    h(
      "section",
      { class: "panel" },
      filterForm(
        "llm-filters",
        () => {
          offset = 0;
          load();
        },
        role,
        h("label", {}, "from ", from),
        h("label", {}, "to ", to),
      ),
      note,
      list,
      pager,
    ),
    detail,
    panel("Architect ↔ auditor debates", debates),
  );

  async function open(id) {
    let answer;
    try {
      answer = await getJson(`/api/llm/exchanges/${id}`);
    } catch (error) {
      detail.replaceChildren(h("p", { class: "field-error" }, describeRefusal(error)));
      return;
    }
    const e = answer.exchange;
    detail.replaceChildren(
      h(
        "section",
        { class: "panel", "data-exchange": e.id },
        h("h2", {}, `${when(e.time)} · ${e.role} · ${e.model} · ${Math.round(e.latencyMs)} ms`),
        e.error ? h("p", { class: "field-error", id: "llm-error" }, `Error: ${e.error}`) : null,
        h(
          "div",
          { class: "side-by-side" },
          h("div", {}, h("h2", {}, "Prompt"), text("llm-prompt", e.prompt, "no prompt")),
          h("div", {}, h("h2", {}, "Response"), text("llm-response", e.response, "no response")),
          h(
            "div",
            { id: "llm-decision" },
            h("h2", {}, "Decision it influenced"),
            answer.decision
              ? decisionItem(answer.decision)
              : h(
                  "p",
                  { class: "muted" },
                  e.decisionKey
                    ? `decision ${e.decisionKey} is not in the store`
                    : "none: this exchange advised no decision",
                ),
          ),
        ),
      ),
    );
    detail.querySelector("details")?.setAttribute("open", "");
  }

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (role.value.trim()) query.set("role", role.value.trim());
    if (from.value) query.set("from", String(Date.parse(`${from.value}:00Z`)));
    if (to.value) query.set("to", String(Date.parse(`${to.value}:00Z`) + 59_999));
    let answer;
    try {
      answer = await getJson(`/api/llm/exchanges?${query}`);
    } catch (error) {
      note.textContent =
        error.status === 503 ? "No store: LLM exchanges are not kept in this session." : describeRefusal(error);
      note.className = error.status === 503 ? "note" : "note field-error";
      list.replaceChildren();
      return;
    }
    note.className = "note";
    note.textContent =
      answer.exchanges.length === 0
        ? "No LLM exchange stored (none matches, or no model is configured)."
        : `Exchanges ${offset + 1}–${offset + answer.exchanges.length}, newest first. Open one to read it.`;
    list.replaceChildren(
      table(
        [
          { label: "Time", value: (e) => when(e.time), nowrap: true },
          { label: "Role", value: (e) => e.role },
          { label: "Model", value: (e) => e.model },
          { label: "Latency ms", value: (e) => Math.round(e.latencyMs), num: true },
          { label: "Tokens in → out", value: tokens, num: true },
          { label: "Cost", value: cost, num: true },
          { label: "Error", value: (e) => e.error ?? "", cls: (e) => (e.error ? "down" : "") },
          {
            label: "",
            value: (e) =>
              h("button", { type: "button", class: "quiet", "data-open": e.id, onclick: () => open(e.id) }, "open"),
          },
        ],
        answer.exchanges,
        "none",
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
  }

  async function openDebate(id, box) {
    const answer = await getOptional(`/api/llm/debates/${id}`);
    if (!answer) return;
    const d = answer.debate;
    box.replaceChildren(
      h("h2", {}, `${when(d.time)} · ${d.topic} · ${d.outcome}`),
      ...d.turns.map((t) =>
        h(
          "div",
          { class: "turn" },
          h("strong", {}, `Round ${t.round} · ${t.speaker}`),
          h("pre", { class: "llm-text" }, t.text),
        ),
      ),
    );
  }

  async function loadDebates() {
    const answer = await getOptional("/api/llm/debates", { stored: false, debates: [] });
    if (!answer.stored) {
      debates.replaceChildren(h("p", { class: "muted" }, "no debates stored"));
      return;
    }
    const transcript = h("div", { id: "debate-transcript" });
    debates.replaceChildren(
      table(
        [
          { label: "Time", value: (d) => when(d.time), nowrap: true },
          { label: "Topic", value: (d) => d.topic },
          { label: "Rounds", value: (d) => d.rounds, num: true },
          { label: "Outcome", value: (d) => d.outcome },
          { label: "Strategy", value: (d) => d.strategyId ?? "–" },
          {
            label: "",
            value: (d) =>
              h(
                "button",
                { type: "button", class: "quiet", onclick: () => openDebate(d.id, transcript) },
                "transcript",
              ),
          },
        ],
        answer.debates,
        "no debate yet",
      ),
      transcript,
    );
  }

  await Promise.all([load(), loadDebates()]);
  // Other pages link here to one record (the red-team log: `#/ai/llm?debate=3`, `#/ai/llm?exchange=12`).
  const wanted = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const exchange = Number(wanted.get("exchange"));
  const debate = Number(wanted.get("debate"));
  if (Number.isInteger(exchange) && exchange > 0) await open(exchange);
  const box = debates.querySelector("#debate-transcript");
  if (Number.isInteger(debate) && debate > 0 && box) await openDebate(debate, box);
}
