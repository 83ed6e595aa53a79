/**
 * Issue 11's `auth` findings on the local Polymarket, through the real adapter: a too-short password
 * fails before the first CLOB request, and a re-run with another key leaves no old key beside the new
 * key's API credentials (which the CLOB refuses with 401).
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretVault } from '../../src/config/vault.js';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { DEV_KEYS } from '../support/chain.js';
import { run, tempConfigDir } from '../support/cli.js';

const KEY_A = DEV_KEYS[1]!;
const KEY_B = DEV_KEYS[3]!;
const PASSWORD = 'sandbox-password';

let sandbox: PolymarketSandbox;
let registry: ExchangeRegistry;
let endpoints: Record<string, string>;
let token: string;

beforeAll(async () => {
  [sandbox, registry] = await Promise.all([startPolymarketSandbox(), defaultRegistry()]);
  endpoints = {
    POLYMARKET_CLOB_URL: sandbox.clobUrl,
    POLYMARKET_DATA_API_URL: sandbox.dataApiUrl,
    POLYMARKET_GAMMA_URL: sandbox.gammaUrl,
    POLYMARKET_RTDS_URL: sandbox.rtdsUrl,
  };
  for (const key of [KEY_A, KEY_B]) sandbox.fund(privateKeyToAccount(key).address, 100_000_000n);
  token = sandbox.markets.find((m) => m.active && !m.closed && m.tickSize === '0.01')!.tokens[0].tokenId;
});

afterAll(() => sandbox?.close());

function keyFile(configDir: string, key: string): string {
  const path = join(configDir, '..', `pm-${key.slice(2, 10)}.key`);
  writeFileSync(path, key, { mode: 0o600 });
  return path;
}

const order = ['order', '--exchange', 'polymarket', '--token', '', '--side', 'buy', '--size', '10', '--price', '0.05', '--yes', '--json'];
const orderArgs = () => order.map((arg) => arg || token);
const orderPosts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/order').length;

describe('auth on the local Polymarket', () => {
  it('a too-short password fails before any CLOB request and leaves no file', async () => {
    const configDir = tempConfigDir();
    const before = sandbox.requests.length;
    const result = await run(['auth', '--exchange', 'polymarket', '--private-key-file', keyFile(configDir, KEY_A)], {
      registry,
      configDir,
      env: { ...endpoints, BETMIRROR_PASSWORD: '1234567' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the secret store password needs at least 8 characters (BETMIRROR_PASSWORD has 7)');
    expect(sandbox.requests.length).toBe(before);
    expect(readdirSync(configDir)).toEqual([]);
  });

  it('a re-run with a key from the environment drops the stored key: no order goes out with a mismatched pair', async () => {
    const configDir = tempConfigDir();
    const env = { ...endpoints, BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'polymarket', '--private-key-file', keyFile(configDir, KEY_A)], { registry, configDir, env })).code).toBe(0);
    const rerun = await run(['auth', '--exchange', 'polymarket', '--json'], { registry, configDir, env: { ...env, POLYMARKET_PRIVATE_KEY: KEY_B } });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout).droppedSecrets).toEqual(['polymarket.privateKey']);
    const stored = await new SecretVault(join(configDir, 'secrets', 'default.vault.json'), 10).read(PASSWORD);
    expect(Object.keys(stored).sort()).toEqual(['polymarket.apiKey', 'polymarket.apiPassphrase', 'polymarket.apiSecret']);

    const posts = orderPosts();
    const withoutKey = await run(orderArgs(), { registry, configDir, env });
    expect(withoutKey.code).toBe(4);
    expect(withoutKey.stderr).toContain('no Signer private key (0x + 64 hex) for Polymarket');
    expect(orderPosts()).toBe(posts);
    const withKey = await run(orderArgs(), { registry, configDir, env: { ...env, POLYMARKET_PRIVATE_KEY: KEY_B } });
    expect(withKey.stderr).toBe('');
    expect(withKey.code).toBe(0);
    expect(JSON.parse(withKey.stdout).status).toBe('open');
    expect(orderPosts()).toBe(posts + 1);
  });

  it('a re-run with another key by file stores that key with its own credentials; the next order is accepted', async () => {
    const configDir = tempConfigDir();
    const env = { ...endpoints, BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'polymarket', '--private-key-file', keyFile(configDir, KEY_A)], { registry, configDir, env })).code).toBe(0);
    expect((await run(['auth', '--exchange', 'polymarket', '--private-key-file', keyFile(configDir, KEY_B)], { registry, configDir, env })).code).toBe(0);
    const stored = await new SecretVault(join(configDir, 'secrets', 'default.vault.json'), 10).read(PASSWORD);
    expect(stored['polymarket.privateKey']).toBe(KEY_B);

    const placed = await run(orderArgs(), { registry, configDir, env });
    expect(placed.stderr).toBe('');
    expect(placed.code).toBe(0);
    const sent = sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/order').at(-1)!;
    expect(JSON.parse(sent.body).order.signer).toBe(privateKeyToAccount(KEY_B).address);
  });
});
