/** The Data API poller against a scripted /activity: v2 cursor pages, v1 offset pages, cursors, 429s. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/runtime.js';
import { RequestBudget, dataApiBudgetLimits } from '../../src/mirror/sources/budget.js';
import { DataApiClient } from '../../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../../src/mirror/sources/data-api-poller.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { FakeDataApi } from './support/fake-data-api.js';
import { ManualClock, settle } from './support/fakes.js';

const W = '0xw';
const param = (path: string, name: string) => new URL(path, 'http://x').searchParams.get(name);
const route = (path: string) => path.split('?')[0];

function setup(options: { v2?: boolean; pageLimit?: number; maxPages?: number; budget?: boolean; intervalMs?: number } = {}) {
  const clock = new ManualClock();
  const api = new FakeDataApi(clock);
  api.v2 = options.v2 ?? true;
  const budget = options.budget ? new RequestBudget(dataApiBudgetLimits(), clock) : undefined;
  const client = new DataApiClient('http://data', api.fetch, budget);
  const poller = new DataApiPoller(client, { wallets: [W.toUpperCase().replace('0X', '0x')], intervalMs: options.intervalMs ?? 1000, since: clock.now(), pageLimit: options.pageLimit ?? 3, maxPages: options.maxPages, budget }, clock, silentLogger);
  const seen: WhaleFill[] = [];
  const poll = () => poller.pollAll((fill) => seen.push(fill));
  return { clock, api, client, poller, seen, poll };
}

describe('Data API poller, v1 answers (offset pages)', () => {
  it('falls back to v1 when v2 is not served, pages a burst longer than a page, delivers it oldest first, once', async () => {
    const { clock, api, client, seen, poll } = setup({ v2: false });
    for (let n = 1; n <= 8; n++) api.trade(W, n);
    await poll();
    expect(seen.map((s) => s.size)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => BigInt(n * 1_000_000)));
    expect(api.requests.map((r) => [route(r.path), r.status, param(r.path, 'offset')])).toEqual([
      ['/v2/activity', 404, null],
      ['/activity', 200, '0'],
      ['/activity', 200, '3'],
      ['/activity', 200, '6'],
    ]);
    expect(client.activityVersion).toBe('v1');
    clock.advance(2000);
    api.trade(W, 9);
    seen.length = 0;
    await poll();
    // The cursor's own second is re-read (rows of a second can appear late); TradeMonitor drops repeats.
    expect(seen.map((s) => Number(s.size) / 1e6)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    seen.length = 0;
    await poll();
    expect(seen.map((s) => Number(s.size) / 1e6)).toEqual([9]);
    expect(param(api.requests.at(-1)!.path, 'start')).toBe(String(Math.floor(clock.now() / 1000)));
    expect(api.requests.filter((r) => route(r.path) === '/v2/activity')).toHaveLength(1); // asked once
  });

  it('v1 stops at its 10,000-row offset bound; v2 reads the whole burst through its cursor', async () => {
    const v1 = setup({ v2: false, pageLimit: 500, maxPages: 50 });
    const v2 = setup({ v2: true, pageLimit: 500, maxPages: 50 });
    for (const { api } of [v1, v2]) for (let n = 1; n <= 11_000; n++) api.trade(W, n);
    await v1.poll();
    await v2.poll();
    // v1: offsets 0, 500, ..., 10,000 (21 pages): the newest 10,500 rows; the 500 oldest are out of reach.
    const offsets = v1.api.requests.filter((r) => route(r.path) === '/activity').map((r) => Number(param(r.path, 'offset')));
    expect(offsets).toEqual(Array.from({ length: 21 }, (_, i) => i * 500));
    expect(v1.seen).toHaveLength(10_500);
    expect(Number(v1.seen[0]!.size) / 1e6).toBe(501);
    // v2: 22 pages, every row, oldest first.
    expect(v2.api.requests.filter((r) => route(r.path) === '/v2/activity')).toHaveLength(22);
    expect(v2.seen.map((s) => Number(s.size) / 1e6)).toEqual(Array.from({ length: 11_000 }, (_, i) => i + 1));
  });
});

describe('Data API poller, v2 (cursor pages, snake_case rows)', () => {
  it('follows next_cursor until the end and reads snake_case rows', async () => {
    const { api, client, seen, poll } = setup();
    const hashes = Array.from({ length: 8 }, (_, n) => api.trade(W, n + 1));
    await poll();
    expect(client.activityVersion).toBe('v2');
    expect(seen.map((s) => s.txHash)).toEqual(hashes);
    expect(seen[0]).toMatchObject({ wallet: W, token: 'T', side: 'buy', size: 1_000_000n, price: 500_000n, source: 'data-api' });
    // Rows 7,6,5 then 4,3,2 then 1,0: each cursor names the last row of the page before.
    expect(api.requests.map((r) => [route(r.path), param(r.path, 'cursor'), param(r.path, 'limit'), param(r.path, 'sort_direction'), param(r.path, 'type')])).toEqual([
      ['/v2/activity', null, '3', 'DESC', 'TRADE'],
      ['/v2/activity', '5', '3', 'DESC', 'TRADE'],
      ['/v2/activity', '2', '3', 'DESC', 'TRADE'],
    ]);
  });
});

describe('Data API poller under the request budget', () => {
  it('a 429 pauses every request for its Retry-After, then the wallet is read from the same cursor', async () => {
    const { clock, api, client, seen, poll } = setup({ budget: true });
    for (let n = 1; n <= 5; n++) api.trade(W, n);
    api.rateLimit = 0; // everything refused
    await poll();
    expect(seen).toHaveLength(0);
    expect(client.rateLimited).toBe(1);
    const refusedAt = clock.now();
    expect(api.requests.at(-1)).toMatchObject({ status: 429 });
    api.rateLimit = undefined;
    // The Retry-After (the fake's window: 10 s) holds the next poll's request back.
    const next = poll();
    await clock.run(9_999);
    expect(api.requests).toHaveLength(1);
    await clock.run(1);
    await next;
    expect(api.requests[1]!.at).toBe(refusedAt + 10_000);
    expect(seen.map((s) => Number(s.size) / 1e6)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a 429 in the middle of a burst delivers nothing half-read', async () => {
    const { clock, api, seen, poll } = setup({ budget: true, pageLimit: 2 });
    for (let n = 1; n <= 5; n++) api.trade(W, n);
    api.rateLimit = 1; // the first page passes, the second is refused
    await poll();
    expect(seen).toHaveLength(0);
    api.rateLimit = undefined;
    const next = poll();
    await clock.run(10_000);
    await next;
    expect(seen.map((s) => Number(s.size) / 1e6)).toEqual([1, 2, 3, 4, 5]);
  });

  it('polls slower, only filling gaps, while a firehose is live', async () => {
    const clock = new ManualClock();
    const api = new FakeDataApi(clock);
    let live = false;
    const wallets = Array.from({ length: 10 }, (_, i) => `0x${String(i).padStart(40, '0')}`);
    const poller = new DataApiPoller(new DataApiClient('http://data', api.fetch), { wallets, intervalMs: 1000, since: clock.now(), firehoseLive: () => live }, clock, silentLogger);
    expect(poller.periodMs()).toBe(1000);
    await poller.start(() => undefined);
    await clock.run(9_999); // 10 polls per second, spread 100 ms apart
    expect(api.requests).toHaveLength(100);
    live = true;
    expect(poller.periodMs()).toBe(4000);
    const before = api.requests.length;
    await clock.run(20_000);
    await poller.stop();
    // Each wallet polled every 4 s now: 10 wallets x 5 periods.
    expect(api.requests.length - before).toBe(50);
  });

  it('back to full pace within one period when the firehose stops delivering', async () => {
    const clock = new ManualClock();
    const api = new FakeDataApi(clock);
    let live = true;
    const wallets = Array.from({ length: 10 }, (_, i) => `0x${String(i).padStart(40, '0')}`);
    const poller = new DataApiPoller(new DataApiClient('http://data', api.fetch), { wallets, intervalMs: 1000, since: clock.now(), firehoseLive: () => live }, clock, silentLogger);
    await poller.start(() => undefined);
    await clock.run(20_000); // every wallet polled every 4 s
    const quietAt = clock.now();
    live = false;
    await clock.run(1000);
    const user = (path: string) => param(path, 'user');
    const polledSince = (t: number) => new Set(api.requests.filter((r) => r.at > t).map((r) => user(r.path)));
    // Within one full-pace period, every wallet was polled again (not up to 4 s after its last poll).
    expect(polledSince(quietAt).size).toBe(10);
    const after = api.requests.length;
    await clock.run(10_000);
    await poller.stop();
    expect(api.requests.length - after).toBe(100); // 10 wallets, once a second each
  });
});

describe('RequestBudget', () => {
  it('lets through at most its limit per sliding window, per route too, in order', async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ windowMs: 10_000, overall: 5, routes: { '/positions': 2 } }, clock);
    const granted: Array<[string, number]> = [];
    const ask = (path: string) => void budget.take(path).then(() => granted.push([path, clock.now() - start]));
    const start = clock.now();
    for (const path of ['/positions?user=a', '/positions?user=b', '/v2/positions?user=c', '/activity', '/activity', '/activity', '/activity']) ask(path);
    await settle();
    // /positions c waits for its route; the /activity requests behind it go first, up to 5 in all.
    expect(granted).toEqual([['/positions?user=a', 0], ['/positions?user=b', 0], ['/activity', 0], ['/activity', 0], ['/activity', 0]]);
    clock.advance(9_999);
    await settle();
    expect(granted).toHaveLength(5);
    clock.advance(1);
    await settle();
    expect(granted.slice(5)).toEqual([['/v2/positions?user=c', 10_000], ['/activity', 10_000]]);
    expect(budget.limitOf('/activity')).toBe(5);
    expect(budget.limitOf('/v2/positions')).toBe(2);
  });
});
