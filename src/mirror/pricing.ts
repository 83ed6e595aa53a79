/** Price protection: the worst price a copy may trade at, on the venue's tick grid. */
import { MICRO, type Micros } from '../core/money.js';
import type { Side } from '../core/types.js';

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
