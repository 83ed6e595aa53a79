/**
 * WhaleBalanceCache: the followed wallets' portfolio values for proportional sizing, fetched at most
 * once per TTL per wallet (default 5 minutes) so the hot path rarely makes a request; concurrent
 * lookups of the same wallet share one request.
 */
import type { Micros } from '../core/money.js';
import type { Clock } from '../core/runtime.js';

export type WhaleValueFetcher = (wallet: string) => Promise<Micros>;

export const DEFAULT_WHALE_TTL_MS = 5 * 60_000;

interface Entry {
  value: Micros;
  fetchedAt: number;
}

export class WhaleBalanceCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Micros>>();
  /** Requests made, for the benchmark's requests-per-trade figure and for tests. */
  fetches = 0;

  constructor(
    private readonly fetchValue: WhaleValueFetcher,
    private readonly clock: Clock,
    private readonly ttlMs = DEFAULT_WHALE_TTL_MS,
  ) {}

  /** The cached value if still fresh, without fetching. */
  peek(wallet: string): Micros | undefined {
    const entry = this.entries.get(wallet.toLowerCase());
    return entry && this.clock.now() - entry.fetchedAt < this.ttlMs ? entry.value : undefined;
  }

  async get(wallet: string): Promise<Micros> {
    const key = wallet.toLowerCase();
    const fresh = this.peek(key);
    if (fresh !== undefined) return fresh;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const request = (async () => {
      this.fetches++;
      try {
        const value = await this.fetchValue(key);
        // A wallet with no open positions reads as 0: that says nothing about its size, so it is
        // not cached and proportional sizing skips until the value is known.
        if (value > 0n) this.entries.set(key, { value, fetchedAt: this.clock.now() });
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, request);
    return request;
  }
}
