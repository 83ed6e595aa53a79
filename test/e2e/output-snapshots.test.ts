/**
 * Snapshots of what each command prints, human and --json, against the local venues (the local
 * Polymarket and chain, the local Kalshi): a change in wording or in a JSON field shows up in review.
 * Values that differ from run to run (order ids, transaction hashes, ports, temporary directories)
 * are replaced by placeholders; everything else is as printed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startPolymarketSandbox, type PolymarketSandbox } from '../../src/sandbox/polymarket/index.js';
import { startKalshiSandbox } from '../doubles/kalshi/index.js';
import { generateKey } from '../exchanges/kalshi/helpers.js';
import { DEV_KEYS, startAnvil, type LocalChain } from '../support/chain.js';
import { run, tempConfigDir, type RunResult } from '../support/cli.js';

const KEY = DEV_KEYS[1]!;
const ADDRESS = privateKeyToAccount(KEY).address;
const DESTINATION = privateKeyToAccount(DEV_KEYS[3]!).address;
const TICKER = 'KXSNAP-26DEC31-T1';

let polymarket: PolymarketSandbox;
let kalshi: Awaited<ReturnType<typeof startKalshiSandbox>>;
let chain: LocalChain;
let registry: ExchangeRegistry;
let configDir: string;
let env: Record<string, string>;
let token: string;

beforeAll(async () => {
  [polymarket, kalshi, chain] = await Promise.all([startPolymarketSandbox(), startKalshiSandbox(), startAnvil()]);
  registry = defaultRegistry();
  await chain.installCollateral();
  await chain.mintCollateral(ADDRESS, 50_000_000n);
  polymarket.fund(ADDRESS, 500_000_000n);
  token = polymarket.markets.find((m) => m.active && !m.closed && m.tickSize === '0.01')!.tokens[0].tokenId;
  const key = generateKey();
  kalshi.registerKey('key-snap', key.publicKeyPem);
  kalshi.fund('key-snap', 250_00);
  kalshi.addMarket({ ticker: TICKER, title: 'Will the snapshot hold on Dec 31?', yesBids: [['0.40', '100']], noBids: [['0.55', '100']] });
  configDir = tempConfigDir();
  const pem = join(configDir, 'kalshi.pem');
  writeFileSync(pem, key.privateKeyPem, { mode: 0o600 });
  env = {
    POLYMARKET_PRIVATE_KEY: KEY,
    POLYMARKET_CLOB_URL: polymarket.clobUrl,
    POLYMARKET_DATA_API_URL: polymarket.dataApiUrl,
    POLYMARKET_GAMMA_URL: polymarket.gammaUrl,
    POLYMARKET_RTDS_URL: polymarket.rtdsUrl,
    POLYGON_RPC_URL: chain.rpcUrl,
    KALSHI_API_URL: kalshi.url,
    KALSHI_API_KEY_ID: 'key-snap',
    KALSHI_PRIVATE_KEY_PATH: pem,
    BETMIRROR_PASSWORD: 'snapshot-password',
  };
});

afterAll(async () => {
  await Promise.all([polymarket?.close(), kalshi?.close(), chain?.close()]);
});

/** The printed text with what changes from run to run replaced. */
function stable(text: string): string {
  return text
    .replaceAll(configDir, '<configDir>')
    .replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:<port>')
    .replace(/0x[0-9a-f]{64}/g, '<hash>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/about \d+ ms (ahead of|behind)/g, 'about <n> ms <ahead of or behind>')
    .replaceAll(token, '<token>');
}

async function both(argv: string[]): Promise<{ human: RunResult; json: RunResult }> {
  const human = await run(argv, { registry, env, configDir });
  const json = await run([...argv, '--json'], { registry, env, configDir });
  for (const result of [human, json]) {
    result.stdout = stable(result.stdout);
    result.stderr = stable(result.stderr);
  }
  return { human, json };
}

describe('what each command prints, on the local venues', () => {
  it('auth', async () => {
    const polymarketAuth = await both(['auth', '--exchange', 'polymarket']);
    const kalshiAuth = await both(['auth', '--exchange', 'kalshi']);
    expect(polymarketAuth.human.code).toBe(0);
    expect(kalshiAuth.json.code).toBe(0);
    expect({ polymarketAuth, kalshiAuth }).toMatchSnapshot();
  });

  it('balance', async () => {
    const polymarketBalance = await both(['balance', '--exchange', 'polymarket']);
    const kalshiBalance = await both(['balance', '--exchange', 'kalshi']);
    expect(polymarketBalance.json.code).toBe(0);
    expect({ polymarketBalance, kalshiBalance }).toMatchSnapshot();
  });

  it('order (the human output names the market by title and outcome) and cancel', async () => {
    const polymarketOrder = await both(['order', '--exchange', 'polymarket', '--token', token, '--side', 'buy', '--size', '10', '--price', '0.05', '--yes']);
    expect(polymarketOrder.human.stdout).toMatch(/^market: "Will it rain in Sandbox City tomorrow\?" \(Yes\)$/m);
    const kalshiOrder = await both(['order', '--exchange', 'kalshi', '--market', TICKER, '--outcome', 'yes', '--side', 'buy', '--size', '3', '--price', '0.30', '--yes']);
    const cancelAll = await both(['cancel', '--exchange', 'polymarket', '--all', '--yes']);
    expect({ polymarketOrder, kalshiOrder, cancelAll }).toMatchSnapshot();
  });

  it('cashout, and its refusal on a venue that cannot', async () => {
    const dryRun = await both(['cashout', '--exchange', 'polymarket', '--amount', '2.5', '--to', DESTINATION, '--dry-run', '--yes']);
    const sent = await both(['cashout', '--exchange', 'polymarket', '--amount', '1.25', '--to', DESTINATION, '--yes']);
    const refused = await both(['cashout', '--exchange', 'kalshi', '--amount', '1', '--to', DESTINATION, '--yes']);
    expect(sent.json.code).toBe(0);
    expect(refused.human.code).toBe(3);
    expect({ dryRun, sent, refused }).toMatchSnapshot();
  });

  it('status and profile', async () => {
    const status = await both(['status']);
    const profileList = await both(['profile', 'list']);
    const profileShow = await both(['profile', 'show']);
    expect({ status, profileList, profileShow }).toMatchSnapshot();
  });
});
