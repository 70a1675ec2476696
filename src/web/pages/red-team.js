import { describeRefusal, getJson } from "../api.js";
import { filterForm, h, pagerButtons, panel, table, when } from "../dom.js";
import { evidence, fixed, nothingYet, short } from "./gate-view.js";

const PAGE = 50;

const select = (id, label, options) =>
  h(
    "select",
    { id, "aria-label": label },
    options.map(([value, text]) => h("option", { value }, text)),
  );

/** Debates and audits are read in full on the LLM page; this log links there instead of repeating them. */
function llmLink(e) {
  if (e.kind === "debate" || (e.kind === "gates" && e.debateId !== undefined))
    return h("a", { href: `#/ai/llm?debate=${e.debateId}`, "data-debate": e.debateId }, `debate ${e.debateId}`);
  if (e.kind === "audit") return h("a", { href: `#/ai/llm?exchange=${e.exchangeId}` }, "exchange");
  return null;
}

function what(e) {
  if (e.kind === "audit") {
    const a = e.audit;
    return h(
      "div",
      {},
      h(
        "div",
        {},
        a.signal ? `${a.signal} at confidence ${fixed(a.confidence)} (${a.model}): ` : `${a.model}: `,
        h("span", { class: "reason" }, e.text),
      ),
      a.suggestion
        ? h("div", { class: "note" }, `suggests: ${a.suggestion.reason} → ${a.suggestion.proposedChange}`)
        : null,
      a.error ? h("div", { class: "down" }, a.error) : null,
    );
  }
  return evidence(e.text, e.figures, e.gates);
}

/**
 * The red-team audit log: every validation-gate verdict with its numbers, the auditor's audits of the live strategy
 * and the architect debates, newest first and filterable; below, every blacklisted spec with its reason.
 */
export async function renderRedTeam(main) {
  const strategy = h("input", { id: "rt-strategy", placeholder: "strategy id or start", "aria-label": "strategy" });
  const verdict = select("rt-verdict", "verdict", [
    ["", "any verdict"],
    ["passed", "passed"],
    ["failed", "failed"],
  ]);
  const kind = select("rt-kind", "kind", [
    ["", "everything"],
    ["gates", "gate verdicts"],
    ["audit", "audits"],
    ["debate", "debates"],
  ]);
  const note = h("p", { class: "note", id: "rt-note" });
  const list = h("div", { id: "rt-list" });
  const pager = h("div", { class: "row" });
  const blacklist = h("div", { id: "rt-blacklist" });
  let offset = 0;

  main.append(
    h("h1", {}, "Red-team audit log"),
    h(
      "section",
      { class: "panel" },
      filterForm(
        "rt-filters",
        () => {
          offset = 0;
          load();
        },
        strategy,
        verdict,
        kind,
      ),
      note,
      list,
      pager,
      h(
        "p",
        { class: "note" },
        "A verdict is the gates' answer on data the strategy never saw; a strategy that fails one is blacklisted and never proposed again. ",
        h("a", { href: "#/ai/llm" }, "Debate transcripts and audit prompts"),
        " are on the LLM page.",
      ),
    ),
    panel("Blacklisted specs", blacklist),
  );

  async function load() {
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (strategy.value.trim()) query.set("strategy", strategy.value.trim());
    if (verdict.value) query.set("verdict", verdict.value);
    if (kind.value) query.set("kind", kind.value);
    let answer;
    try {
      answer = await getJson(`/api/red-team?${query}`);
    } catch (error) {
      note.textContent =
        error.status === 503 ? "No store: this session keeps no red-team record on disk." : describeRefusal(error);
      note.className = error.status === 503 ? "note" : "note field-error";
      list.replaceChildren();
      return;
    }
    note.className = "note";
    const filtered = query.has("strategy") || query.has("verdict") || query.has("kind");
    note.textContent = answer.entries.length
      ? `Entries ${offset + 1}–${offset + answer.entries.length}, newest first.`
      : "";
    list.replaceChildren(
      answer.entries.length === 0 && !filtered && offset === 0
        ? nothingYet("rt-empty", "No gate verdict, audit or debate is stored in this store. These fill it:", [
            ["gate verdicts", "aegis evolve --data FILE --store sqlite:DATA/aegis.sqlite"],
            ["debates (and the specs they blacklist)", "aegis llm architect --reason … --change …"],
            ["audits of the live strategy (with an auditor model in llm.auditor)", "aegis trade"],
          ])
        : table(
            [
              { label: "Time", value: (e) => when(e.time), nowrap: true },
              { label: "Kind", value: (e) => (e.kind === "gates" ? "gate verdict" : e.kind) },
              {
                label: "Strategy",
                value: (e) => (e.strategyId ? `${e.name ?? ""} ${short(e.strategyId)}`.trim() : "live strategy"),
              },
              {
                label: "Verdict",
                value: (e) => (e.verdict ?? "–") + (e.blacklisted ? " · blacklisted" : ""),
                cls: (e) => (e.verdict === "passed" ? "up" : e.verdict === "failed" ? "down" : ""),
                nowrap: true,
              },
              { label: "Stage", value: (e) => e.stage ?? "–" },
              { label: "By", value: (e) => e.by },
              { label: "What it found", value: what },
              { label: "", value: (e) => llmLink(e) ?? "" },
            ],
            answer.entries,
            "nothing matches these filters",
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
    blacklist.replaceChildren(
      table(
        [
          { label: "Blacklisted", value: (b) => when(b.time), nowrap: true },
          { label: "Spec", value: (b) => `${b.name ?? ""} ${short(b.hash)}`.trim() },
          { label: "Reason", value: (b) => h("span", { class: "reason" }, b.reason) },
          { label: "Source", value: (b) => b.source },
        ],
        answer.blacklist,
        "no spec blacklisted",
      ),
    );
  }

  await load();
}
