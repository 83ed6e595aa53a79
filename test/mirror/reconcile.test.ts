/** reconcileUnresolved on its own: each way an unknown order is settled, in exact amounts. */
import { describe, expect, it } from 'vitest';
import type { MirrorEvent } from '../../src/mirror/events.js';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { reconcileUnresolved } from '../../src/mirror/reconcile.js';
import { MirrorStore } from '../../src/mirror/store.js';
import { silentLogger } from '../../src/core/runtime.js';
import { FakeVenue, fill, M, ManualClock } from './support/fakes.js';

function setup(cash = 200) {
  const venue = new FakeVenue(M(cash));
  const clock = new ManualClock();
  const store = new MirrorStore(':memory:');
  const portfolio = new Portfolio(M(cash), clock.now());
  const events: MirrorEvent[] = [];
  const deps = { adapter: venue, store, portfolio, clock, logger: silentLogger, emit: (e: MirrorEvent) => events.push(e) };
  return { venue, clock, store, portfolio, events, deps };
}

/** A buy of 20 @ cap 0.51 recorded as intent, as the executor does before sending. */
function intent(store: MirrorStore, clock: ManualClock, key: string, extra: { orderId?: string } = {}) {
  const f = fill({ timestamp: clock.now(), seenAt: clock.now() });
  store.recordDecision(key, f, { clientId: `c-${key}`, side: 'buy', size: M(20), price: M(0.51) }, clock.now());
  if (extra.orderId) store.recordOrderId(key, extra.orderId, clock.now());
  return f;
}

describe('reconcileUnresolved', () => {
  it('books an order the venue names, at its reported amounts, and records the outcome', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    await venue.createOrder({ market: 'T1', side: 'buy', size: M(20), price: M(0.51), type: 'FAK' }); // order-1, executed
    intent(store, clock, 'k1', { orderId: 'order-1' });
    portfolio.reserve('c-k1', 'C1', M(10.2));
    expect(await reconcileUnresolved(deps)).toBe(1);
    expect(portfolio.positionOf('T1')).toBe(M(20));
    expect(portfolio.cash).toBe(M(189.8));
    expect(portfolio.reserved).toBe(0n);
    expect(store.get('k1')).toMatchObject({ status: 'filled', orderId: 'order-1' });
    expect(store.totals()).toEqual({ cash: M(189.8), realizedPnl: 0n, fees: 0n });
    expect(events.map((e) => [e.type, e.status, e.filledSize, e.filledValue, e.reason, e.orderId])).toEqual([
      ['reconciled', 'filled', 20, 10.2, 'reconciled with the venue order', 'order-1'],
    ]);
  });

  it('at a restart forgets an intent the venue never received, and leaves the books alone', async () => {
    const { clock, store, portfolio, events, deps } = setup();
    intent(store, clock, 'k1', { orderId: 'order-9' }); // the venue has no order-9
    expect(await reconcileUnresolved(deps)).toBe(1);
    expect(store.get('k1')).toBeUndefined();
    expect(portfolio.cash).toBe(M(200));
    expect(events.map((e) => [e.status, e.filledSize, e.orderId])).toEqual([['not_sent', 0, 'order-9']]);
  });

  it('while running (one token), an unknown order is settled, never forgotten', async () => {
    const { venue, clock, store, events, deps } = setup();
    venue.positions.set('T1', 0n);
    intent(store, clock, 'k1', { orderId: 'order-9' });
    store.recordOutcome('k1', { status: 'unknown', reason: 'connection lost' }, clock.now());
    expect(await reconcileUnresolved(deps, 'T1')).toBe(1);
    expect(store.get('k1')).toMatchObject({ status: 'cancelled' });
    expect(events.map((e) => [e.status, e.reason])).toEqual([['cancelled', 'reconciled from the venue holding']]);
  });

  it('without an order record, the venue holding says what moved, booked at the cap', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    venue.silentIds = true;
    venue.positions.set('T1', M(12.5));
    intent(store, clock, 'k1');
    await reconcileUnresolved(deps);
    expect(portfolio.positionOf('T1')).toBe(M(12.5));
    expect(portfolio.cash).toBe(M(200) - M(6.375)); // 12.5 x 0.51
    expect(events.map((e) => [e.status, e.filledSize, e.filledValue])).toEqual([['partially_filled', 12.5, 6.375]]);
  });

  it('when the venue cannot tell, nothing is booked and nothing re-sent', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    venue.silentIds = true;
    venue.fetchHolding = async () => {
      throw new Error('venue down');
    };
    intent(store, clock, 'k1');
    await reconcileUnresolved(deps);
    expect(portfolio.positionOf('T1')).toBe(0n);
    expect(store.get('k1')).toMatchObject({ status: 'failed', reason: 'outcome unknown and the venue cannot tell: not re-sent' });
    expect(events.map((e) => e.status)).toEqual(['failed']);
    expect(venue.orders).toEqual([]);
  });

  it('a signal interrupted before its decision is closed as interrupted', async () => {
    const { clock, store, events, deps } = setup();
    store.recordSeen('k1', fill({ timestamp: clock.now(), seenAt: clock.now() }), clock.now());
    expect(await reconcileUnresolved(deps)).toBe(1);
    expect(store.get('k1')).toMatchObject({ status: 'skipped', reason: 'interrupted' });
    expect(events).toEqual([]);
  });

  it('from the holding: a buy that received more shares than its size keeps them (it signed dollars), at most the signed dollars', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    venue.silentIds = true;
    venue.positions.set('T1', M(21));
    intent(store, clock, 'k1');
    await reconcileUnresolved(deps);
    expect(portfolio.positionOf('T1')).toBe(M(21));
    expect(events.map((e) => [e.status, e.filledSize, e.filledValue])).toEqual([['filled', 21, 10.2]]); // 21 x 0.51 = 10.71 > 10.20 signed
  });

  it('from the holding: two buys on one token, the first bounded by its size, the last taking the rest', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    venue.silentIds = true;
    venue.positions.set('T1', M(45));
    intent(store, clock, 'k1');
    clock.advance(1);
    intent(store, clock, 'k2');
    await reconcileUnresolved(deps);
    expect(events.map((e) => [e.status, e.filledSize])).toEqual([['filled', 20], ['filled', 25]]);
    expect(portfolio.positionOf('T1')).toBe(M(45));
  });

  it('from the holding: a sell is what left the holding, never more than it signed', async () => {
    const { venue, clock, store, portfolio, events, deps } = setup();
    venue.silentIds = true;
    portfolio.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(30), value: M(15) });
    venue.positions.set('T1', M(5)); // 25 left: 20 by our sell, 5 by hand
    const f = fill({ side: 'sell', timestamp: clock.now(), seenAt: clock.now() });
    store.recordDecision('s1', f, { clientId: 'c-s1', side: 'sell', size: M(20), price: M(0.49) }, clock.now());
    await reconcileUnresolved(deps);
    expect(events.map((e) => [e.side, e.status, e.filledSize, e.filledValue])).toEqual([['sell', 'filled', 20, 9.8]]);
    expect(portfolio.positionOf('T1')).toBe(M(10));
  });

  it('while running, only unknown outcomes of that token are settled', async () => {
    const { venue, clock, store, deps } = setup();
    venue.silentIds = true;
    intent(store, clock, 'k1'); // intent (in flight): not this pass's business
    const other = fill({ token: 'T2', timestamp: clock.now(), seenAt: clock.now() });
    store.recordDecision('k2', other, { clientId: 'c-k2', side: 'buy', size: M(20), price: M(0.51) }, clock.now());
    store.recordOutcome('k2', { status: 'unknown' }, clock.now());
    expect(await reconcileUnresolved(deps, 'T1')).toBe(0);
    expect(await reconcileUnresolved(deps, 'T2')).toBe(1);
    expect(store.get('k1')).toMatchObject({ status: 'intent' });
    expect(store.get('k2')).toMatchObject({ status: 'cancelled' });
  });

  it('an order the venue still holds open is recorded open, with what filled so far', async () => {
    const { venue, clock, store, events, deps } = setup();
    await venue.createOrder({ market: 'T1', side: 'buy', size: M(20), price: M(0.51), type: 'FAK' });
    venue.misreport = undefined;
    const open = await venue.fetchOrder('order-1');
    venue.fetchOrder = async () => ({ ...open, status: 'open', filledSize: 0n, filledValue: 0n });
    intent(store, clock, 'k1', { orderId: 'order-1' });
    await reconcileUnresolved(deps);
    expect(events.map((e) => [e.status, e.filledSize])).toEqual([['open', 0]]);
    expect(store.get('k1')).toMatchObject({ status: 'open' });
  });
});
