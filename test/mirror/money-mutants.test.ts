/**
 * Edges of the pure money modules that mutation testing (`npm run test:mutation`) showed no other test
 * pinned down: boundaries (exactly at a minimum, exactly at a cap), ties, absent optional inputs and the
 * exact wording of skips. Every expectation is an exact amount or an exact message.
 */
import { describe, expect, it } from 'vitest';
import { divMicros, formatMicros, maxMicros, microsToNumber, minMicros, toMicros } from '../../src/core/money.js';
import { decide, type AccountView } from '../../src/mirror/decide.js';
import { fillOutOfBounds, type SignedOrder } from '../../src/mirror/fill-bounds.js';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { ceilTo, floorTo, worstPrice } from '../../src/mirror/pricing.js';
import { sellShares, sharesWithin } from '../../src/mirror/sizing.js';
import type { RiskConfig } from '../../src/mirror/types.js';
import { fill, M, rules } from './support/fakes.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const TODAY = Math.floor(NOW / 86_400_000);

function risk(overrides: Partial<RiskConfig> = {}, caps: RiskConfig['caps'] = {}): RiskConfig {
  return {
    sizing: { mode: 'proportional', multiplier: M(1), fixedUsd: M(10), percent: M(5) },
    caps,
    maxSlippage: M(0.02),
    orderType: 'FAK',
    allow: [],
    deny: [],
    ...overrides,
  };
}

const fixed = (usd: number, overrides: Partial<RiskConfig> = {}, caps: RiskConfig['caps'] = {}) =>
  risk({ sizing: { mode: 'fixed', multiplier: M(1), fixedUsd: M(usd), percent: M(5) }, ...overrides }, caps);

function account(overrides: Partial<AccountView> = {}): AccountView {
  return { availableCash: M(150), portfolioValue: M(200), position: 0n, marketExposure: 0n, totalExposure: 0n, dailyVolume: 0n, dailyPnl: 0n, ...overrides };
}

// Whale buys 100 shares at 0.50 ($50) of a $1,000 book; we hold $200: the proportional copy is $10 = 20 shares, capped at 0.51.
const whale = { value: M(1000) };

describe('money: parsing and formatting at the edges', () => {
  it('parses a JS number through its 6-decimal form', () => {
    expect(toMicros(0.5)).toBe(500_000n);
    expect(toMicros(12.345678)).toBe(12_345_678n);
  });

  it('ignores surrounding whitespace in a decimal string', () => {
    expect(toMicros(' 1.5 ')).toBe(1_500_000n);
  });

  it('refuses numbers that are not finite', () => {
    expect(() => toMicros(Number.POSITIVE_INFINITY)).toThrow('not a finite number: Infinity');
    expect(() => toMicros(Number.NaN)).toThrow('not a finite number: NaN');
  });

  it('formats zero without a sign and keeps inner zeros of the fraction', () => {
    expect(formatMicros(0n)).toBe('0');
    expect(formatMicros(56_000n)).toBe('0.056');
    expect(formatMicros(1_000_001n)).toBe('1.000001');
  });

  it('converts micro-units to a display number', () => {
    expect(microsToNumber(1_500_000n)).toBe(1.5);
    expect(microsToNumber(-250_000n)).toBe(-0.25);
  });

  it('refuses to divide by zero with its own message', () => {
    expect(() => divMicros(1_000_000n, 0n)).toThrow('division by zero');
  });

  it('picks the smallest and the largest amount wherever they stand', () => {
    expect(minMicros(3n, 1n, 2n)).toBe(1n);
    expect(minMicros(1n, 3n)).toBe(1n);
    expect(minMicros(-5n)).toBe(-5n);
    expect(maxMicros(1n, 3n, 2n)).toBe(3n);
    expect(maxMicros(3n, 1n)).toBe(3n);
  });
});

describe('sizing: the largest size whose worst cost fits', () => {
  it('a market without a size step (bad venue data) sizes nothing instead of dividing by zero', () => {
    expect(sharesWithin(M(10), M(0.5), rules({ sizeStep: 0n }))).toBe(0n);
    expect(sharesWithin(M(10), M(0.5), rules({ sizeStep: -M(0.01) }))).toBe(0n);
  });
  it('fits cost plus fee exactly at the boundary, on the step', () => {
    // 0.5 x 20 = 10.00 with no fee: exactly the room; one step more does not fit.
    expect(sharesWithin(M(10), M(0.5), rules({ sizeStep: M(0.01) }))).toBe(M(20));
    // A 1% fee of the value: 19.80 x 0.5 = 9.90 + 0.099 = 9.999 fits, 19.81 costs 10.00405.
    expect(sharesWithin(M(10), M(0.5), rules({ sizeStep: M(0.01), takerFee: (shares, price) => (shares * price) / 100_000_000n }))).toBe(M(19.8));
  });
});

describe('sizing: proportional sells with nothing to follow', () => {
  it('a whale sale of zero or fewer shares sells nothing, whatever we hold', () => {
    expect(sellShares(M(40), 0n, undefined)).toBe(0n);
    expect(sellShares(M(40), 0n, M(100))).toBe(0n);
    expect(sellShares(M(40), -M(1), M(100))).toBe(0n);
  });

  it('a book position at or below zero sells nothing', () => {
    expect(sellShares(-M(5), M(10), M(100))).toBe(0n);
    expect(sellShares(0n, M(10), M(100))).toBe(0n);
  });
});

describe('pricing: tick grid and tradable range', () => {
  it('has no price without a positive tick size', () => {
    expect(worstPrice('buy', M(0.5), M(0.02), 0n)).toBeUndefined();
  });

  it('has no sell price when the whale traded at 1', () => {
    expect(worstPrice('sell', M(1), M(0.02), M(0.01))).toBeUndefined();
  });

  it('lifts a buy cap below one tick to the lowest tradable tick', () => {
    // 0.005 x 1.02 = 0.0051, floored to the 0.01 grid = 0: not tradable, so 0.01.
    expect(worstPrice('buy', M(0.005), M(0.02), M(0.01))).toBe(M(0.01));
  });

  it('refuses a cap on the wrong side of the whale price (negative slippage) instead of placing an unfillable copy', () => {
    expect(worstPrice('buy', M(0.5), -M(0.1), M(0.01))).toBeUndefined();
    expect(worstPrice('sell', M(0.5), -M(0.1), M(0.01))).toBeUndefined();
  });

  it('floors and ceils onto the grid, negative amounts included, and leaves a value alone without a step', () => {
    expect(floorTo(M(1.234), 0n)).toBe(M(1.234));
    expect(floorTo(-M(0.005), M(0.01))).toBe(-M(0.01));
    expect(ceilTo(-M(0.005), M(0.01))).toBe(0n);
    expect(ceilTo(M(0.02), M(0.01))).toBe(M(0.02));
    expect(ceilTo(M(0.021), M(0.01))).toBe(M(0.03));
  });
});

describe('fill bounds: what a venue report may say', () => {
  const buy: SignedOrder = { side: 'buy', size: M(10), price: M(0.5) };
  const sell: SignedOrder = { side: 'sell', size: M(10), price: M(0.5) };

  it('refuses a negative value, a negative cash fee or a negative share fee', () => {
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: -1n })).toBe('the venue reported a negative amount');
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5), fee: { usd: -1n, shares: 0n } })).toBe('the venue reported a negative amount');
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5), fee: { usd: 0n, shares: -1n } })).toBe('the venue reported a negative amount');
  });

  it('accepts nothing filled for nothing, and refuses dollars for no shares', () => {
    expect(fillOutOfBounds(sell, { filledSize: 0n, filledValue: 0n })).toBeUndefined();
    expect(fillOutOfBounds(sell, { filledSize: 0n, filledValue: M(1) })).toBe('the venue reported 1 USD for no shares');
  });

  it('accepts a sell that received more than size x cap (a better price)', () => {
    expect(fillOutOfBounds(sell, { filledSize: M(10), filledValue: M(6) })).toBeUndefined();
  });

  it('accepts a share fee equal to the fill and refuses one larger', () => {
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5), fee: { usd: 0n, shares: M(10) } })).toBeUndefined();
    expect(fillOutOfBounds(buy, { filledSize: M(10), filledValue: M(5), fee: { usd: 0n, shares: M(11) } })).toBe(
      'the venue reported a fee of 11 shares on a fill of 10',
    );
  });
});

describe('decide: why a copy is skipped, word for word', () => {
  it('names the market by slug, else by condition id', () => {
    expect(decide(fill(), rules(), risk({ deny: ['c1'] }), whale, account())).toEqual({
      action: 'skip',
      reason: 'market_denied',
      detail: 'market will-it-rain is on the deny list',
    });
    // A market without a slug is still matched by its other ids, and named by its condition id.
    expect(decide(fill(), rules({ slug: undefined }), risk({ deny: ['C1'] }), whale, account())).toEqual({
      action: 'skip',
      reason: 'market_denied',
      detail: 'market C1 is on the deny list',
    });
    expect(decide(fill(), rules(), risk({ allow: ['C2'] }), whale, account())).toEqual({
      action: 'skip',
      reason: 'market_not_allowed',
      detail: 'market will-it-rain is not on the allow list',
    });
    expect(decide(fill(), rules({ closed: true }), risk(), whale, account())).toEqual({ action: 'skip', reason: 'market_closed', detail: 'market will-it-rain is closed' });
    expect(decide(fill(), rules({ active: false }), risk(), whale, account())).toEqual({
      action: 'skip',
      reason: 'market_inactive',
      detail: 'market will-it-rain is not active',
    });
  });

  it('states the day PnL against the loss limit, and the wallet whose value is unknown', () => {
    expect(decide(fill(), rules(), risk({}, { dailyLossLimit: M(50) }), whale, account({ dailyPnl: -M(50) }))).toEqual({
      action: 'skip',
      reason: 'daily_loss_limit',
      detail: "today's PnL -50 reached the daily loss limit 50",
    });
    expect(decide(fill(), rules(), risk(), {}, account())).toEqual({ action: 'skip', reason: 'whale_value_unknown', detail: 'no portfolio value for 0xwhale' });
  });

  it('skips a buy or a sell at a whale price with no tradable price near it', () => {
    expect(decide(fill({ price: M(1) }), rules(), risk(), whale, account())).toEqual({
      action: 'skip',
      reason: 'price_out_of_range',
      detail: 'no tradable price near 1',
    });
    expect(decide(fill({ side: 'sell', price: M(1) }), rules(), risk(), { positionBefore: M(100) }, account({ position: M(10) }))).toEqual({
      action: 'skip',
      reason: 'price_out_of_range',
      detail: 'no tradable price near 1',
    });
  });

  it('names the token when nothing is held to sell', () => {
    expect(decide(fill({ side: 'sell' }), rules(), risk(), { positionBefore: M(200) }, account())).toEqual({
      action: 'skip',
      reason: 'no_position',
      detail: 'no shares held in token T1',
    });
  });

  it('a whale sale too small to move a single share step sells nothing, even when the rest could never be sold alone', () => {
    // 3 x 0.001 / 100 floors to 0 shares; the 3 held are worth $0.60 at 0.20, but nothing is sold with nothing to follow.
    const d = decide(fill({ side: 'sell', size: M(0.001), price: M(0.2) }), rules(), risk(), { positionBefore: M(100) }, account({ position: M(3) }));
    expect(d).toEqual({ action: 'skip', reason: 'below_minimum', detail: 'size 0 is below the venue minimum of 5 shares' });
  });
});

describe('decide: sizes at the boundaries of minimums and caps', () => {
  it('places a copy of exactly the minimum size', () => {
    // $2.50 at the whale's 0.50 = 5 shares, the venue minimum; capped at 0.51 = $2.55.
    expect(decide(fill(), rules(), fixed(2.5), {}, account())).toEqual({
      action: 'place',
      order: { side: 'buy', size: M(5), price: M(0.51), type: 'FAK', notional: M(2.55), maxFee: 0n },
    });
  });

  it('places a copy worth exactly the minimum value', () => {
    // No slippage: $1 at 0.50 = 2 shares, worth exactly the $1 minimum at the 0.50 cap.
    expect(decide(fill(), rules({ minSize: M(1) }), fixed(1, { maxSlippage: 0n }), {}, account())).toEqual({
      action: 'place',
      order: { side: 'buy', size: M(2), price: M(0.5), type: 'FAK', notional: M(1), maxFee: 0n },
    });
  });

  it('a copy that uses exactly all free cash is placed unreduced and not reported as limited', () => {
    expect(decide(fill(), rules(), fixed(10), {}, account({ availableCash: M(10.2) }))).toEqual({
      action: 'place',
      order: { side: 'buy', size: M(20), price: M(0.51), type: 'FAK', notional: M(10.2), maxFee: 0n },
    });
  });

  it('shrinking to a cap that a whole number of steps fills exactly keeps every one of those steps', () => {
    // $5.10 of room at 0.51 = exactly 10 shares ($5.10).
    expect(decide(fill(), rules(), risk({}, { maxPerTrade: M(5.1) }), whale, account())).toEqual({
      action: 'place',
      order: { side: 'buy', size: M(10), price: M(0.51), type: 'FAK', notional: M(5.1), maxFee: 0n },
      limitedBy: 'max_per_trade',
    });
  });

  it('of two caps leaving the same room, the first checked is named', () => {
    // Per-trade $5 and total exposure $5 of room: 9.80 shares at 0.51 = $4.998.
    expect(decide(fill(), rules(), risk({}, { maxPerTrade: M(5), maxExposure: M(5) }), whale, account())).toEqual({
      action: 'place',
      order: { side: 'buy', size: M(9.8), price: M(0.51), type: 'FAK', notional: M(4.998), maxFee: 0n },
      limitedBy: 'max_per_trade',
    });
  });

  it('a cap already exceeded leaves room for 0 USD, not a negative amount', () => {
    expect(decide(fill(), rules(), risk({}, { maxExposure: M(100) }), whale, account({ totalExposure: M(110) }))).toEqual({
      action: 'skip',
      reason: 'max_exposure',
      detail: 'max_exposure leaves room for 0 USD: size 0 is below the venue minimum of 5 shares',
    });
  });

  it('a cap leaving room below the venue minimum says how much room and how many shares it would buy', () => {
    // $2 at 0.51 = 3.92 shares ($1.9992), under the 5-share minimum.
    expect(decide(fill(), rules(), risk({}, { maxPerTrade: M(2) }), whale, account())).toEqual({
      action: 'skip',
      reason: 'max_per_trade',
      detail: 'max_per_trade leaves room for 2 USD: size 3.92 is below the venue minimum of 5 shares',
    });
  });
});

describe('portfolio: exact books', () => {
  const holding = (token: string, market: string, size: number, cost: number, mark: number) => ({ token, market, size: M(size), cost: M(cost), mark: M(mark) });

  it('starts a new day from its own equity when the saved figures are from another day, and keeps them when from today', () => {
    const stale = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.5)], { day: TODAY - 1, volume: M(30), startEquity: M(70) });
    expect(stale.daily).toEqual({ day: TODAY, volume: 0n, startEquity: M(105) });
    const current = new Portfolio(M(100), NOW, [], { day: TODAY, volume: M(30), startEquity: M(70) });
    expect(current.daily).toEqual({ day: TODAY, volume: M(30), startEquity: M(70) });
  });

  it('counts exposure per market from holdings and reservations, and in total across markets', () => {
    const p = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.5), holding('T2', 'C2', 20, 7, 0.25)]);
    expect(p.reserve('r1', 'C1', M(3))).toBe(true);
    expect(p.reserve('r2', 'C2', M(2))).toBe(true);
    expect(p.view('T1', 'C1', NOW)).toEqual({
      availableCash: M(95),
      portfolioValue: M(110),
      position: M(10),
      marketExposure: M(8),
      totalExposure: M(17),
      dailyVolume: 0n,
      dailyPnl: 0n,
    });
  });

  it('refuses to reserve twice under one id', () => {
    const p = new Portfolio(M(100), NOW);
    p.reserve('a', 'C1', M(10));
    expect(() => p.reserve('a', 'C1', M(10))).toThrow('reservation a exists');
    expect(p.availableCash).toBe(M(90));
  });

  it('keeps where a holding is held when a later fill does not say', () => {
    const p = new Portfolio(M(100), NOW);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(10), value: M(5), venue: { market: 'KXRAIN', outcome: 'yes' } });
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(10), value: M(5) });
    expect(p.holdings.get('T1')).toEqual({ token: 'T1', market: 'C1', size: M(20), cost: M(10), mark: M(0.5), venue: { market: 'KXRAIN', outcome: 'yes' } });
    expect(p.cash).toBe(M(90));
  });

  it('a share fee larger than the shares bought leaves the position as it was, while the dollars are still paid', () => {
    const p = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.5)]);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'buy', size: M(1), value: M(0.5), fee: { usd: 0n, shares: M(2) } });
    expect(p.positionOf('T1')).toBe(M(10));
    expect(p.holdings.get('T1')!.cost).toBe(M(5.5));
    expect(p.cash).toBe(M(99.5));
    expect(p.fees).toBe(M(1)); // 2 shares at the fill's 0.50
  });

  it('a sell of a token not held credits nothing and books no PnL', () => {
    const p = new Portfolio(M(100), NOW);
    p.applyFill(undefined, { token: 'T9', market: 'C9', side: 'sell', size: M(5), value: M(2.5) });
    expect(p.cash).toBe(M(100));
    expect(p.realizedPnl).toBe(0n);
    expect(p.holdings.has('T9')).toBe(false);
  });

  it('a partial sell takes its share of the cost basis and leaves the rest', () => {
    const p = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.5)]);
    p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'sell', size: M(4), value: M(2.4) });
    expect(p.cash).toBe(M(102.4));
    expect(p.realizedPnl).toBe(M(0.4));
    expect(p.holdings.get('T1')).toEqual({ token: 'T1', market: 'C1', size: M(6), cost: M(3), mark: M(0.6) });
  });

  it('adopts venue shares of a token the books never held, at no cost and without moving the day baseline', () => {
    const p = new Portfolio(M(100), NOW);
    p.setHolding('T2', 'C2', M(5));
    expect(p.holdings.get('T2')).toEqual({ token: 'T2', market: 'C2', size: M(5), cost: 0n, mark: 0n });
    expect(p.daily.startEquity).toBe(M(100));
  });

  it('unrealized PnL is marked value minus cost, summed over holdings', () => {
    const p = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.6), holding('T2', 'C2', 20, 7, 0.25)]);
    // (6 - 5) + (5 - 7)
    expect(p.unrealizedPnl()).toBe(-M(1));
  });

  it('a snapshot puts back cash, PnL, fees, holdings, reservations and the day figures as they were, as often as asked', () => {
    const p = new Portfolio(M(100), NOW, [holding('T1', 'C1', 10, 5, 0.5)], { day: TODAY, volume: M(7), startEquity: M(104) }, { realizedPnl: M(1), fees: M(0.2) });
    p.reserve('r1', 'C1', M(3));
    const undo = p.snapshot();
    const scramble = () => {
      p.applyFill('r1', { token: 'T1', market: 'C1', side: 'buy', size: M(4), value: M(2), fee: { usd: M(0.01), shares: 0n } });
      p.applyFill(undefined, { token: 'T1', market: 'C1', side: 'sell', size: M(7), value: M(4.2) });
      p.reserve('r2', 'C2', M(1));
      p.transfer(-M(10));
      p.rollDay(NOW + 86_400_000);
    };
    const expectRestored = () => {
      // The day figures first: view() below rolls the day over if they were lost.
      expect(p.daily).toEqual({ day: TODAY, volume: M(7), startEquity: M(104) });
      expect(p.totals()).toEqual({ cash: M(100), realizedPnl: M(1), fees: M(0.2) });
      expect([...p.holdings.values()]).toEqual([{ token: 'T1', market: 'C1', size: M(10), cost: M(5), mark: M(0.5) }]);
      expect(p.reserved).toBe(M(3));
      expect(p.view('T1', 'C1', NOW).marketExposure).toBe(M(8));
    };
    scramble();
    undo();
    expectRestored();
    scramble();
    undo();
    expectRestored();
  });
});
