/** KalshiAdapter end to end against the local Kalshi: balance, prices, limit/IOC/FOK orders, idempotency. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, InvalidOrderError, NotSupportedError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const TICKER = 'KXTEST-26DEC31-T1';
const key = generateKey();
let kalshi: KalshiSandbox;
let adapter: KalshiAdapter;

const order = (overrides: Partial<OrderParams>): OrderParams => ({
  market: TICKER,
  outcome: 'yes',
  side: 'buy',
  size: toMicros('10'),
  price: toMicros('0.30'),
  type: 'GTC',
  ...overrides,
});
const lastOrderBody = () => [...kalshi.requests].reverse().find((r) => r.method === 'POST')?.body as Record<string, unknown>;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-1', key.publicKeyPem);
  kalshi.fund('key-1', 100_00);
  // YES bids 0.40 x100, 0.38 x50; NO bids 0.55 x10, 0.50 x20 (= YES asks 0.45 x10, 0.50 x20).
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '100'], ['0.38', '50']], noBids: [['0.55', '10'], ['0.50', '20']] });
  kalshi.addMarket({ ticker: 'KXFINE-1', priceLevelStructure: 'deci_cent', noBids: [['0.40', '10']] });
  adapter = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
  await adapter.initialize();
});
afterAll(() => kalshi.close());

describe('KalshiAdapter against the local Kalshi', () => {
  it('reads the balance in cents as USD micro-units', async () => {
    const balance = await adapter.fetchBalance();
    expect(balance.cash).toBe(100_000_000n);
    expect(balance.currency).toBe('USD');
  });

  it('derives asks from the other outcome\'s bids', async () => {
    const yes = await adapter.getMarketPrice(TICKER, 'yes');
    expect([yes.bid, yes.ask, yes.mid]).toEqual([toMicros('0.40'), toMicros('0.45'), toMicros('0.425')]);
    const no = await adapter.getMarketPrice(TICKER, 'no');
    expect([no.bid, no.ask]).toEqual([toMicros('0.55'), toMicros('0.60')]);
    const book = await adapter.fetchOrderBook(TICKER, 'yes');
    expect(book.asks.map((l) => [l.price, l.size])).toEqual([
      [toMicros('0.45'), toMicros('10')],
      [toMicros('0.50'), toMicros('20')],
    ]);
    expect(book.bids[0]?.price).toBe(toMicros('0.40'));
  });

  it('rests a limit order (GTC) and cancels it', async () => {
    const placed = await adapter.createOrder(order({ clientOrderId: 'rest-1' }));
    expect(placed.status).toBe('open');
    expect(lastOrderBody()).toEqual({
      ticker: TICKER,
      client_order_id: 'rest-1',
      side: 'bid',
      count: '10.00',
      price: '0.3000',
      time_in_force: 'good_till_canceled',
      self_trade_prevention_type: 'taker_at_cross',
    });
    expect(kalshi.balanceCents('key-1')).toBe(97_00); // $3 locked by the resting bid
    const open = await adapter.fetchOpenOrders(TICKER);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ orderId: placed.orderId, outcome: 'yes', side: 'buy', price: toMicros('0.30'), size: toMicros('10') });

    const cancelled = await adapter.cancelOrder({ orderIds: [placed.orderId] });
    expect(cancelled.cancelled).toEqual([placed.orderId]);
    expect(await adapter.fetchOpenOrders()).toEqual([]);
    expect(kalshi.balanceCents('key-1')).toBe(100_00);
    expect((await adapter.fetchOrder(placed.orderId)).status).toBe('cancelled');
    const again = await adapter.cancelOrder({ orderIds: [placed.orderId] });
    expect(again.cancelled).toEqual([]);
    expect(again.notCancelled[placed.orderId]).toMatch(/no such order/);
  });

  it('fills an IOC (FAK) order partly at the cap and cancels the rest', async () => {
    const result = await adapter.createOrder(order({ size: toMicros('25'), price: toMicros('0.45'), type: 'FAK' }));
    expect(lastOrderBody()).toMatchObject({ side: 'bid', price: '0.4500', count: '25.00', time_in_force: 'immediate_or_cancel' });
    expect(result.status).toBe('partially_filled');
    expect(result.filledSize).toBe(toMicros('10'));
    expect(result.filledValue).toBe(toMicros('4.5'));
    // Taker fee: 0.07 x 10 x 0.45 x 0.55 = 0.17325, rounded up to the cent.
    expect(result.fee).toEqual({ usd: toMicros('0.18'), shares: 0n });
    expect(await adapter.fetchOpenOrders()).toEqual([]);
    expect(kalshi.position('key-1', TICKER)).toBe('10.00');
    expect(kalshi.balanceCents('key-1')).toBe(100_00 - 4_50 - 18);
    const fetched = await adapter.fetchOrder(result.orderId);
    expect(fetched).toMatchObject({ status: 'partially_filled', filledSize: toMicros('10'), filledValue: toMicros('4.5') });
    expect(fetched.fee).toEqual({ usd: toMicros('0.18'), shares: 0n });
  });

  it('reports a FOK that cannot fill completely as cancelled with nothing executed', async () => {
    const result = await adapter.createOrder(order({ size: toMicros('100'), price: toMicros('0.50'), type: 'FOK' }));
    expect(lastOrderBody()).toMatchObject({ time_in_force: 'fill_or_kill', price: '0.5000' });
    expect(result.status).toBe('cancelled');
    expect(result.filledSize).toBe(0n);
    expect(kalshi.position('key-1', TICKER)).toBe('10.00');
    expect(kalshi.balanceCents('key-1')).toBe(95_32);
  });

  it('maps buy NO onto a YES ask at 1 - price; buying NO against held YES nets the pair', async () => {
    const result = await adapter.createOrder(order({ outcome: 'no', size: toMicros('5'), price: toMicros('0.60'), type: 'FOK' }));
    expect(lastOrderBody()).toMatchObject({ side: 'ask', price: '0.4000', time_in_force: 'fill_or_kill' });
    expect(result).toMatchObject({ status: 'filled', filledSize: toMicros('5'), filledValue: toMicros('3') });
    // Fee 0.07 x 5 x 0.40 x 0.60 = 0.084 -> 0.09.
    expect(result.fee).toEqual({ usd: toMicros('0.09'), shares: 0n });
    // 5 YES (bought at 0.45) + 5 NO (at 0.60) net to $5 paid at once: 95.32 - 3.00 + 5.00 - 0.09.
    expect(kalshi.position('key-1', TICKER)).toBe('5.00');
    expect(kalshi.balanceCents('key-1')).toBe(97_23);
  });

  it('maps sell YES onto a YES ask at the same price', async () => {
    const result = await adapter.createOrder(order({ side: 'sell', size: toMicros('5'), price: toMicros('0.40'), type: 'FAK' }));
    expect(lastOrderBody()).toMatchObject({ side: 'ask', price: '0.4000' });
    expect(result).toMatchObject({ status: 'filled', filledValue: toMicros('2'), fee: { usd: toMicros('0.09'), shares: 0n } });
    expect(kalshi.position('key-1', TICKER)).toBe('0.00');
    expect(kalshi.balanceCents('key-1')).toBe(97_23 + 2_00 - 9);
  });

  it('executes a client order id once: the same id returns the same order', async () => {
    const params = order({ size: toMicros('5'), price: toMicros('0.50'), type: 'FAK', clientOrderId: 'mirror-0xabc-1' });
    const first = await adapter.createOrder(params);
    const second = await adapter.createOrder(params);
    expect(first.status).toBe('filled');
    expect(second.orderId).toBe(first.orderId);
    expect(second.filledSize).toBe(toMicros('5'));
    expect(kalshi.position('key-1', TICKER)).toBe('5.00');
    expect(kalshi.exchange.fills.filter((f) => f.order_id === first.orderId)).toHaveLength(1);
    const positions = await adapter.fetchPositions();
    expect(positions).toEqual([expect.objectContaining({ market: TICKER, outcome: 'yes', size: toMicros('5') })]);
  });

  it('cancels every resting order with `all`', async () => {
    const a = await adapter.createOrder(order({ price: toMicros('0.10') }));
    const b = await adapter.createOrder(order({ outcome: 'no', price: toMicros('0.20') }));
    expect((await adapter.fetchOpenOrders()).map((o) => o.orderId).sort()).toEqual([a.orderId, b.orderId].sort());
    const result = await adapter.cancelOrder({ orderIds: [], all: true });
    expect(result.cancelled.sort()).toEqual([a.orderId, b.orderId].sort());
    expect(await adapter.fetchOpenOrders()).toEqual([]);
  });

  it('sends GTD as good_till_canceled with expiration_time', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const placed = await adapter.createOrder(order({ type: 'GTD', expiresAt, price: toMicros('0.05') }));
    expect(lastOrderBody()).toMatchObject({ time_in_force: 'good_till_canceled', expiration_time: expiresAt });
    expect((await adapter.fetchOpenOrders(TICKER)).find((o) => o.orderId === placed.orderId)?.type).toBe('GTD');
    await adapter.cancelOrder({ orderIds: [placed.orderId] });
  });

  it('accepts a sub-cent price only where the market\'s grid has it', async () => {
    const before = kalshi.requests.length;
    const offGrid = adapter.createOrder(order({ price: toMicros('0.555') }));
    await expect(offGrid).rejects.toThrow(/not on KXTEST-26DEC31-T1's price grid/);
    await expect(offGrid).rejects.toBeInstanceOf(InvalidOrderError);
    // The market was looked up by the first order on it: the grid check costs no request now.
    expect(kalshi.requests.length).toBe(before);
    const fine = await adapter.createOrder(order({ market: 'KXFINE-1', price: toMicros('0.555'), size: toMicros('1'), type: 'FAK' }));
    expect(lastOrderBody()).toMatchObject({ price: '0.5550' });
    expect(fine.status).toBe('cancelled');
  });

  it('refuses cash-out: Kalshi\'s API has no withdrawal', async () => {
    expect(adapter.has.cashout).toBe(false);
    const before = kalshi.requests.length;
    const error = await adapter.cashout({ amount: 'all', destination: 'me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as NotSupportedError).message).toMatch(/no withdrawal/);
    expect((error as NotSupportedError).hint).toMatch(/Kalshi web app/);
    expect(kalshi.requests.length).toBe(before);
  });

  it.each<[string, Partial<OrderParams>]>([
    ['price above 1', { price: toMicros('1.5') }],
    ['price 1', { price: toMicros('1') }],
    ['price 0', { price: 0n }],
    ['zero size', { size: 0n }],
    ['negative size', { size: -toMicros('1') }],
    ['size with 3 decimals', { size: toMicros('1.234') }],
    ['bad ticker', { market: 'KX/../portfolio' }],
    ['price finer than any grid', { price: toMicros('0.12345') }],
    ['GTD without expiry', { type: 'GTD' }],
    ['bad client order id', { clientOrderId: 'has spaces in it' }],
  ])('refuses %s as bad input (exit 2) before sending anything', async (_name, overrides) => {
    const before = kalshi.requests.length;
    await expect(adapter.createOrder(order(overrides))).rejects.toBeInstanceOf(BadInputError);
    expect(kalshi.requests.length).toBe(before);
  });

  it('refuses an order without an outcome as bad input (exit 2) before sending anything', async () => {
    const before = kalshi.requests.length;
    await expect(adapter.createOrder(order({ outcome: undefined }))).rejects.toBeInstanceOf(BadInputError);
    expect(kalshi.requests.length).toBe(before);
  });

  it('builds and returns a dry run without sending', async () => {
    const before = kalshi.requests.length;
    const result = await adapter.createOrder(order({ dryRun: true, outcome: 'no', side: 'sell', price: toMicros('0.35') }));
    expect(result.status).toBe('dry_run');
    expect(result.request).toMatchObject({ side: 'bid', price: '0.6500', count: '10.00' });
    expect(kalshi.requests.length).toBe(before); // the market is known from the earlier orders
  });
});
