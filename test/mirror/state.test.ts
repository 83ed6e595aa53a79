import { describe, expect, it } from 'vitest';
import { fillKey, SeenSet } from '../../src/mirror/dedup.js';
import { FundManager, planSweep } from '../../src/mirror/fund-manager.js';
import { KeyedQueue } from '../../src/mirror/keyed-queue.js';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { WhaleBalanceCache } from '../../src/mirror/whale-balance-cache.js';
import { WhalePositions } from '../../src/mirror/whale-positions.js';
import { FakeVenue, fill, M, ManualClock } from './support/fakes.js';

describe('balance reservation', () => {
  it('reserved cash cannot be reserved twice', () => {
    const p = new Portfolio(M(100), 0);
    expect(p.reserve('a', 'C1', M(60))).toBe(true);
    expect(p.availableCash).toBe(M(40));
    expect(p.reserve('b', 'C2', M(50))).toBe(false);
    expect(p.reserve('b', 'C2', M(40))).toBe(true);
    expect(p.availableCash).toBe(0n);
    p.release('a');
    expect(p.availableCash).toBe(M(60));
  });
  it('a fill settles its reservation at the executed value, the unused rest is freed', () => {
    const p = new Portfolio(M(100), 0);
    p.reserve('a', 'C1', M(10.2));
    p.applyFill('a', { token: 'T1', market: 'C1', side: 'buy', size: M(20), value: M(10) });
    expect(p.cash).toBe(M(90));
    expect(p.reserved).toBe(0n);
    expect(p.positionOf('T1')).toBe(M(20));
    expect(p.view('T1', 'C1', 0)).toMatchObject({ marketExposure: M(10), totalExposure: M(10), dailyVolume: M(10), availableCash: M(90) });
  });
  it('reservations count toward exposure', () => {
    const p = new Portfolio(M(100), 0);
    p.reserve('a', 'C1', M(7));
    expect(p.view('T9', 'C1', 0)).toMatchObject({ marketExposure: M(7), totalExposure: M(7) });
    expect(p.view('T9', 'C2', 0)).toMatchObject({ marketExposure: 0n, totalExposure: M(7) });
  });
  it('sells realise PnL on the cost basis and never go below zero shares', () => {
    const p = new Portfolio(M(100), 0);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(20), value: M(10) });
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'sell', size: M(10), value: M(7) });
    expect(p.realizedPnl).toBe(M(2));
    expect(p.positionOf('T1')).toBe(M(10));
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'sell', size: M(30), value: M(6) });
    expect(p.positionOf('T1')).toBe(0n);
    expect(p.holdings.size).toBe(0);
  });
  it('daily PnL follows marks and rolls over at midnight', () => {
    const day = 86_400_000;
    const p = new Portfolio(M(100), 10 * day);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(100), value: M(50) });
    p.mark('T1', M(0.3));
    expect(p.view('T1', 'C1', 10 * day + 1).dailyPnl).toBe(-M(20));
    expect(p.view('T1', 'C1', 11 * day).dailyPnl).toBe(0n);
    expect(p.daily.volume).toBe(0n);
  });
});

describe('dedup', () => {
  it('keys a fill by tx hash, token, side, size and price', () => {
    const a = fill({ txHash: '0xAB' });
    expect(fillKey(a)).toBe(fillKey({ ...a, txHash: '0xab', source: 'rtds' } as typeof a));
    expect(fillKey(a)).not.toBe(fillKey({ ...a, token: 'T2' }));
    expect(fillKey(a)).not.toBe(fillKey({ ...a, side: 'sell' }));
    expect(fillKey(a)).not.toBe(fillKey({ ...a, size: a.size + M(0.01) }));
    expect(fillKey(a)).not.toBe(fillKey({ ...a, price: M(0.51) }));
    // Sources derive prices differently (float vs amount ratio): equal to 4 decimals = same fill.
    expect(fillKey({ ...a, price: 499_999n })).toBe(fillKey({ ...a, price: M(0.5) }));
  });
  it('refuses a key it has seen inside the window', () => {
    const seen = new SeenSet(1000);
    expect(seen.add('k', 0)).toBe(true);
    expect(seen.add('k', 999)).toBe(false);
    expect(seen.add('k2', 999)).toBe(true);
  });
  it('drops entries older than the window: memory stays bounded', () => {
    const seen = new SeenSet(1000);
    for (let t = 0; t < 100_000; t++) seen.add(`key-${t}`, t);
    expect(seen.size).toBeLessThanOrEqual(1001);
    expect(seen.has('key-0')).toBe(false);
    expect(seen.has('key-99999')).toBe(true);
  });
});

describe('WhaleBalanceCache', () => {
  it('makes no request for a second signal of the same whale inside the TTL', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const cache = new WhaleBalanceCache(async () => (calls++, M(1000)), clock);
    expect(await cache.get('0xW')).toBe(M(1000));
    clock.advance(5 * 60_000 - 1);
    expect(await cache.get('0xw')).toBe(M(1000));
    expect(calls).toBe(1);
    clock.advance(1);
    await cache.get('0xw');
    expect(calls).toBe(2);
  });
  it('shares one request between concurrent lookups', async () => {
    let calls = 0;
    const cache = new WhaleBalanceCache(async () => (calls++, M(5)), new ManualClock());
    await Promise.all([cache.get('0xa'), cache.get('0xa'), cache.get('0xa')]);
    expect(calls).toBe(1);
  });
  it('does not cache a zero value (a wallet without positions)', async () => {
    let calls = 0;
    const cache = new WhaleBalanceCache(async () => (calls++, calls === 1 ? 0n : M(7)), new ManualClock());
    expect(await cache.get('0xa')).toBe(0n);
    expect(await cache.get('0xa')).toBe(M(7));
    expect(await cache.get('0xa')).toBe(M(7));
    expect(calls).toBe(2);
  });
  it('does not cache a failure', async () => {
    let calls = 0;
    const cache = new WhaleBalanceCache(async () => {
      calls++;
      if (calls === 1) throw new Error('down');
      return M(3);
    }, new ManualClock());
    await expect(cache.get('0xa')).rejects.toThrow('down');
    expect(await cache.get('0xa')).toBe(M(3));
  });
});

describe('WhalePositions', () => {
  it('tracks the whale position from the snapshot through observed fills', async () => {
    const clock = new ManualClock();
    const positions = new WhalePositions(async () => new Map([['T1', M(100)]]), clock);
    await positions.ensure('0xwhale');
    clock.advance(10);
    expect(positions.apply(fill({ side: 'buy', size: M(100), seenAt: clock.now() }))).toBe(M(100));
    expect(positions.apply(fill({ side: 'sell', size: M(50), seenAt: clock.now() }))).toBe(M(200));
    expect(positions.apply(fill({ side: 'sell', size: M(150), seenAt: clock.now() }))).toBe(M(150));
    expect(positions.apply(fill({ side: 'sell', size: M(1), seenAt: clock.now() }))).toBe(0n);
  });
  it('treats a fill seen before the snapshot as already in it', async () => {
    const clock = new ManualClock();
    const positions = new WhalePositions(async () => new Map([['T1', M(60)]]), clock);
    const early = fill({ side: 'sell', size: M(40), seenAt: clock.now() - 5 });
    await positions.ensure('0xwhale');
    expect(positions.apply(early)).toBe(M(100));
  });
  it('applies a fill from a faster source on top of a snapshot taken after it (the Data API lags it)', async () => {
    const clock = new ManualClock();
    const positions = new WhalePositions(async () => new Map([['T1', M(60)]]), clock);
    const early = fill({ side: 'sell', size: M(40), source: 'rtds', seenAt: clock.now() - 5 });
    expect(positions.has('0xWHALE')).toBe(false);
    await positions.ensure('0xwhale');
    expect(positions.has('0xWHALE')).toBe(true);
    expect(positions.apply(early)).toBe(M(60));
    expect(positions.apply(fill({ side: 'sell', size: M(20), source: 'onchain', seenAt: clock.now() - 1 }))).toBe(M(20));
  });
  it('is unknown without a snapshot', () => {
    expect(new WhalePositions(async () => new Map(), new ManualClock()).apply(fill())).toBeUndefined();
  });
});

describe('FundManager', () => {
  it('plans a sweep of the surplus over retention, never under the minimum', () => {
    expect(planSweep(M(150), M(100), M(10))).toBe(M(50));
    expect(planSweep(M(105), M(100), M(10))).toBeUndefined();
    expect(planSweep(M(90), M(100), M(10))).toBeUndefined();
    expect(planSweep(M(110), M(100), M(10))).toBe(M(10));
  });
  function setup(cash: number, reserved = 0n) {
    const clock = new ManualClock();
    const venue = new FakeVenue(M(cash));
    const sweeps: bigint[] = [];
    const fm = new FundManager(
      { destination: '0xdest', retain: M(100), minimum: M(10), intervalMs: 3_600_000 },
      { adapter: venue, clock, logger: { info() {}, warn() {}, debug() {} }, reserved: () => reserved, onSweep: (s) => sweeps.push(s.amount) },
    );
    return { clock, venue, fm, sweeps };
  }
  it('checks at most once per interval', async () => {
    const { clock, venue, fm, sweeps } = setup(300);
    await fm.tick();
    expect(sweeps).toEqual([M(200)]);
    venue.cash += M(50);
    clock.advance(30 * 60_000);
    await fm.tick();
    expect(venue.balanceCalls).toBe(1);
    clock.advance(30 * 60_000);
    await fm.tick();
    expect(venue.balanceCalls).toBe(2);
    expect(sweeps).toEqual([M(200), M(50)]);
    expect(venue.cashouts.map((c) => c.destination)).toEqual(['0xdest', '0xdest']);
  });
  it('checks on a trigger event (after a sell) without waiting for the interval', async () => {
    const { venue, fm, sweeps } = setup(100);
    await fm.tick();
    expect(sweeps).toEqual([]);
    venue.cash += M(40);
    await fm.trigger('sell');
    expect(sweeps).toEqual([M(40)]);
  });
  it('under smart-account custody, sweeps from the balance cash-outs draw from, not the trading balance', async () => {
    const { venue, fm, sweeps } = setup(1000, M(45));
    const custodial = Object.assign(venue, { fetchCashoutBalance: async () => ({ cash: M(130), currency: 'pUSD' }) });
    expect(custodial.fetchCashoutBalance).toBeDefined();
    await fm.tick();
    expect(sweeps).toEqual([M(30)]);
    expect(venue.balanceCalls).toBe(0);
  });
  it('never sweeps cash reserved by orders in flight', async () => {
    const { fm, sweeps } = setup(150, M(45));
    await fm.tick();
    expect(sweeps).toEqual([]);
  });
});

describe('KeyedQueue', () => {
  it('runs same-key tasks in order and different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    void queue.push('A', async () => {
      log.push('A1 start');
      await gate;
      log.push('A1 end');
    });
    void queue.push('A', async () => void log.push('A2'));
    void queue.push('B', async () => void log.push('B1'));
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['A1 start', 'B1']);
    release();
    await queue.drain();
    expect(log).toEqual(['A1 start', 'B1', 'A1 end', 'A2']);
  });
  it('a failing task does not block the next', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    void queue.push('A', async () => {
      throw new Error('boom');
    });
    void queue.push('A', async () => void log.push('after'));
    await queue.drain();
    expect(log).toEqual(['after']);
  });
});
