/**
 * RTDS over both activity channels (VENUES.md 1.5, real-time-data-client issue #42): with `trades`
 * silent the `orders_matched` channel alone carries the copies; with both live each fill is copied once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import type { MirrorEvent } from '../../src/mirror/events.js';
import type { RtdsSource } from '../../src/mirror/sources/rtds.js';
import { startPolymarketSandbox, type ActivityItem, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { baseOptions } from './support/engine-harness.js';
import { fundedKey, orderPosts, startSandboxMirror, waitFor } from './support/sandbox-harness.js';

let sandbox: PolymarketSandbox;
let token: string;
let whale: `0x${string}`;
const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: 5n * MICRO, multiplier: MICRO, percent: 0n }, maxSlippage: 50_000n };

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 1, autoStart: false } });
  token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  whale = sandbox.whales[0]!;
});

afterAll(async () => {
  await sandbox?.close();
});

const copies = (events: MirrorEvent[]) => events.filter((e) => e.type === 'order' && e.status === 'filled');
const micros = (usd: number) => BigInt(Math.round(usd * 1e6));

/** The copy of a $5 fixed buy: cap = whale price + 5% rounded down to the 0.01 tick, shares = $5 / whale price, down to 0.01. */
function expectedCopy(whalePrice: bigint): { cap: bigint; shares: bigint } {
  const cap = (((whalePrice * 105n) / 100n) / 10_000n) * 10_000n;
  const shares = (((5n * MICRO * MICRO) / whalePrice) / 10_000n) * 10_000n;
  return { cap, shares };
}

describe('RTDS activity channels', () => {
  it('with `trades` silent, copies every fill from `orders_matched`, at the exact amounts', async () => {
    sandbox.setRtdsChannelSilent('trades', true);
    try {
      const { key, address } = fundedKey(sandbox, 500n * MICRO);
      const before = sandbox.requests.length;
      // RTDS only: no poller runs, so every copy below came over the websocket.
      const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
      await new Promise((r) => setTimeout(r, 100)); // the subscription stands
      const whaleFills: ActivityItem[] = [];
      for (const size of [10, 12]) whaleFills.push(...(await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size, price: 0.99 })));
      await waitFor(() => copies(mirror.events).length >= 2, 'two copies');
      const summary = await mirror.stop();
      const rtds = mirror.engine.sources[0] as RtdsSource;
      expect(rtds.firstBy).toEqual({ trades: 0, orders_matched: 2 });
      expect(orderPosts(sandbox, before)).toHaveLength(2);
      expect(summary.signals).toMatchObject({ seen: 2, copied: 2, duplicates: 0 });
      const made = copies(mirror.events);
      expect(made.map((e) => e.source)).toEqual(['rtds', 'rtds']);
      expect(whaleFills).toHaveLength(2);
      made.forEach((copy, i) => {
        const { cap, shares } = expectedCopy(micros(whaleFills[i]!.price));
        expect(micros(copy.whalePrice!)).toBe(micros(whaleFills[i]!.price));
        expect(micros(copy.copyPrice!)).toBe(cap);
        expect(micros(copy.copySize!)).toBe(shares);
        // A marketable BUY spends up to size x cap: filled below the cap, it gets more shares for that money.
        expect(micros(copy.filledValue!)).toBeLessThanOrEqual((shares * cap) / MICRO);
      });
      // The venue's books: shares bought and cash paid are exactly what the copies report.
      const bought = made.reduce((sum, e) => sum + micros(e.filledSize!), 0n);
      const paid = made.reduce((sum, e) => sum + micros(e.filledValue!), 0n);
      expect(sandbox.sharesOf(address, token)).toBe(bought);
      expect(sandbox.collateralOf(address)).toBe(500n * MICRO - paid);
      expect(micros(summary.cash)).toBe(500n * MICRO - paid);
      expect(summary.venue).toMatchObject({ differences: [] });
    } finally {
      sandbox.setRtdsChannelSilent('trades', false);
    }
  });

  it('with both channels live (and each message sent twice), copies each fill once', async () => {
    sandbox.setRtdsDuplicates(true);
    try {
      const { key, address } = fundedKey(sandbox, 500n * MICRO);
      const before = sandbox.requests.length;
      const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
      await new Promise((r) => setTimeout(r, 100));
      for (const size of [10, 11, 12]) await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size, price: 0.99 });
      await waitFor(() => copies(mirror.events).length >= 3, 'three copies');
      await new Promise((r) => setTimeout(r, 200)); // every duplicate message has arrived
      const summary = await mirror.stop();
      const rtds = mirror.engine.sources[0] as RtdsSource;
      // 3 fills x 2 channels x 2 copies each reached the socket; 3 went on.
      expect(rtds.firstBy.trades + rtds.firstBy.orders_matched).toBe(3);
      expect(orderPosts(sandbox, before)).toHaveLength(3);
      expect(summary.signals).toMatchObject({ seen: 3, copied: 3 });
      expect(copies(mirror.events).map((e) => e.whaleSize)).toEqual([10, 11, 12]);
      // Booked once each: the venue's shares and cash are exactly the three copies', and so are the books.
      const made = copies(mirror.events);
      const bought = made.reduce((sum, e) => sum + micros(e.filledSize!), 0n);
      const paid = made.reduce((sum, e) => sum + micros(e.filledValue!), 0n);
      expect(sandbox.sharesOf(address, token)).toBe(bought);
      expect(sandbox.collateralOf(address)).toBe(500n * MICRO - paid);
      expect(micros(summary.cash)).toBe(500n * MICRO - paid);
      expect(summary.venue).toMatchObject({ differences: [] });
    } finally {
      sandbox.setRtdsDuplicates(false);
    }
  });

  it('with no --source, RTDS and the Data API race: RTDS first, the poller confirms, one copy per fill', async () => {
    const { key } = fundedKey(sandbox, 500n * MICRO);
    const before = sandbox.requests.length;
    // No rpcUrl: the default set is rtds + data-api (defaultSources).
    const mirror = await startSandboxMirror(sandbox, key, { sources: undefined, risk: fixed5, pollIntervalMs: 100 });
    expect(mirror.engine.status().sources).toEqual(['rtds', 'data-api']);
    await new Promise((r) => setTimeout(r, 100));
    for (const size of [10, 11]) await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size, price: 0.99 });
    // Both copies answered, not only both races settled: the second copy waits for the first one's
    // answer (same token), and a stop before it starts would skip it.
    await waitFor(() => mirror.events.filter((e) => e.type === 'detection').length >= 2 && mirror.events.filter((e) => e.type === 'order').length >= 2, 'both races settled and both copies answered');
    const summary = await mirror.stop();
    expect(orderPosts(sandbox, before)).toHaveLength(2);
    const races = mirror.events.filter((e) => e.type === 'detection');
    expect(races.map((e) => [e.whaleSize, e.source, e.status, e.detection!.reports.map((r) => r.source), e.detection!.missed])).toEqual([
      [10, 'rtds', 'confirmed', ['rtds', 'data-api'], []],
      [11, 'rtds', 'confirmed', ['rtds', 'data-api'], []],
    ]);
    expect(summary.detection.sources.map((s) => [s.source, s.first, s.confirmed, s.missed])).toEqual([
      ['rtds', 2, 0, 0],
      ['data-api', 0, 2, 0],
    ]);
    // RTDS's lead is the poller's wait: under its gap-filling period (4 x 100 ms) plus a request.
    expect(summary.detection.sources[0]!.leadP99Ms).toBeLessThan(1000);
  });
});
