/**
 * Orders refused before anything is sent: shape and bound checks (no request at all; bad input, exit 2)
 * and market-rule checks (tick, range, minimum size) against cached metadata.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/exit.js';
import { BadInputError, InvalidOrderError } from '../../../src/core/errors.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { MarketMeta } from '../../../src/exchanges/polymarket/market.js';
import { MAX_SHARES, checkOrderAgainstMarket, checkOrderShape } from '../../../src/exchanges/polymarket/orders.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../../src/sandbox/polymarket/index.js';
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

const DAY = 86_400;
const nowSeconds = NOW / 1000;

describe('shape checks', () => {
  it.each<[string, OrderParams, RegExp, RegExp]>([
    ['a token id that is not a uint256', order({ market: 'will-it-rain' }), /unknown token "will-it-rain"/, /--token/],
    ['a token id with a path in it', order({ market: '123/../order' }), /unknown token/, /--token/],
    ['size 0', order({ size: 0n }), /size 0 must be positive/, /--size/],
    ['3-decimal size', order({ size: 7_777_000n }), /size 7\.777 has more than 2 decimals/, /--size/],
    ['1e30 shares', order({ size: 10n ** 36n }), /size 1000000000000000000000000000000 shares is above the 100000/, /--size to at most 100000/],
    ['one cent over the maximum', order({ size: MAX_SHARES + 10_000n }), /above the 100000 one Polymarket order may carry/, /split/],
    ['GTD without expiry', order({ type: 'GTD' }), /INVALID_ORDER_EXPIRATION/, /--expires/],
    ['GTD expiring within a minute', order({ type: 'GTD', expiresAt: nowSeconds + 30 }), /more than 60 s ahead; .* is 30 s from now.*INVALID_ORDER_EXPIRATION/, /--expires/],
    ['GTD expiring exactly a minute ahead', order({ type: 'GTD', expiresAt: nowSeconds + 60 }), /more than 60 s ahead/, /--expires/],
    ['GTD in the past', order({ type: 'GTD', expiresAt: nowSeconds - 10 }), /more than 60 s ahead/, /--expires/],
    ['GTD 99999999999999999999d ahead', order({ type: 'GTD', expiresAt: nowSeconds + 99999999999999999999 * DAY }), /at most 365 days ahead; this one is 100000000000000000000 days from now/, /365d/],
    ['GTD 366 days ahead', order({ type: 'GTD', expiresAt: nowSeconds + 366 * DAY }), /at most 365 days ahead; this one is 366 days from now/, /--type gtc/],
    ['GTD at a fraction of a second', order({ type: 'GTD', expiresAt: nowSeconds + 3600.5 }), /whole unix seconds/, /--expires/],
  ])('refuses %s as bad input (exit 2), naming the field and the fix', (_name, params, reason, fix) => {
    const error = (() => {
      try {
        checkOrderShape(params, NOW);
      } catch (e) {
        return e;
      }
    })() as BadInputError;
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(reason);
    expect(error.hint).toMatch(fix);
    expect(describeError(error).exitCode).toBe(2);
  });

  it.each([
    ['price 0', order({ price: 0n })],
    ['price 1', order({ price: 1_000_000n })],
    ['price above 1', order({ price: 1_200_000n })],
  ])('refuses %s as bad input (exit 2), naming the price rule', (_name, params) => {
    expect(() => checkOrderShape(params, NOW)).toThrow(BadInputError);
    expect(() => checkOrderShape(params, NOW)).toThrow(/outside \(0, 1\)/);
  });

  it('accepts the bounds themselves: 100,000 shares, and GTD expiries 61 s and 365 days ahead', () => {
    expect(() => checkOrderShape(order({ size: MAX_SHARES }), NOW)).not.toThrow();
    expect(() => checkOrderShape(order({ type: 'GTD', expiresAt: nowSeconds + 61 }), NOW)).not.toThrow();
    expect(() => checkOrderShape(order({ type: 'GTD', expiresAt: nowSeconds + 365 * DAY }), NOW)).not.toThrow();
    expect(() => checkOrderShape(order({ type: 'GTD', expiresAt: nowSeconds + 3600 }), NOW)).not.toThrow();
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

  it.each<[string, OrderParams]>([
    ['token id', order({ market: 'abc' })],
    ['size precision', order({ size: 1_234n })],
    ['size above the maximum', order({ size: 10n ** 36n })],
    ['GTD beyond a year', order({ type: 'GTD', expiresAt: Math.floor(Date.now() / 1000) + 99999999999999999999 * DAY })],
  ])('%s: BadInputError, no request', async (_name, params) => {
    const adapter = adapterFor({ clobUrl: venue.url() }, { privateKey: newKey().key });
    await expect(adapter.createOrder(params)).rejects.toBeInstanceOf(BadInputError);
    expect(venue.hits()).toBe(0);
  });

  it('price outside (0, 1): BadInputError, no request', async () => {
    const adapter = adapterFor({ clobUrl: venue.url() }, { privateKey: newKey().key });
    await expect(adapter.createOrder(order({ price: 1_000_000n }))).rejects.toBeInstanceOf(BadInputError);
    expect(venue.hits()).toBe(0);
  });

  it.each([
    ['cancel', (a: ReturnType<typeof adapterFor>) => a.cancelOrder({ orderIds: ['not-an-id;rm -rf'] })],
    ['cancel with one good id among them', (a: ReturnType<typeof adapterFor>) => a.cancelOrder({ orderIds: [`0x${'ab'.repeat(32)}`, '0x1234'] })],
    ['fetchOrder', (a: ReturnType<typeof adapterFor>) => a.fetchOrder('../data/orders')],
  ])('%s of a malformed order id: BadInputError naming the id and its shape, no request', async (_name, call) => {
    const adapter = adapterFor({ clobUrl: venue.url() }, { privateKey: newKey().key });
    const error = (await call(adapter).catch((e: unknown) => e)) as BadInputError;
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(/is not a Polymarket order id \(0x followed by 64 hex digits/);
    expect(error.hint).toMatch(/orderId an order command printed|--all/);
    expect(describeError(error).exitCode).toBe(2);
    expect(venue.hits()).toBe(0);
  });

  it.each([
    ['fetchOrderBook', (a: ReturnType<typeof adapterFor>) => a.fetchOrderBook('../book')],
    ['getMarketPrice', (a: ReturnType<typeof adapterFor>) => a.getMarketPrice('x?token_id=1')],
    ['fetchOpenOrders', (a: ReturnType<typeof adapterFor>) => a.fetchOpenOrders('abc')],
  ])('%s of a malformed token id: BadInputError, no request', async (_name, call) => {
    const adapter = adapterFor({ clobUrl: venue.url() }, { privateKey: newKey().key });
    await expect(call(adapter)).rejects.toBeInstanceOf(BadInputError);
    expect(venue.hits()).toBe(0);
  });
});

describe('the size bound keeps the official client\'s amounts exact', () => {
  let sandbox: PolymarketSandbox;
  beforeAll(async () => {
    sandbox = await startPolymarketSandbox();
  });
  afterAll(() => sandbox.close());

  it.each([
    ['rain', 'buy', 570_000n],
    ['rain', 'sell', 990_000n],
    ['coin', 'buy', 999_000n],
    ['coin', 'sell', 1_000n],
  ] as const)('a dry run of 99,999.99 shares on the %s market (%s at %s) signs size x price to the micro-unit', async (slug, side, price) => {
    const token = sandbox.markets.find((m) => m.slug.includes(slug))!.tokens[0].tokenId;
    const adapter = adapterFor({ clobUrl: sandbox.clobUrl, chainId: '137', signatureType: 'eoa' }, { privateKey: newKey().key });
    const size = MAX_SHARES - 10_000n;
    const result = await adapter.createOrder({ market: token, side, size, price, type: 'GTC', dryRun: true });
    const signed = (result.request as { order: { makerAmount: string; takerAmount: string } }).order;
    const usd = (size * price) / 1_000_000n;
    expect(side === 'buy' ? [signed.makerAmount, signed.takerAmount] : [signed.takerAmount, signed.makerAmount]).toEqual([String(usd), String(size)]);
  });
});
