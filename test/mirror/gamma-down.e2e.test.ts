/**
 * Gamma names markets and nothing else: with Gamma answering 404, 500 or nothing at all, the real
 * engine with the real PolymarketAdapter still copies, with the exact amounts, against the local venue,
 * and sends Gamma nothing (the rules come from the CLOB, the title with the fill). A fee market also
 * shows the taker fee in the reservation and the venue's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MICRO } from '../../src/core/money.js';
import type { MirrorEvent } from '../../src/mirror/events.js';
import { makeMarket, startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { baseOptions } from './support/engine-harness.js';
import { fundedKey, orderPosts, sandboxAdapter, startSandboxMirror, waitFor } from './support/sandbox-harness.js';

const USD = MICRO;
let sandbox: PolymarketSandbox;
let whale: `0x${string}`;
let count = 0;
// $5 per copy; caps at the whale's price + 5% on the tick grid.
const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: 5n * USD, multiplier: USD, percent: 0n }, maxSlippage: 50_000n };

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false, markets: [], whales: { count: 1, autoStart: false } });
  whale = sandbox.whales[0]!;
});
afterAll(async () => sandbox?.close());

/** A fresh market with 100 shares offered at 0.50 by a maker, so every fill below is known to the cent. */
async function marketWithAsk(feeRate?: number) {
  count++;
  const market = makeMarket({ slug: `gamma-down-${count}`, eventSlug: 'gamma-down', question: `Gamma down ${count}?`, tickSize: '0.01', feeRate });
  sandbox.markets.push(market);
  const token = market.tokens[0].tokenId;
  const maker = fundedKey(sandbox, 0n);
  sandbox.setShares(maker.address, token, 100n * USD);
  await sandboxAdapter(sandbox, maker.key).createOrder({ market: token, side: 'sell', size: 100n * USD, price: 500_000n, type: 'GTC' });
  return { market, token };
}

const filled = (events: MirrorEvent[]) => events.filter((e) => e.type === 'order' && e.status === 'filled');
const gammaPaths = (since: number) => sandbox.requests.slice(since).filter((r) => r.path.startsWith('/gamma')).map((r) => r.path.split('?')[0]);

describe('a mirror copies whatever Gamma answers', () => {
  it.each([404, 500, 'hang'] as const)('Gamma %s: the copy is placed and booked to the cent', async (failure) => {
    const { token } = await marketWithAsk();
    const { key, address } = fundedKey(sandbox, 100n * USD);
    sandbox.setGammaFailure(failure);
    const since = sandbox.requests.length;
    try {
      const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
      // The whale takes 10 of the 100 offered at 0.50.
      await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.5 });
      await waitFor(() => filled(mirror.events).length >= 1, 'the copy');
      const summary = await mirror.stop();
      // $5 at the whale's 0.50 = 10 shares, capped at 0.52: a marketable BUY of 10 x 0.52 = $5.20 of
      // pUSD (VENUES 1.4: a market BUY's maker amount is USD), filled at the resting 0.50: 10.4 shares.
      expect(orderPosts(sandbox, since)).toHaveLength(1);
      expect(filled(mirror.events).map((e) => [e.copySize, e.copyPrice, e.filledSize, e.filledValue])).toEqual([[10, 0.52, 10.4, 5.2]]);
      expect(sandbox.collateralOf(address)).toBe(94_800_000n);
      expect(sandbox.sharesOf(address, token)).toBe(10_400_000n);
      expect(summary.cash).toBe(94.8);
      expect(summary.venue).toMatchObject({ cash: 94.8, differences: [] });
      // The fill carried its title: the mirror sent Gamma nothing at all (rules came from the CLOB).
      expect(gammaPaths(since)).toEqual([]);
    } finally {
      sandbox.setGammaFailure(undefined);
    }
  });

  it('no decision reads Gamma: the copy is decided and sent before any Gamma request is answered', async () => {
    const { token } = await marketWithAsk();
    const { key } = fundedKey(sandbox, 100n * USD);
    sandbox.setGammaFailure('hang');
    try {
      const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
      await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.5 });
      await waitFor(() => filled(mirror.events).length >= 1, 'the copy');
      await mirror.stop();
      const decision = mirror.events.find((e) => e.type === 'decision')!;
      expect(decision).toMatchObject({ status: 'copy', copySize: 10, copyPrice: 0.52 });
    } finally {
      sandbox.setGammaFailure(undefined);
    }
  });
});

describe('taker fees on a fee market, through the real adapter', () => {
  it('reserves cost + max fee, books what the venue charged, and the cash equals the venue', async () => {
    const { token } = await marketWithAsk(0.07);
    const { key, address } = fundedKey(sandbox, 100n * USD);
    const mirror = await startSandboxMirror(sandbox, key, { sources: ['rtds'], risk: fixed5 });
    const reserved: bigint[] = [];
    const timer = setInterval(() => reserved.push(mirror.engine.portfolio.reserved), 1);
    try {
      await sandbox.whaleTrade({ wallet: whale, tokenId: token, side: 'BUY', size: 10, price: 0.5 });
      await waitFor(() => filled(mirror.events).length >= 1, 'the copy');
    } finally {
      clearInterval(timer);
    }
    const summary = await mirror.stop();
    // The most this order could have cost: 10 x 0.52 + 0.07 x 10 x 0.52 x 0.48 = 5.20 + 0.17472.
    expect(reserved.filter((r) => r > 0n)).toContain(5_374_720n);
    expect(Math.max(...reserved.map(Number))).toBe(5_374_720);
    // $5.20 of pUSD filled at 0.50 = 10.4 shares; the fee is taken in shares: 10.4 x 0.07 x 0.5 = 0.364.
    expect(sandbox.collateralOf(address)).toBe(94_800_000n);
    expect(sandbox.sharesOf(address, token)).toBe(10_036_000n);
    expect(summary.cash).toBe(94.8);
    expect(summary.fees).toBe(0.182);
    expect(summary.positions.find((p) => p.token === token)?.size).toBe(10.036);
    expect(summary.venue).toMatchObject({ cash: 94.8, differences: [] });
  });
});
