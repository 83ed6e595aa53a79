/** Fill identity and a seen-set whose memory stays flat: entries older than the window are dropped. */
import { formatMicros } from '../core/money.js';
import type { WhaleFill } from './types.js';

/**
 * A fill's identity, the same whichever source saw it so one source can reconcile another: one
 * transaction can carry several fills of one wallet, so the hash alone is not enough. The price is
 * cut to 4 decimals (the finest tick) because sources derive it differently (Data API float, chain
 * amount ratio).
 */
export function fillKey(fill: Pick<WhaleFill, 'txHash' | 'token' | 'side' | 'size' | 'price'>): string {
  const price = (fill.price + 50n) / 100n; // round half up to 1e-4
  return `${fill.txHash.toLowerCase()}|${fill.token}|${fill.side}|${formatMicros(fill.size)}|${price}`;
}

export class SeenSet {
  // A Map iterates in insertion order, and entries are inserted with a non-decreasing clock, so the
  // oldest entries are always at the front: pruning is O(expired), never a scan.
  private readonly entries = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Records `key` at `now`; false when it was already there (a duplicate). */
  add(key: string, now: number): boolean {
    this.prune(now);
    if (this.entries.has(key)) return false;
    this.entries.set(key, now);
    return true;
  }

  prune(now: number): void {
    const cutoff = now - this.windowMs;
    for (const [key, at] of this.entries) {
      if (at >= cutoff) break;
      this.entries.delete(key);
    }
  }
}
