/** KalshiAdapter failure paths against the local Kalshi: typed errors, no PEM in them, permission report. */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  ConfigError,
  ExchangeUnavailableError,
  InsufficientFundsError,
  InvalidOrderError,
  OrderNotFoundError,
  RateLimitedError,
} from '../../../src/core/errors.js';
import { toMicros } from '../../../src/core/money.js';
import { silentLogger, systemClock } from '../../../src/core/runtime.js';
import type { KalshiAdapter } from '../../../src/exchanges/kalshi/adapter.js';
import { KALSHI_URLS, kalshiVenue } from '../../../src/exchanges/kalshi/index.js';
import { startKalshiSandbox, type KalshiSandbox } from '../../doubles/kalshi/index.js';
import { generateKey, makeAdapter, offsetClock, pemFingerprint } from './helpers.js';

const TICKER = 'KXERR-1';
const key = generateKey();
const otherKey = generateKey();
let kalshi: KalshiSandbox;
let adapter: KalshiAdapter;

const buy = { market: TICKER, outcome: 'yes' as const, side: 'buy' as const, size: toMicros('10'), price: toMicros('0.50'), type: 'GTC' as const };

/** Everything an error could leak through: message, hint, raw info, stack, cause. */
function assertNoPem(error: unknown): void {
  const e = error as { message: string; hint?: string; info?: unknown; stack?: string; cause?: unknown };
  const text = JSON.stringify({ m: e.message, h: e.hint, i: e.info, s: e.stack, c: String(e.cause ?? '') });
  for (const pem of [key.privateKeyPem, otherKey.privateKeyPem]) {
    for (const piece of pemFingerprint(pem)) expect(text).not.toContain(piece);
  }
  expect(text).not.toContain('PRIVATE KEY');
}

beforeAll(async () => {
  kalshi = await startKalshiSandbox({ maxSkewMs: 5_000 });
  kalshi.registerKey('key-1', key.publicKeyPem);
  kalshi.registerKey('read-only', key.publicKeyPem, { readOnly: true });
  kalshi.fund('key-1', 10_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '10']], noBids: [['0.50', '10']] });
  adapter = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem });
});
afterAll(() => kalshi.close());

describe('KalshiAdapter errors', () => {
  it('maps a refused signature to AuthenticationError', async () => {
    const wrong = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: otherKey.privateKeyPem });
    const error = await wrong.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).info).toMatchObject({ status: 401, body: { error: { code: 'authentication_error' } } });
    assertNoPem(error);
  });

  it('maps 429 to RateLimitedError with Retry-After, 5xx to ExchangeUnavailableError', async () => {
    kalshi.failNext({ status: 429, body: { error: 'too many requests' }, headers: { 'retry-after': '2' } });
    const limited = await adapter.fetchBalance().catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(2000);
    kalshi.failNext({ status: 503 });
    const down = await adapter.createOrder(buy).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(ExchangeUnavailableError);
    expect((down as ExchangeUnavailableError).retryable).toBe(true);
    assertNoPem(limited);
    assertNoPem(down);
  });

  it('maps an unaffordable order to InsufficientFundsError and an unknown market to InvalidOrderError', async () => {
    const poor = await adapter.createOrder({ ...buy, size: toMicros('1000') }).catch((e: unknown) => e);
    expect(poor).toBeInstanceOf(InsufficientFundsError);
    expect((poor as InsufficientFundsError).info).toMatchObject({ status: 400, body: { error: { code: 'insufficient_balance' } } });
    const unknown = await adapter.createOrder({ ...buy, market: 'KXNOPE-1' }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(InvalidOrderError);
    assertNoPem(poor);
    assertNoPem(unknown);
  });

  it('maps an unknown order id to OrderNotFoundError', async () => {
    const error = await adapter.fetchOrder('6f1c2c1e-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderNotFoundError);
    assertNoPem(error);
  });

  it('refuses to sign without credentials, and a broken PEM without echoing it', async () => {
    const anonymous = makeAdapter({ url: kalshi.url });
    await expect(anonymous.fetchBalance()).rejects.toThrow(/key id and private key are required/);
    expect((await anonymous.getMarketPrice(TICKER)).bid).toBe(toMicros('0.40')); // market data is public
    const broken = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem.slice(0, 600) });
    const error = await broken.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify({ m: (error as Error).message, h: (error as AuthenticationError).hint })).not.toContain(
      pemFingerprint(key.privateKeyPem)[0],
    );
  });
});

describe('a malformed Kalshi private key', () => {
  const encrypted = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' })
    .toString();
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  /** Every base64 line of the (possibly broken) PEM, cut to 24 characters: none may show up in an error. */
  const keyPieces = (pem: string) =>
    pem
      .replace(/\\n/g, '\n')
      .split('\n')
      .filter((line) => line.length >= 24 && !line.includes('-----'))
      .map((line) => line.slice(0, 24));
  const cases: Array<[string, string]> = [
    ['truncated', key.privateKeyPem.slice(0, 600)],
    ['body corrupted', key.privateKeyPem.replace(/[A-M]/g, '*')],
    ['escaped newlines, truncated', key.privateKeyPem.replace(/\n/g, '\\n').slice(0, 700)],
    ['a public key', key.publicKeyPem],
    ['passphrase-protected', encrypted],
    ['not RSA', ec],
  ];

  it.each(cases)('%s: every call fails with AuthenticationError naming both key settings, never the key', async (_name, pem) => {
    const broken = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem });
    const before = kalshi.requests.length;
    const errors = [
      await broken.initialize().catch((e: unknown) => e),
      await broken.fetchBalance().catch((e: unknown) => e),
      await broken.createOrder(buy).catch((e: unknown) => e),
      await broken.cancelOrder({ orderIds: ['6f1c2c1e-0000-4000-8000-000000000001'] }).catch((e: unknown) => e),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthenticationError);
      const text = `${(error as Error).message} ${(error as AuthenticationError).hint}`;
      expect(text).toContain('KALSHI_PRIVATE_KEY_PATH');
      expect(text).toContain('KALSHI_PRIVATE_KEY_PEM');
      expect((error as Error).cause).toBeUndefined();
      assertNoPem(error);
      const shown = JSON.stringify({ m: (error as Error).message, h: (error as AuthenticationError).hint, i: (error as AuthenticationError).info, s: (error as Error).stack });
      for (const piece of keyPieces(pem)) expect(shown).not.toContain(piece);
    }
    expect(kalshi.requests.length).toBe(before);
    const report = await broken.validatePermissions();
    expect(report.ok).toBe(false);
    const credentials = report.checks.find((c) => c.name === 'credentials');
    expect(credentials?.ok).toBe(false);
    expect(credentials?.detail).toMatch(/KALSHI_PRIVATE_KEY_PATH.*KALSHI_PRIVATE_KEY_PEM/);
    for (const piece of keyPieces(pem)) expect(credentials?.detail).not.toContain(piece);
  });
});

describe('KalshiAdapter.validatePermissions', () => {
  it('proves the key works and reports a small clock skew as fine', async () => {
    const report = await adapter.validatePermissions();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['credentials', true],
      ['signed request', true],
      ['clock', true],
      ['trade permission', true],
      ['withdrawals', true],
    ]);
  });

  it('flags a clock 4 s off: still accepted, but close to being refused', async () => {
    const skewed = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem, clock: offsetClock(-4_000) });
    const report = await skewed.validatePermissions();
    const clock = report.checks.find((c) => c.name === 'clock');
    expect(clock?.ok).toBe(false);
    expect(clock?.detail).toMatch(/behind Kalshi's.*sync the clock/);
    expect(report.ok).toBe(false);
  });

  it('fails the signed request when the clock is outside the venue window', async () => {
    const skewed = makeAdapter({ url: kalshi.url, keyId: 'key-1', pem: key.privateKeyPem, clock: offsetClock(30_000) });
    const report = await skewed.validatePermissions();
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'signed request')?.detail).toMatch(/refused the credentials.*clock/);
  });

  it('reports a read-only key as unable to trade', async () => {
    const readOnly = makeAdapter({ url: kalshi.url, keyId: 'read-only', pem: key.privateKeyPem });
    const report = await readOnly.validatePermissions();
    expect(report.checks.find((c) => c.name === 'trade permission')).toMatchObject({ ok: false });
    expect(report.ok).toBe(false);
  });
});

describe('kalshiVenue', () => {
  const create = (settings: Record<string, string | undefined>) =>
    kalshiVenue.create({ settings, secrets: {}, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger }) as KalshiAdapter;

  it('derives the base URL from the environment; KALSHI_API_URL overrides it', () => {
    expect(create({}).baseUrl).toBe('https://external-api.kalshi.com/trade-api/v2');
    expect(KALSHI_URLS.prod).toBe('https://external-api.kalshi.com/trade-api/v2');
    expect(create({ env: 'demo' }).baseUrl).toBe('https://external-api.demo.kalshi.co/trade-api/v2');
    expect(create({ env: 'demo', apiUrl: 'http://127.0.0.1:9/trade-api/v2/' }).baseUrl).toBe('http://127.0.0.1:9/trade-api/v2');
    expect(() => create({ env: 'staging' })).toThrow(ConfigError);
  });

  it('declares its settings and the PEM secret with their environment variables', () => {
    expect(kalshiVenue.id).toBe('kalshi');
    expect(kalshiVenue.settings.map((s) => [s.key, s.env, s.default])).toEqual([
      ['env', 'KALSHI_ENV', 'prod'],
      ['apiUrl', 'KALSHI_API_URL', undefined],
      ['apiKeyId', 'KALSHI_API_KEY_ID', undefined],
    ]);
    expect(kalshiVenue.secrets).toEqual([expect.objectContaining({ key: 'privateKeyPem', env: 'KALSHI_PRIVATE_KEY_PEM', required: true })]);
  });
});
