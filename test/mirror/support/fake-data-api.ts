/**
 * An in-process Data API /activity for virtual-time tests (the sandbox serves the same over HTTP on a
 * real clock): v2 keyset pages, v1 offset pages bounded at 10,000 rows, and optionally the documented
 * rate limit (1,000 requests per 10 s) answered with 429 + Retry-After. Every request is recorded.
 */
import type { ActivityItem } from '../../../src/mirror/sources/data-api.js';
import type { ManualClock } from './fakes.js';

export interface FakeRequest {
  at: number;
  path: string;
  status: number;
}

export class FakeDataApi {
  /** Oldest first (insertion order is time order). */
  readonly rows: ActivityItem[] = [];
  readonly requests: FakeRequest[] = [];
  /** false: /v2/activity answers 404 (a Data API without v2). */
  v2 = true;
  /** Requests per 10 s before 429; undefined = no limit. */
  rateLimit: number | undefined;
  private trades = 0;

  constructor(private readonly clock: ManualClock) {}

  /** A fill of `wallet` now; returns its transaction hash. */
  trade(wallet: string, size = 10): string {
    const hash = `0x${(++this.trades).toString(16).padStart(64, '0')}`;
    this.rows.push({ proxyWallet: wallet, timestamp: Math.floor(this.clock.now() / 1000), size, price: 0.5, asset: 'T', side: 'BUY', transactionHash: hash });
    return hash;
  }

  /** Most requests sent inside any window of `windowMs`. */
  peak(windowMs = 10_000, filter: (r: FakeRequest) => boolean = () => true): number {
    const times = this.requests.filter(filter).map((r) => r.at);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= windowMs) j++;
      peak = Math.max(peak, i - j + 1);
    }
    return peak;
  }

  readonly fetch = (async (input: string | URL) => {
    const url = new URL(String(input));
    const now = this.clock.now();
    const record = (status: number) => this.requests.push({ at: now, path: `${url.pathname}${url.search}`, status });
    if (this.rateLimit !== undefined) {
      const recent = this.requests.filter((r) => r.at > now - 10_000 && r.status !== 429);
      if (recent.length >= this.rateLimit) {
        record(429);
        const freeAt = this.rateLimit === 0 ? now + 10_000 : recent[recent.length - this.rateLimit]!.at + 10_000;
        return new Response(JSON.stringify({ error: 'Too Many Requests' }), { status: 429, headers: { 'retry-after': String(Math.max(1, Math.ceil((freeAt - now) / 1000))) } });
      }
    }
    const q = url.searchParams;
    const user = q.get('user')!.toLowerCase();
    const start = Number(q.get('start') ?? 0);
    // Indexes into `rows`, newest first.
    const matching = this.rows.map((row, i) => ({ row, i })).filter(({ row }) => row.proxyWallet.toLowerCase() === user && row.timestamp >= start).reverse();
    const limit = Number(q.get('limit'));
    if (url.pathname.endsWith('/v2/activity')) {
      if (!this.v2) return record(404), Response.json({ error: 'not found' }, { status: 404 });
      record(200);
      const before = q.get('cursor') === null ? Infinity : Number(q.get('cursor'));
      const page = matching.filter(({ i }) => i < before).slice(0, limit);
      const more = matching.filter(({ i }) => i < before).length > limit;
      return Response.json({
        data: page.map(({ row }) => ({ proxy_wallet: row.proxyWallet, timestamp: row.timestamp, size: row.size, price: row.price, asset: row.asset, side: row.side, transaction_hash: row.transactionHash })),
        pagination: { next_cursor: more ? String(page.at(-1)!.i) : null, has_more: more },
      });
    }
    const offset = Number(q.get('offset') ?? 0);
    if (offset > 10_000) return record(400), Response.json({ error: 'offset too large' }, { status: 400 });
    record(200);
    return Response.json(matching.slice(offset, offset + limit).map(({ row }) => row));
  }) as typeof fetch;
}
