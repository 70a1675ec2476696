import { describe, expect, it } from "vitest";
import { validateConfig } from "../../config/load-config.js";
import { UsageError } from "../usage-error.js";
import { parseTradeOptions, type TradeCliOptions } from "./trade-options.js";
import { openTradeVenue } from "./trade-venue.js";

const cli: TradeCliOptions = {
  mode: "paper",
  exchange: "sim",
  symbols: "BTC/USDT,ETH/USDT",
  timeframe: "1m",
  strategy: [],
  speed: "600",
  cash: "10000",
  warmup: "10",
  seed: "venue-test",
  status: false,
};

describe("openTradeVenue", () => {
  it("opens the embedded exchange: its market clock at --speed, each symbol's instrument from its market list", async () => {
    const venue = await openTradeVenue(parseTradeOptions(cli, validateConfig({})), undefined);
    try {
      expect(venue.sim).toBeDefined();
      expect(venue.clockSpeed).toBe(600);
      expect(venue.venueClient).toBeUndefined();
      expect([...venue.instruments.keys()]).toEqual(["BTC/USDT", "ETH/USDT"]);
      expect(venue.instruments.get("BTC/USDT")?.tickSize).toBeGreaterThan(0);
      expect(venue.clock.now()).toBe(venue.sim?.now());
    } finally {
      await venue.exchange?.close();
      await venue.sim?.close();
    }
  });

  it("names a market the exchange does not list, and closes the exchange it had started", async () => {
    const servers = () => process.getActiveResourcesInfo().filter((r) => r === "TCPServerWrap").length;
    const before = servers();
    // The embedded exchange lists one quote per base (the first asked), so BTC/EUR beside BTC/USDT is found
    // missing only once it runs.
    const settings = parseTradeOptions({ ...cli, symbols: "BTC/USDT,BTC/EUR" }, validateConfig({}));
    await expect(openTradeVenue(settings, undefined)).rejects.toThrow(UsageError);
    await expect(openTradeVenue(settings, undefined)).rejects.toThrow(/does not list BTC\/EUR/);
    expect(servers()).toBeLessThanOrEqual(before);
  });
});
