/** The sandbox's Data API as the mirror meets it: v2 cursor pages, v1's offset bound, documented rate limits. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { DataApiClient } from '../../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../../src/mirror/sources/data-api-poller.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';

let sandbox: PolymarketSandbox;
let whale: `0x${string}`;
let token: string;
const fills: string[] = [];
const get = (path: string) => fetch(`${sandbox.dataApiUrl}${path}`);

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  whale = sandbox.whales[0]!;
  token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  for (const size of [10, 11, 12, 13, 14]) {
    const [fill] = await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size, price: 0.99 });
    fills.push(fill!.transactionHash);
  }
});
afterAll(async () => {
  await sandbox?.close();
});

describe('sandbox Data API v2 /activity', () => {
  it('pages newest first through next_cursor, in snake_case, to a null cursor', async () => {
    type Page = { data: Array<Record<string, unknown>>; pagination: { next_cursor: string | null; has_more: boolean } };
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const response = await get(`/v2/activity?user=${whale}&type=TRADE&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      pages.push((await response.json()) as Page);
      cursor = pages.at(-1)!.pagination.next_cursor;
    } while (cursor);
    expect(pages.map((p) => [p.data.length, p.pagination.has_more])).toEqual([[2, true], [2, true], [1, false]]);
    expect(pages.flatMap((p) => p.data.map((row) => row.transaction_hash))).toEqual([...fills].reverse());
    expect(Object.keys(pages[0]!.data[0]!)).toEqual(expect.arrayContaining(['proxy_wallet', 'condition_id', 'usdc_size', 'transaction_hash', 'outcome_index', 'event_slug', 'asset', 'side', 'size', 'price', 'timestamp']));
    expect(pages[0]!.data[0]).not.toHaveProperty('proxyWallet');
  });

  it('refuses a limit past 1,000 and a malformed cursor (400)', async () => {
    const big = await get(`/v2/activity?user=${whale}&limit=1001`);
    expect([big.status, await big.json()]).toEqual([400, { error: 'limit must be an integer from 1 to 1000' }]);
    const bad = await get(`/v2/activity?user=${whale}&cursor=nope`);
    expect([bad.status, await bad.json()]).toEqual([400, { error: 'malformed cursor: nope' }]);
  });

  it('the mirror client reads v2 and the poller gets every fill, oldest first', async () => {
    const client = new DataApiClient(sandbox.dataApiUrl, fetch);
    const poller = new DataApiPoller(client, { wallets: [whale], intervalMs: 1000, since: 0, pageLimit: 2 }, systemClock, silentLogger);
    const seen: WhaleFill[] = [];
    const before = sandbox.requests.length;
    await poller.pollAll((fill) => seen.push(fill));
    expect(client.activityVersion).toBe('v2');
    expect(seen.map((f) => f.txHash)).toEqual(fills);
    expect(seen.map((f) => Number(f.size) / 1e6)).toEqual([10, 11, 12, 13, 14]);
    expect(sandbox.requests.slice(before).map((r) => r.path.split('?')[0])).toEqual(['/data-api/v2/activity', '/data-api/v2/activity', '/data-api/v2/activity']);
  });
});

describe('sandbox Data API v1 /activity', () => {
  it('serves offsets up to 10,000 and refuses deeper ones', async () => {
    expect((await get(`/activity?user=${whale}&offset=10000`)).status).toBe(200);
    const deep = await get(`/activity?user=${whale}&offset=10001`);
    expect([deep.status, await deep.json()]).toEqual([400, { error: 'offset must be at most 10000: use /v2/activity (cursor pagination)' }]);
  });
});

describe('sandbox Data API rate limits', () => {
  it('off by default; on: /positions 150 and 1,000 overall per 10 s, then 429 with Retry-After', async () => {
    const statuses = async (path: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get(path)).status);
      return out;
    };
    expect(new Set(await statuses(`/positions?user=${whale}`, 160))).toEqual(new Set([200]));
    sandbox.setDataApiRateLimits(true);
    try {
      const positions = await statuses(`/positions?user=${whale}`, 151);
      expect(positions.filter((s) => s === 200)).toHaveLength(150);
      expect(positions.at(-1)).toBe(429);
      // The overall limit counts every route: 150 already sent, 850 more pass, the next is refused.
      const activity = await statuses(`/v2/activity?user=${whale}`, 850);
      expect(new Set(activity)).toEqual(new Set([200]));
      const refused = await get(`/value?user=${whale}`);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
      expect(await refused.json()).toEqual({ error: 'Too Many Requests' });
      expect(sandbox.dataApiRefused).toBe(2);
    } finally {
      sandbox.setDataApiRateLimits(false);
    }
  }, 30_000);
});
