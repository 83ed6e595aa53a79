/**
 * What an order's caller learns when the network fails: lost answers are repeated once with the same
 * client_order_id, then OutcomeUnknownError; every result names its client_order_id.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ExchangeUnavailableError,
  NetworkError,
  OutcomeUnknownError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import { silentLogger, systemClock, type Clock } from '../../../src/core/runtime.js';
import type { OrderParams } from '../../../src/core/types.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';
import { kalshiVenue } from '../../../src/exchanges/kalshi/index.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const TICKER = 'KXLOST-1';
const key = generateKey();
let kalshi: KalshiSandbox;
let adapter: KalshiAdapter;
/** Real time for signatures; sleeps are recorded and skipped so the retry pause costs nothing. */
const sleeps: number[] = [];
const clock: Clock = { now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms), after: systemClock.after };

const order = (overrides: Partial<OrderParams> = {}): OrderParams => ({
  market: TICKER,
  outcome: 'yes',
  side: 'buy',
  size: toMicros('2'),
  price: toMicros('0.10'),
  type: 'GTC',
  ...overrides,
});
const posts = () => kalshi.requests.filter((r) => r.method === 'POST');
const ordersWithClientId = (id: string) => [...kalshi.exchange.orders.values()].filter((o) => o.client_order_id === id);

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-1', key.publicKeyPem);
  kalshi.registerKey('read-only', key.publicKeyPem, { readOnly: true });
  kalshi.fund('key-1', 100_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '100']], noBids: [['0.55', '10']] });
  adapter = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem, clock });
});
afterAll(() => kalshi.close());
beforeEach(() => {
  sleeps.length = 0;
  kalshi.requests.length = 0;
});

describe('KalshiAdapter.createOrder when the answer is lost', () => {
  it('repeats once with the same client_order_id after Kalshi placed the order and dropped the connection', async () => {
    kalshi.failNext({ drop: 'after', pathEndsWith: '/events/orders' });
    const result = await adapter.createOrder(order({ clientOrderId: 'lost-once' }));
    expect(result.status).toBe('open');
    expect(posts().map((p) => (p.body as { client_order_id: string }).client_order_id)).toEqual(['lost-once', 'lost-once']);
    expect(ordersWithClientId('lost-once')).toHaveLength(1);
    expect(result.orderId).toBe(ordersWithClientId('lost-once')[0]!.order_id);
    expect(sleeps).toEqual([500]);
  });

  it('keeps a generated client_order_id across the repeat', async () => {
    kalshi.failNext({ drop: 'before', pathEndsWith: '/events/orders' });
    const result = await adapter.createOrder(order());
    const ids = posts().map((p) => (p.body as { client_order_id: string }).client_order_id);
    expect(ids).toHaveLength(2);
    expect(ids[1]).toBe(ids[0]);
    expect(result.clientOrderId).toBe(ids[0]);
    expect(ordersWithClientId(ids[0]!)).toHaveLength(1);
  });

  it('throws OutcomeUnknownError naming the client_order_id when the repeat is lost too', async () => {
    kalshi.failNext({ drop: 'after', pathEndsWith: '/events/orders' });
    kalshi.failNext({ drop: 'after', pathEndsWith: '/events/orders' });
    const error = await adapter.createOrder(order({ clientOrderId: 'lost-twice' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect(error).not.toBeInstanceOf(NetworkError); // not retryable: a fresh id could buy twice
    const unknown = error as OutcomeUnknownError;
    expect(unknown.message).toContain('lost-twice');
    expect(unknown.hint).toContain('--client-order-id lost-twice');
    expect(unknown.info).toMatchObject({ client_order_id: 'lost-twice', first: { sent: true }, retry: { sent: true } });
    expect(posts()).toHaveLength(2);
    // It was placed (once); repeating with the same id, as the hint says, finds it instead of buying again.
    expect(ordersWithClientId('lost-twice')).toHaveLength(1);
    const again = await adapter.createOrder(order({ clientOrderId: 'lost-twice' }));
    expect(again.orderId).toBe(ordersWithClientId('lost-twice')[0]!.order_id);
    expect(ordersWithClientId('lost-twice')).toHaveLength(1);
  });

  it('treats a gateway 502/504 as unknown (repeat, then OutcomeUnknownError) but 503 and 429 as refusals', async () => {
    kalshi.failNext({ status: 502, pathEndsWith: '/events/orders' });
    expect((await adapter.createOrder(order({ clientOrderId: 'gw-1' }))).status).toBe('open');
    expect(posts()).toHaveLength(2);

    kalshi.requests.length = 0;
    kalshi.failNext({ status: 504, pathEndsWith: '/events/orders' });
    kalshi.failNext({ status: 504, pathEndsWith: '/events/orders' });
    const unknown = await adapter.createOrder(order({ clientOrderId: 'gw-2' })).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(OutcomeUnknownError);
    expect((unknown as OutcomeUnknownError).info).toMatchObject({ client_order_id: 'gw-2', first: { status: 504 } });

    kalshi.requests.length = 0;
    kalshi.failNext({ status: 503, pathEndsWith: '/events/orders' });
    await expect(adapter.createOrder(order())).rejects.toBeInstanceOf(ExchangeUnavailableError);
    kalshi.failNext({ status: 429, pathEndsWith: '/events/orders' });
    await expect(adapter.createOrder(order())).rejects.toBeInstanceOf(RateLimitedError);
    expect(posts()).toHaveLength(2); // one each: neither was repeated
  });

  it('keeps NetworkError, with no repeat, when the connection could not even be opened', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = makeAdapter({ url: `http://127.0.0.1:${port}/trade-api/v2`, keyId: 'key-1', pem: key.privateKeyPem, clock });
    const error = await unreachable.createOrder(order()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).info).toMatchObject({ sent: false });
    expect(sleeps).toEqual([]);
  });

  it('counts a timeout after sending as unknown: repeats once, then OutcomeUnknownError', async () => {
    let calls = 0;
    const timingOut = kalshiVenue.create({
      settings: { env: 'demo', apiUrl: kalshi.url, apiKeyId: 'key-1' },
      secrets: { privateKeyPem: key.privateKeyPem },
      // The market look-up goes through; every order POST times out.
      fetch: (async (input: string | URL | Request, init?: RequestInit) => {
        if ((init?.method ?? 'GET') === 'GET') return globalThis.fetch(input, init);
        calls++;
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      }) as typeof fetch,
      clock,
      logger: silentLogger,
    });
    const error = await timingOut.createOrder(order({ clientOrderId: 'slow-1' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeUnknownError);
    expect((error as OutcomeUnknownError).message).toContain('slow-1');
    expect(calls).toBe(2);
  });
});

describe('OrderResult.clientOrderId', () => {
  it('carries the generated id on a placed order, in the field and in info, and on fetchOrder', async () => {
    const result = await adapter.createOrder(order());
    const sent = (posts().at(-1)!.body as { client_order_id: string }).client_order_id;
    expect(sent).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.clientOrderId).toBe(sent);
    expect(result.info).toMatchObject({ client_order_id: sent });
    expect((await adapter.fetchOrder(result.orderId)).clientOrderId).toBe(sent);
  });

  it('carries it on a dry run and on a killed FOK, where no order id exists', async () => {
    const dry = await adapter.createOrder(order({ dryRun: true, clientOrderId: 'dry-1' }));
    expect(dry).toMatchObject({ status: 'dry_run', orderId: '', clientOrderId: 'dry-1', info: { client_order_id: 'dry-1' } });
    const killed = await adapter.createOrder(order({ type: 'FOK', size: toMicros('20'), price: toMicros('0.45'), clientOrderId: 'fok-1' }));
    expect(killed).toMatchObject({ status: 'cancelled', clientOrderId: 'fok-1', info: { client_order_id: 'fok-1', status: 409 } });
  });
});

describe('KalshiAdapter.cancelOrder', () => {
  it('cancels the rest when one cancel fails, waiting out a 429 once per order', async () => {
    await adapter.cancelOrder({ orderIds: [], all: true }); // the earlier tests' resting orders
    const a = await adapter.createOrder(order({ price: toMicros('0.05') }));
    const b = await adapter.createOrder(order({ price: toMicros('0.06') }));
    const c = await adapter.createOrder(order({ price: toMicros('0.07') }));
    const d = await adapter.createOrder(order({ price: toMicros('0.08') }));
    // a: rate limited twice (recorded); b: once (cancelled after the wait); c: Kalshi down (recorded).
    kalshi.failNext({ status: 429, headers: { 'retry-after': '2' }, pathEndsWith: `/orders/${a.orderId}` });
    kalshi.failNext({ status: 429, headers: { 'retry-after': '2' }, pathEndsWith: `/orders/${a.orderId}` });
    kalshi.failNext({ status: 429, pathEndsWith: `/orders/${b.orderId}` });
    kalshi.failNext({ status: 503, pathEndsWith: `/orders/${c.orderId}` });
    sleeps.length = 0;

    const result = await adapter.cancelOrder({ orderIds: [], all: true });
    expect(result.cancelled.sort()).toEqual([b.orderId, d.orderId].sort());
    expect(Object.keys(result.notCancelled).sort()).toEqual([a.orderId, c.orderId].sort());
    expect(result.notCancelled[a.orderId]).toMatch(/rate limit/);
    expect(result.notCancelled[c.orderId]).toMatch(/unavailable/);
    expect(sleeps.sort()).toEqual([1_000, 2_000]);
    expect((await adapter.fetchOpenOrders(TICKER)).map((o) => o.orderId).sort()).toEqual([a.orderId, c.orderId].sort());
    await adapter.cancelOrder({ orderIds: [], all: true });
    expect(await adapter.fetchOpenOrders(TICKER)).toEqual([]);
  });

  it('throws a refused key at once when nothing was cancelled: every cancel would fail alike', async () => {
    const readOnly = makeAdapter({ url: kalshi.url, keyId: 'read-only', pem: key.privateKeyPem, clock });
    const ids = ['6f1c2c1e-0000-4000-8000-000000000001', '6f1c2c1e-0000-4000-8000-000000000002'];
    const error = await readOnly.cancelOrder({ orderIds: ids }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AuthenticationError');
    expect(kalshi.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });
});
