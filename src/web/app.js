import { actor, getOptional, LiveStream, token } from "./api.js";
import { h, money, pct } from "./dom.js";
import { renderConfig } from "./pages/config.js";
import { renderControls } from "./pages/controls.js";
import { renderDecisions } from "./pages/decisions.js";
import { renderEvolution } from "./pages/evolution.js";
import { renderLlm } from "./pages/llm.js";
import { renderModels } from "./pages/models.js";
import { renderOverview } from "./pages/overview.js";
import { renderRedTeam } from "./pages/red-team.js";
import { renderReports } from "./pages/reports.js";
import { renderShadow } from "./pages/shadow.js";
import { renderShield } from "./pages/shield.js";
import { renderStrategies } from "./pages/strategies.js";

/** What tests and curious people can read: whether the page finished, and what the live stream brought. */
const state = { ready: false, page: "", live: false, liveMessages: 0, lastLive: null, errors: [] };
window.aegisDashboard = state;

const live = new LiveStream();
const main = document.getElementById("main");

const PAGES = {
  overview: renderOverview,
  decisions: renderDecisions,
  shield: renderShield,
  controls: renderControls,
  config: renderConfig,
  strategies: renderStrategies,
  reports: renderReports,
  "ai/models": renderModels,
  "ai/shadow": renderShadow,
  "ai/evolution": renderEvolution,
  "ai/red-team": renderRedTeam,
  "ai/llm": renderLlm,
};

let leave = () => {};

async function route() {
  const name = location.hash.replace(/^#\/?/, "").split("?")[0] || "overview";
  const render = PAGES[name] ?? PAGES.overview;
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.getAttribute("href") === `#/${name}`);
  }
  leave();
  leave = () => {};
  state.ready = false;
  state.page = name;
  main.replaceChildren();
  try {
    leave = (await render(main, { live })) ?? (() => {});
  } catch (error) {
    main.append(h("p", { class: "field-error" }, `This page could not load: ${error.message}`));
    state.errors.push(String(error.message));
  }
  state.ready = true;
}

async function refreshHeader() {
  let status;
  try {
    status = await getOptional("/api/status");
  } catch (error) {
    // Reads guarded by the token (api.protectReads) and none given yet: say so instead of failing the page.
    document.getElementById("mode").textContent = error.status === 401 ? "token needed" : "API error";
    return;
  }
  const mode = document.getElementById("mode");
  if (!status) {
    mode.textContent = "no API";
    return;
  }
  mode.textContent = status.mode === "trading" ? `trading · ${status.session ?? ""}` : "read-only";
  const p = status.portfolio;
  document.getElementById("equity").textContent = p ? `${money(p.equity)} (${pct(p.returnPct)})` : "no session yet";
  const shield = document.getElementById("shield-state");
  const halted = p?.halted;
  shield.textContent = halted ? `HALTED: ${halted}` : "shield ok";
  shield.className = `pill ${halted ? "bad" : "ok"}`;
}

function setupToken() {
  const input = document.getElementById("token");
  input.value = token.get();
  input.addEventListener("change", () => {
    token.set(input.value.trim());
    live.reconnect();
    refreshHeader().catch(() => {});
  });
  document.getElementById("token-forget").addEventListener("click", () => {
    token.set("");
    input.value = "";
    live.reconnect();
  });
  const name = document.getElementById("actor");
  name.value = actor.get();
  name.addEventListener("change", () => actor.set(name.value.trim()));
}

live.onState = (connected) => {
  state.live = connected;
  const pill = document.getElementById("live-state");
  pill.textContent = connected ? "live" : "live: reconnecting";
  pill.className = `pill ${connected ? "ok" : "off"}`;
};
live.subscribe((message) => {
  state.liveMessages++;
  state.lastLive = message.type;
  if (message.type === "equity") {
    const d = message.data;
    document.getElementById("equity").textContent = `${money(d.equity)} (${pct(d.returnPct)})`;
  }
  if (message.type === "kill-switch") {
    const shield = document.getElementById("shield-state");
    shield.textContent = `HALTED: ${message.data.reason}`;
    shield.className = "pill bad";
  }
});

setupToken();
window.addEventListener("hashchange", route);
live.connect();
await Promise.all([refreshHeader(), route()]);
// From navigation start to the first page drawn with its data: the load time the bench reports.
state.loadedMs = performance.now();
setInterval(() => refreshHeader().catch(() => {}), 30_000);
