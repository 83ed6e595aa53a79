/** syncWithVenue on its own: what it reads, reports, adopts and saves, in exact amounts. */
import { describe, expect, it } from 'vitest';
import { syncWithVenue, type BooksDeps } from '../../src/mirror/books.js';
import type { MirrorEvent } from '../../src/mirror/events.js';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { MirrorStore } from '../../src/mirror/store.js';
import { FakeVenue, M, ManualClock } from './support/fakes.js';

function setup(venueCash: number, book: { cash: number; holdings?: Array<[string, number]> }, mapped = false) {
  const venue = new FakeVenue(M(venueCash));
  const clock = new ManualClock();
  const store = new MirrorStore(':memory:');
  const portfolio = new Portfolio(
    M(book.cash),
    clock.now(),
    (book.holdings ?? []).map(([token, size]) => ({ token, market: `C-${token}`, size: M(size), cost: M(size / 2), mark: M(0.5) })),
  );
  const events: MirrorEvent[] = [];
  const deps: BooksDeps = { adapter: venue, portfolio, store, mapped, clock, emit: (e) => events.push(e) };
  return { venue, store, portfolio, events, deps };
}

describe('syncWithVenue', () => {
  it('adopts the venue cash and shares, reports both figures, and saves the adopted book', async () => {
    const { venue, store, portfolio, events, deps } = setup(120, { cash: 100, holdings: [['T1', 20], ['T2', 5]] });
    venue.positions.set('T1', M(12));
    venue.positions.set('T2', M(5));
    const view = await syncWithVenue(deps, { cash: true, tokens: ['T1', 'T2', 'T1'], reason: 'periodic' });
    expect(view.cash).toBe(M(120));
    expect([...view.holdings]).toEqual([['T1', M(12)], ['T2', M(5)]]);
    expect(view.differences).toEqual([{ book: M(100), venue: M(120) }, { token: 'T1', market: 'C-T1', book: M(20), venue: M(12) }]);
    expect(portfolio.cash).toBe(M(120));
    expect(portfolio.positionOf('T1')).toBe(M(12));
    expect(store.totals()).toEqual({ cash: M(120), realizedPnl: 0n, fees: 0n });
    expect(store.holdings().map((h) => [h.token, h.size])).toEqual([['T1', M(12)], ['T2', M(5)]]);
    expect(events.map((e) => [e.type, e.token, e.market, e.bookAmount, e.venueAmount, e.status, e.reason])).toEqual([
      ['book', null, null, 100, 120, 'adopted', 'periodic'],
      ['book', 'T1', 'C-T1', 20, 12, 'adopted', 'periodic'],
    ]);
    expect(events[1]!.detail).toBe("shares of T1: books 20, venue 12: the venue's figure is kept");
  });

  it('report mode tells without touching the books or the store', async () => {
    const { venue, store, portfolio, events, deps } = setup(90, { cash: 100, holdings: [['T1', 20]] });
    venue.positions.set('T1', 0n);
    const view = await syncWithVenue(deps, { cash: true, tokens: ['T1'], mode: 'report', reason: 'stop' });
    expect(view.differences).toEqual([{ book: M(100), venue: M(90) }, { token: 'T1', market: 'C-T1', book: M(20), venue: 0n }]);
    expect(portfolio.cash).toBe(M(100));
    expect(portfolio.positionOf('T1')).toBe(M(20));
    expect(store.totals()).toBeUndefined();
    expect(events.map((e) => [e.status, e.detail])).toEqual([
      ['differs', 'cash (USD): books 100, venue 90'],
      ['differs', 'shares of T1: books 20, venue 0'],
    ]);
  });

  it('equal figures say nothing and save nothing', async () => {
    const { venue, store, events, deps } = setup(100, { cash: 100, holdings: [['T1', 20]] });
    venue.positions.set('T1', M(20));
    const view = await syncWithVenue(deps, { cash: true, tokens: ['T1'], reason: 'start' });
    expect(view.differences).toEqual([]);
    expect(events).toEqual([]);
    expect(store.totals()).toBeUndefined();
  });

  it('a balance read that is not comparable (money moved meanwhile) is neither reported nor adopted', async () => {
    const { portfolio, events, deps } = setup(150, { cash: 100 });
    const view = await syncWithVenue(deps, { cash: true, cashComparable: () => false, reason: 'periodic' });
    expect(view.cash).toBeUndefined();
    expect(portfolio.cash).toBe(M(100));
    expect(events).toEqual([]);
  });

  it('on a mapped venue a holding without its instrument is not checked; with one, the mapped market is read', async () => {
    const { venue, portfolio, deps } = setup(100, { cash: 100, holdings: [['T1', 20], ['T2', 7]] }, true);
    portfolio.holdings.get('T2')!.venue = { market: 'KXRAIN', outcome: 'yes' };
    venue.positions.set('KXRAIN', M(3));
    const view = await syncWithVenue(deps, { tokens: ['T1', 'T2'], reason: 'periodic' });
    expect([...view.holdings]).toEqual([['T2', M(3)]]);
    expect(portfolio.positionOf('T1')).toBe(M(20));
    expect(portfolio.positionOf('T2')).toBe(M(3));
    expect(venue.holdingCalls).toBe(1);
  });
});
