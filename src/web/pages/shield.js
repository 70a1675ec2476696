import { getOptional } from "../api.js";
import { h, panel, table, when } from "../dom.js";

/** What protects the capital: kill switch, stability lock, macro risk, each layer's latest verdict, the multipliers. */
export async function renderShield(main, { live }) {
  const body = h("div", { class: "grid", id: "shield" });
  main.append(h("h1", {}, "Risk shield"), body);
  async function load() {
    const s = await getOptional("/api/shield");
    if (!s) {
      body.replaceChildren(h("p", { class: "muted" }, "No store: the shield's state is not kept in this session."));
      return;
    }
    const kill = s.killSwitch;
    const lock = s.stabilityLock;
    body.replaceChildren(
      panel(
        "Kill switch",
        h(
          "p",
          { class: `state ${kill.tripped ? "down" : "up"}`, id: "kill-switch-state" },
          kill.tripped ? "TRIPPED" : "armed, not tripped",
        ),
        kill.tripped ? h("p", {}, `${when(kill.time)}: ${kill.reason} (rule ${kill.rule})`) : null,
        s.halted ? h("p", { class: "down" }, `Trading halted: ${s.halted}`) : null,
        h(
          "p",
          { class: "note" },
          "A person resets it (Controls page or `aegis risk reset --by NAME`); a restart does not.",
        ),
      ),
      panel(
        "Stability lock",
        h("p", { class: `state ${lock.locked ? "down" : "up"}` }, lock.locked ? "LOCKED" : "open"),
        h("p", {}, lock.reason),
        h(
          "p",
          { class: "note" },
          `No strategy change within ${lock.minHours} h of the last one (default length; the configuration may set another).`,
        ),
      ),
      panel(
        "Macro risk",
        h(
          "p",
          { class: `state ${s.macroRisk.level === "HIGH" ? "down" : "up"}`, id: "macro-risk-state" },
          s.macroRisk.level,
        ),
        s.macroRisk.reason ? h("p", {}, s.macroRisk.reason) : null,
      ),
      panel(
        "Market-context multipliers",
        table(
          [
            { label: "Layer", value: (c) => c.layer },
            {
              label: "Multiplier",
              value: (c) =>
                c.scale !== null
                  ? `×${c.scale.toFixed(2)}`
                  : c.verdict === "allow"
                    ? "×1 (neutral)"
                    : (c.verdict ?? "–"),
              num: true,
            },
            { label: "Where it came from", value: (c) => c.reason },
            { label: "As of", value: (c) => (c.time === null ? "–" : `${when(c.time)} ${c.symbol}`), nowrap: true },
          ],
          s.context,
        ),
      ),
      h(
        "section",
        { class: "panel wide" },
        h("h2", {}, "Every layer's latest verdict"),
        table(
          [
            { label: "Layer", value: (l) => l.layer },
            {
              label: "Verdict",
              value: (l) => `${l.verdict}${l.scale !== null ? ` ×${l.scale.toFixed(2)}` : ""}`,
              cls: (l) => `verdict-${l.verdict}`,
            },
            { label: "Reason", value: (l) => l.reason },
            { label: "Decision", value: (l) => `${when(l.time)} ${l.symbol}`, nowrap: true },
          ],
          s.layers,
          "no order has been proposed yet",
        ),
      ),
      h(
        "section",
        { class: "panel wide" },
        h("h2", {}, "Persisted latches"),
        table(
          [
            { label: "Key", value: (l) => l.key },
            { label: "Value", value: (l) => JSON.stringify(l.value) },
            { label: "Updated", value: (l) => when(l.updatedAt) },
          ],
          s.latches,
          "none set",
        ),
      ),
    );
  }
  await load();
  let pending;
  const unsubscribe = live.subscribe((m) => {
    if (m.type !== "kill-switch" && m.type !== "step") return;
    clearTimeout(pending);
    pending = setTimeout(load, 300);
  });
  return () => {
    unsubscribe();
    clearTimeout(pending);
  };
}
