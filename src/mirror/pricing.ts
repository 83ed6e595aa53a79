/** Price protection: the worst price a copy may trade at, on the venue's tick grid. */
import { MICRO, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';
import type { MarketRules } from './types.js';

/**
 * Worst acceptable price for copying a fill at `whalePrice`: whale x (1 + slippage) for a buy,
 * whale x (1 - slippage) for a sell. Rounded toward the whale's price onto the tick grid (down for a
 * buy, up for a sell) so the cap is never looser than asked, and kept inside [tick, 1 - tick] because
 * prices of 0 and 1 are not tradable. Returns undefined when no tradable price remains.
 */
export function worstPrice(side: Side, whalePrice: Micros, maxSlippage: Micros, tickSize: Micros): Micros | undefined {
  if (tickSize <= 0n || whalePrice <= 0n || whalePrice >= MICRO) return undefined;
  const factor = side === 'buy' ? MICRO + maxSlippage : MICRO - maxSlippage;
  const raw = (whalePrice * factor) / MICRO;
  const onGrid = side === 'buy' ? floorTo(raw, tickSize) : ceilTo(raw, tickSize);
  const lowest = tickSize;
  const highest = MICRO - tickSize;
  const clamped = onGrid < lowest ? lowest : onGrid > highest ? highest : onGrid;
  // A buy cap below the whale's own (off-grid) price or a sell cap above it would make the copy
  // unfillable by construction; reject rather than place an order that cannot match.
  if (side === 'buy' && clamped < floorTo(whalePrice, tickSize)) return undefined;
  if (side === 'sell' && clamped > ceilTo(whalePrice, tickSize)) return undefined;
  return clamped;
}

export function floorTo(value: Micros, step: Micros): Micros {
  if (step <= 0n) return value;
  return value - (((value % step) + step) % step);
}

export function ceilTo(value: Micros, step: Micros): Micros {
  const floored = floorTo(value, step);
  return floored === value ? value : floored + step;
}

/** size x price rounded UP: what we reserve must cover whatever the venue charges. */
export function notionalOf(size: Micros, price: Micros): Micros {
  return (size * price + MICRO - 1n) / MICRO;
}

/**
 * What a buy of `size` at cap `price` can cost at most: size x price (rounded up) plus the venue's
 * taker fee at the cap. The cap is the worst fill price for the total too: a fill at q <= price costs
 * q + rate x (q(1-q))^e per share, which grows with q for every rate below 1 (its derivative is
 * 1 + rate x e x (q(1-q))^(e-1) x (1 - 2q) > 0), so a cheaper fill nearer 0.50 pays a larger fee but less in all.
 */
export function worstCost(size: Micros, price: Micros, rules: MarketRules): Micros {
  return notionalOf(size, price) + rules.takerFee(size, price);
}
