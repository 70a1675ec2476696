/**
 * The chaos test in full: `npm run build && npx tsx scripts/chaos.ts [--kills 100] [--seed 1] [--speed 600]`.
 * Kills `node dist/cli/main.js trade --mode testnet` with SIGKILL at random moments against a simulated exchange
 * with random faults, restarts it each time, then checks the invariants (src/engine/trading/testing/chaos.ts) and
 * prints the counts. From kill `--trip-from` (default half of --kills) the drawdown limit is tight, so the kill switch
 * trips mid-run and the latched invariant (no order that opens risk after the trip) is checked across restarts. Exit code 1 when any discrepancy was found.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runChaos } from "../src/engine/trading/testing/chaos.js";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "100" },
    seed: { type: "string", default: "1" },
    speed: { type: "string", default: "600" },
    "trip-from": { type: "string" },
    keep: { type: "boolean", default: false },
  },
});
const kills = Number(values.kills);
const seed = Number(values.seed);
const speed = Number(values.speed);
const tripFrom = values["trip-from"] === undefined ? Math.floor(kills / 2) : Number(values["trip-from"]);
if (!(Number.isInteger(kills) && kills > 0) || !Number.isInteger(seed) || !(speed >= 1) || !(tripFrom >= 0)) {
  console.error("usage: tsx scripts/chaos.ts [--kills N>0] [--seed INT] [--speed X>=1] [--trip-from KILLS] [--keep]");
  process.exit(2);
}
const main = resolve(import.meta.dirname, "../dist/cli/main.js");
if (!existsSync(main)) {
  console.error(`${main} does not exist: run \`npm run build\` first`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "aegis-chaos-"));
const started = Date.now();
try {
  const result = await runChaos({
    kills,
    seed,
    speed,
    tripFromKill: tripFrom,
    dir,
    aegis: [process.execPath, main],
    log: (line) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`),
  });
  console.log(`kills                 ${result.kills} (${result.killsAfterAccept} the moment the exchange accepted an order)`);
  console.log(`runs that died alone  ${result.crashes}`);
  console.log(`orders at the venue   ${result.ordersAtVenue}`);
  console.log(`fills / trades stored ${result.fills} / ${result.trades}`);
  console.log(`faults injected       ${Object.entries(result.faults).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(
    `kill switch latched   ${result.killSwitchLatched}${result.killSwitchTrippedAt === undefined ? " (never tripped)" : ` (tripped at ${new Date(result.killSwitchTrippedAt).toISOString()} market time; ${result.killsAfterTrip} kills after it, ${result.ordersAfterTrip} orders after it, all reducing)`}`,
  );
  console.log(`discrepancies         ${result.discrepancies.length}`);
  for (const d of result.discrepancies) console.log(`  - ${d}`);
  console.log(`took ${((Date.now() - started) / 1000).toFixed(0)} s${values.keep ? `; store in ${dir}` : ""}`);
  process.exitCode = result.discrepancies.length === 0 ? 0 : 1;
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
