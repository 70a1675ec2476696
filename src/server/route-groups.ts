import { configRoutes } from "./routes/config.js";
import { controlRoutes } from "./routes/control.js";
import { healthRoutes } from "./routes/health.js";
import type { RouteGroup } from "./server.js";

/**
 * Every route group the API serves, in `aegis trade` and in `aegis serve` alike (the context decides what answers).
 * The dashboard's read groups (routes/read-*.ts) and the WebSocket stream join this list.
 */
export const apiRouteGroups: readonly RouteGroup[] = [healthRoutes, controlRoutes, configRoutes];
