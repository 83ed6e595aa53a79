/**
 * reduce_only and fetchHolding against the local Kalshi. On Kalshi's single YES book a sell of YES without
 * YES held would open NO; reduce_only caps the order at the position it closes, so it never opens one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidOrderError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const TICKER = 'KXREDUCE-26DEC31';
const key = generateKey();
let kalshi: KalshiSandbox;
let adapter: KalshiAdapter;

const order = (overrides: Partial<OrderParams>): OrderParams => ({
  market: TICKER,
  outcome: 'yes',
  side: 'sell',
  size: toMicros('5'),
  price: toMicros('0.40'),
  type: 'FAK',
  reduceOnly: true,
  ...overrides,
});
const posts = () => kalshi.requests.filter((r) => r.method === 'POST');
const holdings = async () => [await adapter.fetchHolding(TICKER, 'yes'), await adapter.fetchHolding(TICKER, 'no')];

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-r', key.publicKeyPem);
  kalshi.fund('key-r', 100_00);
  // YES bid 0.40 x100; NO bid 0.55 x100 (= YES ask 0.45).
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '100']], noBids: [['0.55', '100']] });
  adapter = makeAdapter({ url: kalshi.url, keyId: 'key-r', pem: key.privateKeyPem });
});
afterAll(() => kalshi.close());

describe('reduce-only orders on the local Kalshi', () => {
  it('refuses a reduce-only sell of YES with nothing held: no NO position opens, no cash moves', async () => {
    const error = await adapter.createOrder(order({})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as InvalidOrderError).message).toMatch(/reduce only order would open or increase a position/);
    expect(posts().at(-1)?.body).toMatchObject({ side: 'ask', price: '0.4000', count: '5.00', reduce_only: true, time_in_force: 'immediate_or_cancel' });
    expect(kalshi.balanceCents('key-r')).toBe(100_00);
    expect(kalshi.position('key-r', TICKER)).toBe('0.00');
    expect(await adapter.fetchPositions()).toEqual([]);
    expect(await holdings()).toEqual([0n, 0n]);
    expect(kalshi.exchange.fills.filter((f) => f.user === 'key-r')).toEqual([]);
  });

  it('reports holdings per outcome from the signed position', async () => {
    // Buy 4 YES at the 0.45 ask: 1.80 plus the taker fee 0.07 x 4 x 0.45 x 0.55 = 0.0693 -> 0.07.
    const bought = await adapter.createOrder(order({ side: 'buy', size: toMicros('4'), price: toMicros('0.45'), reduceOnly: false }));
    expect(bought).toMatchObject({ status: 'filled', filledSize: toMicros('4'), filledValue: toMicros('1.8'), fee: { usd: toMicros('0.07'), shares: 0n } });
    expect(posts().at(-1)?.body).not.toHaveProperty('reduce_only');
    expect(kalshi.balanceCents('key-r')).toBe(100_00 - 1_80 - 7);
    expect(await holdings()).toEqual([toMicros('4'), 0n]);
    expect(await adapter.fetchHolding('KXNEVER-TRADED', 'yes')).toBe(0n);
    expect(await adapter.fetchHolding('KXNEVER-TRADED', 'no')).toBe(0n);
    expect(kalshi.requests.at(-1)?.path).toMatch(/\/portfolio\/positions\?ticker=KXNEVER-TRADED&/);
  });

  it('caps a reduce-only sell of more than is held at the holding', async () => {
    // 10 asked, 4 held: 4 sell at the 0.40 bid (1.60) with a fee of 0.07 x 4 x 0.40 x 0.60 = 0.0672 -> 0.07.
    const result = await adapter.createOrder(order({ size: toMicros('10') }));
    expect(result).toMatchObject({
      status: 'partially_filled',
      size: toMicros('10'),
      filledSize: toMicros('4'),
      filledValue: toMicros('1.6'),
      fee: { usd: toMicros('0.07'), shares: 0n },
    });
    expect(kalshi.position('key-r', TICKER)).toBe('0.00');
    expect(await holdings()).toEqual([0n, 0n]);
    expect(kalshi.balanceCents('key-r')).toBe(98_13 + 1_60 - 7);
    // Kalshi places the capped count: the order reads back as 4 placed, 4 filled.
    const fetched = await adapter.fetchOrder(result.orderId);
    expect(fetched).toMatchObject({ status: 'filled', size: toMicros('4'), filledSize: toMicros('4'), fee: { usd: toMicros('0.07'), shares: 0n } });
  });

  it('with NO held, refuses a reduce-only YES sell (it would grow NO) and caps a reduce-only NO sell', async () => {
    // Buy 3 NO at 0.60 (a YES ask at 0.40): 1.80 plus 0.07 x 3 x 0.40 x 0.60 = 0.0504 -> 0.06.
    await adapter.createOrder(order({ outcome: 'no', side: 'buy', size: toMicros('3'), price: toMicros('0.60'), reduceOnly: false }));
    expect(kalshi.position('key-r', TICKER)).toBe('-3.00');
    expect(await holdings()).toEqual([0n, toMicros('3')]);
    expect(kalshi.balanceCents('key-r')).toBe(99_66 - 1_80 - 6);

    await expect(adapter.createOrder(order({}))).rejects.toBeInstanceOf(InvalidOrderError);
    expect(kalshi.position('key-r', TICKER)).toBe('-3.00');
    expect(kalshi.balanceCents('key-r')).toBe(97_80);

    // Sell 5 NO at 0.55 = a YES bid at 0.45, capped at the 3 NO held; fills at the 0.45 YES ask (NO 0.55):
    // 3 x 0.55 back, fee 0.07 x 3 x 0.45 x 0.55 = 0.051975 -> 0.0520 -> 0.06.
    const sold = await adapter.createOrder(order({ outcome: 'no', size: toMicros('5'), price: toMicros('0.55') }));
    expect(posts().at(-1)?.body).toMatchObject({ side: 'bid', price: '0.4500', count: '5.00', reduce_only: true });
    expect(sold).toMatchObject({ status: 'partially_filled', filledSize: toMicros('3'), filledValue: toMicros('1.65'), fee: { usd: toMicros('0.06'), shares: 0n } });
    expect(kalshi.position('key-r', TICKER)).toBe('0.00');
    expect(await holdings()).toEqual([0n, 0n]);
    expect(kalshi.balanceCents('key-r')).toBe(97_80 + 1_65 - 6);
  });

  it('refuses reduce-only on a resting order before sending, and the local Kalshi refuses it on a FOK', async () => {
    const before = posts().length;
    const resting = await adapter.createOrder(order({ type: 'GTC' })).catch((e: unknown) => e);
    expect(resting).toBeInstanceOf(InvalidOrderError);
    expect((resting as InvalidOrderError).hint).toMatch(/--type fak/);
    expect(posts().length).toBe(before);

    await adapter.createOrder(order({ side: 'buy', size: toMicros('2'), price: toMicros('0.45'), reduceOnly: false }));
    const cash = kalshi.balanceCents('key-r');
    const fok = await adapter.createOrder(order({ type: 'FOK', size: toMicros('1') })).catch((e: unknown) => e);
    expect(fok).toBeInstanceOf(InvalidOrderError);
    expect((fok as InvalidOrderError).message).toMatch(/reduce_only requires time_in_force immediate_or_cancel/);
    expect(posts().at(-1)?.body).toMatchObject({ time_in_force: 'fill_or_kill', reduce_only: true });
    expect(kalshi.position('key-r', TICKER)).toBe('2.00');
    expect(kalshi.balanceCents('key-r')).toBe(cash);
  });
});
