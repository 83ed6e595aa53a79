/**
 * Non-custodial custody through the CLI: `auth --smart-account` approves a generated session key with
 * the owner's key (used once), then `cashout` leaves the Kernel account as a sponsored UserOperation,
 * checked by the local bundler stand-in against a real anvil chain with EntryPoint v0.7.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Address } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startBundlerStandIn, type BundlerStandIn } from '../../src/sandbox/bundler/index.js';
import { DEV_KEYS, PUSD_ADDRESS, startAnvil, type LocalChain } from '../support/chain.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { installEntryPoint07 } from '../custody/entryPoint.js';
import { widenApproval } from '../custody/fixture.js';
import { startPolymarketSandbox } from '../../src/sandbox/polymarket/index.js';

const OWNER_KEY = DEV_KEYS[2]!;
const TRADER_KEY = DEV_KEYS[1]!;
const HOME = privateKeyToAccount(DEV_KEYS[3]!).address;
const STRANGER: Address = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';

let chain: LocalChain;
let bundler: BundlerStandIn;
let registry: ExchangeRegistry;
let configDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  [chain, registry] = await Promise.all([startAnvil(), defaultRegistry()]);
  await Promise.all([installEntryPoint07(chain), chain.installCollateral()]);
  bundler = await startBundlerStandIn({ chainId: chain.chainId });
  configDir = tempConfigDir();
  env = { POLYGON_RPC_URL: chain.rpcUrl, BUNDLER_URL: bundler.url, BETMIRROR_PASSWORD: 'custody-password', POLYMARKET_PRIVATE_KEY: TRADER_KEY };
});

afterAll(async () => {
  await Promise.all([bundler?.close(), chain?.close()]);
});

describe('smart-account custody from the command line', () => {
  let profile: { custody: { smartAccount: Address; sessionKeyAddress: Address; owner: Address } };

  it('auth --smart-account approves a new session key with the owner key typed once, and stores no owner key', async () => {
    const prompter = scriptedPrompter({ password: [OWNER_KEY] });
    const result = await run(['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', HOME, '--json'], { registry, configDir, env, prompter, tty: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.owner).toBe(privateKeyToAccount(OWNER_KEY).address);
    expect(view.destinations).toEqual([HOME]);
    expect(view.mayNot.join(' ')).toMatch(/EIP-1271/);
    const files = readFileSync(join(configDir, 'config.json'), 'utf8') + readFileSync(join(configDir, 'secrets', 'default.vault.json'), 'utf8');
    expect(files).not.toContain(OWNER_KEY.slice(2));
    profile = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).profiles.default;
    expect(profile.custody.smartAccount).toBe(view.smartAccount);
  });

  it('cashout sends a sponsored UserOperation: the exact transfer, from the Kernel account, signed by the session key', async () => {
    bundler.expect({
      sender: profile.custody.smartAccount,
      sessionSigner: profile.custody.sessionKeyAddress,
      owner: profile.custody.owner,
      transfer: { token: PUSD_ADDRESS, to: HOME, amount: 7_250_000n },
    });
    const result = await run(['cashout', '--exchange', 'polymarket', '--amount', '7.25', '--to', HOME, '--yes', '--json'], { registry, configDir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(bundler.accepted).toHaveLength(1);
    expect(view).toMatchObject({ method: 'user-operation', amount: 7.25, destination: HOME });
    expect(view.txHash).toBe(bundler.accepted[0]!.transactionHash);
    expect(bundler.accepted[0]!.decoded.paymaster).toBe(bundler.paymaster);
  });

  it('cashout --all sweeps what the smart account holds on chain', async () => {
    await chain.mintCollateral(profile.custody.smartAccount, 3_000_000n);
    bundler.expect({
      sender: profile.custody.smartAccount,
      sessionSigner: profile.custody.sessionKeyAddress,
      transfer: { token: PUSD_ADDRESS, to: HOME, amount: 3_000_000n },
    });
    const result = await run(['cashout', '--exchange', 'polymarket', '--all', '--to', HOME, '--yes', '--json'], { registry, configDir, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ amount: 3, method: 'user-operation' });
    expect(bundler.accepted).toHaveLength(2);
  });

  it('refuses a destination outside the policy before anything is sent', async () => {
    const calls = bundler.calls.length;
    const result = await run(['cashout', '--exchange', 'polymarket', '--amount', '1', '--to', STRANGER, '--yes'], { registry, configDir, env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not allowed|outside|policy/i);
    expect(bundler.calls.length).toBe(calls);
  });

  it('an address added to config.json (the destinations copy, or the approval itself) does not pass the local check', async () => {
    const path = join(configDir, 'config.json');
    const original = readFileSync(path, 'utf8');
    const edit = (change: (custody: { destinations: string[]; approval: string }) => void | Promise<void>) => async () => {
      const config = JSON.parse(original);
      await change(config.profiles.default.custody);
      writeFileSync(path, JSON.stringify(config));
    };
    const calls = bundler.calls.length;
    try {
      await edit((custody) => void custody.destinations.push(STRANGER))();
      const copy = await run(['cashout', '--exchange', 'polymarket', '--amount', '1', '--to', STRANGER, '--yes'], { registry, configDir, env });
      expect(copy.code).toBe(2);
      expect(copy.stderr).toContain(`cash-out to ${STRANGER} is outside the session key's policy (allowed: ${HOME})`);

      await edit(async (custody) => {
        custody.destinations.push(STRANGER);
        custody.approval = await widenApproval(custody.approval, STRANGER, profile.custody.sessionKeyAddress);
      })();
      const forged = await run(['cashout', '--exchange', 'polymarket', '--amount', '1', '--to', STRANGER, '--yes'], { registry, configDir, env });
      expect(forged.code).toBe(4);
      expect(forged.stderr).toContain(`the smart-account approval for ${profile.custody.smartAccount} is not signed by its owner ${profile.custody.owner}`);
      expect(bundler.calls.length).toBe(calls);
    } finally {
      writeFileSync(path, original);
    }
  });

  it('auth on the venue then reports what the session key may and may not do', async () => {
    const sandbox = await startPolymarketSandbox();
    sandbox.fund(privateKeyToAccount(TRADER_KEY).address, 10_000_000n);
    try {
      const result = await run(['auth', '--exchange', 'polymarket', '--set', `clobUrl=${sandbox.clobUrl}`, '--set', `dataApiUrl=${sandbox.dataApiUrl}`, '--json'], { registry, configDir, env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const names = JSON.parse(result.stdout).permissions.checks.map((check: { name: string }) => check.name);
      expect(names).toEqual(expect.arrayContaining(['session-transfers', 'session-no-eip1271']));
      await chain.mintCollateral(profile.custody.smartAccount, 4_500_000n);
      // UserOperations are verified, not executed, by the stand-in: what earlier tests minted is still there.
      const held = Number(await chain.collateralBalance(profile.custody.smartAccount)) / 1e6;
      expect(held).toBeGreaterThanOrEqual(4.5);
      const balance = await run(['balance', '--exchange', 'polymarket', '--json'], { registry, configDir, env });
      expect(balance.code).toBe(0);
      expect(JSON.parse(balance.stdout)).toMatchObject({ cash: 10, cashoutAccount: { account: profile.custody.smartAccount, cash: held } });
    } finally {
      await sandbox.close();
    }
  });

  it('auth --smart-account is refused for a venue whose funds are not on chain', async () => {
    const result = await run(['auth', '--exchange', 'kalshi', '--smart-account', '--cashout-to', HOME], { registry, configDir, env: { ...env, BETMIRROR_OWNER_PRIVATE_KEY: OWNER_KEY } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Kalshi cannot use a smart account/);
  });

  it('refuses the hybrid: the session setup trading with the smart account as funder', async () => {
    const result = await run(['balance', '--exchange', 'polymarket'], { registry, configDir, env: { ...env, POLYMARKET_FUNDER: profile.custody.smartAccount, POLYMARKET_CLOB_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(4);
    const auth = await run(['auth', '--exchange', 'polymarket', '--funder', profile.custody.smartAccount, '--set', 'clobUrl=http://127.0.0.1:9'], { registry, configDir, env });
    expect(auth.code).toBe(4);
    expect(auth.stderr).toMatch(/deposit wallet|Safe/);
    expect(result.stdout + result.stderr + auth.stdout + auth.stderr).not.toContain(TRADER_KEY.slice(2));
  });
});
