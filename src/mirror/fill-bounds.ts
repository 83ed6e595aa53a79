/**
 * A venue's report of a fill must fit inside the order we signed. A report that does not (a sell of
 * more shares than signed, a buy spending more dollars than signed or paying above the cap, fees
 * larger than the fill) is not booked: what happened is unknown, and the venue's balances settle it.
 * A marketable BUY signs dollars (Polymarket's makerAmount = size x cap): at a better price it buys
 * more shares than `size`, legitimately. Pure.
 */
import { formatMicros as fmt, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import { notionalOf } from './decide.js';

export interface SignedOrder {
  side: Side;
  size: Micros;
  price: Micros;
}

export interface ReportedFill {
  filledSize: Micros;
  filledValue: Micros;
  fee?: { usd: Micros; shares: Micros };
}

/** Why `fill` cannot be an execution of `order`, or undefined when it can. */
export function fillOutOfBounds(order: SignedOrder, fill: ReportedFill): string | undefined {
  const feeUsd = fill.fee?.usd ?? 0n;
  const feeShares = fill.fee?.shares ?? 0n;
  if (fill.filledSize < 0n || fill.filledValue < 0n || feeUsd < 0n || feeShares < 0n) return 'the venue reported a negative amount';
  if (fill.filledSize === 0n && fill.filledValue > 0n) return `the venue reported ${fmt(fill.filledValue)} USD for no shares`;
  if (order.side === 'sell' && fill.filledSize > order.size) return `the venue reported ${fmt(fill.filledSize)} shares sold on an order for ${fmt(order.size)}`;
  if (order.side === 'buy') {
    const signed = notionalOf(order.size, order.price);
    if (fill.filledValue > signed) return `the venue reported ${fmt(fill.filledValue)} USD spent on an order for ${fmt(signed)} USD`;
    if (fill.filledValue > notionalOf(fill.filledSize, order.price)) {
      return `the venue reported ${fmt(fill.filledValue)} USD for ${fmt(fill.filledSize)} shares, above the ${fmt(order.price)} price cap`;
    }
  }
  if (feeShares > fill.filledSize) return `the venue reported a fee of ${fmt(feeShares)} shares on a fill of ${fmt(fill.filledSize)}`;
  return undefined;
}

/** The status the amounts say, whatever the venue called it: 'filled' only when every signed share filled. */
export function statusOfFill(order: SignedOrder, filledSize: Micros): 'filled' | 'partially_filled' | 'cancelled' {
  if (filledSize <= 0n) return 'cancelled';
  return filledSize < order.size ? 'partially_filled' : 'filled';
}
