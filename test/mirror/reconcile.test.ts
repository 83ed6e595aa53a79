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
});
