/**
 * Money truth: the engine's books against the venue, in exact amounts. Every scenario ends by checking
 * that book cash and holdings equal the venue's to the micro-dollar (and that cash never went negative).
 * Real engine, real SQLite store, the FakeVenue (which keeps real balances), virtual time.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MirrorEvent } from '../../src/mirror/events.js';
import { FakeVenue, fill, M, ManualClock, settle } from './support/fakes.js';
import { startHarness, tempStateDir, type Harness } from './support/engine-harness.js';

/** The books equal the venue: cash, and every token either side knows of. */
function expectBooksEqualVenue(h: Harness, tokenToVenueMarket: (token: string) => string = (t) => t): void {
  const p = h.engine.portfolio;
  expect(p.cash).toBe(h.venue.cash);
  expect(p.cash >= 0n).toBe(true);
  for (const [token, holding] of p.holdings) expect(holding.size).toBe(h.venue.positions.get(tokenToVenueMarket(token)) ?? 0n);
}

const bookEvents = (events: MirrorEvent[]) =>
  events.filter((e) => e.type === 'book').map((e) => ({ token: e.token, book: e.bookAmount, venue: e.venueAmount, reason: e.reason, status: e.status }));

/** A whale buy of 100 @ 0.50 on T1: with the harness's $1000 whale and $200 of ours, a copy of 20 @ cap 0.51 ($10.20). */
const buy = (h: Harness, overrides: Parameters<typeof fill>[0] = {}) => fill({ timestamp: h.clock.now(), seenAt: h.clock.now(), ...overrides });

describe('the venue is the source of truth', () => {
  it('after a restart, a holding sold by hand is gone from the books (both figures reported) and is not sold again', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const clock = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock });
    first.sources[0]!.push(buy(first));
    await first.engine.executor.drain();
    expect(venue.positions.get('T1')).toBe(M(20));
    expect(venue.cash).toBe(M(189.8));
    await first.stop();

    // Sold on the website: 20 shares at 0.60 while the mirror was down.
    venue.positions.set('T1', 0n);
    venue.cash += M(12);
    clock.advance(5_000);
    const second = await startHarness({ stateDir }, { venue, clock });
    expect(bookEvents(second.events)).toEqual([
      { token: null, book: 189.8, venue: 201.8, reason: 'restart', status: 'adopted' },
      { token: 'T1', book: 20, venue: 0, reason: 'restart', status: 'adopted' },
    ]);
    expectBooksEqualVenue(second);
    expect(second.engine.portfolio.positionOf('T1')).toBe(0n);
    // Adopted figures are transfers, not trading: today's PnL is untouched.
    expect(second.engine.portfolio.view('T1', 'C1', clock.now()).dailyPnl).toBe(0n);

    second.sources[0]!.push(buy(second, { side: 'sell', size: M(100) }));
    await second.engine.executor.drain();
    expect(second.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'skip', reason: 'no_position' });
    await second.stop();
    expect(venue.orders).toHaveLength(1);
  });

  it('a fill settled at restart is booked once: book cash equals venue cash, nothing to adopt', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.hangAfterExecute = true; // executed at the venue, then the process dies before the answer
    const clock = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock });
    first.sources[0]!.push(buy(first));
    await settle();
    venue.hangAfterExecute = false;
    first.kill();
    const second = await startHarness({ stateDir }, { venue, clock });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ orderId: 'order-1', status: 'filled', filledSize: 20, filledValue: 10.2 });
    expect(bookEvents(second.events)).toEqual([]);
    expect(second.engine.portfolio.cash).toBe(M(189.8));
    expect(second.engine.portfolio.reserved).toBe(0n);
    expectBooksEqualVenue(second);
    await second.stop();
    expect(venue.orders).toHaveLength(1);
  });

  it('the daily volume of a fill settled at restart survives a clean stop and another start', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.hangAfterExecute = true;
    const clock = new ManualClock();
    const caps = { maxDailyVolume: M(15) };
    const risk = (await import('./support/engine-harness.js')).baseOptions().risk;
    const first = await startHarness({ stateDir, risk: { ...risk, caps } }, { venue, clock });
    first.sources[0]!.push(buy(first));
    await settle();
    venue.hangAfterExecute = false;
    first.kill();
    const second = await startHarness({ stateDir, risk: { ...risk, caps } }, { venue, clock });
    expect(second.engine.portfolio.daily.volume).toBe(M(10.2));
    await second.stop();

    clock.advance(1_000);
    const third = await startHarness({ stateDir, risk: { ...risk, caps } }, { venue, clock });
    expect(third.engine.portfolio.daily.volume).toBe(M(10.2));
    third.sources[0]!.push(buy(third));
    await third.engine.executor.drain();
    // $4.80 of room left: 9.41 shares at the 0.51 cap ($4.7991), not another $10.20.
    expect(venue.orders[1]).toMatchObject({ side: 'buy', size: M(9.41), price: M(0.51) });
    expect(third.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'copy', reason: 'max_daily_volume' });
    expect(third.engine.portfolio.daily.volume).toBe(M(10.2) + M(4.7991));
    expectBooksEqualVenue(third);
    await third.stop();
  });

  it('a cash-out sweep is a transfer: it does not trip the daily-loss limit', async () => {
    const venue = new FakeVenue(M(200));
    const risk = (await import('./support/engine-harness.js')).baseOptions().risk;
    const h = await startHarness(
      { risk: { ...risk, caps: { dailyLossLimit: M(20) } }, cashout: { destination: '0xdest', retain: M(150), minimum: M(1), intervalMs: 3_600_000 } },
      { venue },
    );
    await settle();
    expect(venue.cashouts.map((c) => c.amount)).toEqual([M(50)]);
    expect(h.engine.portfolio.cash).toBe(M(150));
    expect(h.engine.portfolio.view('T1', 'C1', h.clock.now()).dailyPnl).toBe(0n);
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    // $150 of equity now: 5% of the whale's book is $7.50 -> 15 shares at the whale's 0.50, capped at 0.51.
    expect(venue.orders).toHaveLength(1);
    expect(venue.orders[0]).toMatchObject({ side: 'buy', size: M(15), price: M(0.51) });
    expectBooksEqualVenue(h);
    const summary = await h.stop();
    expect(summary.cashedOut).toBe(50);
    expect(summary.realizedPnl).toBe(0);
  });

  it('a fill reported beyond what was signed is not booked: unknown, then settled from the venue balances', async () => {
    const venue = new FakeVenue(M(200));
    // The venue charged 0.60 a share against a 0.51 cap and says so: $12.00 for 20 shares.
    venue.fillPrice = () => M(0.6);
    const h = await startHarness({ reconcileDelayMs: 1_000 }, { venue });
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    expect(h.events.find((e) => e.type === 'order')).toMatchObject({ status: 'unknown' });
    expect(h.events.find((e) => e.type === 'order')!.reason).toContain('the venue reported 12 USD spent on an order for 10.2 USD');
    expect(h.engine.portfolio.positionOf('T1')).toBe(0n);
    expect(h.engine.portfolio.reserved).toBe(M(10.2));

    await h.clock.run(1_000);
    await h.engine.executor.drain();
    await settle();
    // Shares from the venue's holding (20, booked at the cap), cash from the venue's balance ($188).
    expect(h.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'filled', filledSize: 20, filledValue: 10.2, reason: 'reconciled from the venue holding' });
    expect(h.engine.portfolio.reserved).toBe(0n);
    expect(bookEvents(h.events)).toEqual([{ token: null, book: 189.8, venue: 188, reason: 'unknown outcome settled', status: 'adopted' }]);
    expectBooksEqualVenue(h);
    await h.stop();
    expect(venue.orders).toHaveLength(1);
  });

  it('two unknown outcomes on one token: the order the venue can name is booked first, the holding explains the rest', async () => {
    const venue = new FakeVenue(M(200));
    const risk = (await import('./support/engine-harness.js')).baseOptions().risk;
    const fixed = { ...risk, sizing: { ...risk.sizing, mode: 'fixed' as const, fixedUsd: M(10) } }; // 20 shares at 0.50
    const h = await startHarness({ reconcileDelayMs: 1_000, risk: fixed }, { venue, whalePositions: new Map([['T1', M(100)]]) });
    h.sources[0]!.push(buy(h)); // 20 shares held
    await h.engine.executor.drain();
    // A buy whose answer is lost and whose record cannot be trusted (more dollars than signed): only the
    // venue's holding can settle it. It comes first, so a one-pass settlement would credit it with the
    // sale below as well.
    venue.loseAnswer = true;
    venue.misreport = (result) => ({ ...result, filledValue: result.filledValue + M(1) });
    h.clock.advance(1);
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    venue.misreport = undefined;
    h.clock.advance(1);
    h.sources[0]!.push(buy(h, { side: 'sell', size: M(150) })); // the whale (300) halves: we sell 10 of our 20, answer lost too
    await h.engine.executor.drain();
    venue.loseAnswer = false;
    expect(venue.orders.map((o) => [o.side, o.size])).toEqual([['buy', M(20)], ['buy', M(20)], ['sell', M(10)]]);
    expect(venue.positions.get('T1')).toBe(M(30));
    await h.clock.run(1_000);
    await h.engine.executor.drain();
    await settle();
    const reconciled = h.events.filter((e) => e.type === 'reconciled').map((e) => [e.side, e.status, e.filledSize, e.reason]);
    expect(reconciled).toEqual([
      ['sell', 'filled', 10, 'reconciled with the venue order'],
      ['buy', 'filled', 20, 'reconciled from the venue holding'],
    ]);
    expect(h.engine.portfolio.positionOf('T1')).toBe(M(30));
    expectBooksEqualVenue(h);
    await h.stop();
  });

  it('books fees where the venue reports them: shares withheld on a buy, dollars on a sell', async () => {
    const venue = new FakeVenue(M(200));
    venue.fee = (side, size) => (side === 'buy' ? { usd: 0n, shares: size / 50n } : { usd: M(0.05), shares: 0n });
    const h = await startHarness({}, { venue, whalePositions: new Map([['T1', M(100)]]) });
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    // 20 shares matched, 0.4 withheld: 19.6 held; $10.20 paid.
    expect(h.engine.portfolio.positionOf('T1')).toBe(M(19.6));
    expect(h.engine.portfolio.cash).toBe(M(189.8));
    expectBooksEqualVenue(h);

    // The whale (now 200 shares) sells half: we sell half of 19.6 at the 0.49 floor, minus a $0.05 fee.
    h.clock.advance(10);
    h.sources[0]!.push(buy(h, { side: 'sell', size: M(100) }));
    await h.engine.executor.drain();
    expect(venue.orders[1]).toMatchObject({ side: 'sell', size: M(9.8), price: M(0.49), type: 'FAK', reduceOnly: true });
    expect(h.engine.portfolio.positionOf('T1')).toBe(M(9.8));
    expect(h.engine.portfolio.cash).toBe(M(189.8) + M(4.802) - M(0.05));
    expectBooksEqualVenue(h);
    // Fees: 0.4 shares at 0.51 ($0.204) + $0.05. Realized: 4.802 - 0.05 - half the $10.20 cost.
    expect(h.engine.portfolio.fees).toBe(M(0.254));
    expect(h.engine.portfolio.realizedPnl).toBe(M(4.802) - M(0.05) - M(5.1));
    const summary = await h.stop();
    expect(summary.fees).toBe(0.254);
  });

  it('a sell is sized from the venue holding, read just before it', async () => {
    const venue = new FakeVenue(M(200));
    const h = await startHarness({}, { venue });
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    venue.positions.set('T1', M(8)); // 12 shares left by hand
    venue.cash += M(6);
    h.clock.advance(10);
    h.sources[0]!.push(buy(h, { side: 'sell', size: M(100) })); // the whale exits: we exit
    await h.engine.executor.drain();
    expect(bookEvents(h.events)).toEqual([{ token: 'T1', book: 20, venue: 8, reason: 'before a sell', status: 'adopted' }]);
    expect(venue.orders[1]).toMatchObject({ side: 'sell', size: M(8), price: M(0.49), reduceOnly: true });
    expect(venue.positions.get('T1')).toBe(0n);
    expect(h.engine.portfolio.positionOf('T1')).toBe(0n);
    // Cash: the book knew nothing of the $6 yet (it is not a sell of ours): the periodic sync adopts it.
    await h.clock.run(60_000);
    await settle();
    expectBooksEqualVenue(h);
    await h.stop();
  });

  it('the periodic sync adopts a deposit made behind the mirror as a transfer', async () => {
    const venue = new FakeVenue(M(200));
    const h = await startHarness({}, { venue });
    venue.cash += M(25);
    await h.clock.run(59_999);
    expect(bookEvents(h.events)).toEqual([]);
    await h.clock.run(1);
    await settle();
    expect(bookEvents(h.events)).toEqual([{ token: null, book: 200, venue: 225, reason: 'periodic', status: 'adopted' }]);
    expect(h.engine.portfolio.cash).toBe(M(225));
    expect(h.engine.portfolio.view('T1', 'C1', h.clock.now()).dailyPnl).toBe(0n);
    await h.stop();
  });

  it('the summary shows the venue figures at the end and any difference, without adopting it', async () => {
    const venue = new FakeVenue(M(200));
    const h = await startHarness({}, { venue });
    h.sources[0]!.push(buy(h));
    await h.engine.executor.drain();
    venue.positions.set('T1', M(15));
    const summary = await h.stop();
    expect(summary.venue).toEqual({ cash: 189.8, positions: [{ token: 'T1', size: 15 }], differences: [{ token: 'T1', book: 20, venue: 15 }] });
    expect(summary.positions).toEqual([{ token: 'T1', market: 'C1', title: null, size: 20, cost: 10.2, mark: 0.51 }]);
    expect(bookEvents(h.events)).toEqual([{ token: 'T1', book: 20, venue: 15, reason: 'stop', status: 'differs' }]);
  });
});

describe('mapped venues (Kalshi via a market map)', () => {
  const mapMarket = () => ({ market: 'KXRAIN-26', outcome: 'yes' as const });

  it('restart recovery reads the mapped market: a buy that executed is booked, a sell that never ran is not', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.hangAfterExecute = true;
    venue.silentIds = true;
    const clock = new ManualClock();
    const first = await startHarness({ stateDir, mapMarket }, { venue, clock });
    first.sources[0]!.push(buy(first));
    await settle();
    venue.hangAfterExecute = false;
    expect(venue.positions.get('KXRAIN-26')).toBe(M(20));

    first.kill();
    const second = await startHarness({ stateDir, mapMarket }, { venue, clock });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'filled', filledSize: 20, filledValue: 10.2 });
    expect(second.engine.portfolio.holdings.get('T1')).toMatchObject({ size: M(20), venue: { market: 'KXRAIN-26', outcome: 'yes' } });
    expectBooksEqualVenue(second, () => 'KXRAIN-26');

    // A sell that dies before it reaches the venue.
    let never!: () => void;
    venue.gate = new Promise((resolve) => (never = resolve));
    clock.advance(10);
    second.sources[0]!.push(buy(second, { side: 'sell', size: M(100) }));
    await settle();
    second.kill();
    const third = await startHarness({ stateDir, mapMarket }, { venue, clock });
    expect(third.events.find((e) => e.type === 'reconciled')).toMatchObject({ side: 'sell', status: 'cancelled', filledSize: 0 });
    expect(third.engine.portfolio.positionOf('T1')).toBe(M(20));
    expectBooksEqualVenue(third, () => 'KXRAIN-26');
    await third.stop();
    expect(venue.orders.filter((o) => o.side === 'sell')).toEqual([expect.objectContaining({ market: 'KXRAIN-26', outcome: 'yes', reduceOnly: true })]);
    void never;
  });
});

describe('restarts resume where the last run stopped', () => {
  it('a whale fill from just before a kill is copied by the restarted mirror', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const killed = new ManualClock();
    (await startHarness({ stateDir }, { venue, clock: killed })).kill(); // never stopped; its timers die with its clock
    killed.advance(10_000);
    const traded = killed.now();
    // The kill lands 1.5 s after the whale's trade, before the mirror saw it; the restart follows at once.
    const clock = new ManualClock(traded + 1_500);
    const second = await startHarness({ stateDir }, { venue, clock });
    second.sources[0]!.push(fill({ timestamp: traded, seenAt: clock.now() }));
    await second.engine.executor.drain();
    expect(venue.orders).toEqual([expect.objectContaining({ side: 'buy', size: M(20), price: M(0.51) })]);
    expect(second.engine.monitor.counters.beforeStart).toBe(0);
    await second.stop();
  });

  it('an order decided but killed before it reached the venue is forgotten, and its fill copied once when seen again', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.gate = new Promise(() => undefined); // signed (id recorded), never sent: the process dies first
    const killed = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock: killed });
    const f = fill({ timestamp: killed.now(), seenAt: killed.now() });
    first.sources[0]!.push(f);
    await settle();
    first.kill();
    venue.gate = undefined;
    venue.orders = []; // the stand-in never received it
    const clock = new ManualClock(killed.now() + 1_000);
    const second = await startHarness({ stateDir }, { venue, clock });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'not_sent', orderId: 'order-1', filledSize: 0 });
    expect(second.engine.store.all()).toEqual([]);
    second.sources[0]!.push({ ...f, seenAt: clock.now() }); // the resumed poller reads it again
    second.sources[0]!.push({ ...f, seenAt: clock.now() });
    await second.engine.executor.drain();
    expect(venue.orders).toEqual([expect.objectContaining({ side: 'buy', size: M(20), price: M(0.51) })]);
    expectBooksEqualVenue(second);
    await second.stop();
  });

  it('an intent with no recorded id, on a venue that names orders before sending, never left: forgotten', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.gate = new Promise(() => undefined);
    const killed = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock: killed });
    first.sources[0]!.push(fill({ timestamp: killed.now(), seenAt: killed.now() }));
    await settle();
    first.kill();
    // The kill came between recording the intent and signing: no order id was written.
    const db = new Database(join(stateDir, 'mirror.sqlite'));
    db.prepare('UPDATE signals SET order_id = NULL').run();
    db.close();
    venue.gate = undefined;
    venue.orders = [];
    const second = await startHarness({ stateDir }, { venue, clock: new ManualClock(killed.now() + 1_000) });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'not_sent', orderId: null });
    expect(second.engine.store.all()).toEqual([]);
    expect(venue.orders).toEqual([]);
    await second.stop();
  });

  it('without proof that the order never left (no id before sending), it is settled from the venue, never re-sent', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    venue.silentIds = true;
    venue.gate = new Promise(() => undefined);
    const killed = new ManualClock();
    const first = await startHarness({ stateDir }, { venue, clock: killed });
    const f = fill({ timestamp: killed.now(), seenAt: killed.now() });
    first.sources[0]!.push(f);
    await settle();
    first.kill();
    venue.gate = undefined;
    venue.orders = [];
    const clock = new ManualClock(killed.now() + 1_000);
    const second = await startHarness({ stateDir }, { venue, clock });
    expect(second.events.find((e) => e.type === 'reconciled')).toMatchObject({ status: 'cancelled', filledSize: 0, reason: 'reconciled from the venue holding' });
    second.sources[0]!.push({ ...f, seenAt: clock.now() });
    await second.engine.executor.drain();
    expect(venue.orders).toEqual([]);
    await second.stop();
  });

  it('a fill too old to copy at a sensible price is skipped and reported, never silently dropped', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const killed = new ManualClock();
    (await startHarness({ stateDir }, { venue, clock: killed })).kill(); // its timers stop with its clock
    const traded = killed.now() + 10_000;
    const clock = new ManualClock(traded + 5 * 60_000); // down for five minutes after the trade
    const second = await startHarness({ stateDir }, { venue, clock });
    second.sources[0]!.push(fill({ timestamp: traded, seenAt: clock.now() }));
    await second.engine.executor.drain();
    expect(venue.orders).toHaveLength(0);
    expect(second.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'skip', reason: 'signal_too_old', detail: 'the fill is 300 s old (limit 120 s)' });
    const summary = await second.stop();
    expect(summary.skipReasons).toEqual({ signal_too_old: 1 });
  });

  it('fills from before the first run stay history after any number of restarts', async () => {
    const stateDir = tempStateDir();
    const venue = new FakeVenue(M(200));
    const clock = new ManualClock();
    const before = clock.now() - 2_000;
    const first = await startHarness({ stateDir }, { venue, clock });
    await first.stop();
    clock.advance(3_000);
    const second = await startHarness({ stateDir }, { venue, clock });
    second.sources[0]!.push(fill({ timestamp: before, seenAt: clock.now() }));
    await second.engine.executor.drain();
    expect(venue.orders).toHaveLength(0);
    expect(second.engine.monitor.counters.beforeStart).toBe(1);
    await second.stop();
  });
});

describe('sizing bounds', () => {
  it('one copy never uses more than the max copy fraction of our equity', async () => {
    const venue = new FakeVenue(M(200));
    const risk = (await import('./support/engine-harness.js')).baseOptions().risk;
    const h = await startHarness({ risk: { ...risk, maxCopyFraction: M(0.05) } }, { venue });
    // The whale bets $200 of its $1000 (20%): proportional says $40 of our $200; the 5% ceiling says $10.
    h.sources[0]!.push(buy(h, { size: M(400) }));
    await h.engine.executor.drain();
    expect(venue.orders[0]).toMatchObject({ side: 'buy', size: M(19.6), price: M(0.51) });
    expect(h.events.find((e) => e.type === 'decision')).toMatchObject({ status: 'copy', reason: 'max_copy_fraction' });
    expectBooksEqualVenue(h);
    await h.stop();
  });
});
