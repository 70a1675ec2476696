import { ApiError, actor, describeRefusal, send, token } from "../api.js";
import { h, panel } from "../dom.js";

/** Asks in a modal; resolves true only when the person confirms. */
export function confirmAction(text) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

/** Shows an API answer: success, or what was refused and why (401: the token; 400: the field). */
export function showResult(box, promise, success) {
  box.className = "result";
  box.textContent = "…";
  return promise.then(
    (answer) => {
      box.className = "result ok";
      box.textContent = success(answer);
      return true;
    },
    (error) => {
      box.className = "result error";
      if (error instanceof ApiError && error.status === 401) {
        box.textContent = token.get()
          ? "Refused: the token is wrong. Paste the token `aegis` printed at start."
          : "Refused: no token. Paste the API token in the field at the top first.";
      } else if (error instanceof ApiError && error.field) {
        box.textContent = `Refused: ${describeRefusal(error)}`;
      } else {
        box.textContent = `Failed: ${error.message}`;
      }
      return false;
    },
  );
}

/** Pause, resume, stop (optionally flattening), the kill-switch reset and the macro-risk clear; the risky ones ask first. */
export function renderControls(main) {
  const result = h("div", { class: "result", id: "control-result" }, "No action yet.");
  const flatten = h("input", { type: "checkbox", id: "flatten" });
  const action = (label, path, body, confirmText, cls) =>
    h(
      "button",
      {
        type: "button",
        class: cls,
        "data-action": path.split("/").pop(),
        onclick: async () => {
          const b = typeof body === "function" ? body() : body;
          const text = typeof confirmText === "function" ? confirmText(b) : confirmText;
          if (text && !(await confirmAction(text))) {
            result.className = "result";
            result.textContent = `${label}: cancelled.`;
            return;
          }
          await showResult(result, send("POST", path, { ...actor.fields(), ...b }), (a) =>
            `${label}: done. ${a?.message ?? ""}`.trim(),
          );
        },
      },
      label,
    );
  main.append(
    h("h1", {}, "Controls"),
    h(
      "div",
      { class: "grid" },
      panel(
        "Trading",
        h(
          "div",
          { class: "row" },
          action("Pause new entries", "/api/control/pause", {}, null),
          action("Resume", "/api/control/resume", {}, null),
        ),
        h("p", { class: "note" }, "Pause stops new positions; exits, stops and take-profits still run."),
        h(
          "div",
          { class: "row" },
          action(
            "Stop",
            "/api/control/stop",
            () => ({ flatten: flatten.checked }),
            (b) =>
              b.flatten
                ? "Stop trading, cancel working orders AND close every position at market now?"
                : "Stop trading and cancel working orders? Positions stay open with their stops.",
            "danger",
          ),
          h("label", {}, flatten, " also close every position (flatten)"),
        ),
      ),
      panel(
        "Kill switch",
        action(
          "Reset kill switch",
          "/api/control/kill-switch/reset",
          {},
          "Reset the kill switch? Trading may open new positions again. The reset is recorded.",
          "danger",
        ),
        h("p", { class: "note" }, "Only after you know why it tripped: see the Shield page."),
      ),
      panel(
        "Macro risk",
        action(
          "Clear macro risk",
          "/api/control/macro-risk/clear",
          {},
          "Clear the global risk HIGH the macro layer set? New entries are sized normally again until the next drop.",
          "danger",
        ),
        h("p", { class: "note" }, "The Shield page shows why it is HIGH (the index move that set it)."),
      ),
      h("section", { class: "panel wide" }, h("h2", {}, "Result"), result),
    ),
  );
}
