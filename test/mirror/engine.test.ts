import { describe, expect, it } from 'vitest';
import { FakeVenue, fill, M, ManualClock } from './support/fakes.js';
import { ManualSource, startHarness, tempStateDir } from './support/engine-harness.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('mirror engine (fake venue)', () => {
  it('copies each whale fill exactly once, whichever source and however often it arrives', async () => {
    const sources = [new ManualSource('data-api'), new ManualSource('rtds')];
    const h = await startHarness({}, { sources });
    const f = fill({ timestamp: h.clock.now(), seenAt: h.clock.now() });
    sources[0]!.push(f);
    sources[1]!.push({ ...f, source: 'rtds' });
    sources[0]!.push(f);
    await h.engine.executor.drain();
    expect(h.venue.orders).toHaveLength(1);
    expect(h.venue.orders[0]).toMatchObject({ market: 'T1', side: 'buy', size: M(20), price: M(0.51), type: 'FAK' });
    const summary = await h.stop();
    expect(summary.signals).toMatchObject({ seen: 1, copied: 1, duplicates: 2 });
    const order = h.events.find((e) => e.type === 'order')!;
    expect(order).toMatchObject({ wallet: '0xwhale', token: 'T1', side: 'buy', whaleSize: 100, copySize: 20, copyPrice: 0.51, orderId: 'order-1', status: 'filled', reason: null });
    expect(Object.keys(order)).toEqual(expect.arrayContaining(['type', 'wallet', 'token', 'side', 'whaleSize', 'copySize', 'orderId', 'status', 'reason']));
  });

  it('does not copy trades from before the start', async () => {
    const h = await startHarness();
    h.sources[0]!.push(fill({ timestamp: h.clock.now() - 60_000 }));
    h.sources[0]!.push(fill({ timestamp: h.clock.now() - 1001 }));
    await h.engine.executor.drain();
    const summary = await h.stop();
    expect(h.venue.orders).toHaveLength(0);
    expect(summary.signals.beforeStart).toBe(2);
  });

  it('mirrors a whale sale proportionally to its prior position', async () => {
    const h = await startHarness({}, { whalePositions: new Map([['T1', M(100)]]) });
    h.clock.advance(10);
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, side: 'buy', size: M(100), price: M(0.5) }));
    // The whale now holds 200 and sells 50 (a quarter): we sell a quarter of our 20 shares.
    h.sources[0]!.push(fill({ ...at, side: 'sell', size: M(50), price: M(0.6) }));
    await h.engine.executor.drain();
    await h.stop();
    expect(h.venue.orders.map((o) => [o.side, o.size, o.price])).toEqual([
      ['buy', M(20), M(0.51)],
      ['sell', M(5), M(0.59)],
    ]);
    expect(h.venue.positions.get('T1')).toBe(M(15));
  });

  it('reserves cash so concurrent signals on different tokens cannot overspend', async () => {
    const venue = new FakeVenue(M(200));
    let release!: () => void;
    venue.gate = new Promise((r) => (release = r));
    const h = await startHarness({ risk: { ...(await import('./support/engine-harness.js')).baseOptions().risk, sizing: { mode: 'fixed', fixedUsd: M(150), multiplier: M(1), percent: 0n } } }, { venue });
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, token: 'T1', market: 'C1' }));
    h.sources[0]!.push(fill({ ...at, token: 'T2', market: 'C2' }));
    await settle();
    // Both orders are in flight at once, and together they fit in the $200.
    expect(venue.orders).toHaveLength(2);
    const worst = venue.orders.reduce((sum, o) => sum + (o.size * o.price) / 1_000_000n, 0n);
    expect(worst).toBeLessThanOrEqual(M(200));
    expect(venue.orders[1]!.size).toBe(M(92.15));
    release();
    await h.stop();
  });

  it('processes signals on the same token in order', async () => {
    const venue = new FakeVenue(M(200));
    let release!: () => void;
    venue.gate = new Promise((r) => (release = r));
    const h = await startHarness({}, { venue, whalePositions: new Map([['T1', M(100)]]) });
    h.clock.advance(10);
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, side: 'buy' }));
    h.sources[0]!.push(fill({ ...at, side: 'sell', size: M(200) }));
    await settle();
    expect(venue.orders).toHaveLength(1);
    release();
    await h.engine.executor.drain();
    expect(venue.orders.map((o) => o.side)).toEqual(['buy', 'sell']);
    expect(venue.orders[1]!.size).toBe(M(20));
    await h.stop();
  });

  it('asks for a whale portfolio value once per TTL, not per signal', async () => {
    const h = await startHarness();
    for (let i = 0; i < 3; i++) h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    expect(h.venue.orders).toHaveLength(3);
    expect(h.whaleValueCalls()).toBe(1);
    await h.stop();
  });

  it('after a crash with an order in flight, reconciles it by id and never sends it again', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.hangAfterExecute = true;
    const clock = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock });
    const f = fill({ timestamp: clock.now(), seenAt: clock.now() });
    first.sources[0]!.push(f);
    await settle();
    expect(venue.orders).toHaveLength(1);
    // The process "dies" here: the first engine is abandoned with its order unanswered.
    venue.hangAfterExecute = false;
    first.kill();
    const second = await startHarness({ stateDir }, { venue, clock });
    const reconciled = second.events.find((e) => e.type === 'reconciled');
    expect(reconciled).toMatchObject({ orderId: 'order-1', status: 'filled', filledSize: 20 });
    expect(second.engine.portfolio.positionOf('T1')).toBe(M(20));
    second.sources[0]!.push(f);
    clock.advance(1000);
    second.sources[0]!.push(fill({ timestamp: clock.now(), seenAt: clock.now() }));
    await second.engine.executor.drain();
    await second.stop();
    expect(venue.orders).toHaveLength(2);
  });

  it('without an order id, reconciles an unanswered order from the venue position', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.hangAfterExecute = true;
    venue.silentIds = true;
    const clock = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock });
    first.sources[0]!.push(fill({ timestamp: clock.now(), seenAt: clock.now() }));
    await settle();
    venue.hangAfterExecute = false;
    first.kill();
    const second = await startHarness({ stateDir }, { venue, clock });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'filled', filledSize: 20, reason: 'reconciled from the venue holding' });
    expect(second.engine.portfolio.positionOf('T1')).toBe(M(20));
    await second.stop();
    expect(venue.orders).toHaveLength(1);
  });

  it('an order whose answer is lost stays reserved, is reconciled by id while running, and is never re-sent', async () => {
    const venue = new FakeVenue(M(200));
    venue.loseAnswer = true;
    const h = await startHarness({ reconcileDelayMs: 20 }, { venue });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    expect(h.events.find((e) => e.type === 'order')).toMatchObject({ status: 'unknown' });
    expect(h.engine.portfolio.reserved).toBe(M(10.2));
    venue.loseAnswer = false;
    await h.clock.run(60);
    await h.engine.executor.drain();
    expect(h.events.find((e) => e.type === 'reconciled')).toMatchObject({ orderId: 'order-1', status: 'filled', filledSize: 20 });
    expect(h.engine.portfolio.reserved).toBe(0n);
    expect(h.engine.portfolio.positionOf('T1')).toBe(M(20));
    await h.stop();
    expect(venue.orders).toHaveLength(1);
  });

  it('on shutdown stops taking signals and finishes the order in flight', async () => {
    const venue = new FakeVenue(M(200));
    let release!: () => void;
    venue.gate = new Promise((r) => (release = r));
    const h = await startHarness({}, { venue });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await settle();
    const stopping = h.stop();
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    setTimeout(release, 10);
    const summary = await stopping;
    expect(summary.orders).toMatchObject({ sent: 1, filled: 1 });
    expect(venue.orders).toHaveLength(1);
    expect(h.sources[0]!.stopped).toBe(true);
    expect(h.events.at(-1)!.type).toBe('stopped');
  });

  it('dry run signs and reports, sends nothing', async () => {
    const h = await startHarness({ dryRun: true });
    h.sources[0]!.push(fill({ timestamp: h.clock.now(), seenAt: h.clock.now() }));
    await h.engine.executor.drain();
    await h.stop();
    expect(h.venue.orders.every((o) => o.dryRun === true)).toBe(true);
    expect(h.venue.cash).toBe(M(200));
    expect(h.events.find((e) => e.type === 'order')).toMatchObject({ status: 'dry_run', copySize: 20 });
  });

  it('sweeps the surplus at start and after a sell', async () => {
    const h = await startHarness(
      { cashout: { destination: '0xdest', retain: M(150), minimum: M(1), intervalMs: 3_600_000 } },
      { whalePositions: new Map([['T1', M(100)]]) },
    );
    await settle();
    expect(h.venue.cashouts.map((c) => c.amount)).toEqual([M(50)]);
    h.clock.advance(10);
    const at = { timestamp: h.clock.now(), seenAt: h.clock.now() };
    h.sources[0]!.push(fill({ ...at, side: 'buy', price: M(0.5) }));
    await h.engine.executor.drain();
    h.sources[0]!.push(fill({ ...at, side: 'sell', size: M(200), price: M(0.9) }));
    await h.engine.executor.drain();
    await settle();
    // After the $50 sweep our book is $150: the copy is 50/1000 x 150 = $7.50 = 15 shares, filled at the
    // 0.51 cap ($7.65); the sale of all 15 at the 0.89 cap brings $13.35: 155.70 - 150 retained = 5.70.
    expect(h.venue.cashouts.map((c) => c.amount)).toEqual([M(50), M(5.7)]);
    expect(h.events.filter((e) => e.type === 'cashout').map((e) => e.reason)).toEqual(['start', 'sell']);
    await h.stop();
  });
});
