/**
 * Every value that reaches Kalshi is checked first. Values out of shape or bounds are BadInputError
 * (exit 2) and send nothing at all; what the market itself refuses (unknown ticker, not open, whole
 * contracts only) costs one Get Market per ticker per adapter and sends no order. Each case names the
 * field and the fix, and the local Kalshi counts what reached it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/exit.js';
import { AuthenticationError, BadInputError, BetmirrorError, InvalidOrderError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';
import { MAX_COUNT, validateOrder } from '../../../src/exchanges/kalshi/orders.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const TICKER = 'KXBAD-26DEC31-T1';
const DAY = 86_400;
const key = generateKey();
let kalshi: KalshiSandbox;
let adapter: KalshiAdapter;

const order = (overrides: Partial<OrderParams> = {}): OrderParams => ({
  market: TICKER,
  outcome: 'yes',
  side: 'buy',
  size: toMicros('2'),
  price: toMicros('0.10'),
  type: 'GTC',
  ...overrides,
});
const now = () => Math.floor(Date.now() / 1000);
const requests = () => kalshi.requests.length;
const orderPosts = () => kalshi.requests.filter((r) => r.method === 'POST').length;
const marketGets = (ticker: string) => kalshi.requests.filter((r) => r.method === 'GET' && r.path.split('?')[0]!.endsWith(`/markets/${ticker}`)).length;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-1', key.publicKeyPem);
  kalshi.fund('key-1', 1_000_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '100']], noBids: [['0.55', '100']] });
  kalshi.addMarket({ ticker: 'KXCLOSED-1', status: 'closed' });
  kalshi.addMarket({ ticker: 'KXSOON-1', status: 'initialized' });
  kalshi.addMarket({ ticker: 'KXFRAC-1', fractionalTrading: true });
  adapter = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
});
afterAll(() => kalshi.close());

async function refusal(promise: Promise<unknown>): Promise<BetmirrorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call was expected to fail').toBeInstanceOf(BetmirrorError);
  return error as BetmirrorError;
}

describe('values out of shape or bounds: BadInputError, exit 2, no request at all', () => {
  const cases: Array<[string, () => Promise<unknown>, RegExp, RegExp]> = [
    [
      'a GTD expiry of 99999999999999999999d',
      () => adapter.createOrder(order({ type: 'GTD', expiresAt: now() + 99999999999999999999 * DAY })),
      /expiry is 100000000000000000000 days ahead; a GTD order may expire at most 365 days from now/,
      /--expires .* at most 365d/,
    ],
    ['a GTD expiry 366 days ahead', () => adapter.createOrder(order({ type: 'GTD', expiresAt: now() + 366 * DAY })), /366 days ahead; a GTD order may expire at most 365 days from now/, /--type gtc/],
    ['a GTD expiry in the past', () => adapter.createOrder(order({ type: 'GTD', expiresAt: now() - 60 })), /expiry \d+ \(unix seconds\) is not in the future/, /--expires/],
    ['a GTD expiry of a fraction of a second', () => adapter.createOrder(order({ type: 'GTD', expiresAt: now() + 3600.5 })), /not a whole number of unix seconds/, /--expires/],
    ['a GTD order without expiry', () => adapter.createOrder(order({ type: 'GTD' })), /GTD needs an expiry time/, /--expires/],
    ['a size of 1e30 contracts', () => adapter.createOrder(order({ size: 10n ** 36n })), /size 1000000000000000000000000000000 contracts is above the 1000000 a single order may carry/, /--size to at most 1000000/],
    ['a size one hundredth over the maximum', () => adapter.createOrder(order({ size: MAX_COUNT + 10_000n })), /above the 1000000/, /--size/],
    ['a size with 3 decimals', () => adapter.createOrder(order({ size: toMicros('1.234') })), /size 1\.234 has more than 2 decimals/, /--size/],
    ['a negative size', () => adapter.createOrder(order({ size: -toMicros('5') })), /size must be positive, got -5/, /--size/],
    ['a price of 1', () => adapter.createOrder(order({ price: toMicros('1') })), /price must be strictly between 0 and 1, got 1/, /--price/],
    ['a price finer than 0.0001', () => adapter.createOrder(order({ price: toMicros('0.12345') })), /finer than any Kalshi price grid/, /--price/],
    ['a ticker with a path in it', () => adapter.createOrder(order({ market: 'KX/../portfolio/balance' })), /market "KX\/..\/portfolio\/balance" is not a Kalshi market ticker/, /--market KXHIGHNY-24JAN01-T60/],
    ['a ticker with a shell fragment', () => adapter.createOrder(order({ market: 'KXBAD;rm -rf' })), /is not a Kalshi market ticker/, /--market/],
    ['an empty ticker', () => adapter.createOrder(order({ market: '' })), /market "" is not a Kalshi market ticker/, /--market/],
    ['a 200-character ticker', () => adapter.createOrder(order({ market: 'K'.repeat(200) })), /is not a Kalshi market ticker .*at most 128/, /--market/],
    ['a client order id with spaces', () => adapter.createOrder(order({ clientOrderId: 'has spaces' })), /client order id must be 1-64 characters/, /--client-order-id/],
    ['an order book of a bad ticker', () => adapter.fetchOrderBook('KX?x=1'), /is not a Kalshi market ticker/, /--market/],
    ['the holding of a bad ticker', () => adapter.fetchHolding('KX&ticker=other'), /is not a Kalshi market ticker/, /--market/],
    ['open orders of a bad ticker', () => adapter.fetchOpenOrders('KX#1'), /is not a Kalshi market ticker/, /--market/],
    ["cancel 'not-an-id;rm -rf'", () => adapter.cancelOrder({ orderIds: ['not-an-id;rm -rf'] }), /order id "not-an-id;rm -rf" is not a Kalshi order id \(a UUID/, /orderId an order command printed|--all/],
    [
      'cancel of a good id next to a bad one (neither is sent)',
      () => adapter.cancelOrder({ orderIds: ['6f1c2c1e-8f0a-4c3e-9a7b-2d4e5f6a7b8c', '../orders'] }),
      /order id "..\/orders" is not a Kalshi order id/,
      /--all/,
    ],
    ['fetchOrder of a bad id', () => adapter.fetchOrder('123'), /order id "123" is not a Kalshi order id/, /orderId/],
  ];

  it.each(cases)('%s', async (_name, call, message, fix) => {
    const before = requests();
    const error = await refusal(call());
    expect(error).toBeInstanceOf(BadInputError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(fix);
    expect(describeError(error)).toMatchObject({ exitCode: 2, type: 'BadInputError' });
    expect(requests()).toBe(before);
  });

  it('are checked before the credentials: a bad value without a key is still bad input', async () => {
    const anonymous = makeAdapter({ url: kalshi.url });
    const before = requests();
    await expect(anonymous.createOrder(order({ size: 10n ** 36n }))).rejects.toBeInstanceOf(BadInputError);
    await expect(anonymous.createOrder(order())).rejects.toBeInstanceOf(AuthenticationError);
    expect(requests()).toBe(before);
  });

  it('accept the bounds themselves: 1,000,000 contracts, 365 days, whole seconds', () => {
    const nowMs = 1_800_000_000_000;
    expect(() => validateOrder(order({ size: MAX_COUNT }), nowMs)).not.toThrow();
    expect(() => validateOrder(order({ type: 'GTD', expiresAt: nowMs / 1000 + 365 * DAY }), nowMs)).not.toThrow();
    expect(() => validateOrder(order({ type: 'GTD', expiresAt: nowMs / 1000 + 1 }), nowMs)).not.toThrow();
    expect(() => validateOrder(order({ type: 'GTD', expiresAt: nowMs / 1000 + 365 * DAY + 1 }), nowMs)).toThrow(BadInputError);
  });

  it('a GTD order within the bounds rests with its expiry', async () => {
    const expiresAt = now() + 364 * DAY;
    const placed = await adapter.createOrder(order({ type: 'GTD', expiresAt, price: toMicros('0.02') }));
    expect(placed.status).toBe('open');
    expect(kalshi.requests.at(-1)?.body).toMatchObject({ expiration_time: expiresAt, time_in_force: 'good_till_canceled' });
    await adapter.cancelOrder({ orderIds: [placed.orderId] });
  });
});

describe('the market: looked up once per adapter, refused with its status, no order sent', () => {
  it('answers an unknown ticker as Kalshi does: 404 with its error body', async () => {
    const response = await fetch(`${kalshi.url}/markets/KXNOPE-99`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'market_not_found', message: 'market not found', service: 'exchange' } });
    const book = await fetch(`${kalshi.url}/markets/KXNOPE-99/orderbook`);
    expect(book.status).toBe(404);
  });

  it('refuses an order on a market that does not exist, naming the ticker and the fix; asks once per run', async () => {
    const fresh = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
    const [posts, before] = [orderPosts(), marketGets('KXNOPE-1')];
    const error = await refusal(fresh.createOrder(order({ market: 'KXNOPE-1' })));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect(error.message).toMatch(/Kalshi has no market "KXNOPE-1" \(GET \/markets\/KXNOPE-1 answered 404\); nothing was sent/);
    expect(error.hint).toMatch(/check --market: a market ticker/);
    expect(error.info).toMatchObject({ status: 404, body: { error: { code: 'market_not_found' } } });
    expect(describeError(error).exitCode).toBe(5);
    // The same ticker again, as a dry run and for real: the 404 is remembered.
    await expect(fresh.createOrder(order({ market: 'KXNOPE-1', dryRun: true }))).rejects.toThrow(/no market "KXNOPE-1"/);
    await expect(fresh.createOrder(order({ market: 'KXNOPE-1' }))).rejects.toThrow(/no market "KXNOPE-1"/);
    expect(marketGets('KXNOPE-1') - before).toBe(1);
    expect(orderPosts()).toBe(posts);
  });

  it.each([
    ['KXCLOSED-1', /Kalshi market KXCLOSED-1 is closed, not open for trading; nothing was sent/, /only active markets take orders/],
    ['KXSOON-1', /Kalshi market KXSOON-1 is initialized, not open for trading/, /has not opened yet/],
  ])('refuses an order on %s with the market\'s status', async (ticker, message, fix) => {
    const posts = orderPosts();
    const error = await refusal(adapter.createOrder(order({ market: ticker })));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(fix);
    expect(describeError(error).exitCode).toBe(5);
    expect(orderPosts()).toBe(posts);
  });

  it('the local Kalshi refuses the same orders itself (a closed market, a fraction where it trades whole contracts)', () => {
    const body = { ticker: 'KXCLOSED-1', side: 'bid', count: '1', price: '0.10', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' };
    expect(() => kalshi.exchange.place('key-1', body)).toThrow(/market closed/);
    expect(() => kalshi.exchange.place('key-1', { ...body, ticker: TICKER, count: '1.50' })).toThrow(/invalid order/);
  });

  it('a market moved to closed after it was looked up is Kalshi\'s to refuse (the look-up is not repeated)', async () => {
    kalshi.addMarket({ ticker: 'KXLATE-1', noBids: [['0.50', '10']] });
    const fresh = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
    expect((await fresh.createOrder(order({ market: 'KXLATE-1', dryRun: true }))).status).toBe('dry_run');
    kalshi.setMarketStatus('KXLATE-1', 'closed');
    const error = await refusal(fresh.createOrder(order({ market: 'KXLATE-1' })));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect(error.info).toMatchObject({ status: 400, body: { error: { code: 'market_closed' } } });
    expect(marketGets('KXLATE-1')).toBe(1);
  });

  it('refuses a fraction of a contract where the market trades whole contracts; sends it where fractions are on', async () => {
    const posts = orderPosts();
    const error = await refusal(adapter.createOrder(order({ size: toMicros('2.5') })));
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect(error.message).toMatch(/Kalshi market KXBAD-26DEC31-T1 trades whole contracts only; size 2\.5 is a fraction/);
    expect(error.hint).toMatch(/--size as a whole number/);
    expect(orderPosts()).toBe(posts);
    const placed = await adapter.createOrder(order({ market: 'KXFRAC-1', size: toMicros('2.5') }));
    expect(kalshi.requests.at(-1)?.body).toMatchObject({ ticker: 'KXFRAC-1', count: '2.50' });
    await adapter.cancelOrder({ orderIds: [placed.orderId] });
  });

  it('looks a market up once for concurrent orders, dry runs included', async () => {
    kalshi.addMarket({ ticker: 'KXONCE-1' });
    const fresh = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
    const results = await Promise.all([
      fresh.createOrder(order({ market: 'KXONCE-1', dryRun: true })),
      fresh.createOrder(order({ market: 'KXONCE-1', price: toMicros('0.03') })),
      fresh.createOrder(order({ market: 'KXONCE-1', price: toMicros('0.04') })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['dry_run', 'open', 'open']);
    expect(marketGets('KXONCE-1')).toBe(1);
    await fresh.cancelOrder({ orderIds: [], all: true });
  });

  it('asks again after a failure that says nothing about the market (a 503)', async () => {
    kalshi.addMarket({ ticker: 'KXFLAKY-1' });
    const fresh = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
    kalshi.failNext({ status: 503, pathEndsWith: '/markets/KXFLAKY-1' });
    await expect(fresh.createOrder(order({ market: 'KXFLAKY-1', dryRun: true }))).rejects.toThrow(/unavailable/);
    expect((await fresh.createOrder(order({ market: 'KXFLAKY-1', dryRun: true }))).status).toBe('dry_run');
    expect(marketGets('KXFLAKY-1')).toBe(2);
  });
});
