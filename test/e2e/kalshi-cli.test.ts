/** The CLI end to end on the local Kalshi: auth with a PEM file, balance, order, cancel, and cashout refused. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startKalshiSandbox } from '../doubles/kalshi/index.js';
import { generateKey, pemFingerprint } from '../exchanges/kalshi/helpers.js';
import { run, tempConfigDir } from '../support/cli.js';

const TICKER = 'KXTEST-26DEC31-T1';
let kalshi: Awaited<ReturnType<typeof startKalshiSandbox>>;
let registry: ExchangeRegistry;
let configDir: string;
let env: Record<string, string>;
const key = generateKey();

beforeAll(async () => {
  [kalshi, registry] = await Promise.all([startKalshiSandbox(), defaultRegistry()]);
  kalshi.registerKey('key-cli', key.publicKeyPem);
  kalshi.fund('key-cli', 250_00);
  kalshi.addMarket({ ticker: TICKER, yesBids: [['0.40', '100']], noBids: [['0.55', '100']] });
  configDir = tempConfigDir();
  const pemPath = join(configDir, 'kalshi.pem');
  writeFileSync(pemPath, key.privateKeyPem, { mode: 0o600 });
  env = { KALSHI_API_URL: kalshi.url, KALSHI_API_KEY_ID: 'key-cli', KALSHI_PRIVATE_KEY_PATH: pemPath };
});

afterAll(async () => {
  await kalshi?.close();
});

const cli = (argv: string[], extraEnv: Record<string, string> = {}) => run(argv, { registry, configDir, env: { ...env, ...extraEnv } });
const orderPosts = () => kalshi.requests.filter((r) => r.method === 'POST').length;

describe('betmirror on the local Kalshi', () => {
  it('auth proves the key works', async () => {
    const result = await cli(['auth', '--exchange', 'kalshi', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).permissions.ok).toBe(true);
  });

  it('balance converts cents to USD', async () => {
    const result = await cli(['balance', '--exchange', 'kalshi', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cash).toBe(250);
  });

  it('places a resting YES bid and cancels it', async () => {
    const placed = await cli(['order', '--exchange', 'kalshi', '--market', TICKER, '--outcome', 'yes', '--side', 'buy', '--size', '3', '--price', '0.30', '--yes', '--json']);
    expect(placed.code).toBe(0);
    const order = JSON.parse(placed.stdout);
    expect(order).toMatchObject({ status: 'open', size: 3, price: 0.3, outcome: 'yes' });
    expect(order.clientOrderId).toMatch(/^[0-9a-f-]{36}$/);
    const cancelled = await cli(['cancel', '--exchange', 'kalshi', order.orderId, '--yes', '--json']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout).cancelled).toEqual([order.orderId]);
  });

  it('a FAK buy of YES takes the NO bids within the cap', async () => {
    const result = await cli(['order', '--exchange', 'kalshi', '--market', TICKER, '--outcome', 'yes', '--side', 'buy', '--size', '4', '--price', '0.45', '--type', 'fak', '--yes', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'filled', filledSize: 4 });
    expect(kalshi.position('key-cli', TICKER)).toBe('4.00');
  });

  it('refuses an order without --outcome before sending', async () => {
    const posts = orderPosts();
    const result = await cli(['order', '--exchange', 'kalshi', '--market', TICKER, '--side', 'buy', '--size', '3', '--price', '0.30', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/outcome/);
    expect(orderPosts()).toBe(posts);
  });

  it('cashout is refused clearly with exit 3', async () => {
    const result = await cli(['cashout', '--exchange', 'kalshi', '--amount', '10', '--to', `0x${'2'.repeat(40)}`, '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Kalshi cannot cash out through its API/);
  });

  it('never prints the RSA key', async () => {
    const outputs = [
      await cli(['balance', '--exchange', 'kalshi', '--verbose']),
      await cli(['order', '--exchange', 'kalshi', '--market', 'NOPE', '--outcome', 'yes', '--side', 'buy', '--size', '3', '--price', '0.30', '--yes', '--verbose']),
      await cli(['balance', '--exchange', 'kalshi', '--verbose'], { KALSHI_API_KEY_ID: 'unknown-key' }),
    ];
    for (const output of outputs) for (const piece of pemFingerprint(key.privateKeyPem)) expect(output.stdout + output.stderr).not.toContain(piece);
  });
});
