/**
 * Market names in events come from the fill, else from Gamma's /markets/keyset (looked up in the
 * background, cached per token); a Gamma that answers 404 or 500 or not at all never stops or delays
 * a copy. The engine runs on virtual time against the FakeVenue; Gamma is the local sandbox's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, silentLogger } from '../../src/core/runtime.js';
import { MarketTitles } from '../../src/mirror/market-titles.js';
import { formatEvent } from '../../src/mirror/render.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { baseOptions, startHarness } from './support/engine-harness.js';
import { FakeVenue, fill, M } from './support/fakes.js';

let sandbox: PolymarketSandbox;
beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false });
});
afterAll(async () => sandbox?.close());

const fixed5 = { ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: M(5), multiplier: M(1), percent: 0n } };
const waitUntil = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
};

async function copyWithGamma(failure: 404 | 500 | 'hang' | undefined, title?: string) {
  const token = sandbox.markets[0]!.tokens[0].tokenId;
  sandbox.setGammaFailure(failure);
  const since = sandbox.requests.length;
  const venue = new FakeVenue(M(100));
  const h = await startHarness({ risk: fixed5, endpoints: { dataApiUrl: 'http://unused.invalid', gammaUrl: sandbox.gammaUrl } }, { venue, fetch: globalThis.fetch });
  try {
    h.sources[0]!.push(fill({ token, timestamp: h.clock.now(), seenAt: h.clock.now(), title, outcome: 'Yes' }));
    await h.engine.executor.drain();
    const first = h.events.filter((e) => e.type === 'order');
    // A later signal on the token, once any lookup had time to answer.
    const titles = (h.engine.executor as unknown as { deps: { titles: MarketTitles } }).deps.titles;
    if (failure !== 'hang') await waitUntil(() => titles.idle);
    h.sources[0]!.push(fill({ token, timestamp: h.clock.now(), seenAt: h.clock.now(), title }));
    await h.engine.executor.drain();
    const summary = await h.stop();
    if (!title) await waitUntil(() => sandbox.requests.slice(since).some((r) => r.path.startsWith('/gamma')));
    const gamma = sandbox.requests.slice(since).filter((r) => r.path.startsWith('/gamma')).map((r) => r.path);
    return { venue, summary, first, orders: h.events.filter((e) => e.type === 'order'), gamma, token };
  } finally {
    sandbox.setGammaFailure(undefined);
  }
}

describe('market titles', () => {
  it('a fill without a title gets the question from /markets/keyset, asked once per token', async () => {
    const { orders, gamma, token, venue } = await copyWithGamma(undefined);
    expect(gamma).toEqual([`/gamma/markets/keyset?clob_token_ids=${token}&limit=1`]);
    expect(orders.map((e) => e.status)).toEqual(['filled', 'filled']);
    expect(orders[1]!.title).toBe(sandbox.markets[0]!.question);
    // The first fill carried its outcome, the second none: each line says what it knows.
    expect(orders.map((e) => e.outcome)).toEqual(['Yes', null]);
    expect(formatEvent(orders[0]!)).toMatch(/Yes\): 10\.00 shares/);
    expect(formatEvent(orders[1]!)).toContain(`("${sandbox.markets[0]!.question}")`);
    expect(venue.orders.map((o) => o.size)).toEqual([M(10), M(10)]);
  });

  it("a fill's own title is used and Gamma is not asked", async () => {
    const { orders, gamma, summary, token } = await copyWithGamma(undefined, 'From the fill');
    expect(gamma).toEqual([]);
    expect(orders.map((e) => e.title)).toEqual(['From the fill', 'From the fill']);
    // The final summary names the position too (from what is known, never a lookup at stop).
    expect(summary.positions.map((p) => [p.token, p.title, p.size])).toEqual([[token, 'From the fill', 20]]);
  });

  it.each([404, 500, 'hang'] as const)('Gamma %s: both copies are placed and booked to the cent, untitled', async (failure) => {
    const { venue, summary, first, orders, gamma, token } = await copyWithGamma(failure);
    // The first copy was placed while its name was still being looked up (never awaited).
    expect(first.map((e) => [e.status, e.filledSize, e.filledValue])).toEqual([['filled', 10, 5.1]]);
    expect(orders.map((e) => [e.status, e.title])).toEqual([
      ['filled', null],
      ['filled', null],
    ]);
    expect(summary.positions.map((p) => p.title)).toEqual([null]);
    // $5 at 0.50 = 10 shares per copy, filled at the 0.51 cap: $5.10 each.
    expect(venue.orders.map((o) => [o.size, o.price])).toEqual([
      [M(10), M(0.51)],
      [M(10), M(0.51)],
    ]);
    expect(venue.cash).toBe(M(100) - M(10.2));
    expect(summary.cash).toBe(89.8);
    // One lookup: a failure is not retried for a minute.
    expect(gamma).toEqual([`/gamma/markets/keyset?clob_token_ids=${token}&limit=1`]);
  });
});

describe('MarketTitles', () => {
  it('without a Gamma url answers from what it was told, and asks nobody', () => {
    let calls = 0;
    const titles = new MarketTitles(undefined, (async () => (calls++, new Response('{}'))) as typeof fetch, systemClock, silentLogger);
    expect(titles.titleOf('T1')).toBeUndefined();
    titles.remember('T1', 'Kalshi title');
    expect(titles.titleOf('T1')).toBe('Kalshi title');
    expect(calls).toBe(0);
  });
});
