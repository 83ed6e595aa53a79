/**
 * Orders refused before anything is sent: shape checks (no request at all) and market-rule checks
 * (tick, range, minimum size) against cached metadata.
 */
import { describe, expect, it } from 'vitest';
import { InvalidOrderError } from '../../../src/core/errors.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { MarketMeta } from '../../../src/exchanges/polymarket/market-meta.js';
import { checkOrderAgainstMarket, checkOrderShape } from '../../../src/exchanges/polymarket/orders.js';
import { adapterFor, countingServer, newKey } from './helpers.js';

const NOW = 1_800_000_000_000;
const order = (over: Partial<OrderParams> = {}): OrderParams => ({
  market: '123456789',
  side: 'buy',
  size: 10_000_000n,
  price: 550_000n,
  type: 'GTC',
  ...over,
});
const meta = (over: Partial<MarketMeta> = {}): MarketMeta => ({
  tokenId: '123456789',
  conditionId: '0x01',
  tickSize: '0.01',
  tick: 10_000n,
  minOrderSize: 5_000_000n,
  negRisk: false,
  feeRate: 0,
  feeExponent: 0,
  acceptingOrders: true,
  ...over,
});

describe('shape checks', () => {
  it.each([
    ['price 0', order({ price: 0n }), /outside \(0, 1\)/],
    ['price 1', order({ price: 1_000_000n }), /outside \(0, 1\)/],
    ['price above 1', order({ price: 1_200_000n }), /outside \(0, 1\)/],
    ['a token id that is not a uint256', order({ market: 'will-it-rain' }), /unknown token/],
    ['size 0', order({ size: 0n }), /must be positive/],
    ['3-decimal size', order({ size: 7_777_000n }), /more than 2 decimals/],
    ['GTD without expiry', order({ type: 'GTD' }), /INVALID_ORDER_EXPIRATION/],
    ['GTD expiring within a minute', order({ type: 'GTD', expiresAt: NOW / 1000 + 30 }), /INVALID_ORDER_EXPIRATION/],
  ])('refuses %s', (_name, params, reason) => {
    expect(() => checkOrderShape(params, NOW)).toThrow(InvalidOrderError);
    expect(() => checkOrderShape(params, NOW)).toThrow(reason);
  });

  it('accepts a well-formed GTD order', () => {
    expect(() => checkOrderShape(order({ type: 'GTD', expiresAt: NOW / 1000 + 3600 }), NOW)).not.toThrow();
  });
});

describe('market-rule checks', () => {
  it('off-tick price names INVALID_ORDER_MIN_TICK_SIZE and the tick', () => {
    expect(() => checkOrderAgainstMarket(order({ price: 555_000n }), meta())).toThrow(
      /INVALID_ORDER_MIN_TICK_SIZE: price 0.555 is not a multiple of the market's tick size 0.01/,
    );
    expect(() => checkOrderAgainstMarket(order({ price: 555_000n }), meta({ tickSize: '0.001', tick: 1_000n }))).not.toThrow();
  });

  it('the ends of the range [tick, 1 - tick] are accepted; a finer price on a coarse market is not', () => {
    expect(() => checkOrderAgainstMarket(order({ price: 1_000n, size: 5_000_000n }), meta({ tickSize: '0.001', tick: 1_000n }))).not.toThrow();
    expect(() => checkOrderAgainstMarket(order({ price: 999_900n }), meta({ tickSize: '0.0001', tick: 100n }))).not.toThrow();
    expect(() => checkOrderAgainstMarket(order({ price: 950_000n }), meta({ tickSize: '0.1', tick: 100_000n }))).toThrow(/tick size 0.1/);
  });

  it('limit size below the market minimum names INVALID_ORDER_MIN_SIZE', () => {
    expect(() => checkOrderAgainstMarket(order({ size: 4_990_000n }), meta())).toThrow(/INVALID_ORDER_MIN_SIZE.*minimum of 5 shares/);
    expect(() => checkOrderAgainstMarket(order({ size: 5_000_000n }), meta())).not.toThrow();
  });

  it('marketable orders need $1 of notional, not the share minimum', () => {
    expect(() => checkOrderAgainstMarket(order({ type: 'FOK', size: 1_000_000n, price: 500_000n }), meta())).toThrow(/at least \$1/);
    expect(() => checkOrderAgainstMarket(order({ type: 'FAK', size: 2_000_000n, price: 500_000n }), meta())).not.toThrow();
  });

  it('a market that no longer takes orders', () => {
    expect(() => checkOrderAgainstMarket(order(), meta({ acceptingOrders: false }))).toThrow(/MARKET_NOT_READY/);
  });
});

describe('through the adapter: shape refusals send nothing', () => {
  const venue = countingServer();

  it.each([order({ price: 1_000_000n }), order({ market: 'abc' }), order({ size: 1_234n })])('%#', async (params) => {
    const adapter = adapterFor({ clobUrl: venue.url() }, { privateKey: newKey().key });
    await expect(adapter.createOrder(params)).rejects.toBeInstanceOf(InvalidOrderError);
    expect(venue.hits()).toBe(0);
  });
});
