/**
 * A USDⓈ-M one-way position and how a fill changes it: fills in the position's direction average into the entry
 * price; fills against it realise profit on the part they close, and a fill larger than the position flips it at
 * the fill price.
 */

export interface FuturesPosition {
  /** Signed base quantity: positive long, negative short. */
  amount: number;
  entryPrice: number;
  updateTime: number;
}

const round8 = (value: number): number => Math.round(value * 1e8) / 1e8;

/** Applies a fill of `signedQuantity` (buy > 0, sell < 0) at `price` to `position`; returns the realised profit. */
export function applyFill(position: FuturesPosition, signedQuantity: number, price: number, now: number): number {
  const quantity = Math.abs(signedQuantity);
  let realized = 0;
  if (position.amount === 0 || Math.sign(position.amount) === Math.sign(signedQuantity)) {
    const amount = position.amount + signedQuantity;
    position.entryPrice = (position.entryPrice * Math.abs(position.amount) + price * quantity) / Math.abs(amount);
    position.amount = amount;
  } else {
    const closing = Math.min(Math.abs(position.amount), quantity);
    realized = round8((price - position.entryPrice) * closing * Math.sign(position.amount));
    const amount = position.amount + signedQuantity;
    if (Math.abs(amount) < 1e-12) position.amount = 0;
    else {
      if (Math.sign(amount) !== Math.sign(position.amount)) position.entryPrice = price;
      position.amount = amount;
    }
  }
  position.amount = round8(position.amount);
  position.updateTime = now;
  return realized;
}
