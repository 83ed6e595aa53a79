/**
 * Geoblocking: Polymarket answers its order endpoints from restricted countries with HTTP 403 and a
 * Cloudflare block page. The CLI says so in one line (not "run auth"), exits 5, and nothing is filled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { describeError } from '../../src/cli/exit.js';
import { AuthenticationError, GeoblockedError } from '../../src/core/errors.js';
import { venueError } from '../../src/exchanges/polymarket/errors.js';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { DEV_KEYS } from '../support/chain.js';
import { run, tempConfigDir } from '../support/cli.js';

const KEY = DEV_KEYS[2]!;
const ADDRESS = privateKeyToAccount(KEY).address;
let sandbox: PolymarketSandbox;
let registry: ExchangeRegistry;
let env: Record<string, string>;
let token: string;

beforeAll(async () => {
  [sandbox, registry] = await Promise.all([startPolymarketSandbox(), defaultRegistry()]);
  env = { POLYMARKET_PRIVATE_KEY: KEY, POLYMARKET_CLOB_URL: sandbox.clobUrl, POLYMARKET_DATA_API_URL: sandbox.dataApiUrl, POLYMARKET_GAMMA_URL: sandbox.gammaUrl };
  sandbox.fund(ADDRESS, 100_000_000n);
  token = sandbox.markets.find((m) => m.active && !m.closed && m.tickSize === '0.01')!.tokens[0].tokenId;
});
afterAll(async () => sandbox?.close());

const GEOBLOCK_MESSAGE = 'placing a Polymarket order: Polymarket refuses orders from this location (geoblock: HTTP 403 from its edge)';

describe('geoblocked order endpoints', () => {
  it('the local CLOB answers 403 with the Cloudflare block page on order endpoints only', async () => {
    sandbox.setGeoblocked(true);
    try {
      const post = await fetch(`${sandbox.clobUrl}/order`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(403);
      expect(post.headers.get('content-type')).toBe('text/html; charset=UTF-8');
      expect(await post.text()).toContain('Sorry, you have been blocked');
      expect((await fetch(`${sandbox.clobUrl}/book?token_id=${token}`)).status).toBe(200);
    } finally {
      sandbox.setGeoblocked(false);
    }
  });

  it('`betmirror order` prints one clear geoblock error and exits 5; nothing fills', async () => {
    const configDir = tempConfigDir();
    sandbox.setGeoblocked(true);
    try {
      const result = await run(['order', '--exchange', 'polymarket', '--token', token, '--side', 'buy', '--size', '10', '--price', '0.55', '--type', 'FAK', '--yes'], { registry, env, configDir });
      expect(result.code).toBe(5);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toBe('error: order refused: Polymarket refuses orders from this location (geoblock: HTTP 403 from its edge)');
      expect(result.stderr).toContain('https://docs.polymarket.com/api-reference/geoblock');
      expect(result.stderr).not.toMatch(/run `betmirror auth`|<html|cloudflare ray/i);
      expect(sandbox.collateralOf(ADDRESS)).toBe(100_000_000n);
      expect(sandbox.sharesOf(ADDRESS, token)).toBe(0n);

      const json = await run(['order', '--exchange', 'polymarket', '--token', token, '--side', 'buy', '--size', '10', '--price', '0.55', '--type', 'FAK', '--yes', '--json'], { registry, env, configDir });
      expect(json.code).toBe(5);
      expect(json.stderr.split('\n')[0]).toBe('error: order refused: Polymarket refuses orders from this location (geoblock: HTTP 403 from its edge)');
    } finally {
      sandbox.setGeoblocked(false);
    }
    // Lifted: the same key and command trade.
    const result = await run(['order', '--exchange', 'polymarket', '--token', token, '--side', 'buy', '--size', '10', '--price', '0.55', '--type', 'FAK', '--yes', '--json'], { registry, env, configDir });
    expect(result.code).toBe(0);
  });
});

describe('through the adapter', () => {
  it('placing and cancelling are both GeoblockedError, not authentication failures', async () => {
    const adapter = (await registry.get('polymarket')).create({
      settings: { clobUrl: sandbox.clobUrl, dataApiUrl: sandbox.dataApiUrl },
      secrets: { privateKey: KEY },
      fetch: globalThis.fetch,
      clock: systemClock,
      logger: silentLogger,
    });
    await adapter.fetchBalance(); // credentials first, while the edge lets us through
    sandbox.setGeoblocked(true);
    try {
      await expect(adapter.createOrder({ market: token, side: 'buy', size: 10_000_000n, price: 550_000n, type: 'FAK' })).rejects.toBeInstanceOf(GeoblockedError);
      const cancel = adapter.cancelOrder({ orderIds: [`0x${'ab'.repeat(32)}`] });
      await expect(cancel).rejects.toBeInstanceOf(GeoblockedError);
      await expect(cancel).rejects.toThrow('cancelling Polymarket orders: Polymarket refuses orders from this location (geoblock: HTTP 403 from its edge)');
    } finally {
      sandbox.setGeoblocked(false);
    }
  });
});

describe('the error table', () => {
  const page = '<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>';
  it('a 403 block page is a GeoblockedError (exit 5), with the page kept out of the message', () => {
    const error = venueError('placing a Polymarket order', { reason: page, status: 403 });
    expect(error).toBeInstanceOf(GeoblockedError);
    expect(error.message).toBe(GEOBLOCK_MESSAGE);
    expect(describeError(error)).toMatchObject({ exitCode: 5, type: 'GeoblockedError', message: GEOBLOCK_MESSAGE });
  });
  it('a JSON "restricted in your region" answer is a geoblock too', () => {
    expect(venueError('x', { reason: 'Trading restricted in your region, please refer to available regions', status: 403 })).toBeInstanceOf(GeoblockedError);
  });
  it('a 403 about the key stays an authentication failure (exit 4)', () => {
    const error = venueError('placing a Polymarket order', { reason: 'Unauthorized/Invalid api key', status: 403 });
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(describeError(error).exitCode).toBe(4);
  });
});
