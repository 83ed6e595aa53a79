/** The Data API poller against a scripted /activity: paging through bursts, cursors, 429 backoff. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/runtime.js';
import { DataApiClient, type ActivityItem } from '../../src/mirror/sources/data-api.js';
import { DataApiPoller } from '../../src/mirror/sources/data-api-poller.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { ManualClock } from './support/fakes.js';

function feed(clock: ManualClock) {
  const rows: ActivityItem[] = [];
  const calls: URL[] = [];
  let limited = 0;
  const fetchFn = (async (input: string | URL) => {
    const url = new URL(String(input));
    calls.push(url);
    if (limited > 0) {
      limited--;
      return new Response('slow down', { status: 429, headers: { 'retry-after': '3' } });
    }
    const start = Number(url.searchParams.get('start') ?? 0);
    const limit = Number(url.searchParams.get('limit'));
    const offset = Number(url.searchParams.get('offset'));
    const newestFirst = rows.filter((r) => r.timestamp >= start).reverse();
    return Response.json(newestFirst.slice(offset, offset + limit));
  }) as typeof fetch;
  const trade = (n: number) =>
    rows.push({ proxyWallet: '0xw', timestamp: Math.floor(clock.now() / 1000), size: n, price: 0.5, asset: 'T', side: 'BUY', transactionHash: `0x${n}` });
  return { rows, calls, fetchFn, trade, limit: (n: number) => (limited = n) };
}

describe('Data API poller', () => {
  it('pages through a burst longer than a page and delivers it oldest first, once', async () => {
    const clock = new ManualClock();
    const f = feed(clock);
    const poller = new DataApiPoller(new DataApiClient('http://data', f.fetchFn), { wallets: ['0xW'], intervalMs: 1000, since: clock.now(), pageLimit: 3 }, clock, silentLogger);
    const seen: WhaleFill[] = [];
    for (let n = 1; n <= 8; n++) f.trade(n);
    await poller.pollAll((fill) => seen.push(fill));
    expect(seen.map((s) => s.txHash)).toEqual(['0x1', '0x2', '0x3', '0x4', '0x5', '0x6', '0x7', '0x8']);
    expect(f.calls.map((u) => u.searchParams.get('offset'))).toEqual(['0', '3', '6']);
    clock.advance(2000);
    f.trade(9);
    const next: WhaleFill[] = [];
    await poller.pollAll((fill) => next.push(fill));
    // The cursor's own second is re-read (rows of a second can appear late); TradeMonitor drops repeats.
    expect(next.map((s) => s.txHash)).toEqual(['0x1', '0x2', '0x3', '0x4', '0x5', '0x6', '0x7', '0x8', '0x9']);
    const later: WhaleFill[] = [];
    await poller.pollAll((fill) => later.push(fill));
    expect(later.map((s) => s.txHash)).toEqual(['0x9']);
    expect(f.calls.at(-1)!.searchParams.get('start')).toBe(String(Math.floor(clock.now() / 1000)));
  });

  it('backs off a wallet on 429 for the Retry-After time, then catches up without losing rows', async () => {
    const clock = new ManualClock();
    const f = feed(clock);
    const poller = new DataApiPoller(new DataApiClient('http://data', f.fetchFn), { wallets: ['0xW'], intervalMs: 1000, since: clock.now(), pageLimit: 3 }, clock, silentLogger);
    const seen: WhaleFill[] = [];
    for (let n = 1; n <= 5; n++) f.trade(n);
    f.limit(1);
    await poller.pollAll((fill) => seen.push(fill));
    expect(seen).toHaveLength(0);
    const afterLimit = f.calls.length;
    clock.advance(2000);
    await poller.pollAll((fill) => seen.push(fill));
    expect(f.calls.length).toBe(afterLimit); // still backing off: no request
    clock.advance(1500);
    await poller.pollAll((fill) => seen.push(fill));
    expect(seen.map((s) => s.txHash)).toEqual(['0x1', '0x2', '0x3', '0x4', '0x5']);
  });

  it('a 429 in the middle of a burst delivers nothing half-read', async () => {
    const clock = new ManualClock();
    const f = feed(clock);
    let calls = 0;
    const flaky = (async (input: string | URL) => (++calls === 2 ? new Response('', { status: 429 }) : f.fetchFn(input))) as typeof fetch;
    const poller = new DataApiPoller(new DataApiClient('http://data', flaky), { wallets: ['0xW'], intervalMs: 10, since: clock.now(), pageLimit: 2 }, clock, silentLogger);
    const seen: WhaleFill[] = [];
    for (let n = 1; n <= 5; n++) f.trade(n);
    await poller.pollAll((fill) => seen.push(fill));
    expect(seen).toHaveLength(0);
    clock.advance(1000);
    await poller.pollAll((fill) => seen.push(fill));
    expect(seen.map((s) => s.txHash)).toEqual(['0x1', '0x2', '0x3', '0x4', '0x5']);
  });
});
