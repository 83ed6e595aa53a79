/**
 * Non-custodial custody through the CLI: `auth --smart-account` approves a generated session key with
 * the owner's key (used once), then `cashout` leaves the Kernel account as a sponsored UserOperation,
 * checked by the local bundler stand-in against a real anvil chain with EntryPoint v0.7. The command's
 * clock and the stand-in's (the chain's time for the key's expiry and rate limit) are one virtual clock.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, encodeFunctionData, pad, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { defaultRegistry, type ExchangeRegistry } from '../../src/exchanges/registry.js';
import { startBundlerStandIn, type BundlerStandIn } from '../doubles/bundler/index.js';
import { DEV_KEYS, PUSD_ADDRESS, startAnvil, type LocalChain } from '../support/chain.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { installEntryPoint07 } from '../custody/entryPoint.js';
import { widenApproval } from '../custody/fixture.js';
import { decodeApprovalPolicy, isoDate, verifyApproval } from '../../src/custody/index.js';
import { SecretVault } from '../../src/config/vault.js';
import { decodeSelfCall } from '../doubles/bundler/decode.js';
import { placeKernelState } from '../custody/kernel-state-stub.js';
import { ECDSA_SIGNER_CONTRACT } from '@zerodev/permissions';
import { KernelV3_1AccountAbi } from '@zerodev/sdk';
import { systemClock, type Clock } from '../../src/core/runtime.js';
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
/** Virtual time (ms), started at the real time so that checks still on the system clock agree. */
let now = Date.now();
const clock: Clock = { ...systemClock, now: () => now };
const AUTHORIZED_AT = () => Math.floor(now / 1000);

beforeAll(async () => {
  [chain, registry] = await Promise.all([startAnvil(), defaultRegistry()]);
  await Promise.all([installEntryPoint07(chain), chain.installCollateral()]);
  bundler = await startBundlerStandIn({ chainId: chain.chainId, now: () => now });
  configDir = tempConfigDir();
  env = { POLYGON_RPC_URL: chain.rpcUrl, BUNDLER_URL: bundler.url, BETMIRROR_PASSWORD: 'custody-password', POLYMARKET_PRIVATE_KEY: TRADER_KEY };
});

afterAll(async () => {
  await Promise.all([bundler?.close(), chain?.close()]);
});

describe('smart-account custody from the command line', () => {
  let profile: { custody: { smartAccount: Address; sessionKeyAddress: Address; owner: Address; approval: string } };

  let approvedAt: number;

  it('auth --smart-account approves a new session key with the owner key typed once, and stores no owner key', async () => {
    const prompter = scriptedPrompter({ password: [OWNER_KEY] });
    approvedAt = AUTHORIZED_AT();
    const argv = ['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', HOME, '--session-expiry', '30', '--session-rate', '48', '--json'];
    const result = await run(argv, { registry, configDir, env, prompter, tty: true, clock });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(view.owner).toBe(privateKeyToAccount(OWNER_KEY).address);
    expect(view.action).toBe('set-up');
    expect(view.revoked).toBeUndefined();
    expect(view.session.destinations).toEqual([HOME]);
    expect(view.session.mayNot.join(' ')).toMatch(/EIP-1271/);
    // 30 days from the command's clock; 48 a day = one every 1800 s, 48 x 30 in all
    expect(view.session.expiresAt).toBe(isoDate(approvedAt + 30 * 86_400));
    expect(view.session.rateLimit).toEqual({ operationsPerDay: 48, intervalSeconds: 1800, count: 1440, from: isoDate(approvedAt) });
    const files = readFileSync(join(configDir, 'config.json'), 'utf8') + readFileSync(join(configDir, 'secrets', 'default.vault.json'), 'utf8');
    expect(files).not.toContain(OWNER_KEY.slice(2));
    profile = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).profiles.default;
    expect(profile.custody.smartAccount).toBe(view.smartAccount);
    // What the owner signed carries the same limits (read back from the approval in config.json)
    expect(decodeApprovalPolicy(profile.custody.approval)).toMatchObject({
      validAfter: 0,
      validUntil: approvedAt + 30 * 86_400,
      rateLimit: { interval: 1800, count: 1440, startAt: approvedAt },
    });
  });

  it('cashout sends a sponsored UserOperation: the exact transfer, from the Kernel account, signed by the session key', async () => {
    bundler.expect({
      sender: profile.custody.smartAccount,
      sessionSigner: profile.custody.sessionKeyAddress,
      owner: profile.custody.owner,
      transfer: { token: PUSD_ADDRESS, to: HOME, amount: 7_250_000n },
    });
    const result = await run(['cashout', '--exchange', 'polymarket', '--amount', '7.25', '--to', HOME, '--yes', '--json'], { registry, configDir, env, clock });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    expect(bundler.accepted).toHaveLength(1);
    expect(view).toMatchObject({ method: 'user-operation', amount: 7.25, destination: HOME });
    expect(view.txHash).toBe(bundler.accepted[0]!.transactionHash);
    expect(bundler.accepted[0]!.decoded.paymaster).toBe(bundler.paymaster);
  });

  it('the rate limit: a second cash-out before the next slot is refused by the chain, with the reason', async () => {
    bundler.expect({
      sender: profile.custody.smartAccount,
      sessionSigner: profile.custody.sessionKeyAddress,
      transfer: { token: PUSD_ADDRESS, to: HOME, amount: 1_000_000n },
    });
    now += 1_799_000;
    const early = await run(['cashout', '--exchange', 'polymarket', '--amount', '1', '--to', HOME, '--yes', '--json'], { registry, configDir, env, clock });
    const error = JSON.parse(early.stdout).error;
    expect(early.code).toBe(1);
    expect(error.message).toBe(
      `the bundler refused the cash-out: AA22 expired or not due (RateLimitPolicy: next operation from ${approvedAt + 1800}, now ${approvedAt + 1799})`,
    );
    expect(error.hint).toBe("the session key's expiry or rate limit does not allow an operation now: wait for its next slot, or rotate the key");
    expect(bundler.accepted).toHaveLength(1);
    now += 1_000;
  });

  it('cashout --all sweeps what the smart account holds on chain', async () => {
    await chain.mintCollateral(profile.custody.smartAccount, 3_000_000n);
    bundler.expect({
      sender: profile.custody.smartAccount,
      sessionSigner: profile.custody.sessionKeyAddress,
      transfer: { token: PUSD_ADDRESS, to: HOME, amount: 3_000_000n },
    });
    const result = await run(['cashout', '--exchange', 'polymarket', '--all', '--to', HOME, '--yes', '--json'], { registry, configDir, env, clock });
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

  it('auth --smart-account refuses to replace an existing setup silently: the old key would stay valid', async () => {
    const result = await run(['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', HOME], { registry, configDir, env: { ...env, BETMIRROR_OWNER_PRIVATE_KEY: OWNER_KEY } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`profile default already has a smart account (${profile.custody.smartAccount}, session key ${profile.custody.sessionKeyAddress})`);
    expect(result.stderr).toContain('replace its session key with --rotate');
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

describe('rotate and revoke from the command line (the owner signs; the stand-in checks what it receives)', () => {
  const configPath = () => join(configDir, 'config.json');
  const vaultPath = () => join(configDir, 'secrets', 'default.vault.json');
  const custodyOf = () => JSON.parse(readFileSync(configPath(), 'utf8')).profiles.default.custody;
  const stored = () => new SecretVault(vaultPath(), 10).read(env.BETMIRROR_PASSWORD!);
  const withOwner = (key = OWNER_KEY) => ({ ...env, BETMIRROR_OWNER_PRIVATE_KEY: key });
  const invalidate = (nonce: number) => encodeFunctionData({ abi: KernelV3_1AccountAbi, functionName: 'invalidateNonce', args: [nonce] });
  let before: { config: string; secrets: Record<string, string> };
  let rotated: { sessionKeyAddress: Address; approval: string; permissionId: Hex };

  it('refuses, before anything is sent or written: a key that does not own the account, --revoke with --rotate, nothing to rotate', async () => {
    before = { config: readFileSync(configPath(), 'utf8'), secrets: await stored() };
    const vaultBytes = readFileSync(vaultPath(), 'utf8');
    const calls = bundler.calls.length;
    const stranger = privateKeyToAccount(DEV_KEYS[0]!).address;

    const wrongOwner = await run(['auth', '--smart-account', '--rotate'], { registry, configDir, env: withOwner(DEV_KEYS[0]!), clock });
    expect(wrongOwner.code).toBe(2);
    expect(wrongOwner.stderr).toContain(`the owner key ${stranger} does not own the smart account ${custodyOf().smartAccount} (its owner is ${custodyOf().owner})`);
    const both = await run(['auth', '--smart-account', '--rotate', '--revoke'], { registry, configDir, env: withOwner(), clock });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--revoke and --rotate cannot be combined: --rotate already revokes the old key');
    const nothing = await run(['auth', '--exchange', 'polymarket', '--smart-account', '--revoke', '--profile', 'other'], { registry, configDir, env: withOwner(), clock });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('profile other has no smart account for Polymarket to revoke');
    const plain = await run(['auth', '--rotate'], { registry, configDir, env: withOwner(), clock });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--rotate needs --smart-account');

    expect(bundler.calls.length).toBe(calls);
    expect(readFileSync(configPath(), 'utf8')).toBe(before.config);
    expect(readFileSync(vaultPath(), 'utf8')).toBe(vaultBytes);
  });

  it('a revocation the bundler refuses writes nothing: the profile and the store keep the current key', async () => {
    const vaultBytes = readFileSync(vaultPath(), 'utf8');
    // The stand-in expects an operation from another account: it refuses this one
    bundler.expect({ kind: 'owner', sender: STRANGER, owner: custodyOf().owner });
    const result = await run(['auth', '--smart-account', '--rotate', '--json'], { registry, configDir, env: withOwner(), clock });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.message).toBe(`the bundler refused the revocation: sender ${custodyOf().smartAccount} is not the expected Kernel account ${STRANGER}`);
    expect(readFileSync(configPath(), 'utf8')).toBe(before.config);
    expect(readFileSync(vaultPath(), 'utf8')).toBe(vaultBytes);
  });

  it('--rotate: a new key approved for nonce 2, the old one revoked by invalidateNonce(2); the store and profile hold only the new one', async () => {
    const old = custodyOf();
    bundler.expect({ kind: 'owner', sender: old.smartAccount, owner: old.owner });
    const rotatedAt = AUTHORIZED_AT();
    const result = await run(['auth', '--smart-account', '--rotate', '--session-expiry', '7', '--json'], { registry, configDir, env: withOwner(), clock });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const view = JSON.parse(result.stdout);
    const sent = bundler.accepted.at(-1)!;
    expect(view).toMatchObject({
      action: 'rotated',
      smartAccount: old.smartAccount,
      owner: old.owner,
      revoked: { sessionKeyAddress: old.sessionKeyAddress, uninstalled: false, validNonceFrom: 2, userOpHash: sent.hash, txHash: sent.transactionHash },
      session: {
        destinations: [HOME],
        expiresAt: isoDate(rotatedAt + 7 * 86_400),
        rateLimit: { operationsPerDay: 24, intervalSeconds: 3600, count: 168, from: isoDate(rotatedAt) },
      },
    });
    // What the bundler received: the owner's root validator, the account calling invalidateNonce(2) on itself
    expect(sent).toMatchObject({ kind: 'owner', sessionSigner: old.owner });
    expect(sent.decoded.validationType).toBe('root');
    expect(sent.decoded.calls).toEqual([{ target: old.smartAccount, value: 0n, data: invalidate(2) }]);

    const custody = custodyOf();
    expect(custody.sessionKeyAddress).toBe(view.session.sessionKeyAddress);
    expect(custody.sessionKeyAddress).not.toBe(old.sessionKeyAddress);
    const verified = await verifyApproval(custody.approval, { sessionKeyAddress: custody.sessionKeyAddress, chainId: chain.chainId });
    expect(verified.validatorNonce).toBe(2);
    const secrets = await stored();
    expect(Object.keys(secrets).sort()).toEqual(Object.keys(before.secrets).sort());
    expect(privateKeyToAccount(secrets['custody.sessionKey'] as Hex).address).toBe(custody.sessionKeyAddress);
    for (const name of Object.keys(secrets).filter((n) => n !== 'custody.sessionKey')) expect(secrets[name]).toBe(before.secrets[name]);
    rotated = { sessionKeyAddress: custody.sessionKeyAddress, approval: custody.approval, permissionId: verified.policy.permissionId };
  });

  it('the new key cashes out; a stale copy of the old setup (key and approval) is refused by the chain', async () => {
    now += 3_600_000;
    bundler.expect({ sender: custodyOf().smartAccount, sessionSigner: rotated.sessionKeyAddress, owner: custodyOf().owner, transfer: { token: PUSD_ADDRESS, to: HOME, amount: 2_000_000n } });
    const fresh = await run(['cashout', '--amount', '2', '--to', HOME, '--yes', '--json'], { registry, configDir, env, clock });
    expect(fresh.stderr).toBe('');
    expect(fresh.code).toBe(0);
    expect(bundler.accepted.at(-1)!.enableSigner).toBe(custodyOf().owner);

    const current = readFileSync(configPath(), 'utf8');
    try {
      writeFileSync(configPath(), before.config);
      bundler.expect({ sender: custodyOf().smartAccount, sessionSigner: profile0().sessionKeyAddress, owner: custodyOf().owner, transfer: { token: PUSD_ADDRESS, to: HOME, amount: 2_000_000n } });
      const accepted = bundler.accepted.length;
      const stale = await run(['cashout', '--amount', '2', '--to', HOME, '--yes', '--json'], { registry, configDir, env: { ...env, BETMIRROR_SESSION_KEY: before.secrets['custody.sessionKey']! }, clock });
      expect(stale.code).toBe(1);
      // That key was used (its permission installed at validator nonce 1): the revocation floor refuses it
      expect(JSON.parse(stale.stdout).error.message).toBe(
        'the bundler refused the cash-out: InvalidNonce(): the permission was enabled at validator nonce 1, revoked below 2',
      );
      expect(bundler.accepted.length).toBe(accepted);
    } finally {
      writeFileSync(configPath(), current);
    }
  });

  it('--revoke: uninstallValidation of the installed permission and invalidateNonce(3); the setup leaves the profile and the store', async () => {
    const custody = custodyOf();
    // The chain as it is by now: deployed, validator nonce 2, the new permission installed
    await placeKernelState(chain, custody.smartAccount, {
      currentNonce: 2,
      validNonceFrom: 2,
      permissions: [{ id: rotated.permissionId, signer: ECDSA_SIGNER_CONTRACT, policies: [] }],
    });
    bundler.expect({ kind: 'owner', sender: custody.smartAccount, owner: custody.owner });
    const result = await run(['auth', '--smart-account', '--revoke', '--json'], { registry, configDir, env: withOwner(), clock });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sent = bundler.accepted.at(-1)!;
    expect(JSON.parse(result.stdout)).toEqual({
      action: 'revoked',
      exchange: 'polymarket',
      profile: 'default',
      smartAccount: custody.smartAccount,
      owner: custody.owner,
      revoked: { sessionKeyAddress: rotated.sessionKeyAddress, uninstalled: true, validNonceFrom: 3, userOpHash: sent.hash, txHash: sent.transactionHash },
    });
    expect(sent.decoded.factory).toBeUndefined();
    expect(sent.decoded.calls.map((call) => decodeSelfCall(call.data).functionName)).toEqual(['uninstallValidation', 'invalidateNonce']);
    expect(sent.decoded.calls[1]!.data).toBe(invalidate(3));
    expect((decodeSelfCall(sent.decoded.calls[0]!.data).args[0] as Hex).toLowerCase()).toBe(concat(['0x02', pad(rotated.permissionId, { size: 20, dir: 'right' })]).toLowerCase());
    expect(bundler.account(custody.smartAccount)).toMatchObject({ currentNonce: 3, validNonceFrom: 3 });
    expect(bundler.account(custody.smartAccount).installed(rotated.permissionId)).toBeUndefined();

    const profileNow = JSON.parse(readFileSync(configPath(), 'utf8')).profiles.default;
    expect(profileNow.custody).toBeUndefined();
    expect(profileNow.exchange).toBe('polymarket');
    const secrets = await stored();
    expect(secrets['custody.sessionKey']).toBeUndefined();
    expect(Object.keys(secrets).sort()).toEqual(Object.keys(before.secrets).filter((n) => n !== 'custody.sessionKey').sort());

    const again = await run(['auth', '--smart-account', '--revoke'], { registry, configDir, env: withOwner(), clock });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('profile default has no smart account for Polymarket to revoke');
  });

  const profile0 = () => JSON.parse(before.config).profiles.default.custody as { sessionKeyAddress: Address };
});

describe('auth --smart-account refuses bad limits and a short password before anything is sent or saved', () => {
  it('shows the default expiry and rate in --help', async () => {
    const help = (await run(['auth', '--help'], { registry })).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--session-expiry <days> with --smart-account: days until the chain refuses the session key (default: 90)');
    expect(help).toContain(
      '--session-rate <per-day> with --smart-account: session-key operations a day, one every 24h/N (unused ones carry over, N x days in all) (default: 24)',
    );
  });

  for (const [flags, message] of [
    [['--session-expiry', '0'], '--session-expiry must be a whole number from 1 to 3650 (got 0)'],
    [['--session-expiry', '1.5'], '--session-expiry must be a whole number from 1 to 3650 (got 1.5)'],
    [['--session-expiry', '3651'], '--session-expiry must be a whole number from 1 to 3650 (got 3651)'],
    [['--session-rate', '0'], '--session-rate must be a whole number from 1 to 1440 (got 0)'],
    [['--session-rate', '1441'], '--session-rate must be a whole number from 1 to 1440 (got 1441)'],
    [['--session-rate', '1e3'], '--session-rate must be a whole number from 1 to 1440 (got 1e3)'],
  ] as const) {
    it(`${flags.join(' ')}: exit 2, nothing sent, nothing written`, async () => {
      const dir = tempConfigDir();
      let requests = 0;
      const counting: typeof fetch = (input, init) => (requests++, fetch(input, init));
      const bundled = bundler.calls.length;
      const result = await run(['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', HOME, ...flags], {
        registry,
        configDir: dir,
        env: { ...env, BETMIRROR_OWNER_PRIVATE_KEY: OWNER_KEY },
        fetch: counting,
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
      expect(requests).toBe(0);
      expect(bundler.calls.length).toBe(bundled);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it('a too-short password for a new store fails before the owner key is asked or the RPC is read', async () => {
    const dir = tempConfigDir();
    let requests = 0;
    const counting: typeof fetch = (input, init) => (requests++, fetch(input, init));
    const prompter = scriptedPrompter({ password: [] });
    const result = await run(['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', HOME], {
      registry,
      configDir: dir,
      env: { ...env, BETMIRROR_PASSWORD: 'short' },
      prompter,
      tty: true,
      fetch: counting,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the secret store password needs at least 8 characters (BETMIRROR_PASSWORD has 5): nothing was saved');
    expect(prompter.asked).toEqual([]);
    expect(requests).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
