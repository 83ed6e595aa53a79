/**
 * The engine sizes copies with the rules of the venue the copy is placed on (fetchInstrumentRules),
 * cached per instrument with a TTL; a closed market is a skip with its reason, a failed lookup a
 * market_unknown skip. A buy reserves its worst case, cost + the most the venue can charge in fees.
 */
import { describe, expect, it } from 'vitest';
import { ExchangeUnavailableError } from '../../src/core/errors.js';
import { kalshiTakerFee } from '../../src/exchanges/kalshi/rules.js';
import { baseOptions, startHarness } from './support/engine-harness.js';
import { FakeVenue, fill, M, rules } from './support/fakes.js';

const settle = () => new Promise((r) => setTimeout(r, 5));
const fixed = (usd: number, caps = {}) => ({ ...baseOptions().risk, sizing: { mode: 'fixed' as const, fixedUsd: M(usd), multiplier: M(1), percent: 0n }, caps });
const venueRules = (overrides = {}) => {
  const { token: _t, slug: _s, ...venue } = rules(overrides);
  return venue;
};

describe('market rules come from the venue the copy is placed on', () => {
  it('asks the adapter once per token, then again after the TTL (10 min)', async () => {
    const venue = new FakeVenue(M(200));
    const h = await startHarness({ risk: fixed(5) }, { venue, rulesFromVenue: true });
    const at = () => ({ timestamp: h.clock.now(), seenAt: h.clock.now() });
    h.sources[0]!.push(fill({ ...at(), token: 'T1' }));
    h.sources[0]!.push(fill({ ...at(), token: 'T1' }));
    await h.engine.executor.drain();
    expect(venue.rulesCalls).toEqual([{ market: 'T1', outcome: undefined }]);
    h.clock.advance(10 * 60_000);
    h.sources[0]!.push(fill({ ...at(), token: 'T1' }));
    await h.engine.executor.drain();
    await h.stop();
    expect(venue.rulesCalls).toHaveLength(2);
    expect(venue.orders.map((o) => [o.market, o.size, o.price])).toEqual([
      ['T1', M(10), M(0.51)],
      ['T1', M(10), M(0.51)],
      ['T1', M(10), M(0.51)],
    ]);
  });

  it("sizes on the venue's tick and minimum: a 0.1 tick caps at 0.5, a 12-share minimum skips a $5 copy", async () => {
    const venue = new FakeVenue(M(200));
    venue.instrumentRules = (market) => venueRules({ market: `C-${market}`, tickSize: M(0.1), minSize: market === 'T2' ? M(12) : M(5) });
    const h = await startHarness({ risk: fixed(5) }, { venue, rulesFromVenue: true });
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, token: 'T1' }));
    h.sources[0]!.push(fill({ ...at, token: 'T2' }));
    await h.engine.executor.drain();
    await h.stop();
    // 0.50 x 1.02 = 0.51 floors to 0.5 on a 0.1 grid; $5 at 0.50 = 10 shares.
    expect(venue.orders.map((o) => [o.market, o.size, o.price])).toEqual([['T1', M(10), M(0.5)]]);
    expect(h.events.find((e) => e.type === 'decision' && e.token === 'T2')).toMatchObject({
      status: 'skip',
      reason: 'below_minimum',
      detail: 'size 10 is below the venue minimum of 12 shares',
    });
  });

  it('a closed market is a skip with its reason; nothing is sent', async () => {
    const venue = new FakeVenue(M(200));
    venue.instrumentRules = (market) => venueRules({ market: 'C-closed', closed: true, active: false });
    const h = await startHarness({ risk: fixed(5) }, { venue, rulesFromVenue: true });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now(), slug: undefined }));
    await h.engine.executor.drain();
    await h.stop();
    expect(venue.orders).toEqual([]);
    expect(h.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'skip', reason: 'market_closed', detail: 'market C-closed is closed' });
  });

  it('a failed lookup skips as market_unknown and is not cached: the next signal asks again', async () => {
    const venue = new FakeVenue(M(200));
    let down = true;
    venue.instrumentRules = (market) => {
      if (down) throw new ExchangeUnavailableError('the CLOB answered 503');
      return venueRules({ market: `C-${market}` });
    };
    const h = await startHarness({ risk: fixed(5) }, { venue, rulesFromVenue: true });
    const at = () => ({ timestamp: h.clock.now(), seenAt: h.clock.now() });
    h.sources[0]!.push(fill(at()));
    await h.engine.executor.drain();
    down = false;
    h.sources[0]!.push(fill(at()));
    await h.engine.executor.drain();
    await h.stop();
    expect(h.events.filter((e) => e.type === 'decision').map((e) => [e.status, e.reason, e.detail])).toEqual([
      ['skip', 'market_unknown', 'market lookup failed: the CLOB answered 503'],
      ['copy', null, null],
    ]);
    expect(venue.orders.map((o) => o.size)).toEqual([M(10)]);
  });

  it('a mapped copy reads the rules of the mapped instrument and caps per mapped market', async () => {
    const venue = new FakeVenue(M(200));
    venue.instrumentRules = (market) => venueRules({ market, tickSize: M(0.01), minSize: M(1), minNotional: 0n, sizeStep: M(1), takerFee: kalshiTakerFee });
    const h = await startHarness(
      { risk: fixed(5), mapMarket: (f) => ({ market: 'KXMAP-26DEC31', outcome: f.token === 'T1' ? 'yes' : 'no' }) },
      { venue, rulesFromVenue: true },
    );
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    await h.stop();
    expect(venue.rulesCalls).toEqual([{ market: 'KXMAP-26DEC31', outcome: 'yes' }]);
    // $5 at 0.50 = 10 whole contracts; the position is grouped under the Kalshi market.
    expect(venue.orders.map((o) => [o.market, o.outcome, o.size, o.price])).toEqual([['KXMAP-26DEC31', 'yes', M(10), M(0.51)]]);
    expect(h.engine.portfolio.holdings.get('T1')?.market).toBe('KXMAP-26DEC31');
  });
});

describe('taker fees in the reservation and the books', () => {
  it('reserves cost + max fee while in flight; books the fee; cash after equals the venue', async () => {
    // Kalshi-style cash fees: 0.07 x C x P x (1 - P) rounded up to the cent, charged in USD.
    const venue = new FakeVenue(M(10));
    venue.instrumentRules = (market) => venueRules({ market: `C-${market}`, minSize: M(1), minNotional: 0n, sizeStep: M(1), takerFee: kalshiTakerFee });
    venue.fee = (_side, size, value) => ({ usd: kalshiTakerFee(size, (value * 1_000_000n) / size), shares: 0n });
    let release!: () => void;
    venue.gate = new Promise((r) => (release = r));
    const h = await startHarness({ risk: fixed(50, { maxPerTrade: M(10) }) }, { venue, rulesFromVenue: true });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await settle();
    // 18 contracts at the 0.51 cap: 9.18 + fee 0.07 x 18 x 0.51 x 0.49 = 0.314874 -> $0.32; 19 would cost 10.03.
    expect(venue.orders.map((o) => [o.size, o.price])).toEqual([[M(18), M(0.51)]]);
    expect(h.engine.portfolio.reserved).toBe(M(9.5));
    expect(h.engine.portfolio.availableCash).toBe(M(0.5));
    release();
    await h.engine.executor.drain();
    expect(h.engine.portfolio.reserved).toBe(0n);
    expect(venue.cash).toBe(M(0.5));
    expect(h.engine.portfolio.cash).toBe(M(0.5));
    expect(h.engine.portfolio.fees).toBe(M(0.32));
    const summary = await h.stop();
    expect(summary.venue).toMatchObject({ cash: 0.5, differences: [] });
  });

  it('a second signal cannot spend the fee reserved for the first', async () => {
    const venue = new FakeVenue(M(20));
    venue.instrumentRules = (market) => venueRules({ market: `C-${market}`, minSize: M(1), minNotional: 0n, sizeStep: M(1), takerFee: kalshiTakerFee });
    venue.fee = (_side, size, value) => ({ usd: kalshiTakerFee(size, (value * 1_000_000n) / size), shares: 0n });
    let release!: () => void;
    venue.gate = new Promise((r) => (release = r));
    const h = await startHarness({ risk: fixed(10) }, { venue, rulesFromVenue: true });
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, token: 'T1' }));
    h.sources[0]!.push(fill({ ...at, token: 'T2' }));
    await settle();
    // First: 20 contracts = 10.20 + $0.35 fee = 10.55 reserved; the second fits 9.45: 17 contracts
    // (8.67 + $0.30 = 8.97; 18 would be 9.18 + $0.32 = 9.50).
    expect(venue.orders.map((o) => [o.market, o.size])).toEqual([
      ['T1', M(20)],
      ['T2', M(17)],
    ]);
    expect(h.engine.portfolio.reserved).toBe(M(10.55) + M(8.97));
    release();
    await h.engine.executor.drain();
    expect(venue.cash).toBe(M(20) - M(10.55) - M(8.97));
    expect(h.engine.portfolio.cash).toBe(venue.cash);
    expect(h.engine.portfolio.fees).toBe(M(0.35) + M(0.3));
    expect(h.engine.portfolio.reserved).toBe(0n);
    await h.stop();
  });
});
