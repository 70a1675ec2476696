import { liveStream } from "./live.js";
import { configRoutes } from "./routes/config.js";
import { controlRoutes } from "./routes/control.js";
import { healthRoutes } from "./routes/health.js";
import { readRouteGroups } from "./routes/read-all.js";
import type { RouteGroup } from "./server.js";

/**
 * Every route group the API serves, in `aegis trade` and in `aegis serve` alike (the context decides what answers):
 * health, controls and configuration, the dashboard's read groups, and the WebSocket stream. A function, because
 * each server gets its own stream hub.
 */
export function apiRouteGroups(): RouteGroup[] {
  return [healthRoutes, controlRoutes, configRoutes, ...readRouteGroups, liveStream()];
}
