/**
 * The mirror end to end: real engine, real PolymarketAdapter, real sources, against the local
 * Polymarket sandbox. Whale trades are made on demand with whaleTrade().
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import type { MirrorEvent } from '../../src/mirror/events.js';
import type { RtdsSource } from '../../src/mirror/sources/rtds.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { baseOptions } from './support/engine-harness.js';
import { fundedKey, orderPosts, startSandboxMirror, waitFor } from './support/sandbox-harness.js';

let sandbox: PolymarketSandbox;
let token: string;
let whale: `0x${string}`;
const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: 5n * MICRO, multiplier: MICRO, percent: 0n }, maxSlippage: 50_000n };

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ whales: { count: 2, autoStart: false } });
  token = sandbox.markets.find((m) => m.slug.includes('rain'))!.tokens[0].tokenId;
  whale = sandbox.whales[0]!;
});

afterAll(async () => {
  await sandbox?.close();
});

const copies = (events: MirrorEvent[]) => events.filter((e) => e.type === 'order' && e.status === 'filled');

describe('mirror against the Polymarket sandbox', () => {
  it('copies each whale trade exactly once, and nothing from before the start', async () => {
    await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 20, price: 0.99 }); // history
    const { key } = fundedKey(sandbox, 500n * MICRO);
    const before = sandbox.requests.length;
    // Two sources at once: the RTDS stream detects, the Data API poller sees the same fills again.
    const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds', 'data-api'], risk: fixed5 });
    for (let i = 0; i < 3; i++) await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10 + i, price: 0.99 });
    await waitFor(() => copies(mirror.events).length >= 3, 'three copies');
    await new Promise((r) => setTimeout(r, 400)); // several more polls: repeats must stay repeats
    const summary = await mirror.stop();
    expect(orderPosts(sandbox, before)).toHaveLength(3);
    expect(summary.signals).toMatchObject({ seen: 3, copied: 3 });
    expect(summary.signals.duplicates).toBeGreaterThanOrEqual(3);
    expect(copies(mirror.events).map((e) => e.token)).toEqual([token, token, token]);
  });

  it('mirrors a whale sale proportionally', async () => {
    const other = sandbox.markets.find((m) => m.slug.includes('coin'))!.tokens[0].tokenId;
    const { key, address } = fundedKey(sandbox, 500n * MICRO);
    const mirror = await startSandboxMirror(sandbox, key, { sources: ['data-api'], risk: { ...fixed5, sizing: { ...fixed5.sizing, fixedUsd: 10n * MICRO } } });
    await sandbox.whaleTrade({ wallet: whale, tokenId: other, side: 'BUY', size: 40, price: 0.99 });
    await waitFor(() => copies(mirror.events).length >= 1, 'the buy copy');
    const held = sandbox.sharesOf(address, other);
    expect(held).toBeGreaterThan(0n);
    const whaleHeld = sandbox.sharesOf(whale, other);
    // The whale sells a quarter of what it holds: we sell a quarter of ours.
    await sandbox.whaleTrade({ wallet: whale, tokenId: other, side: 'SELL', size: Number(whaleHeld / 4n) / 1e6, price: 0.01 });
    await waitFor(() => copies(mirror.events).length >= 2, 'the sell copy');
    await mirror.stop();
    const sell = copies(mirror.events)[1]!;
    expect(sell.side).toBe('sell');
    const expected = Number((held / 4n / 10_000n) * 10_000n) / 1e6;
    expect(sell.copySize).toBe(expected);
    expect(sandbox.sharesOf(address, other)).toBe(held - BigInt(Math.round(expected * 1e6)));
  });

  it('does not lose a burst longer than one Data API page', async () => {
    const { key } = fundedKey(sandbox, 500n * MICRO);
    const mirror = await startSandboxMirror(sandbox, key, { sources: ['data-api'], pollIntervalMs: 600, activityPageLimit: 4, risk: fixed5 });
    const before = sandbox.requests.length;
    for (let i = 0; i < 11; i++) await sandbox.whaleTrade({ wallet: sandbox.whales[1]!, tokenId: token, side: 'BUY', size: 6 + i, price: 0.99 });
    await waitFor(() => copies(mirror.events).length >= 11, 'eleven copies');
    const summary = await mirror.stop();
    expect(summary.signals.seen).toBe(11);
    expect(orderPosts(sandbox, before)).toHaveLength(11);
    // It took more than one page: v2 cursor pages past the first were requested.
    expect(sandbox.requests.slice(before).some((r) => r.path.startsWith('/data-api/v2/activity') && r.path.includes('cursor='))).toBe(true);
  });

  it('recovers from a silent RTDS stream and fills the gap over REST', async () => {
    const { key } = fundedKey(sandbox, 500n * MICRO);
    const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], rtdsSilenceMs: 300, risk: fixed5 });
    await new Promise((r) => setTimeout(r, 150)); // let the subscription and its first REST pass settle
    await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.99 });
    await waitFor(() => copies(mirror.events).length >= 1, 'the live copy');
    sandbox.setRtdsSilent(true);
    const silentAt = Date.now();
    await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 12, price: 0.99 });
    // The stream says nothing (not even pong): the watchdog reconnects and REST fills the gap.
    await waitFor(() => copies(mirror.events).length >= 2, 'the gap copy');
    expect(Date.now() - silentAt).toBeGreaterThanOrEqual(300);
    const rtds = mirror.engine.sources[0] as RtdsSource;
    expect(rtds.connects).toBeGreaterThanOrEqual(2);
    sandbox.setRtdsSilent(false);
    await new Promise((r) => setTimeout(r, 400)); // a reconnect in progress settles on the live stream
    await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 14, price: 0.99 });
    await waitFor(() => copies(mirror.events).length >= 3, 'the live copy after recovery');
    const summary = await mirror.stop();
    expect(summary.signals.seen).toBe(3);
    expect(copies(mirror.events).map((e) => e.source)).toEqual(['rtds', 'data-api', 'rtds']);
  });
});
