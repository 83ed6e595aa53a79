/** The PredictBase adapter against the local PredictBase: every method, exact amounts and exact request shapes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/exit.js';
import { NotSupportedError } from '../../../src/core/errors.js';
import { systemClock, type Clock } from '../../../src/core/runtime.js';
import type { PredictBaseSandbox } from '../../../src/sandbox/predictbase/index.js';
import { KEY, MARKET, OTHER, USER, makeAdapter, sent, startVenue } from './helpers.js';

let venue: PredictBaseSandbox;
beforeEach(async () => {
  venue = await startVenue();
});
afterEach(async () => {
  await venue.close();
});

const NOW = 1_765_595_666_776;
const fixedClock: Clock = { now: () => NOW, sleep: systemClock.sleep, after: systemClock.after };

describe('PredictBase adapter: reads', () => {
  it('validatePermissions accepts a key whose user is PREDICTBASE_ADDRESS', async () => {
    const report = await makeAdapter(venue).validatePermissions();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['address', true],
      ['api key', true],
      ['key user', true],
      ['withdrawals', true],
    ]);
    expect(sent(venue, 'GET', '/get-user-orders')[0]!.headers['x-api-key']).toBe(KEY);
  });

  it('validatePermissions fails when the key belongs to another user, naming both', async () => {
    const report = await makeAdapter(venue, { address: OTHER }).validatePermissions();
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'key user')).toEqual({
      name: 'key user',
      ok: false,
      detail: `the key belongs to ${USER}, not to PREDICTBASE_ADDRESS ${OTHER}: orders would be refused (403 user mismatch)`,
    });
  });

  it('validatePermissions fails on a missing key without any request, and on a refused key', async () => {
    const missing = await makeAdapter(venue, { key: null }).validatePermissions();
    expect(missing).toMatchObject({ ok: false, checks: [{ name: 'api key', ok: false }] });
    expect(venue.requests).toHaveLength(0);
    const refused = await makeAdapter(venue, { key: 'not-a-key' }).validatePermissions();
    expect(refused.ok).toBe(false);
    expect(refused.checks.find((c) => c.name === 'api key')!.detail).toMatch(/^PredictBase answered 401 on GET \/get-user-orders: Invalid API key/);
  });

  it('authenticate names the user the key belongs to', async () => {
    expect(await makeAdapter(venue).authenticate()).toMatchObject({ account: USER });
  });

  it('fetchBalance reads the wallet USDC on Base and sets resting buys aside', async () => {
    const adapter = makeAdapter(venue);
    expect(await adapter.fetchBalance()).toMatchObject({ cash: 100_000_000n, reserved: 0n, currency: 'USDC', account: USER });
    await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 10_000_000n, price: 300_000n, type: 'GTC' });
    expect(await adapter.fetchBalance()).toMatchObject({ cash: 97_000_000n, reserved: 3_000_000n });
    expect(venue.cash(USER)).toBe(100_000_000n);
  });

  it('getMarketPrice is the best bid and ask of the option, by index or title', async () => {
    const adapter = makeAdapter(venue);
    expect(await adapter.getMarketPrice(`${MARKET}:0`)).toMatchObject({ bid: 400_000n, ask: 420_000n, mid: 410_000n });
    expect(await adapter.getMarketPrice(`${MARKET}:yes`)).toMatchObject({ bid: 400_000n, ask: 420_000n });
    expect(await adapter.getMarketPrice(MARKET, 'no')).toMatchObject({ bid: undefined, ask: 610_000n, mid: undefined });
    const book = await adapter.fetchOrderBook!(`${MARKET}:0`);
    expect(book.asks).toEqual([
      { price: 420_000n, size: 5_000_000n },
      { price: 450_000n, size: 10_000_000n },
    ]);
  });

  it('fetchInstrumentRules: cent ticks, whole shares, open while status 0, a 2% fee rounded up', async () => {
    const adapter = makeAdapter(venue);
    const rules = await adapter.fetchInstrumentRules(`${MARKET}:Yes`);
    expect(rules).toMatchObject({ market: MARKET, active: true, closed: false, tickSize: 10_000n, minSize: 1_000_000n, minNotional: 0n, sizeStep: 1_000_000n });
    expect(rules.takerFee(10_000_000n, 500_000n)).toBe(100_000n);
    expect(rules.takerFee(1_000_000n, 330_000n)).toBe(6_600n);
    expect(rules.takerFee(3_000_000n, 10_000n)).toBe(600n);
    venue.setMarketStatus(MARKET, 1);
    expect(await adapter.fetchInstrumentRules(`${MARKET}:0`)).toMatchObject({ active: false, closed: true });
  });
});

describe('PredictBase adapter: orders', () => {
  it('a GTC buy sends the documented body, fills what crosses and rests the rest', async () => {
    const adapter = makeAdapter(venue, { clock: fixedClock });
    const result = await adapter.createOrder({ market: `${MARKET}:Yes`, side: 'buy', size: 8_000_000n, price: 440_000n, type: 'GTC', clientOrderId: 'ORD#abc123' });
    const post = sent(venue, 'POST', '/create-order');
    expect(post).toHaveLength(1);
    expect(post[0]!.headers['x-api-key']).toBe(KEY);
    expect(post[0]!.body).toEqual({
      kind: 'NEW_ORDER',
      order: { type: 'LIMIT', side: 'BUY', marketId: MARKET, optionIndex: 0, qty: 8, price: 0.44, userId: USER, timeInForce: 'GTC', receivedAt: NOW },
      meta: { clientOrderId: 'ORD#abc123', originalQty: 8 },
    });
    expect(result).toMatchObject({ exchange: 'predictbase', status: 'partially_filled', clientOrderId: 'ORD#abc123', filledSize: 5_000_000n, filledValue: 2_100_000n });
    expect(result.fee).toBeUndefined();
    expect(venue.cash(USER)).toBe(97_900_000n);
    expect(venue.shares(USER, MARKET, 0)).toBe(5_000_000n);
    const open = await adapter.fetchOpenOrders!(MARKET);
    expect(open).toEqual([expect.objectContaining({ orderId: result.orderId, market: `${MARKET}:0`, side: 'buy', price: 440_000n, size: 8_000_000n, filledSize: 5_000_000n })]);
  });

  it('a FAK buy sweeps up to its price cap and cancels what is left', async () => {
    const adapter = makeAdapter(venue);
    const result = await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 20_000_000n, price: 450_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'partially_filled', filledSize: 15_000_000n, filledValue: 6_600_000n });
    expect(sent(venue, 'POST', '/cancel-order').map((r) => r.body)).toEqual([{ orderId: result.orderId }]);
    expect(await adapter.fetchOpenOrders!()).toEqual([]);
    expect(venue.cash(USER)).toBe(93_400_000n);
    expect(venue.shares(USER, MARKET, 0)).toBe(15_000_000n);
  });

  it('a FAK that crosses nothing is cancelled whole: nothing filled, nothing left resting', async () => {
    const adapter = makeAdapter(venue);
    const result = await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 4_000_000n, price: 410_000n, type: 'FAK' });
    expect(result).toMatchObject({ status: 'cancelled', filledSize: 0n, filledValue: 0n });
    expect(await adapter.fetchOpenOrders!()).toEqual([]);
    expect(venue.cash(USER)).toBe(100_000_000n);
  });

  it('a sell pays the 2% fee out of its proceeds, reported as the order fee', async () => {
    const adapter = makeAdapter(venue);
    await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 5_000_000n, price: 420_000n, type: 'FAK' });
    const sell = await adapter.createOrder({ market: `${MARKET}:0`, side: 'sell', size: 5_000_000n, price: 400_000n, type: 'FAK' });
    // 5 x 0.40 = 2.00; the seller receives 98% of it.
    expect(sell).toMatchObject({ status: 'filled', filledSize: 5_000_000n, filledValue: 2_000_000n, fee: { usd: 40_000n, shares: 0n } });
    expect(venue.cash(USER)).toBe(100_000_000n - 2_100_000n + 1_960_000n);
    expect(venue.shares(USER, MARKET, 0)).toBe(0n);
  });

  it('a dry run builds the body and sends nothing', async () => {
    const adapter = makeAdapter(venue, { clock: fixedClock });
    const result = await adapter.createOrder({ market: `${MARKET}:No`, side: 'buy', size: 3_000_000n, price: 550_000n, type: 'GTC', dryRun: true, clientOrderId: 'dry-1' });
    expect(result).toMatchObject({ status: 'dry_run', orderId: '', request: { order: { optionIndex: 1, qty: 3, price: 0.55 }, meta: { clientOrderId: 'dry-1' } } });
    expect(sent(venue, 'POST', '/create-order')).toHaveLength(0);
  });

  it('cancels one order, then all, and records each refusal with the venue reason', async () => {
    const adapter = makeAdapter(venue);
    const a = await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 2_000_000n, price: 300_000n, type: 'GTC' });
    const b = await adapter.createOrder({ market: `${MARKET}:0`, side: 'buy', size: 3_000_000n, price: 310_000n, type: 'GTC' });
    const c = await adapter.createOrder({ market: `${MARKET}:1`, side: 'buy', size: 4_000_000n, price: 320_000n, type: 'GTC' });
    expect(await adapter.cancelOrder({ orderIds: [a.orderId] })).toMatchObject({ cancelled: [a.orderId], notCancelled: {} });
    const again = await adapter.cancelOrder({ orderIds: [a.orderId, 'ord_999999'] });
    expect(again.cancelled).toEqual([]);
    expect(again.notCancelled).toEqual({
      [a.orderId]: 'PredictBase answered 400 on POST /cancel-order: Order status CANCELED is not cancelable',
      ord_999999: 'PredictBase answered 404 on POST /cancel-order: Order not found',
    });
    const all = await adapter.cancelOrder({ orderIds: [], all: true });
    expect(all).toMatchObject({ cancelled: [b.orderId, c.orderId], notCancelled: {} });
    expect(await adapter.fetchOpenOrders!()).toEqual([]);
    expect(await adapter.fetchBalance()).toMatchObject({ cash: 100_000_000n, reserved: 0n });
  });

  it('cashout is refused with the reason, exit 3, and sends nothing', async () => {
    const error = await makeAdapter(venue).cashout({ amount: 1_000_000n, destination: OTHER }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect(describeError(error)).toMatchObject({
      exitCode: 3,
      message: "PredictBase's API offers no withdrawal: the USDC is in your own wallet (PREDICTBASE_ADDRESS) on Base, which betmirror holds no key for",
    });
    expect(venue.requests).toHaveLength(0);
  });
});
