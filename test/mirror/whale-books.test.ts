/**
 * A thousand followed wallets start at once (issue 12): the whales' books (/positions, and /value for
 * proportional sizing) load in the background through the process's Data API budget, and a fill from a
 * wallet not loaded yet loads that wallet first, ahead of the background queue, so its decision has the
 * whale's position before the fill. Virtual time: the Data API answers after 100 ms of ManualClock time.
 */
import { describe, expect, it } from 'vitest';
import { backgroundPaceMs } from '../../src/mirror/whale-books.js';
import { dataApiBudgetLimits } from '../../src/mirror/sources/budget.js';
import { fill, M, ManualClock } from './support/fakes.js';
import { ManualSource, startHarness } from './support/engine-harness.js';

const wallets = Array.from({ length: 1000 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
const W900 = wallets[899]!;
const W901 = wallets[900]!;
const LATENCY_MS = 100;

/** The Data API's /positions and /value, each answered LATENCY_MS after it is asked. */
function fakeBooks(clock: ManualClock, positions: Record<string, Array<{ asset: string; size: number }>>) {
  const requests: Array<{ at: number; route: string; user: string }> = [];
  const answered = { '/positions': 0, '/value': 0 } as Record<string, number>;
  const fetchFn = (async (input: string | URL) => {
    const url = new URL(String(input));
    const user = url.searchParams.get('user')!;
    requests.push({ at: clock.now(), route: url.pathname, user });
    await new Promise((resolve) => clock.after(LATENCY_MS, () => resolve(undefined)));
    answered[url.pathname] = (answered[url.pathname] ?? 0) + 1;
    if (url.pathname === '/positions') return Response.json(positions[user] ?? []);
    if (url.pathname === '/value') return Response.json([{ user, value: 1000 }]);
    return Response.json({ error: 'not found' }, { status: 404 });
  }) as typeof fetch;
  /** Most requests to `route` inside any 10 s window. */
  const peak = (route: string) => {
    const times = requests.filter((r) => r.route === route).map((r) => r.at);
    let most = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 10_000) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  };
  return { fetch: fetchFn, requests, answered, peak, asked: (route: string, user: string) => requests.filter((r) => r.route === route && r.user === user) };
}

async function start(positions: Record<string, Array<{ asset: string; size: number }>>, source = new ManualSource('rtds')) {
  const clock = new ManualClock();
  const api = fakeBooks(clock, positions);
  const h = await startHarness({ wallets, endpoints: { dataApiUrl: 'http://data' } }, { clock, fetch: api.fetch, booksFromDataApi: true, sources: [source] });
  const answeredAtReady = { ...api.answered };
  return { h, api, clock, source, t0: clock.now(), answeredAtReady };
}

describe('whale books of 1,000 wallets', () => {
  it('the background pace leaves room in the budget for on-demand loads', () => {
    const limits = dataApiBudgetLimits();
    // 120 /positions per 10 s at 90%: 108 -> 92.6 ms; with /value, 2 requests per wallet in 90% of the
    // 160 requests the /activity polls leave (800 x 20%): 144 -> 138.9 ms per wallet.
    expect(backgroundPaceMs(limits, false)).toBeCloseTo(10_000 / 108, 9);
    expect(backgroundPaceMs(limits, true)).toBeCloseTo(20_000 / 144, 9);
  });

  it('the engine is ready before any /positions answer; the books load in the background inside the budget', async () => {
    const { h, api, clock, t0, answeredAtReady } = await start({});
    expect(answeredAtReady).toEqual({ '/positions': 0, '/value': 0 });
    expect(h.engine.whaleBooks.pending).toBe(1000);
    expect(h.events.filter((e) => e.type === 'started')).toHaveLength(1);

    await clock.run(150_000);
    await h.engine.whaleBooks.done();
    expect(h.engine.whaleBooks.pending).toBe(0);
    const positions = api.requests.filter((r) => r.route === '/positions');
    expect(positions.map((r) => r.user)).toEqual(wallets); // each wallet once, in order
    expect(api.requests.filter((r) => r.route === '/value').map((r) => r.user)).toEqual(wallets);
    // One wallet every 138.9 ms: the last one asked 999 paces after the start.
    expect(positions.at(-1)!.at - t0).toBeCloseTo((999 * 20_000) / 144, 1);
    expect(api.peak('/positions')).toBe(72); // 10 s / 138.9 ms: the budget's 120 are never all taken by the background
    expect(api.peak('/positions')).toBeLessThanOrEqual(dataApiBudgetLimits().routes['/positions']!);
    await h.stop();
  }, 60_000);

  it('a fill from wallet #900 (RTDS, before its turn) loads that wallet first and is decided on its position', async () => {
    const { h, api, clock, source, t0 } = await start({ [W900]: [{ asset: 'T9', size: 300 }] });
    await clock.run(1000);
    expect(api.asked('/positions', W900)).toEqual([]);
    const at = clock.now();
    source.push(fill({ wallet: W900, token: 'T9', market: 'C9', side: 'buy', size: M(100), price: M(0.5), source: 'rtds', timestamp: at, seenAt: at }));
    // The whale held 300 before the buy (the snapshot, asked after the fill, does not show it yet: RTDS
    // is ahead of the Data API), 400 after: selling 200 is half, so we sell half of our 20 shares.
    source.push(fill({ wallet: W900, token: 'T9', market: 'C9', side: 'sell', size: M(200), price: M(0.6), source: 'rtds', timestamp: at, seenAt: at }));
    await clock.run(1000);
    await h.engine.executor.drain();
    // Asked on demand at once (not 125 s later in its background turn), then its value for the buy.
    expect(api.asked('/positions', W900).map((r) => r.at - t0)).toEqual([1000]);
    expect(api.asked('/value', W900).map((r) => r.at - t0)).toEqual([1100]);
    expect(h.venue.orders.map((o) => [o.market, o.side, o.size, o.price])).toEqual([
      ['T9', 'buy', M(20), M(0.51)],
      ['T9', 'sell', M(10), M(0.59)],
    ]);
    const decisions = h.events.filter((e) => e.type === 'decision');
    expect(decisions.map((e) => [e.side, e.status, e.copySize, Date.parse(e.at) - t0])).toEqual([
      ['buy', 'copy', 20, 1200],
      ['sell', 'copy', 10, 1200],
    ]);
    expect(h.venue.positions.get('T9')).toBe(M(10));

    // The background pass skips the wallet loaded on demand: one /positions request for it in all.
    await clock.run(150_000);
    expect(api.asked('/positions', W900)).toHaveLength(1);
    expect(api.requests.filter((r) => r.route === '/positions')).toHaveLength(1000);
    await h.stop();
  }, 60_000);

  it('fills the Data API reported before the snapshot are taken as already in it', async () => {
    const source = new ManualSource('data-api');
    // The Data API showed the buy and the sell, then answered /positions with both in it: 150 held.
    const { h, clock } = await start({ [W901]: [{ asset: 'T7', size: 150 }] }, source);
    await clock.run(1000);
    const at = clock.now();
    source.push(fill({ wallet: W901, token: 'T7', market: 'C7', side: 'buy', size: M(100), price: M(0.5), timestamp: at, seenAt: at }));
    source.push(fill({ wallet: W901, token: 'T7', market: 'C7', side: 'sell', size: M(50), price: M(0.6), timestamp: at, seenAt: at }));
    await clock.run(1000);
    await h.engine.executor.drain();
    // 200 before the sale of 50: a quarter of our 20 shares.
    expect(h.venue.orders.map((o) => [o.side, o.size, o.price])).toEqual([
      ['buy', M(20), M(0.51)],
      ['sell', M(5), M(0.59)],
    ]);
    await h.stop();
  }, 60_000);

  it('on-demand loads of 300 wallets at once and the background together stay inside the /positions budget', async () => {
    const { h, api, clock, source, t0 } = await start({});
    await clock.run(1000);
    const at = clock.now();
    for (const wallet of wallets.slice(500, 800)) source.push(fill({ wallet, token: `T-${wallet}`, market: `C-${wallet}`, source: 'rtds', timestamp: at, seenAt: at }));
    await clock.run(200_000);
    await h.engine.executor.drain();
    const positions = api.requests.filter((r) => r.route === '/positions');
    expect(positions).toHaveLength(1000);
    expect(new Set(positions.map((r) => r.user)).size).toBe(1000);
    expect(api.peak('/positions')).toBe(120); // the budget is used to its limit, never past it
    // Every one of the 300 was decided (copied or skipped), each only once its wallet's book had come back.
    const decisions = h.events.filter((e) => e.type === 'decision');
    expect(decisions).toHaveLength(300);
    for (const decision of decisions) {
      const [asked] = api.asked('/positions', decision.wallet!);
      expect(Date.parse(decision.at)).toBeGreaterThanOrEqual(asked!.at + LATENCY_MS);
    }
    // Of the 120 /positions the budget allows per window, 8 background ones went out in the first second:
    // 112 on-demand loads go at once, the rest as slots free (8 from 10 s, 112 at 11 s, 8 from 20 s, the
    // last 60 at 21 s), each ahead of the background wallets still waiting.
    const onDemand = positions.filter((r) => wallets.slice(500, 800).includes(r.user)).map((r) => Math.round(r.at - t0));
    expect(onDemand.filter((t) => t === 1000)).toHaveLength(112);
    expect(onDemand.filter((t) => t === 11_000)).toHaveLength(112);
    expect(Math.max(...onDemand)).toBe(21_000);
    await h.stop();
  }, 60_000);
});
