/**
 * The followed wallets' share positions, needed to mirror a sale proportionally (sold / position
 * before the sale). A snapshot per wallet (Data API /positions) is loaded in the background after the
 * start, or on demand by the first fill of a wallet not loaded yet (WhaleBooks), then every fill we
 * observe is applied to it, so the hot path needs no request once a wallet is loaded.
 */
import type { Micros } from '../core/money.js';
import type { Clock } from '../core/runtime.js';
import type { WhaleFill } from './types.js';

export type WhalePositionsFetcher = (wallet: string) => Promise<Map<string, Micros>>;

interface Book {
  loadedAt: number;
  shares: Map<string, Micros>;
}

export class WhalePositions {
  private readonly books = new Map<string, Book>();
  private readonly loading = new Map<string, Promise<void>>();
  fetches = 0;

  constructor(
    private readonly fetchPositions: WhalePositionsFetcher,
    private readonly clock: Clock,
  ) {}

  /** True once the wallet's snapshot is loaded. */
  has(wallet: string): boolean {
    return this.books.has(wallet.toLowerCase());
  }

  /** Loads a wallet's snapshot once (concurrent callers share the request). */
  async ensure(wallet: string): Promise<void> {
    const key = wallet.toLowerCase();
    if (this.books.has(key)) return;
    let pending = this.loading.get(key);
    if (!pending) {
      pending = (async () => {
        this.fetches++;
        try {
          const shares = await this.fetchPositions(key);
          this.books.set(key, { loadedAt: this.clock.now(), shares });
        } finally {
          this.loading.delete(key);
        }
      })();
      this.loading.set(key, pending);
    }
    await pending;
  }

  /**
   * Applies a fill and returns the wallet's position in the token before it; undefined when no
   * snapshot could be loaded. A fill the Data API itself reported before the snapshot was taken is
   * assumed to be in it already (the same service showed it first). A fill reported first by a faster
   * source (RTDS, on-chain) is not: the Data API lags the chain by seconds (VENUES.md 1.5), and the
   * snapshot loaded on demand for that fill is asked for right after it arrived.
   */
  apply(fill: WhaleFill): Micros | undefined {
    const book = this.books.get(fill.wallet.toLowerCase());
    if (!book) return undefined;
    const current = book.shares.get(fill.token) ?? 0n;
    const signed = fill.side === 'buy' ? fill.size : -fill.size;
    if (fill.source === 'data-api' && fill.seenAt < book.loadedAt) return current - signed;
    const after = current + signed;
    if (after > 0n) book.shares.set(fill.token, after);
    else book.shares.delete(fill.token);
    return current;
  }
}
