/** How big a copy is, before caps: pure arithmetic over micro-units. */
import { divMicros, MICRO, mulMicros, type Micros } from '../core/money.js';
import { worstCost } from './pricing.js';
import type { MarketRules, SizingConfig } from './types.js';

export interface BuySizingInput {
  /** The whale's fill value in USD (size x price). */
  whaleUsd: Micros;
  /** The whale's portfolio value (WhaleBalanceCache); needed by proportional sizing only. */
  whaleValue: Micros | undefined;
  /** Our portfolio value: cash + positions. */
  ownValue: Micros;
  /** Our spendable cash. */
  ownCash: Micros;
}

/**
 * USD to spend copying a whale buy. Proportional: whale trade / whale portfolio x own portfolio x
 * multiplier, so a whale betting 2% of its book makes us bet 2% of ours. Returns undefined when
 * proportional sizing lacks the whale's portfolio value.
 */
export function buyUsd(config: SizingConfig, input: BuySizingInput): Micros | undefined {
  switch (config.mode) {
    case 'fixed':
      return config.fixedUsd;
    case 'percent':
      return (input.ownCash * config.percent) / (100n * MICRO);
    case 'proportional': {
      if (input.whaleValue === undefined || input.whaleValue <= 0n) return undefined;
      // One division at the end keeps the full precision of the product.
      return (input.whaleUsd * input.ownValue * config.multiplier) / (input.whaleValue * MICRO);
    }
  }
}

/**
 * Shares to sell when a whale sells: the same fraction of our position as the whale sold of its own
 * (sold / position before the sale). Never more than we hold. When the whale's prior position is
 * unknown or smaller than what it sold (our view of it lagged), the whale exited: we exit too.
 */
export function sellShares(ownPosition: Micros, whaleSold: Micros, whalePositionBefore: Micros | undefined): Micros {
  if (ownPosition <= 0n || whaleSold <= 0n) return 0n;
  if (whalePositionBefore === undefined || whalePositionBefore <= whaleSold) return ownPosition;
  const shares = (ownPosition * whaleSold) / whalePositionBefore;
  return shares > ownPosition ? ownPosition : shares;
}

/** Whale fill value: size x price, rounded down. */
export function fillUsd(size: Micros, price: Micros): Micros {
  return mulMicros(size, price);
}

/** The largest size on the venue's step whose worst cost fits in `room` (fees can round in steps, so searched). */
export function sharesWithin(room: Micros, price: Micros, rules: MarketRules): Micros {
  if (room <= 0n || rules.sizeStep <= 0n) return 0n;
  let low = 0n; // steps that fit
  let high = divMicros(room, price) / rules.sizeStep + 1n; // steps that do not (cost >= size x price > room)
  while (high - low > 1n) {
    const mid = (low + high) / 2n;
    if (worstCost(mid * rules.sizeStep, price, rules) <= room) low = mid;
    else high = mid;
  }
  return low * rules.sizeStep;
}
