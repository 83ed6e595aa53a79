/**
 * The backtest's only window on market data: `asOf(t)` answers what was known at time t and nothing
 * later (prices up to t, a market's resolution only once it happened). A decision is handed the view
 * of its own time, so no information from after a decision's time can enter it.
 */
import type { Micros } from '../core/money.js';
import type { MarketInfo, PricePoint } from './types.js';

export interface MarketData {
  /** By token. */
  markets: ReadonlyMap<string, MarketInfo>;
  /** By token, oldest first. */
  prices: ReadonlyMap<string, readonly PricePoint[]>;
}

/** What was known at one instant. */
export interface PointInTime {
  /** ms since the epoch. */
  readonly at: number;
  /** The last price observed at or before `at`. */
  price(token: string): Micros | undefined;
  /** The market as it stood at `at`: resolution and payout appear only once `at` reached them. */
  market(token: string): MarketInfo | undefined;
}

export class Tape {
  /** The whole record; the replay schedules settlements from it, decisions only ever get `asOf`. */
  constructor(readonly data: MarketData) {}

  asOf(at: number): PointInTime {
    const { markets, prices } = this.data;
    return {
      at,
      price: (token) => lastAtOrBefore(prices.get(token) ?? [], at)?.p,
      market: (token) => {
        const info = markets.get(token);
        if (!info || info.resolvedAt === undefined || info.resolvedAt * 1000 <= at) return info;
        const { resolvedAt: _r, payout: _p, ...unresolved } = info;
        return unresolved;
      },
    };
  }

  /** When each held token's market resolves: the replay's settlement schedule (never shown to a decision). */
  resolutions(): Array<{ token: string; at: number }> {
    return [...this.data.markets.values()].filter((m) => m.resolvedAt !== undefined).map((m) => ({ token: m.token, at: m.resolvedAt! * 1000 }));
  }
}

/** Binary search over points sorted by t (seconds) for the last one at or before `at` (ms). */
function lastAtOrBefore(points: readonly PricePoint[], at: number): PricePoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  let found: PricePoint | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t * 1000 <= at) {
      found = points[mid];
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
