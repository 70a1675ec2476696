/**
 * Child process for the crash test of SqliteStateStore: trips a kill switch on the store given as the first
 * argument, prints "latched" once `set` has returned, then idles until the parent kills it with SIGKILL.
 */
import { KillSwitch, killSwitchSchema } from "../../risk/guards/kill-switch.js";
import { SqliteStateStore } from "../sqlite-state-store.js";

const path = process.argv[2];
if (path === undefined) throw new Error("usage: set-latch-child.ts <database path>");
const store = await SqliteStateStore.open(path);
const ks = new KillSwitch(store, killSwitchSchema.parse({}));
ks.observe(Date.UTC(2024, 0, 1, 14, 0), 10_000);
const halt = ks.observe(Date.UTC(2024, 0, 1, 14, 30), 9_500);
if (halt?.verdict !== "halt") throw new Error("the kill switch did not trip");
process.stdout.write("latched\n");
// Stay alive so that only SIGKILL ends the process: no exit handler, no close, no checkpoint.
setInterval(() => {}, 1_000);
