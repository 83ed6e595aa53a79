import { describe, expect, it } from 'vitest';
import { decide, notionalOf, worstCost, type AccountView } from '../../src/mirror/decide.js';
import { kalshiTakerFee } from '../../src/exchanges/kalshi/rules.js';
import { maxTakerFee } from '../../src/exchanges/polymarket/rules.js';
import { worstPrice } from '../../src/mirror/pricing.js';
import { buyUsd, sellShares } from '../../src/mirror/sizing.js';
import type { RiskConfig } from '../../src/mirror/types.js';
import { fill, M, rules } from './support/fakes.js';

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

function account(overrides: Partial<AccountView> = {}): AccountView {
  return { availableCash: M(150), portfolioValue: M(200), position: 0n, marketExposure: 0n, totalExposure: 0n, dailyVolume: 0n, dailyPnl: 0n, ...overrides };
}

// Whale buys 100 shares at 0.50 ($50) out of a $1,000 book; we hold $200: proportional copy = $10 = 20 shares.
const whale = { value: M(1000) };

describe('sizing', () => {
  it('proportional: whale trade / whale value x own value x multiplier', () => {
    expect(buyUsd(risk().sizing, { whaleUsd: M(50), whaleValue: M(1000), ownValue: M(200), ownCash: M(150) })).toBe(M(10));
    const half = { ...risk().sizing, multiplier: M(0.5) };
    expect(buyUsd(half, { whaleUsd: M(50), whaleValue: M(1000), ownValue: M(200), ownCash: M(150) })).toBe(M(5));
  });
  it('proportional without a whale value cannot size', () => {
    expect(buyUsd(risk().sizing, { whaleUsd: M(50), whaleValue: undefined, ownValue: M(200), ownCash: M(150) })).toBeUndefined();
    expect(buyUsd(risk().sizing, { whaleUsd: M(50), whaleValue: 0n, ownValue: M(200), ownCash: M(150) })).toBeUndefined();
  });
  it('fixed USD and percent of own cash', () => {
    const base = risk().sizing;
    expect(buyUsd({ ...base, mode: 'fixed', fixedUsd: M(25) }, { whaleUsd: M(50), whaleValue: undefined, ownValue: M(200), ownCash: M(150) })).toBe(M(25));
    expect(buyUsd({ ...base, mode: 'percent', percent: M(10) }, { whaleUsd: M(50), whaleValue: undefined, ownValue: M(200), ownCash: M(150) })).toBe(M(15));
  });
  it('decide turns the USD into shares at the whale price and caps the price', () => {
    const d = decide(fill(), rules(), risk(), whale, account());
    expect(d).toEqual({ action: 'place', order: { side: 'buy', size: M(20), price: M(0.51), type: 'FAK', notional: M(10.2), maxFee: 0n } });
    const fixed = decide(fill(), rules(), risk({ sizing: { ...risk().sizing, mode: 'fixed', fixedUsd: M(25) } }), {}, account());
    expect(fixed.action === 'place' && fixed.order.size).toBe(M(50));
  });
  it('skips a proportional buy when the whale value is unknown', () => {
    expect(decide(fill(), rules(), risk(), {}, account())).toMatchObject({ action: 'skip', reason: 'whale_value_unknown' });
  });
});

describe('venue minimums', () => {
  it('skips a copy below the minimum size instead of inflating it', () => {
    const d = decide(fill(), rules(), risk(), { value: M(100_000) }, account());
    expect(d).toMatchObject({ action: 'skip', reason: 'below_minimum' });
  });
  it('skips a copy below the minimum value', () => {
    const d = decide(fill(), rules({ minSize: M(0.01) }), risk({ sizing: { ...risk().sizing, mode: 'fixed', fixedUsd: M(0.5) } }), {}, account());
    expect(d).toMatchObject({ action: 'skip', reason: 'below_minimum' });
    expect(d.action === 'skip' && d.detail).toContain('USD');
  });
});

describe('caps', () => {
  it('shrinks to the per-trade cap, never past it', () => {
    const d = decide(fill(), rules(), risk({}, { maxPerTrade: M(5) }), whale, account());
    expect(d).toMatchObject({ action: 'place', limitedBy: 'max_per_trade', order: { size: M(9.8), price: M(0.51) } });
    expect(d.action === 'place' && d.order.notional <= M(5)).toBe(true);
  });
  it('skips with the cap as reason when the cap leaves less than the venue minimum', () => {
    expect(decide(fill(), rules(), risk({}, { maxPerTrade: M(2) }), whale, account())).toMatchObject({ action: 'skip', reason: 'max_per_trade' });
  });
  it('per-market cap counts what is already in the market', () => {
    expect(decide(fill(), rules(), risk({}, { maxPerMarket: M(10) }), whale, account({ marketExposure: M(8) }))).toMatchObject({
      action: 'skip',
      reason: 'max_per_market',
    });
    const d = decide(fill(), rules(), risk({}, { maxPerMarket: M(14) }), whale, account({ marketExposure: M(8) }));
    expect(d).toMatchObject({ action: 'place', limitedBy: 'max_per_market', order: { size: M(11.76) } });
  });
  it('total exposure and daily volume caps', () => {
    expect(decide(fill(), rules(), risk({}, { maxExposure: M(100) }), whale, account({ totalExposure: M(99) }))).toMatchObject({ reason: 'max_exposure' });
    expect(decide(fill(), rules(), risk({}, { maxDailyVolume: M(500) }), whale, account({ dailyVolume: M(500) }))).toMatchObject({ reason: 'max_daily_volume' });
    const d = decide(fill(), rules(), risk({}, { maxDailyVolume: M(500) }), whale, account({ dailyVolume: M(494) }));
    expect(d).toMatchObject({ action: 'place', limitedBy: 'max_daily_volume', order: { size: M(11.76) } });
  });
  it('never spends more than the free cash', () => {
    expect(decide(fill(), rules(), risk(), whale, account({ availableCash: M(2) }))).toMatchObject({ reason: 'insufficient_balance' });
    const d = decide(fill(), rules(), risk(), whale, account({ availableCash: M(6) }));
    expect(d.action === 'place' && d.order.notional <= M(6)).toBe(true);
  });
  it('the tightest cap wins', () => {
    const d = decide(fill(), rules(), risk({}, { maxPerTrade: M(8), maxExposure: M(106) }), whale, account({ totalExposure: M(100) }));
    expect(d).toMatchObject({ action: 'place', limitedBy: 'max_exposure', order: { size: M(11.76) } });
  });
});

describe('daily-loss kill switch', () => {
  it('stops buying once the loss reaches the limit', () => {
    expect(decide(fill(), rules(), risk({}, { dailyLossLimit: M(50) }), whale, account({ dailyPnl: -M(50) }))).toMatchObject({
      action: 'skip',
      reason: 'daily_loss_limit',
    });
    expect(decide(fill(), rules(), risk({}, { dailyLossLimit: M(50) }), whale, account({ dailyPnl: -M(49.99) }))).toMatchObject({ action: 'place' });
  });
  it('still lets sells through (they only lower risk)', () => {
    const d = decide(fill({ side: 'sell', size: M(50) }), rules(), risk({}, { dailyLossLimit: M(50) }), { positionBefore: M(100) }, account({ dailyPnl: -M(80), position: M(40) }));
    expect(d).toMatchObject({ action: 'place', order: { side: 'sell', size: M(20) } });
  });
});

describe('slippage cap', () => {
  it('buys at most whale x (1 + slippage), sells at least whale x (1 - slippage), on the tick grid', () => {
    expect(worstPrice('buy', M(0.5), M(0.02), M(0.01))).toBe(M(0.51));
    expect(worstPrice('sell', M(0.5), M(0.02), M(0.01))).toBe(M(0.49));
    expect(worstPrice('buy', M(0.555), M(0.02), M(0.001))).toBe(M(0.566));
    // Off-grid results are rounded toward the whale's price: never a looser cap than asked.
    expect(worstPrice('buy', M(0.337), M(0.01), M(0.01))).toBe(M(0.34));
    expect(worstPrice('sell', M(0.505), M(0.02), M(0.01))).toBe(M(0.5));
  });
  it('stays inside (0, 1)', () => {
    expect(worstPrice('buy', M(0.99), M(0.1), M(0.01))).toBe(M(0.99));
    expect(worstPrice('sell', M(0.02), M(0.5), M(0.01))).toBe(M(0.01));
    expect(worstPrice('sell', M(0.01), M(0.1), M(0.01))).toBe(M(0.01));
    expect(worstPrice('buy', 0n, M(0.1), M(0.01))).toBeUndefined();
    expect(worstPrice('buy', M(1), M(0.1), M(0.01))).toBeUndefined();
  });
  it('zero slippage caps at the whale price itself', () => {
    expect(worstPrice('buy', M(0.42), 0n, M(0.01))).toBe(M(0.42));
    expect(worstPrice('sell', M(0.42), 0n, M(0.01))).toBe(M(0.42));
  });
  it('reserves size x cap rounded up', () => {
    expect(notionalOf(M(3.33), M(0.333))).toBe(1108890n);
    expect(notionalOf(1n, 1n)).toBe(1n);
  });
});

describe('proportional sells', () => {
  it('sells the fraction the whale sold of its prior position', () => {
    expect(sellShares(M(40), M(50), M(200))).toBe(M(10));
    const d = decide(fill({ side: 'sell', size: M(50) }), rules(), risk(), { positionBefore: M(200) }, account({ position: M(40) }));
    expect(d).toEqual({ action: 'place', order: { side: 'sell', size: M(10), price: M(0.49), type: 'FAK', notional: M(4.9), maxFee: 0n } });
  });
  it('never sells more than held', () => {
    expect(sellShares(M(40), M(300), M(200))).toBe(M(40));
    expect(sellShares(M(40), M(50), undefined)).toBe(M(40));
    expect(sellShares(M(40), M(200), M(200))).toBe(M(40));
  });
  it('skips with nothing held, and below the venue minimum', () => {
    expect(decide(fill({ side: 'sell' }), rules(), risk(), { positionBefore: M(200) }, account())).toMatchObject({ reason: 'no_position' });
    expect(decide(fill({ side: 'sell', size: M(20) }), rules(), risk(), { positionBefore: M(200) }, account({ position: M(6) }))).toMatchObject({
      reason: 'below_minimum',
    });
  });
  it('skips a sell when the whale\'s book could not be read, instead of selling everything on a guess', () => {
    expect(decide(fill({ side: 'sell', size: M(50) }), rules(), risk(), {}, account({ position: M(40) }))).toEqual({
      action: 'skip',
      reason: 'whale_position_unknown',
      detail: 'no positions of 0xwhale could be read: the fraction sold is unknown',
    });
    // A book that was read but lacks the token: the whale exited, so we exit.
    expect(decide(fill({ side: 'sell', size: M(50) }), rules(), risk(), { positionBefore: 0n }, account({ position: M(40) }))).toMatchObject({ action: 'place', order: { size: M(40) } });
  });
});

describe('market filters', () => {
  it('skips closed, inactive, denied and not-allowed markets', () => {
    expect(decide(fill(), rules({ closed: true }), risk(), whale, account())).toMatchObject({ reason: 'market_closed' });
    expect(decide(fill(), rules({ active: false }), risk(), whale, account())).toMatchObject({ reason: 'market_inactive' });
    expect(decide(fill(), rules(), risk({ deny: ['WILL-IT-RAIN'] }), whale, account())).toMatchObject({ reason: 'market_denied' });
    expect(decide(fill(), rules(), risk({ allow: ['C2'] }), whale, account())).toMatchObject({ reason: 'market_not_allowed' });
    expect(decide(fill(), rules(), risk({ allow: ['T1'] }), whale, account())).toMatchObject({ action: 'place' });
  });
});

describe('exits below the limit-order minimum', () => {
  // Polymarket's rules: limit orders need 5 shares, marketable orders $1 (rules() defaults).
  it('a 3-share leftover is sold with a marketable FAK when it is worth at least $1', () => {
    const d = decide(fill({ side: 'sell', size: M(100), price: M(0.6) }), rules(), risk({ orderType: 'FOK' }), { positionBefore: M(100) }, account({ position: M(3) }));
    expect(d).toEqual({ action: 'place', order: { side: 'sell', size: M(3), price: M(0.59), type: 'FAK', notional: M(1.77), maxFee: 0n } });
  });
  it('a leftover worth under $1 cannot be sold and says why', () => {
    const d = decide(fill({ side: 'sell', size: M(100), price: M(0.2) }), rules(), risk(), { positionBefore: M(100) }, account({ position: M(3) }));
    expect(d).toEqual({ action: 'skip', reason: 'below_minimum', detail: 'value 0.6 USD is below the venue minimum of 1 USD' });
  });
  it('where the venue bounds marketable orders by size only (no $ minimum), the share minimum still applies', () => {
    const d = decide(fill({ side: 'sell', size: M(100), price: M(0.6) }), rules({ minSize: M(5), minNotional: 0n }), risk(), { positionBefore: M(100) }, account({ position: M(3) }));
    expect(d).toMatchObject({ action: 'skip', reason: 'below_minimum' });
  });
  it('a partial sale that would leave an unsellable remainder sells everything', () => {
    // Half of 7 is 3.5; 3.5 x 0.20 (the floor: 0.196 on the tick grid) = $0.70 could never be sold alone: all 7 go ($1.40).
    const d = decide(fill({ side: 'sell', size: M(50), price: M(0.2) }), rules(), risk(), { positionBefore: M(100) }, account({ position: M(7) }));
    expect(d).toEqual({ action: 'place', order: { side: 'sell', size: M(7), price: M(0.2), type: 'FAK', notional: M(1.4), maxFee: 0n } });
    // At 0.60 the 3.5 left is worth $2.065: a normal half sale.
    const normal = decide(fill({ side: 'sell', size: M(50), price: M(0.6) }), rules(), risk(), { positionBefore: M(100) }, account({ position: M(7) }));
    expect(normal).toMatchObject({ action: 'place', order: { size: M(3.5), price: M(0.59) } });
  });
});

describe('max copy fraction', () => {
  it('binds a proportional copy to a fraction of our equity and names itself', () => {
    // The whale bets $200 of $1000: proportional = $40 of our $200; a 10% ceiling = $20 -> 39.21 shares at 0.51.
    const d = decide(fill({ size: M(400) }), rules(), risk({ maxCopyFraction: M(0.1) }), whale, account({ availableCash: M(200) }));
    expect(d).toEqual({ action: 'place', order: { side: 'buy', size: M(39.21), price: M(0.51), type: 'FAK', notional: M(19.9971), maxFee: 0n }, limitedBy: 'max_copy_fraction' });
  });
  it('does not bind a copy inside it', () => {
    const d = decide(fill(), rules(), risk({ maxCopyFraction: M(0.1) }), whale, account());
    expect(d).toEqual({ action: 'place', order: { side: 'buy', size: M(20), price: M(0.51), type: 'FAK', notional: M(10.2), maxFee: 0n } });
  });
});

describe('taker fees are part of the worst-case cost of a buy', () => {
  // Polymarket schedule rate 0.07, exponent 1 (rules.ts maxTakerFee) and Kalshi's cent-rounded fee.
  const polymarketFee = rules({ takerFee: (shares, price) => maxTakerFee({ rate: 0.07, exponent: 1 }, shares, price) });
  const kalshi = rules({ tickSize: M(0.01), minSize: M(1), minNotional: 0n, sizeStep: M(1), takerFee: kalshiTakerFee });
  const fixed50 = (caps: RiskConfig['caps'] = {}) => risk({ sizing: { ...risk().sizing, mode: 'fixed', fixedUsd: M(50) } }, caps);

  it('a buy capped at $10 on a fee market sizes so that cost + max fee <= $10 (0.01 steps)', () => {
    // Cap price 0.51: 18.95 x 0.51 = 9.6645 + 0.07 x 18.95 x 0.51 x 0.49 = 0.331493 (up) -> 9.995993.
    // One step more: 18.96 -> 9.6696 + 0.331668 = 10.001268 > 10.
    const d = decide(fill(), polymarketFee, fixed50({ maxPerTrade: M(10) }), {}, account());
    expect(d).toEqual({ action: 'place', order: { side: 'buy', size: M(18.95), price: M(0.51), type: 'FAK', notional: M(9.6645), maxFee: M(0.331493) }, limitedBy: 'max_per_trade' });
  });

  it('whole contracts with the fee rounded up to the cent (Kalshi)', () => {
    // 19 contracts: 9.69 + 0.07 x 19 x 0.2499 = 0.332367 -> $0.34 = 10.03 > 10; 18: 9.18 + $0.32 = 9.50.
    const d = decide(fill(), kalshi, fixed50({ maxPerTrade: M(10) }), {}, account());
    expect(d).toEqual({ action: 'place', order: { side: 'buy', size: M(18), price: M(0.51), type: 'FAK', notional: M(9.18), maxFee: M(0.32) }, limitedBy: 'max_per_trade' });
  });

  it('per-market, exposure and daily volume room and free cash all bound cost + fee', () => {
    const room = { availableCash: M(150), marketExposure: M(40), totalExposure: M(90), dailyVolume: M(190) };
    for (const [caps, reason] of [
      [{ maxPerMarket: M(50) }, 'max_per_market'],
      [{ maxExposure: M(100) }, 'max_exposure'],
      [{ maxDailyVolume: M(200) }, 'max_daily_volume'],
    ] as const) {
      const d = decide(fill(), polymarketFee, fixed50(caps), {}, account(room));
      expect(d).toMatchObject({ action: 'place', order: { size: M(18.95), notional: M(9.6645), maxFee: M(0.331493) }, limitedBy: reason });
    }
    const cash = decide(fill(), polymarketFee, fixed50(), {}, account({ availableCash: M(10) }));
    expect(cash).toMatchObject({ action: 'place', order: { size: M(18.95), maxFee: M(0.331493) }, limitedBy: 'insufficient_balance' });
  });

  it('a copy whose cost fits but whose fee does not is shrunk, not placed whole', () => {
    // $9.69 of shares at 0.51 = 19 shares: 9.69 + 0.332367 > $9.75 free.
    const d = decide(fill(), polymarketFee, risk({ sizing: { ...risk().sizing, mode: 'fixed', fixedUsd: M(9.5) } }), {}, account({ availableCash: M(9.75) }));
    expect(d).toMatchObject({ action: 'place', order: { size: M(18.48) }, limitedBy: 'insufficient_balance' });
    if (d.action === 'place') expect(d.order.notional + d.order.maxFee).toBeLessThanOrEqual(M(9.75));
  });

  it('worstCost is size x cap (up) plus the fee at the cap', () => {
    expect(worstCost(M(10), M(0.5), polymarketFee)).toBe(M(5) + M(0.175));
    expect(worstCost(M(10), M(0.5), rules())).toBe(M(5));
  });
});
