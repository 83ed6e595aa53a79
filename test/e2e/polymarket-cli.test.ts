/**
 * The CLI end to end on Polymarket: the real registry, the real PolymarketAdapter on the official
 * client, the local Polymarket sandbox, and a local anvil chain for cash-outs. EOA funding mode here;
 * the adapter's own suite covers every funding mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { privateKeyToAccount } from 'viem/accounts';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { DEV_KEYS, startAnvil, type LocalChain } from '../support/chain.js';
import { run, tempConfigDir } from '../support/cli.js';

const KEY = DEV_KEYS[1]!;
const ADDRESS = privateKeyToAccount(KEY).address;
const DESTINATION = privateKeyToAccount(DEV_KEYS[3]!).address;

let sandbox: PolymarketSandbox;
let chain: LocalChain;
let registry: ExchangeRegistry;
let env: Record<string, string>;
let configDir: string;
let yes: string;

beforeAll(async () => {
  [sandbox, chain, registry] = await Promise.all([startPolymarketSandbox(), startAnvil(), defaultRegistry()]);
  await chain.installCollateral();
  configDir = tempConfigDir();
  env = {
    POLYMARKET_PRIVATE_KEY: KEY,
    POLYMARKET_CLOB_URL: sandbox.clobUrl,
    POLYMARKET_DATA_API_URL: sandbox.dataApiUrl,
    POLYMARKET_GAMMA_URL: sandbox.gammaUrl,
    POLYMARKET_RTDS_URL: sandbox.rtdsUrl,
    POLYGON_RPC_URL: chain.rpcUrl,
    BETMIRROR_PASSWORD: 'sandbox-password',
  };
  sandbox.fund(ADDRESS, 500_000_000n);
  yes = sandbox.markets.find((m) => m.active && !m.closed && m.tickSize === '0.01')!.tokens[0].tokenId;
});

afterAll(async () => {
  await Promise.all([sandbox?.close(), chain?.close()]);
});

const cli = (argv: string[]) => run(argv, { registry, env, configDir });
const orderPosts = () => sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/order').length;

describe('betmirror on the local Polymarket', () => {
  it('auth obtains API credentials and stores them encrypted', async () => {
    const result = await cli(['auth', '--exchange', 'polymarket', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.account.toLowerCase()).toBe(ADDRESS.toLowerCase());
    expect(view.storedSecrets).toEqual(expect.arrayContaining(['polymarket.apiKey', 'polymarket.apiSecret', 'polymarket.apiPassphrase']));
  });

  it('balance prints the cash of the funder', async () => {
    const result = await cli(['balance', '--exchange', 'polymarket', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cash).toBe(500);
  });

  it('places a resting limit order, lists it as reserved, and cancels it', async () => {
    const placed = await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '10', '--price', '0.05', '--yes', '--json']);
    expect(placed.code).toBe(0);
    const order = JSON.parse(placed.stdout);
    expect(order).toMatchObject({ status: 'open', size: 10, price: 0.05 });
    expect(order.orderId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(sandbox.reservedOf(ADDRESS)).toBe(500_000n);

    const cancelled = await cli(['cancel', '--exchange', 'polymarket', order.orderId, '--yes', '--json']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout).cancelled).toEqual([order.orderId]);
    expect(sandbox.reservedOf(ADDRESS)).toBe(0n);
  });

  it('a marketable FAK buy spends at most size x cap, at prices within the cap', async () => {
    const shares = sandbox.sharesOf(ADDRESS, yes);
    const cash = sandbox.collateralOf(ADDRESS);
    const result = await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '10', '--price', '0.60', '--type', 'fak', '--yes', '--json']);
    expect(result.code).toBe(0);
    const order = JSON.parse(result.stdout);
    expect(order.status).toBe('filled');
    const spent = cash - sandbox.collateralOf(ADDRESS);
    const bought = sandbox.sharesOf(ADDRESS, yes) - shares;
    expect(spent).toBeLessThanOrEqual(6_000_000n);
    expect(bought).toBeGreaterThanOrEqual(10_000_000n);
    expect(Number(spent) / Number(bought)).toBeLessThanOrEqual(0.6);
    expect(order.filledSize).toBeCloseTo(Number(bought) / 1e6, 6);
  });

  it('--dry-run signs the order and sends nothing', async () => {
    const posts = orderPosts();
    const result = await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '10', '--price', '0.30', '--dry-run', '--json']);
    expect(result.code).toBe(0);
    const order = JSON.parse(result.stdout);
    expect(order.status).toBe('dry_run');
    expect(JSON.stringify(order.request)).toMatch(/"signature":"0x[0-9a-f]{130}"/);
    expect(orderPosts()).toBe(posts);
  });

  const refusals: Array<[string, string[], RegExp]> = [
    ['an off-tick price', ['--size', '10', '--price', '0.555'], /tick/i],
    ['an undersized order', ['--size', '1', '--price', '0.30'], /minimum|min.*size/i],
    ['a price outside (0,1)', ['--size', '10', '--price', '1'], /between 0 and 1/],
  ];
  for (const [name, flags, reason] of refusals) {
    it(`refuses ${name} before sending, with the reason and a non-zero exit`, async () => {
      const posts = orderPosts();
      const result = await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', ...flags, '--yes']);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(reason);
      expect(orderPosts()).toBe(posts);
    });
  }

  it('refuses an unknown token before sending', async () => {
    const posts = orderPosts();
    const result = await cli(['order', '--exchange', 'polymarket', '--token', '12345', '--side', 'buy', '--size', '10', '--price', '0.5', '--yes']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/12345/);
    expect(orderPosts()).toBe(posts);
  });

  it('an order beyond the balance comes back with the venue reason and exit 5', async () => {
    const result = await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '5000', '--price', '0.50', '--yes']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/not enough balance/);
  });

  it('cashout transfers collateral on chain and prints the transaction hash', async () => {
    await chain.mintCollateral(ADDRESS, 50_000_000n);
    const result = await cli(['cashout', '--exchange', 'polymarket', '--amount', '12.5', '--to', DESTINATION, '--yes', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.txHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(view.amount).toBe(12.5);
    expect(await chain.collateralBalance(DESTINATION)).toBe(12_500_000n);
    expect(await chain.collateralBalance(ADDRESS)).toBe(37_500_000n);
  });

  it('never prints the private key or the API secret, on any path', async () => {
    const secretsRun = await run(['balance', '--exchange', 'polymarket', '--json'], { registry, configDir, env: { BETMIRROR_PASSWORD: 'sandbox-password', POLYMARKET_CLOB_URL: sandbox.clobUrl } });
    expect(secretsRun.code).toBe(4); // no key in env: the store has API credentials but not the key
    const { SecretVault } = await import('../../src/config/vault.js');
    const stored = await new SecretVault(`${configDir}/secrets/default.vault.json`).read('sandbox-password');
    const apiSecret = stored['polymarket.apiSecret']!;
    const outputs = [
      secretsRun,
      await cli(['balance', '--exchange', 'polymarket', '--verbose']),
      await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '10', '--price', '0.30', '--dry-run', '--verbose']),
      await cli(['order', '--exchange', 'polymarket', '--token', yes, '--side', 'buy', '--size', '5000', '--price', '0.50', '--yes', '--verbose']),
      await cli(['cancel', '--exchange', 'polymarket', `0x${'0'.repeat(64)}`, '--yes', '--verbose']),
      await cli(['cashout', '--exchange', 'polymarket', '--amount', '100000', '--to', DESTINATION, '--yes', '--verbose']),
      await run(['balance', '--exchange', 'polymarket', '--verbose'], { registry, configDir, env: { ...env, POLYMARKET_CLOB_URL: 'http://127.0.0.1:9' } }),
    ];
    for (const output of outputs) {
      const all = output.stdout + output.stderr;
      expect(all).not.toContain(KEY.slice(2));
      expect(all).not.toContain(apiSecret);
    }
  });
});
