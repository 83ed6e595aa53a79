/**
 * Fees, holdings and small exits through the adapter against the local venue: OrderResult.fee for
 * createOrder and fetchOrder (shares withheld on a BUY, pUSD on a SELL, none for a maker), fetchHolding
 * from the CLOB's CONDITIONAL balance, FAK exits worth $1 or more, and $1-minimum refusals before sending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trade } from '@polymarket/clob-client-v2';
import { BadInputError, InvalidOrderError } from '../../../src/core/errors.js';
import { takerFee, takerFillsOf } from '../../../src/exchanges/polymarket/fees.js';
import { makeMarket, startPolymarketSandbox, type PolymarketSandbox, type SandboxMarket } from '../../../src/sandbox/polymarket/index.js';
import { adapterFor, newKey, startInterposer, type Interposer } from './helpers.js';

const USD = 1_000_000n;
let sandbox: PolymarketSandbox;
let marketCount = 0;
const closeLater: Interposer[] = [];

beforeAll(async () => {
  sandbox = await startPolymarketSandbox({ liquidity: false, markets: [] });
});
afterAll(async () => {
  await Promise.all(closeLater.map((i) => i.close()));
  await sandbox?.close();
});

/** A fresh market per test (tick 0.01, minimum 5 shares), so every balance below is absolute. */
function newMarket(feeRate?: number): { market: SandboxMarket; token: string } {
  marketCount += 1;
  const market = makeMarket({ slug: `adapter-fees-${marketCount}`, eventSlug: 'fees', question: `Fees ${marketCount}?`, tickSize: '0.01', feeRate });
  sandbox.markets.push(market);
  return { market, token: market.tokens[0].tokenId };
}

function trader(cash = 0n, url = sandbox.clobUrl) {
  const { key, address } = newKey();
  if (cash > 0n) sandbox.fund(address, cash);
  return { address, adapter: adapterFor({ clobUrl: url, dataApiUrl: sandbox.dataApiUrl }, { privateKey: key }) };
}

async function restSell(token: string, shares: bigint, price: bigint) {
  const maker = trader();
  sandbox.setShares(maker.address, token, shares);
  const order = await maker.adapter.createOrder({ market: token, side: 'sell', size: shares, price, type: 'GTC' });
  return { ...maker, orderId: order.orderId };
}

async function restBuy(token: string, shares: bigint, price: bigint) {
  const maker = trader((shares * price) / USD);
  const order = await maker.adapter.createOrder({ market: token, side: 'buy', size: shares, price, type: 'GTC' });
  return { ...maker, orderId: order.orderId };
}

const posts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/order').length;

describe('the fee rule (vectors)', () => {
  const at = (shares: bigint, price: bigint) => [{ shares, price }];
  it.each([
    // py-clob-client issue #311: BUY 5 @ 0.29 at rate 0.03 left 4.8935 shares.
    ['BUY 5 @ 0.29, rate 0.03', 'buy', at(5_000_000n, 290_000n), 0.03, 1, { shares: 106_500n, usd: 0n }],
    // docs example: 10 shares at 0.65, rate 0.07 -> $0.15925.
    ['SELL 10 @ 0.65, rate 0.07', 'sell', at(10_000_000n, 650_000n), 0.07, 1, { shares: 0n, usd: 159_250n }],
    ['SELL 1.23 @ 0.33, rate 0.07: 0.01903671 rounds down to 0.01903', 'sell', at(1_230_000n, 330_000n), 0.07, 1, { shares: 0n, usd: 19_030n }],
    ['SELL 0.01 @ 0.01, rate 0.03: below 0.00001, no fee', 'sell', at(10_000n, 10_000n), 0.03, 1, { shares: 0n, usd: 0n }],
    ['BUY 10 @ 0.5, rate 0.0175 (four decimals)', 'buy', at(10_000_000n, 500_000n), 0.0175, 1, { shares: 87_500n, usd: 0n }],
    ['exponent 0 (the official client default): C x rate', 'sell', at(10_000_000n, 500_000n), 0.03, 0, { shares: 0n, usd: 300_000n }],
  ] as const)('%s', (_name, side, fills, rate, exponent, fee) => {
    expect(takerFee(side, fills, { rate, exponent })).toEqual(fee);
  });

  it('a maker on the other outcome (a mint or merge match) traded at 1 - its price; trades of other orders do not count', () => {
    const trades = [
      { taker_order_id: '0xa', maker_orders: [{ matched_amount: '4', price: '0.3', asset_id: '1' }, { matched_amount: '6', price: '0.75', asset_id: '2' }] },
      { taker_order_id: '0xb', maker_orders: [{ matched_amount: '9', price: '0.3', asset_id: '1' }] },
    ] as unknown as Trade[];
    expect(takerFillsOf(trades, '0xa', '1')).toEqual([{ shares: 4_000_000n, price: 300_000n }, { shares: 6_000_000n, price: 250_000n }]);
  });
});

describe('OrderResult.fee on a market that charges fees', () => {
  it('FAK BUY 100 @ 0.50 at rate 0.03: 100 matched for $50, 1.5 shares withheld, 98.5 held', async () => {
    const { token } = newMarket(0.03);
    await restSell(token, 100n * USD, 500_000n);
    const { adapter } = trader(100n * USD);

    const result = await adapter.createOrder({ market: token, side: 'buy', size: 100n * USD, price: 500_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'filled', filledSize: 100n * USD, filledValue: 50n * USD, fee: { shares: 1_500_000n, usd: 0n } });
    expect(await adapter.fetchHolding(token)).toBe(98_500_000n);
    expect((await adapter.fetchBalance()).cash).toBe(50n * USD);
    expect(await adapter.fetchOrder(result.orderId)).toMatchObject({ filledSize: 100n * USD, fee: { shares: 1_500_000n, usd: 0n } });
  });

  it('FAK SELL 100 @ 0.40 at rate 0.03: $40 matched, $0.72 withheld, $39.28 received', async () => {
    const { token } = newMarket(0.03);
    const maker = await restBuy(token, 100n * USD, 400_000n);
    const seller = trader();
    sandbox.setShares(seller.address, token, 100n * USD);

    const result = await seller.adapter.createOrder({ market: token, side: 'sell', size: 100n * USD, price: 400_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'filled', filledSize: 100n * USD, filledValue: 40n * USD, fee: { usd: 720_000n, shares: 0n } });
    expect((await seller.adapter.fetchBalance()).cash).toBe(39_280_000n);
    expect(await seller.adapter.fetchHolding(token)).toBe(0n);
    // The maker paid nothing: all 100 shares, and its order reports a zero fee.
    expect(await maker.adapter.fetchHolding(token)).toBe(100n * USD);
    expect((await maker.adapter.fetchOrder(maker.orderId)).fee).toEqual({ usd: 0n, shares: 0n });
  });

  it('a BUY across two price levels: one fee per fill at its price, each rounded down to 5 decimals', async () => {
    const { token } = newMarket(0.07);
    await restSell(token, 5_010_000n, 330_000n);
    await restSell(token, 7_030_000n, 370_000n);
    const { adapter } = trader(10n * USD);

    const result = await adapter.createOrder({ market: token, side: 'buy', size: 12_040_000n, price: 370_000n, type: 'GTC' });
    // 5.01 x 0.07 x 0.67 = 0.234969 -> 0.23496 and 7.03 x 0.07 x 0.63 = 0.310023 -> 0.31002.
    expect(result).toMatchObject({ status: 'filled', filledSize: 12_040_000n, filledValue: 4_254_400n, fee: { shares: 544_980n, usd: 0n } });
    expect(await adapter.fetchHolding(token)).toBe(11_495_020n);
    expect((await adapter.fetchBalance()).cash).toBe(5_745_600n);
    expect((await adapter.fetchOrder(result.orderId)).fee).toEqual({ shares: 544_980n, usd: 0n });
  });

  it('a resting order filled later is a maker: no fee, every share held', async () => {
    const { token } = newMarket(0.03);
    const resting = await restBuy(token, 10n * USD, 600_000n);
    const seller = trader();
    sandbox.setShares(seller.address, token, 10n * USD);
    const sold = await seller.adapter.createOrder({ market: token, side: 'sell', size: 10n * USD, price: 600_000n, type: 'FOK' });
    // The seller was the taker: 10 x 0.03 x 0.6 x 0.4 = $0.072.
    expect(sold.fee).toEqual({ usd: 72_000n, shares: 0n });
    expect(await resting.adapter.fetchOrder(resting.orderId)).toMatchObject({ status: 'filled', filledSize: 10n * USD, fee: { usd: 0n, shares: 0n } });
    expect(await resting.adapter.fetchHolding(token)).toBe(10n * USD);
  });

  it('when the trade records cannot be read, the fee comes from the answer (exact at one price)', async () => {
    const { token } = newMarket(0.03);
    await restSell(token, 20n * USD, 200_000n);
    const proxy = await startInterposer(sandbox.url, ({ path }) =>
      path.startsWith('/data/trades') ? { answer: { status: 503, body: { error: 'unavailable' } } } : undefined,
    );
    closeLater.push(proxy);
    const { adapter } = trader(10n * USD, proxy.url);
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 20n * USD, price: 200_000n, type: 'FOK' });
    // 20 x 0.03 x 0.8 = 0.48 shares.
    expect(result.fee).toEqual({ shares: 480_000n, usd: 0n });
    expect(proxy.seen.filter((r) => r.startsWith('GET /data/trades?'))).toHaveLength(1);
    expect(sandbox.sharesOf((await adapter.fetchBalance()).account!, token)).toBe(19_520_000n);
  });

  it('a fee-free market reports no fee and holds every share bought', async () => {
    const { token } = newMarket();
    await restSell(token, 10n * USD, 500_000n);
    const { adapter } = trader(5n * USD);
    const result = await adapter.createOrder({ market: token, side: 'buy', size: 10n * USD, price: 500_000n, type: 'GTC' });
    expect(result.filledSize).toBe(10n * USD);
    expect(result.fee).toBeUndefined();
    expect((await adapter.fetchOrder(result.orderId)).fee).toBeUndefined();
    expect(await adapter.fetchHolding(token)).toBe(10n * USD);
  });
});

describe('fetchHolding', () => {
  it('reads the CLOB CONDITIONAL balance of the funder, 0 for a token never held', async () => {
    const { token, market } = newMarket();
    const { address, adapter } = trader();
    sandbox.setShares(address, token, 7_250_000n);
    expect(await adapter.fetchHolding(token)).toBe(7_250_000n);
    expect(await adapter.fetchHolding(market.tokens[1].tokenId)).toBe(0n);
    const asked = sandbox.requests.filter((r) => r.path.startsWith('/balance-allowance?'));
    expect(asked.at(-1)!.path).toContain(`asset_type=CONDITIONAL&token_id=${market.tokens[1].tokenId}`);
  });

  it('a malformed token id is refused before anything is sent', async () => {
    const { adapter } = trader();
    const before = sandbox.requests.length;
    await expect(adapter.fetchHolding('will-it-rain')).rejects.toBeInstanceOf(BadInputError);
    expect(sandbox.requests.length).toBe(before);
  });
});

describe('small exits: a marketable order needs $1 of value, not the 5-share limit minimum', () => {
  it('a FAK sell of 3 shares at 0.60 ($1.80) is accepted and fills', async () => {
    const { token } = newMarket();
    await restBuy(token, 10n * USD, 600_000n);
    const seller = trader();
    sandbox.setShares(seller.address, token, 3n * USD);
    const result = await seller.adapter.createOrder({ market: token, side: 'sell', size: 3n * USD, price: 600_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'filled', filledSize: 3n * USD, filledValue: 1_800_000n });
    expect(await seller.adapter.fetchHolding(token)).toBe(0n);
    expect((await seller.adapter.fetchBalance()).cash).toBe(1_800_000n);
  });

  it.each([
    ['a FAK sell of 1 share at 0.60 ($0.60)', 'sell', 1_000_000n, 'FAK', /marketable SELL order must be worth at least \$1 \(this one: \$0\.6\)/],
    ['a FOK sell of 1.66 shares at 0.60 ($0.996)', 'sell', 1_660_000n, 'FOK', /marketable SELL order must be worth at least \$1 \(this one: \$0\.996\)/],
    ['a FAK buy of 1.5 shares at 0.60 ($0.90)', 'buy', 1_500_000n, 'FAK', /marketable BUY order must be worth at least \$1 \(this one: \$0\.9\)/],
    ['a GTC sell of 3 shares (limit orders need 5)', 'sell', 3_000_000n, 'GTC', /INVALID_ORDER_MIN_SIZE: size 3 is below the market's minimum of 5 shares/],
  ] as const)('%s is refused before sending', async (_name, side, size, type, reason) => {
    const { token } = newMarket();
    await restBuy(token, 10n * USD, 600_000n);
    const { address, adapter } = trader(10n * USD);
    sandbox.setShares(address, token, 5n * USD);
    await adapter.fetchOrderBook(token); // market rules cached; what follows is the order alone
    const before = posts();
    const error = await adapter.createOrder({ market: token, side, size, price: 600_000n, type }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toMatch(reason);
    expect(posts()).toBe(before);
    expect(await adapter.fetchHolding(token)).toBe(5n * USD);
  });
});
