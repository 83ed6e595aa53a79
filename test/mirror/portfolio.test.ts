/** The book's arithmetic, in exact micro-units: fills with fees, oversized sells, transfers, adopted venue figures. */
import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { fillOutOfBounds, statusOfFill } from '../../src/mirror/fill-bounds.js';
import { M } from './support/fakes.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const held = (size: number, cost: number, mark = 0.5) => new Portfolio(M(100), NOW, [{ token: 'T1', market: 'C1', size: M(size), cost: M(cost), mark: M(mark) }]);

describe('Portfolio', () => {
  it('a sell report larger than the holding is credited only for the shares held', () => {
    const p = held(10, 5);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'sell', size: M(15), value: M(9) });
    // 10 of the 15 shares existed: $6 of the $9, against the whole $5 cost.
    expect(p.cash).toBe(M(106));
    expect(p.realizedPnl).toBe(M(1));
    expect(p.positionOf('T1')).toBe(0n);
  });

  it('a buy pays value plus the cash fee and receives the shares net of the share fee', () => {
    const p = new Portfolio(M(100), NOW);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(20), value: M(10), fee: { usd: M(0.1), shares: M(0.5) } });
    expect(p.cash).toBe(M(89.9));
    expect(p.positionOf('T1')).toBe(M(19.5));
    expect(p.holdings.get('T1')!.cost).toBe(M(10.1));
    expect(p.fees).toBe(M(0.35)); // $0.10 + 0.5 shares at 0.50
    expect(p.daily.volume).toBe(M(10));
  });

  it('a transfer moves cash and the day baseline together: no PnL', () => {
    const p = held(10, 5);
    const pnl = () => p.view('T1', 'C1', NOW).dailyPnl;
    expect(pnl()).toBe(0n);
    p.transfer(-M(50));
    expect(p.cash).toBe(M(50));
    expect(p.daily.startEquity).toBe(M(55));
    expect(pnl()).toBe(0n);
    p.setCash(M(80));
    expect(p.cash).toBe(M(80));
    expect(pnl()).toBe(0n);
  });

  it('adopting a smaller venue holding takes its share of the cost; a larger one is valued at the mark', () => {
    const p = held(10, 6, 0.5);
    p.setHolding('T1', 'C1', M(4));
    expect(p.holdings.get('T1')).toMatchObject({ size: M(4), cost: M(2.4) });
    p.setHolding('T1', 'C1', M(8));
    expect(p.holdings.get('T1')).toMatchObject({ size: M(8), cost: M(4.4) });
    expect(p.view('T1', 'C1', NOW).dailyPnl).toBe(0n);
    p.setHolding('T1', 'C1', 0n);
    expect(p.holdings.has('T1')).toBe(false);
    expect(p.equity()).toBe(M(100));
    expect(p.view('T1', 'C1', NOW).dailyPnl).toBe(0n);
  });
});

describe('fill bounds', () => {
  const buy = { side: 'buy' as const, size: M(20), price: M(0.51) };
  const sell = { side: 'sell' as const, size: M(20), price: M(0.49) };
  it('a marketable buy may receive more shares than its size at a better price, never spend more than signed', () => {
    expect(fillOutOfBounds(buy, { filledSize: M(21), filledValue: M(10.2) })).toBeUndefined();
    expect(fillOutOfBounds(buy, { filledSize: M(20), filledValue: M(10.200001) })).toBe('the venue reported 10.200001 USD spent on an order for 10.2 USD');
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5.2) })).toBe('the venue reported 5.2 USD for 10 shares, above the 0.51 price cap');
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5.1) })).toBeUndefined();
  });
  it('a sell never reports more shares than signed', () => {
    expect(fillOutOfBounds(sell, { filledSize: M(20), filledValue: M(9.8) })).toBeUndefined();
    expect(fillOutOfBounds(sell, { filledSize: M(20.01), filledValue: M(9.8) })).toBe('the venue reported 20.01 shares sold on an order for 20');
  });
  it('fees and nonsense', () => {
    expect(fillOutOfBounds(buy, { filledSize: M(1), filledValue: M(0.5), fee: { usd: 0n, shares: M(2) } })).toBe('the venue reported a fee of 2 shares on a fill of 1');
    expect(fillOutOfBounds(buy, { filledSize: 0n, filledValue: M(1) })).toBe('the venue reported 1 USD for no shares');
    expect(fillOutOfBounds(buy, { filledSize: -1n, filledValue: 0n })).toBe('the venue reported a negative amount');
  });
  it('status comes from the amounts', () => {
    expect(statusOfFill(buy, M(20))).toBe('filled');
    expect(statusOfFill(buy, M(19.99))).toBe('partially_filled');
    expect(statusOfFill(buy, 0n)).toBe('cancelled');
  });
});
