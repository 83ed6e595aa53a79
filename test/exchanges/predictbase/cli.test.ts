/**
 * The CLI on the local PredictBase, in-process: auth stores the key encrypted, then balance, order
 * (--market <id> --outcome <title or index>), cancel, cashout refused with exit 3, and `betmirror sandbox`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTextFile } from '../../../src/cli/context.js';
import { runCli } from '../../../src/cli/program.js';
import { nonInteractivePrompter } from '../../../src/cli/prompter.js';
import { SecretVault } from '../../../src/config/vault.js';
import { systemClock } from '../../../src/core/runtime.js';
import { defaultRegistry } from '../../../src/exchanges/registry.js';
import type { PredictBaseSandbox } from '../../../src/sandbox/predictbase/index.js';
import { memoryStream, run, scriptedPrompter, tempConfigDir } from '../../support/cli.js';
import { KEY, MARKET, USER, sent, startVenue } from './helpers.js';

const PASSWORD = 'correct horse battery';
const registry = defaultRegistry();
let venue: PredictBaseSandbox;
let configDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  venue = await startVenue();
  configDir = tempConfigDir();
  env = { PREDICTBASE_API_URL: venue.url, BASE_RPC_URL: venue.rpcUrl, BETMIRROR_PASSWORD: PASSWORD };
});
afterAll(async () => {
  await venue?.close();
});

const cli = (argv: string[]) => run(argv, { registry, configDir, env });

describe('betmirror on the local PredictBase', () => {
  it('auth asks for the key, checks it against PREDICTBASE_ADDRESS and stores it encrypted', async () => {
    const prompter = scriptedPrompter({ password: [KEY] });
    const result = await run(['auth', '--exchange', 'predictbase', '--set', `address=${USER}`, '--json'], { registry, configDir, env, prompter, tty: true });
    expect(result.stderr).not.toContain(KEY);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exchange: 'predictbase', account: USER, storedSecrets: ['predictbase.apiKey'], permissions: { ok: true } });
    expect(prompter.asked).toEqual(['PredictBase API key (x-api-key, bound to your PredictBase user):']);
    const vaultFile = join(configDir, 'secrets', 'default.vault.json');
    expect(readFileSync(vaultFile, 'utf8')).not.toContain(KEY);
    expect(await new SecretVault(vaultFile, 10).read(PASSWORD)).toEqual({ 'predictbase.apiKey': KEY });
  });

  it('balance reads the stored key and the wallet USDC', async () => {
    const result = await cli(['balance', '--exchange', 'predictbase', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ exchange: 'predictbase', cash: 100 });
  });

  it('order addresses the option by title, then cancel removes the rest', async () => {
    const placed = await cli(['order', '--exchange', 'predictbase', '--market', MARKET, '--outcome', 'Yes', '--side', 'buy', '--size', '7', '--price', '0.43', '--yes', '--json']);
    expect(placed.stderr).toBe('');
    expect(placed.code).toBe(0);
    const order = JSON.parse(placed.stdout);
    expect(order).toMatchObject({ exchange: 'predictbase', market: `${MARKET}:Yes`, status: 'partially_filled', size: 7, price: 0.43, filledSize: 5, filledValue: 2.1 });
    expect(sent(venue, 'POST', '/create-order').at(-1)!.body).toMatchObject({ order: { marketId: MARKET, optionIndex: 0, qty: 7, price: 0.43, userId: USER } });
    const cancelled = await cli(['cancel', '--exchange', 'predictbase', order.orderId, '--yes', '--json']);
    expect(cancelled.code).toBe(0);
    expect(JSON.parse(cancelled.stdout)).toMatchObject({ cancelled: [order.orderId], notCancelled: {} });
    expect(venue.cash(USER)).toBe(97_900_000n);
  });

  it('an option index works too; an option the market lacks is refused before the order (exit 5)', async () => {
    const byIndex = await cli(['order', '--exchange', 'predictbase', '--market', MARKET, '--outcome', '1', '--side', 'buy', '--size', '1', '--price', '0.2', '--dry-run', '--json']);
    expect(byIndex.code).toBe(0);
    expect(JSON.parse(byIndex.stdout).request.order.optionIndex).toBe(1);
    const posts = sent(venue, 'POST', '/create-order').length;
    const missing = await cli(['order', '--exchange', 'predictbase', '--market', MARKET, '--outcome', 'Maybe', '--side', 'buy', '--size', '1', '--price', '0.2', '--yes']);
    expect(missing.code).toBe(5);
    expect(missing.stderr).toContain('PredictBase market 10744 has no option "Maybe" (options: 0 "Yes", 1 "No")');
    const fok = await cli(['order', '--exchange', 'predictbase', '--market', MARKET, '--outcome', 'Yes', '--side', 'buy', '--size', '1', '--price', '0.5', '--type', 'fok', '--yes']);
    expect(fok.code).toBe(3);
    expect(sent(venue, 'POST', '/create-order').length).toBe(posts);
  });

  it('cashout is refused with exit 3 before anything is sent', async () => {
    const before = venue.requests.length;
    const result = await cli(['cashout', '--exchange', 'predictbase', '--amount', '10', '--to', `0x${'3'.repeat(40)}`, '--yes']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('PredictBase cannot cash out through its API');
    expect(venue.requests.length).toBe(before);
  });
});

describe('betmirror sandbox', () => {
  it('also runs a local PredictBase: a funded wallet gets a key that trades there', async () => {
    const controller = new AbortController();
    const stdout = memoryStream(false);
    const wallet = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
    const running = runCli(['sandbox', '--fund', `${wallet}=250`, '--json'], {
      io: { stdout, stderr: memoryStream(false), stdin: { isTTY: false } },
      env: {},
      clock: systemClock,
      fetch: globalThis.fetch,
      prompter: nonInteractivePrompter(),
      exchanges: registry,
      signal: controller.signal,
      configDir: tempConfigDir(),
      version: 'test',
      readTextFile,
    });
    const end = Date.now() + 10_000;
    while (Date.now() < end && !stdout.text().includes('"predictbase"')) await new Promise((r) => setTimeout(r, 20));
    const info = JSON.parse(stdout.text());
    const key = info.predictbase.keys[wallet];
    expect(info.env).toMatchObject({ PREDICTBASE_API_URL: info.predictbase.url, BASE_RPC_URL: `${info.predictbase.url}/rpc` });
    expect(info.predictbase.markets.map((m: { id: string }) => m.id)).toEqual(['10001', '10002']);
    const balance = await run(['balance', '--exchange', 'predictbase', '--json'], {
      registry,
      env: { ...info.env, PREDICTBASE_ADDRESS: wallet, PREDICTBASE_API_KEY: key },
    });
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout).cash).toBe(250);
    controller.abort();
    expect(await running).toBe(0);
  });
});
