/**
 * A 2xx answer carrying an error object is a failure (VENUES 3: the legacy create-order endpoint
 * answers 2xx with `deprecated_v1_order_endpoint` and places nothing), mapped through the error table
 * like any refusal, against the local Kalshi.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../../src/cli/exit.js';
import { ExchangeError, InvalidOrderError, NotSupportedError } from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import { systemClock } from '../../../src/core/runtime.js';
import { loadPrivateKey } from '../../../src/exchanges/kalshi/auth.js';
import { KalshiClient } from '../../../src/exchanges/kalshi/client.js';
import { errorInAnswer } from '../../../src/exchanges/kalshi/errors.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter } from './helpers.js';

const TICKER = 'KXTWO-26DEC31';
const key = generateKey();
let kalshi: KalshiSandbox;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-2xx', key.publicKeyPem);
  kalshi.fund('key-2xx', 20_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '10']], noBids: [['0.50', '10']] });
});
afterAll(() => kalshi.close());

const buy = { market: TICKER, outcome: 'yes' as const, side: 'buy' as const, size: toMicros('10'), price: toMicros('0.50'), type: 'FAK' as const };
const posts = () => kalshi.requests.filter((r) => r.method === 'POST').length;

describe('2xx answers that carry an error', () => {
  it('the local Kalshi answers the legacy create-order endpoint 200 + deprecated_v1_order_endpoint and places nothing', async () => {
    const client = new KalshiClient(kalshi.url, globalThis.fetch, systemClock, () => ({ keyId: 'key-2xx', key: loadPrivateKey(key.privateKeyPem) }));
    const body = { ticker: TICKER, action: 'buy', side: 'yes', count: 10, type: 'limit', yes_price: 50 };
    const error = await client.call('POST', '/portfolio/orders', { auth: true, kind: 'order', body }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotSupportedError);
    expect((error as Error).message).toBe(
      'Kalshi no longer serves POST /trade-api/v2/portfolio/orders (this endpoint is deprecated: use POST /portfolio/events/orders); nothing was placed',
    );
    expect((error as NotSupportedError).info).toMatchObject({ status: 200, body: { error: { code: 'deprecated_v1_order_endpoint' } } });
    expect(describeError(error).exitCode).toBe(3);
    expect([...kalshi.exchange.orders.values()].filter((o) => o.user !== 'market-maker')).toEqual([]);
    expect(kalshi.cash('key-2xx')).toBe(toMicros('20'));
  });

  it('an order answered 201 with an error object is a refused order: not booked, not repeated, not unknown', async () => {
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'key-2xx', pem: key.privateKeyPem });
    await adapter.fetchInstrumentRules(TICKER); // the market look-up first, so only the POST meets the injected answer
    const before = posts();
    kalshi.failNext({ status: 201, body: { error: { code: 'invalid_order', message: 'order rejected', details: 'market paused' } }, pathEndsWith: '/portfolio/events/orders' });
    const error = await adapter.createOrder(buy).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOrderError);
    expect((error as Error).message).toBe('Kalshi refused the order: order rejected: market paused (HTTP 201 carrying an error)');
    expect(describeError(error).exitCode).toBe(5);
    expect(posts() - before).toBe(1);
    expect(kalshi.cash('key-2xx')).toBe(toMicros('20'));
  });

  it('a read answered 200 with an error object fails instead of reading as data', async () => {
    const adapter = makeAdapter({ url: kalshi.url, keyId: 'key-2xx', pem: key.privateKeyPem });
    kalshi.failNext({ status: 200, body: { error: { code: 'service_unavailable_partial', message: 'balance not available' } }, pathEndsWith: '/portfolio/balance' });
    const error = await adapter.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeError);
    expect((error as Error).message).toBe('Kalshi answered HTTP 200 on GET /trade-api/v2/portfolio/balance: balance not available');
    expect((await adapter.fetchBalance()).cash).toBe(toMicros('20'));
  });

  it('what counts as an error object', () => {
    expect(errorInAnswer({ error: { code: 'x' } })).toBe(true);
    expect(errorInAnswer({ error: 'too many requests' })).toBe(true);
    expect(errorInAnswer({ error: null, order_id: 'o' })).toBe(false);
    expect(errorInAnswer({ error: '' })).toBe(false);
    expect(errorInAnswer([{ error: {} }])).toBe(false);
    expect(errorInAnswer({ balance: 100 })).toBe(false);
  });
});
