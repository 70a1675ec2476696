export type { AlpacaBook, AlpacaOrder } from "./alpaca-book.js";
export {
  ALPACA_SIM_KEY,
  ALPACA_SIM_SECRET,
  type AlpacaSim,
  type AlpacaSimOptions,
  type AlpacaSimStock,
  pointCcxtAtAlpacaSim,
  startAlpacaSim,
} from "./alpaca-sim.js";
