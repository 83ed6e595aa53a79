/** The local Kalshi checks signatures the way Kalshi does: each malformed request is a 401. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constants, sign } from 'node:crypto';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey } from './helpers.js';

const owner = generateKey();
const stranger = generateKey();
let kalshi: KalshiSandbox;
let origin: string;

beforeAll(async () => {
  kalshi = await startKalshiSandbox();
  kalshi.registerKey('key-1', owner.publicKeyPem);
  kalshi.registerKey('read-only', owner.publicKeyPem, { readOnly: true });
  kalshi.addMarket({ ticker: 'KXTEST-1', yesBids: [['0.40', '10']] });
  origin = new URL(kalshi.url).origin;
});
afterAll(() => kalshi.close());

interface Attempt {
  pem?: string;
  keyId?: string;
  timestamp?: number;
  signedMethod?: string;
  signedPath?: string;
  drop?: string;
}

/** Signs by hand (independently of the adapter's signer) over exactly the text the attempt names. */
async function call(method: string, path: string, attempt: Attempt = {}, body?: unknown) {
  const timestamp = String(attempt.timestamp ?? Date.now());
  const signedText = `${timestamp}${attempt.signedMethod ?? method}${attempt.signedPath ?? path.split('?')[0]}`;
  const signature = sign('sha256', Buffer.from(signedText), {
    key: attempt.pem ?? owner.privateKeyPem,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  }).toString('base64');
  const headers: Record<string, string> = {
    'KALSHI-ACCESS-KEY': attempt.keyId ?? 'key-1',
    'KALSHI-ACCESS-TIMESTAMP': timestamp,
    'KALSHI-ACCESS-SIGNATURE': signature,
    'content-type': 'application/json',
  };
  if (attempt.drop) delete headers[attempt.drop];
  const response = await fetch(origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { error?: { code?: string; details?: string } } };
}

describe('local Kalshi signature checks', () => {
  it('accepts a correctly signed request', async () => {
    const result = await call('GET', '/trade-api/v2/portfolio/balance');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ balance: 0, portfolio_value: 0 });
  });

  it('refuses a signature made with another private key', async () => {
    const result = await call('GET', '/trade-api/v2/portfolio/balance', { pem: stranger.privateKeyPem });
    expect(result.status).toBe(401);
    expect(result.body.error?.code).toBe('authentication_error');
    expect(result.body.error?.details).toBe('INCORRECT_API_KEY_SIGNATURE');
  });

  it('refuses an unknown key id', async () => {
    const result = await call('GET', '/trade-api/v2/portfolio/balance', { keyId: 'no-such-key' });
    expect(result.status).toBe(401);
    expect(result.body.error?.details).toMatch(/unknown API key/);
  });

  it('refuses a signature computed over the path WITH its query string, accepts it without', async () => {
    const path = '/trade-api/v2/portfolio/orders?status=resting';
    const withQuery = await call('GET', path, { signedPath: path });
    expect(withQuery.status).toBe(401);
    const withoutQuery = await call('GET', path, { signedPath: '/trade-api/v2/portfolio/orders' });
    expect(withoutQuery.status).toBe(200);
  });

  it('refuses stale and future timestamps', async () => {
    expect((await call('GET', '/trade-api/v2/portfolio/balance', { timestamp: Date.now() - 10_000 })).body.error?.details).toMatch(/too old/);
    expect((await call('GET', '/trade-api/v2/portfolio/balance', { timestamp: Date.now() + 10_000 })).status).toBe(401);
    expect((await call('GET', '/trade-api/v2/portfolio/balance', { timestamp: Date.now() - 2_000 })).status).toBe(200);
  });

  it.each(['KALSHI-ACCESS-KEY', 'KALSHI-ACCESS-TIMESTAMP', 'KALSHI-ACCESS-SIGNATURE'])('refuses a request without %s', async (header) => {
    const result = await call('GET', '/trade-api/v2/portfolio/balance', { drop: header });
    expect(result.status).toBe(401);
    expect(result.body.error?.details).toMatch(/missing/);
  });

  it('refuses a signature made for another method', async () => {
    const result = await call('DELETE', '/trade-api/v2/portfolio/events/orders/x', { signedMethod: 'GET' });
    expect(result.status).toBe(401);
  });

  it('lets a read-only key read but not trade', async () => {
    expect((await call('GET', '/trade-api/v2/portfolio/balance', { keyId: 'read-only' })).status).toBe(200);
    const order = { ticker: 'KXTEST-1', side: 'bid', count: '1', price: '0.10', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'taker_at_cross' };
    const result = await call('POST', '/trade-api/v2/portfolio/events/orders', { keyId: 'read-only' }, order);
    expect(result.status).toBe(403);
  });

  it('serves market data without a signature', async () => {
    const response = await fetch(`${kalshi.url}/markets/KXTEST-1/orderbook`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ orderbook_fp: { yes_dollars: [['0.4000', '10.00']], no_dollars: [] } });
  });
});
