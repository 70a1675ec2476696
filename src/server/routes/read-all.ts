import type { RouteGroup } from "../server.js";
import { candleRoutes } from "./read-candles.js";
import { dashboardRoutes } from "./read-dashboard.js";
import { decisionRoutes } from "./read-decisions.js";
import { evolutionRoutes } from "./read-evolution.js";
import { llmRoutes } from "./read-llm.js";
import { modelRoutes } from "./read-models.js";
import { portfolioRoutes } from "./read-portfolio.js";
import { redTeamRoutes } from "./read-red-team.js";
import { reportRoutes } from "./read-reports.js";
import { shadowRoutes } from "./read-shadow.js";
import { shieldRoutes } from "./read-shield.js";
import { statusRoutes } from "./read-status.js";
import { strategyRoutes } from "./read-strategies.js";

/** Every read route group and the dashboard; the live stream (live.ts) and the write groups are added beside them. */
export const readRouteGroups: readonly RouteGroup[] = [
  statusRoutes,
  portfolioRoutes,
  candleRoutes,
  decisionRoutes,
  shieldRoutes,
  strategyRoutes,
  reportRoutes,
  modelRoutes,
  shadowRoutes,
  evolutionRoutes,
  redTeamRoutes,
  llmRoutes,
  (app) => dashboardRoutes(app),
];
