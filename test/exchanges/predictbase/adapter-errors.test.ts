/**
 * PredictBase's documented errors through the adapter (404, 403 user mismatch, 400 not cancelable, 409,
 * 429, 500), a lost answer after a create, and bad input refused before anything is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/exit.js';
import {
  AuthenticationError,
  BadInputError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  NotSupportedError,
  OrderNotFoundError,
  OutcomeUnknownError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import type { OrderParams } from '../../../src/core/types.js';
import { mapPredictBaseError } from '../../../src/exchanges/predictbase/errors.js';
import type { PredictBaseSandbox } from '../../../src/sandbox/predictbase/index.js';
import { MARKET, OTHER, OTHER_KEY, USER, makeAdapter, sent, startVenue } from './helpers.js';

let venue: PredictBaseSandbox;
beforeEach(async () => {
  venue = await startVenue();
});
afterEach(async () => {
  await venue.close();
});

const order = (over: Partial<OrderParams> = {}): OrderParams => ({ market: `${MARKET}:0`, side: 'buy', size: 2_000_000n, price: 300_000n, type: 'GTC', ...over });
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('the error table', () => {
  it.each<[string, number, string, unknown, new (...args: never[]) => Error, number]>([
    ['cancel 404', 404, 'cancel', { error: 'Order not found' }, OrderNotFoundError, 5],
    ['cancel 403 user mismatch', 403, 'cancel', { error: 'User mismatch' }, OrderNotFoundError, 5],
    ['cancel 400 not cancelable', 400, 'cancel', { error: 'Order status not cancelable' }, InvalidOrderError, 5],
    ['cancel 409 concurrently', 409, 'cancel', { error: 'Order was filled or updated concurrently' }, InvalidOrderError, 5],
    ['create 403 user mismatch', 403, 'create', { error: 'User mismatch' }, AuthenticationError, 4],
    ['create 400 insufficient balance (broad)', 400, 'create', { error: 'Insufficient balance' }, InsufficientFundsError, 5],
    ['any 401', 401, 'orders', { error: 'Invalid API key' }, AuthenticationError, 4],
    ['429', 429, 'create', { error: 'Too many requests' }, RateLimitedError, 6],
    ['500', 500, 'cancel', { error: 'Unexpected server error' }, ExchangeUnavailableError, 6],
  ])('%s', (_name, status, kind, payload, Kind, exitCode) => {
    const error = mapPredictBaseError({ status, method: 'POST', path: '/x', payload, retryAfter: null, kind: kind as never });
    expect(error).toBeInstanceOf(Kind);
    expect(describeError(error).exitCode).toBe(exitCode);
    expect((error.info as { body: unknown }).body).toEqual(payload);
  });
});

describe('documented errors through the adapter', () => {
  it('403 user mismatch: cancelling another user\'s order is recorded, not thrown', async () => {
    const theirs = await makeAdapter(venue, { key: OTHER_KEY, address: OTHER }).createOrder(order());
    const result = await makeAdapter(venue).cancelOrder({ orderIds: [theirs.orderId] });
    expect(result).toEqual({ cancelled: [], notCancelled: { [theirs.orderId]: 'PredictBase answered 403 on POST /cancel-order: User mismatch' }, info: [] });
    expect(venue.exchange.orders.get(theirs.orderId)!.status).toBe('OPEN');
  });

  it('409 filled or updated concurrently and 500 are recorded per order; the other orders are still cancelled', async () => {
    const adapter = makeAdapter(venue);
    const a = await adapter.createOrder(order());
    const b = await adapter.createOrder(order({ price: 310_000n }));
    venue.failNext({ status: 409, body: { error: 'Order was filled or updated concurrently' }, pathEndsWith: '/cancel-order' });
    const first = await adapter.cancelOrder({ orderIds: [a.orderId, b.orderId] });
    expect(first).toMatchObject({ cancelled: [b.orderId], notCancelled: { [a.orderId]: 'PredictBase answered 409 on POST /cancel-order: Order was filled or updated concurrently' } });
    venue.failNext({ status: 500, pathEndsWith: '/cancel-order' });
    const second = await adapter.cancelOrder({ orderIds: [a.orderId] });
    expect(second.notCancelled[a.orderId]).toBe('PredictBase is unavailable (Unexpected server error) on POST /cancel-order');
  });

  it('a refused key on cancel is thrown (exit 4): every other cancel would fail the same way', async () => {
    const error = await failure(makeAdapter(venue, { key: 'wrong' }).cancelOrder({ orderIds: ['ord_000001', 'ord_000002'] }));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(sent(venue, 'POST', '/cancel-order')).toHaveLength(1);
  });

  it('an order for another user than the key\'s is refused 403 (exit 4)', async () => {
    const error = await failure(makeAdapter(venue, { address: OTHER }).createOrder(order()));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error)).toMatchObject({ exitCode: 4, message: 'PredictBase answered 403 on POST /create-order: User mismatch' });
    expect(venue.exchange.orders.size).toBe(4); // the house quotes only
  });

  it('a buy beyond the wallet is InsufficientFundsError', async () => {
    const error = await failure(makeAdapter(venue).createOrder(order({ size: 400_000_000n, price: 300_000n })));
    expect(error).toBeInstanceOf(InsufficientFundsError);
    expect((error as Error).message).toBe('PredictBase answered 400 on POST /create-order: Insufficient balance');
  });

  it('429 on create is RateLimitedError and 503 is unavailable: both refusals, nothing looked up', async () => {
    const adapter = makeAdapter(venue);
    venue.failNext({ status: 429, body: { error: 'Too many requests' }, pathEndsWith: '/create-order' });
    expect(await failure(adapter.createOrder(order()))).toBeInstanceOf(RateLimitedError);
    venue.failNext({ status: 503, pathEndsWith: '/create-order' });
    expect(await failure(adapter.createOrder(order()))).toBeInstanceOf(ExchangeUnavailableError);
    expect(sent(venue, 'GET', '/get-user-orders')).toHaveLength(0);
  });
});

describe('a lost answer after a create', () => {
  it('finds a resting order under its client order id: one POST, the real order', async () => {
    const adapter = makeAdapter(venue);
    venue.failNext({ drop: 'after', pathEndsWith: '/create-order' });
    const result = await adapter.createOrder(order({ clientOrderId: 'lost-1' }));
    expect(sent(venue, 'POST', '/create-order')).toHaveLength(1);
    expect(result).toMatchObject({ status: 'open', clientOrderId: 'lost-1', filledSize: 0n });
    expect(venue.exchange.orders.get(result.orderId)!.clientOrderId).toBe('lost-1');
  });

  it('a filled order is not among the open ones: OutcomeUnknownError (exit 7) naming the id, never sent again', async () => {
    const adapter = makeAdapter(venue);
    venue.failNext({ drop: 'after', pathEndsWith: '/create-order' });
    const error = await failure(adapter.createOrder(order({ clientOrderId: 'lost-2', price: 420_000n, size: 5_000_000n })));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(describeError(error)).toMatchObject({ exitCode: 7, hint: expect.stringContaining('client order id lost-2') });
    expect((error as Error).message).toMatch(/^PredictBase may or may not have placed the order with client order id lost-2 on market 10744: .* it is not among the open orders/);
    expect(sent(venue, 'POST', '/create-order')).toHaveLength(1);
    // It did fill: exactly once.
    expect(venue.shares(USER, MARKET, 0)).toBe(5_000_000n);
  });

  it('a 500 after sending is unknown too; a connection refused before sending is a plain network error', async () => {
    venue.failNext({ status: 500, pathEndsWith: '/create-order' });
    expect(await failure(makeAdapter(venue).createOrder(order()))).toBeInstanceOf(OutcomeUnknownError);
    const closed = await import('../../../src/sandbox/predictbase/index.js').then((m) => m.startPredictBaseSandbox());
    const url = closed.url;
    await closed.close();
    const error = await failure(makeAdapter({ url, rpcUrl: venue.rpcUrl }).createOrder(order()));
    // The market look-up fails first: nothing was sent.
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).not.toBeInstanceOf(OutcomeUnknownError);
  });

  it('a FAK whose rest cannot be cancelled is unknown, naming the order to cancel', async () => {
    venue.failNext({ status: 500, pathEndsWith: '/cancel-order' });
    const error = await failure(makeAdapter(venue).createOrder(order({ type: 'FAK', size: 8_000_000n, price: 420_000n })));
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as Error).message).toMatch(/filled 5 of 8 shares, but cancelling the rest failed/);
  });
});

describe('bad input is refused before anything is sent', () => {
  it.each<[string, Partial<OrderParams>, new (...args: never[]) => Error, RegExp]>([
    ['no option', { market: MARKET }, BadInputError, /does not name a PredictBase option/],
    ['a ticker', { market: 'KXRAIN-26:0' }, BadInputError, /does not name a PredictBase option/],
    ['a fraction of a share', { size: 1_500_000n }, BadInputError, /is a fraction; PredictBase orders are whole shares/],
    ['a sub-cent price', { price: 305_000n }, BadInputError, /not in whole cents/],
    ['a price of 1', { price: 1_000_000n }, BadInputError, /strictly between 0 and 1/],
    ['a zero size', { size: 0n }, BadInputError, /size must be positive/],
    ['FOK', { type: 'FOK' }, NotSupportedError, /LIMIT GTC orders only: FOK/],
    ['GTD', { type: 'GTD', expiresAt: 2_000_000_000 }, NotSupportedError, /LIMIT GTC orders only: GTD/],
    ['a bad client order id', { clientOrderId: 'has space' }, BadInputError, /client order id/],
  ])('%s', async (_name, over, Kind, message) => {
    const error = await failure(makeAdapter(venue).createOrder(order(over)));
    expect(error).toBeInstanceOf(Kind);
    expect((error as Error).message).toMatch(message);
    expect(venue.requests).toHaveLength(0);
  });

  it('no API key or no address: refused before any request', async () => {
    expect(await failure(makeAdapter(venue, { key: null }).createOrder(order()))).toBeInstanceOf(AuthenticationError);
    expect((await failure(makeAdapter(venue, { address: null }).createOrder(order())) as Error).message).toMatch(/PREDICTBASE_ADDRESS is not set/);
    expect(venue.requests).toHaveLength(0);
  });

  it('an unknown option, an unknown market and a resolved market are refused after the market read, before the order', async () => {
    const adapter = makeAdapter(venue);
    expect((await failure(adapter.createOrder(order({ market: `${MARKET}:2` }))) as Error).message).toBe(
      'PredictBase market 10744 has no option 2 (options: 0 "Yes", 1 "No")',
    );
    expect((await failure(adapter.createOrder(order({ market: `${MARKET}:Maybe` }))) as Error).message).toMatch(/has no option "Maybe"/);
    const unknown = await failure(adapter.createOrder(order({ market: '99999:0' })));
    expect(unknown).toBeInstanceOf(InvalidOrderError);
    expect((unknown as Error).message).toBe('PredictBase answered 404 on GET /get_market/99999: Market not found');
    venue.setMarketStatus(MARKET, 2);
    const closed = await failure(makeAdapter(venue).createOrder(order()));
    expect((closed as Error).message).toBe('PredictBase market 10744 is canceled, not open for trading; nothing was sent');
    expect(sent(venue, 'POST', '/create-order')).toHaveLength(0);
  });

  it('cancel refuses a malformed order id before sending', async () => {
    expect(await failure(makeAdapter(venue).cancelOrder({ orderIds: ['ord_1', '../x'] }))).toBeInstanceOf(BadInputError);
    expect(venue.requests).toHaveLength(0);
  });
});
