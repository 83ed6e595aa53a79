/**
 * Kalshi's trading fees: the fee formula and fee_rounding's worked examples as vectors, then what the
 * local Kalshi charges and what the adapter reports (create answer, order, fills, positions, balance).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import { orderResultFrom } from '../../../src/exchanges/kalshi/orders.js';
import { feePaid } from '../../../src/exchanges/kalshi/wire.js';
import { CENT, CENTICENT, fillFee, tradeFee } from '../../doubles/kalshi/fees.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { fillView } from '../../doubles/kalshi/views.js';
import { generateKey, makeAdapter } from './helpers.js';

const m = (text: string) => toMicros(text);

describe('fee formula: rate x C x P x (1 - P), rounded up to $0.0001', () => {
  it.each([
    ['0.07', '1', '0.50', '0.0175'], // the taker maximum per contract
    ['0.07', '10', '0.45', '0.1733'], // 0.17325
    ['0.07', '100', '0.05', '0.3325'],
    ['0.0175', '1', '0.55', '0.0044'], // maker: 0.00433125
    ['0.0175', '12', '0.55', '0.052'], // 0.051975
    ['0.0175', '100', '0.55', '0.4332'], // 0.433125
    ['0', '100', '0.50', '0'],
  ])('rate %s, %s contracts at %s -> %s', (rate, count, price, fee) => {
    expect(tradeFee(m(rate), m(count), m(price))).toBe(m(fee));
  });
});

describe('fee rounding (docs.kalshi.com/getting_started/fee_rounding worked examples, $0.01 balances)', () => {
  const run = (revenue: string, trade: string, fills: number, precision = CENT) => {
    let accumulator = 0n;
    const nets: bigint[] = [];
    for (let i = 0; i < fills; i++) {
      const fee = fillFee(m(revenue) * -1n, m(trade), accumulator, precision);
      accumulator = fee.accumulator;
      nets.push(fee.net);
    }
    return nets;
  };

  it('subpenny prices: 3 x 1 contract at $0.055, trade fee $0.0085', () => {
    expect(run('0.055', '0.0085', 3)).toEqual([m('0.015'), m('0.005'), m('0.015')]);
  });

  it('fractional contracts: 3 x 0.30 at $0.50, trade fee $0.0041', () => {
    expect(run('0.15', '0.0041', 3)).toEqual([m('0.01'), 0n, m('0.01')]);
  });

  it('both: 3 x 0.03 at $0.3301, trade fee $0.0005', () => {
    expect(run('0.009903', '0.0005', 3)).toEqual([m('0.010097'), m('0.000097'), m('0.000097')]);
  });

  it('a direct member ($0.0001 balances) pays the trade fee alone on a centicent revenue', () => {
    expect(run('0.055', '0.0085', 1, CENTICENT)).toEqual([m('0.0085')]);
  });
});

describe('the adapter reads Kalshi fees as one cash total', () => {
  it('create-order-v2 average_fee_paid is per contract: total = average x fill count', () => {
    expect(feePaid('0.0180', m('10'))).toBe(m('0.18'));
    expect(feePaid('0.01733', m('10'))).toBe(m('0.1733'));
    // The 6-decimal average is all the answer carries; fees are whole $0.0001, so the total is recovered.
    expect(feePaid('0.056667', m('3'))).toBe(m('0.17'));
    expect(feePaid('0.017778', m('9'))).toBe(m('0.16'));
    expect(feePaid('0.000001', m('99'))).toBe(m('0.0001'));
  });

  it('an order resource carries taker_fees_dollars + maker_fees_dollars', () => {
    const order = { order_id: 'o', ticker: 'T', status: 'executed', book_side: 'bid' as const, yes_price_dollars: '0.50', initial_count_fp: '10.00', fill_count_fp: '10.00' };
    expect(orderResultFrom({ ...order, taker_fees_dollars: '0.1200', maker_fees_dollars: '0.0300' }).fee).toEqual({ usd: m('0.15'), shares: 0n });
    expect(orderResultFrom(order).fee).toBeUndefined();
  });
});

describe('fees on the local Kalshi', () => {
  const TICKER = 'KXFEES-26DEC31';
  const MAKER_TICKER = 'KXMAKER-26DEC31';
  const [takerKey, makerKey] = [generateKey(), generateKey()];
  let kalshi: KalshiSandbox;
  let centicent: KalshiSandbox;
  const buy = (overrides: Partial<OrderParams> = {}): OrderParams => ({
    market: TICKER,
    outcome: 'yes',
    side: 'buy',
    size: m('10'),
    price: m('0.45'),
    type: 'FAK',
    ...overrides,
  });

  beforeAll(async () => {
    [kalshi, centicent] = await Promise.all([startKalshiSandbox(), startKalshiSandbox({ balancePrecision: 'centicent' })]);
    for (const sandbox of [kalshi, centicent]) {
      sandbox.registerKey('taker', takerKey.publicKeyPem);
      sandbox.fund('taker', 100_00);
      // YES ask 0.45 (a NO bid at 0.55), YES bid 0.40: default fees (taker 0.07, no maker fee).
      sandbox.addMarket({ ticker: TICKER, yesBids: [['0.40', '100']], noBids: [['0.55', '100']] });
    }
    kalshi.registerKey('maker', makerKey.publicKeyPem);
    kalshi.fund('maker', 100_00);
    kalshi.addMarket({ ticker: MAKER_TICKER, fees: { maker: '0.0175' } });
  });
  afterAll(async () => {
    await Promise.all([kalshi?.close(), centicent?.close()]);
  });

  it('charges a taker buy of 10 at 0.45 exactly ceil-to-cent(0.07 x 10 x 0.45 x 0.55) = $0.18 and reports it everywhere', async () => {
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'taker', pem: takerKey.privateKeyPem });
    const result = await adapter.createOrder(buy());
    expect(result).toMatchObject({ status: 'filled', filledSize: m('10'), filledValue: m('4.5'), fee: { usd: m('0.18'), shares: 0n } });
    expect(result.info).toMatchObject({ average_fill_price: '0.4500', average_fee_paid: '0.0180' });
    expect((await adapter.fetchBalance()).cash).toBe(m('100') - m('4.5') - m('0.18'));
    expect((await adapter.fetchOrder(result.orderId)).fee).toEqual({ usd: m('0.18'), shares: 0n });
    expect((await adapter.fetchOrder(result.orderId)).info).toMatchObject({ taker_fees_dollars: '0.1800', maker_fees_dollars: '0.0000' });
    const fills = kalshi.exchange.fills.filter((f) => f.order_id === result.orderId);
    expect(fills.map((f) => fillView(f).fee_cost)).toEqual(['0.1800']);
    const [position] = await adapter.fetchPositions();
    expect(position?.info).toMatchObject({ ticker: TICKER, position_fp: '10.00', fees_paid_dollars: '0.1800' });
  });

  it('charges a resting order the market\'s maker rate when it fills, and its taker the taker rate', async () => {
    const maker = makeAdapter({ url: kalshi.url, keyId: 'maker', pem: makerKey.privateKeyPem });
    const taker = makeAdapter({ url: kalshi.url, keyId: 'taker', pem: takerKey.privateKeyPem });
    const resting = await maker.createOrder(buy({ market: MAKER_TICKER, price: m('0.50'), type: 'GTC' }));
    expect(resting.status).toBe('open');
    expect(resting.fee).toBeUndefined();
    const takerCash = (await taker.fetchBalance()).cash;
    // The taker sells 10 YES it does not hold (opens 10 NO at 0.50) into the maker's bid.
    const hit = await taker.createOrder(buy({ market: MAKER_TICKER, side: 'sell', price: m('0.50') }));
    // Taker: 0.07 x 10 x 0.25 = 0.175 -> 0.18. Maker: 0.0175 x 10 x 0.25 = 0.04375 -> 0.0438 -> 0.05.
    expect(hit).toMatchObject({ status: 'filled', filledSize: m('10'), fee: { usd: m('0.18'), shares: 0n } });
    expect((await taker.fetchBalance()).cash).toBe(takerCash - m('5') - m('0.18'));
    const filled = await maker.fetchOrder(resting.orderId);
    expect(filled).toMatchObject({ status: 'filled', filledSize: m('10'), fee: { usd: m('0.05'), shares: 0n } });
    expect(filled.info).toMatchObject({ taker_fees_dollars: '0.0000', maker_fees_dollars: '0.0500' });
    expect((await maker.fetchBalance()).cash).toBe(m('100') - m('5') - m('0.05'));
  });

  it('a fill of 100 contracts or more reads the exact fee from the order (the answer\'s average cannot carry it)', async () => {
    const BIG = 'KXBIG-26DEC31';
    kalshi.registerKey('big', takerKey.publicKeyPem);
    kalshi.fund('big', 1000_00);
    kalshi.addMarket({ ticker: BIG, yesBids: [['0.30', '10']], noBids: [['0.67', '1000']] });
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'big', pem: takerKey.privateKeyPem });
    const lookups = () => kalshi.requests.filter((r) => r.method === 'GET' && r.path.includes('/portfolio/orders/')).length;
    const before = lookups();
    const result = await adapter.createOrder(buy({ market: BIG, size: m('333'), price: m('0.33') }));
    // 0.07 x 333 x 0.33 x 0.67 = 5.1537... -> $5.1538, settled on a cent balance as $5.16.
    expect(result).toMatchObject({ status: 'filled', filledSize: m('333'), filledValue: m('109.89') });
    expect(result.fee).toEqual((await adapter.fetchOrder(result.orderId)).fee);
    expect(lookups()).toBe(before + 2);
    expect((await adapter.fetchBalance()).cash).toBe(m('1000') - m('109.89') - result.fee!.usd);
  });

  it('settles a direct member ($0.0001 balances) to the centicent: the same buy costs $0.1733', async () => {
    const adapter = makeAdapter({ url: centicent.url, keyId: 'taker', pem: takerKey.privateKeyPem });
    const result = await adapter.createOrder(buy());
    expect(result.info).toMatchObject({ average_fee_paid: '0.017330' });
    expect(result.fee).toEqual({ usd: m('0.1733'), shares: 0n });
    expect((await adapter.fetchBalance()).cash).toBe(m('95.3267'));
    expect(centicent.cash('taker')).toBe(m('95.3267'));
  });
});
