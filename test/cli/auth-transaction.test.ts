/**
 * `auth` is transactional (issue 11): what can be refused locally is refused before the venue hears of
 * it, nothing reaches disk unless every step succeeded, and a re-run replaces everything the previous
 * run stored for the venue. On an in-memory venue that counts what it is asked and issues credentials
 * bound to the key, refusing (401) a key paired with another key's credentials.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretVault } from '../../src/config/vault.js';
import { AuthenticationError } from '../../src/core/errors.js';
import type { VenueDefinition } from '../../src/exchanges/adapter.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue } from '../support/paper-venue.js';

const KEY_A = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const KEY_B = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const PASSWORD = 'correct horse';

/** The paper venue, issuing `cred:<key>` and refusing an order whose credentials were issued for another key. */
function keyedVenue(calls: string[], onValidate?: () => void): VenueDefinition {
  const base = paperVenue(paperState());
  return {
    ...base,
    create: (context) => {
      calls.push('create');
      const adapter = base.create(context);
      const { privateKey, apiSecret } = context.secrets;
      const initialize = adapter.initialize.bind(adapter);
      const createOrder = adapter.createOrder.bind(adapter);
      adapter.initialize = async () => (calls.push('initialize'), initialize());
      adapter.authenticate = async () => (calls.push('authenticate'), { account: 'paper-1', issuedSecrets: { apiSecret: `cred:${privateKey}` } });
      const validate = adapter.validatePermissions.bind(adapter);
      adapter.validatePermissions = async () => (calls.push('validatePermissions'), onValidate?.(), validate());
      adapter.createOrder = async (params) => {
        calls.push('createOrder');
        if (apiSecret !== undefined && apiSecret !== `cred:${privateKey}`) throw new AuthenticationError('401 Unauthorized: API key does not belong to this signer');
        return createOrder(params);
      };
      return adapter;
    },
  };
}

function setup(onValidate?: () => void) {
  const calls: string[] = [];
  const registry = new ExchangeRegistry([keyedVenue(calls, onValidate)]);
  const configDir = tempConfigDir();
  const keyFile = (key: string) => {
    const path = join(configDir, '..', `key-${key.slice(2, 10)}.txt`);
    writeFileSync(path, `${key}\n`, { mode: 0o600 });
    return path;
  };
  const vaultPath = join(configDir, 'secrets', 'default.vault.json');
  const configPath = join(configDir, 'config.json');
  const stored = () => new SecretVault(vaultPath, 10).read(PASSWORD);
  return { calls, registry, configDir, keyFile, vaultPath, configPath, stored };
}

const ORDER = ['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes', '--json'];

describe('refused before any venue request, nothing kept', () => {
  it('a too-short BETMIRROR_PASSWORD for a new store', async () => {
    const { calls, registry, configDir, keyFile } = setup();
    const result = await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A), '--set', 'account=alice'], {
      registry,
      configDir,
      env: { BETMIRROR_PASSWORD: 'short' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the secret store password needs at least 8 characters (BETMIRROR_PASSWORD has 5): nothing was saved');
    expect(calls).toEqual([]);
    expect(readdirSync(configDir)).toEqual([]);
  });

  it('a too-short password typed at the terminal (the key is asked first, then the new password twice)', async () => {
    const { calls, registry, configDir } = setup();
    const prompter = scriptedPrompter({ password: [KEY_A, 'short', 'short'] });
    const result = await run(['auth', '--exchange', 'paper'], { registry, configDir, prompter, tty: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the secret store password needs at least 8 characters (the password typed has 5)');
    expect(prompter.asked).toEqual(['Paper private key:', 'New password for the secret store:', 'Repeat the password:']);
    expect(calls).toEqual([]);
    expect(readdirSync(configDir)).toEqual([]);
  });

  it('a key given by file with neither a terminal nor a password: fails with the fix instead of exiting 0 unsaved', async () => {
    const { calls, registry, configDir, keyFile } = setup();
    const result = await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A), '--json'], { registry, configDir, env: {} });
    expect(result.code).toBe(2);
    const error = JSON.parse(result.stdout).error;
    expect(error.message).toBe(
      'the key given to auth (paper.privateKey) must be kept in the encrypted secret store, and there is no terminal to ask for its password: nothing was saved',
    );
    expect(error.hint).toBe('set BETMIRROR_PASSWORD to the password for the new secret store');
    expect(calls).toEqual([]);
    expect(readdirSync(configDir)).toEqual([]);
  });

  it('an existing store that cannot be unlocked, or is given the wrong password', async () => {
    const { calls, registry, configDir, keyFile, vaultPath, configPath } = setup();
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A)], { registry, configDir, env: { BETMIRROR_PASSWORD: PASSWORD } })).code).toBe(0);
    const before = { vault: readFileSync(vaultPath, 'utf8'), config: readFileSync(configPath, 'utf8') };
    calls.length = 0;

    const locked = await run(['auth', '--exchange', 'paper', '--set', 'account=bob'], { registry, configDir, env: { [PAPER_KEY_ENV]: KEY_B } });
    expect(locked.code).toBe(2);
    expect(locked.stderr).toContain(`the secret store ${vaultPath} is locked and there is no terminal to ask for its password`);
    const wrong = await run(['auth', '--exchange', 'paper', '--set', 'account=bob'], { registry, configDir, env: { [PAPER_KEY_ENV]: KEY_B, BETMIRROR_PASSWORD: 'wrong horse' } });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('wrong password for the secret store');

    expect(calls).toEqual([]);
    expect({ vault: readFileSync(vaultPath, 'utf8'), config: readFileSync(configPath, 'utf8') }).toEqual(before);
  });
});

describe('nothing is saved unless everything succeeded', () => {
  it('a venue refusal leaves the profile and the store exactly as they were', async () => {
    const { registry, configDir, keyFile, vaultPath, configPath } = setup();
    const env = { BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A), '--set', 'account=alice'], { registry, configDir, env })).code).toBe(0);
    const before = { vault: readFileSync(vaultPath, 'utf8'), config: readFileSync(configPath, 'utf8') };

    const refused = await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile('wrong-key-0000'), '--set', 'account=bob'], { registry, configDir, env });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('the venue does not know this key');
    expect({ vault: readFileSync(vaultPath, 'utf8'), config: readFileSync(configPath, 'utf8') }).toEqual(before);
  });

  it('a fresh setup whose venue refuses writes no file at all', async () => {
    const { calls, registry, configDir } = setup();
    const result = await run(['auth', '--exchange', 'paper'], { registry, configDir, env: { [PAPER_KEY_ENV]: 'wrong-key-0000', BETMIRROR_PASSWORD: PASSWORD } });
    expect(result.code).toBe(4);
    expect(calls).toEqual(['create', 'initialize']);
    expect(readdirSync(configDir)).toEqual([]);
  });

  it('a profile that cannot be written takes the store back: to its previous contents, or away when it is new', async () => {
    let breakConfig = false;
    const fx = setup(() => {
      // The config file turns unreadable between the venue checks and the final write.
      if (!breakConfig) return;
      rmSync(fx.configPath, { force: true });
      mkdirSync(join(fx.configPath, 'blocked'), { recursive: true });
    });
    const env = { BETMIRROR_PASSWORD: PASSWORD };

    breakConfig = true;
    const fresh = await run(['auth', '--exchange', 'paper', '--private-key-file', fx.keyFile(KEY_A)], { registry: fx.registry, configDir: fx.configDir, env });
    expect(fresh.code).toBe(1);
    expect(fresh.stderr).toContain(`cannot read the config file ${fx.configPath}`);
    expect(existsSync(fx.vaultPath)).toBe(false);
    rmSync(fx.configPath, { recursive: true });

    breakConfig = false;
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', fx.keyFile(KEY_A)], { registry: fx.registry, configDir: fx.configDir, env })).code).toBe(0);
    const before = await fx.stored();
    breakConfig = true;
    const again = await run(['auth', '--exchange', 'paper', '--private-key-file', fx.keyFile(KEY_B)], { registry: fx.registry, configDir: fx.configDir, env });
    expect(again.code).toBe(1);
    expect(await fx.stored()).toEqual(before);
    expect(before).toEqual({ 'paper.privateKey': KEY_A, 'paper.apiSecret': `cred:${KEY_A}` });
  });
});

describe('a re-run with another key replaces everything derived from the old one', () => {
  it('another key by file: the key and the credentials issued for it replace the old pair', async () => {
    const { calls, registry, configDir, keyFile, stored } = setup();
    const env = { BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A)], { registry, configDir, env })).code).toBe(0);
    const second = await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_B), '--json'], { registry, configDir, env });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ storedSecrets: ['paper.privateKey', 'paper.apiSecret'], droppedSecrets: [] });
    expect(await stored()).toEqual({ 'paper.privateKey': KEY_B, 'paper.apiSecret': `cred:${KEY_B}` });

    calls.length = 0;
    const order = await run(ORDER, { registry, configDir, env });
    expect(order.code).toBe(0);
    expect(calls).toContain('createOrder');
  });

  it('another key from the environment (never stored): the stored key goes, with its credentials; no 401 pairing is left', async () => {
    const { calls, registry, configDir, keyFile, stored } = setup();
    const env = { BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A)], { registry, configDir, env })).code).toBe(0);
    const second = await run(['auth', '--exchange', 'paper', '--json'], { registry, configDir, env: { ...env, [PAPER_KEY_ENV]: KEY_B } });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ storedSecrets: ['paper.apiSecret'], droppedSecrets: ['paper.privateKey'] });
    expect(await stored()).toEqual({ 'paper.apiSecret': `cred:${KEY_B}` });

    calls.length = 0;
    const withKey = await run(ORDER, { registry, configDir, env: { ...env, [PAPER_KEY_ENV]: KEY_B } });
    expect(withKey.code).toBe(0);
    const withoutKey = await run(ORDER, { registry, configDir, env });
    expect(withoutKey.code).toBe(4);
    expect(withoutKey.stderr).toContain('no private key for Paper');
    expect(withoutKey.stderr).toContain('run `betmirror auth --exchange paper` or set PAPER_PRIVATE_KEY');
    expect(withoutKey.stderr).not.toContain('401');
    expect(calls.filter((call) => call === 'createOrder')).toHaveLength(1);
  });

  it('the same key again keeps the stored key and refreshes its credentials; other entries of the store are untouched', async () => {
    const { registry, configDir, keyFile, vaultPath, stored } = setup();
    const env = { BETMIRROR_PASSWORD: PASSWORD };
    expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile(KEY_A)], { registry, configDir, env })).code).toBe(0);
    const vault = new SecretVault(vaultPath, 10);
    await vault.write(PASSWORD, { ...(await stored()), 'custody.sessionKey': '0xsession', 'paper.legacyToken': 'from-an-old-version' });

    const again = await run(['auth', '--exchange', 'paper', '--json'], { registry, configDir, env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ storedSecrets: ['paper.apiSecret'], droppedSecrets: ['paper.legacyToken'] });
    expect(await stored()).toEqual({ 'paper.privateKey': KEY_A, 'paper.apiSecret': `cred:${KEY_A}`, 'custody.sessionKey': '0xsession' });
  });

  it('without a store and without a way to make one, an environment key still authenticates (nothing stored, said on stderr)', async () => {
    const { calls, registry, configDir } = setup();
    const result = await run(['auth', '--exchange', 'paper', '--json'], { registry, configDir, env: { [PAPER_KEY_ENV]: KEY_A } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ storedSecrets: [], droppedSecrets: [] });
    expect(result.stderr).toContain('not storing venue credentials: set BETMIRROR_PASSWORD');
    expect(calls).toEqual(['create', 'initialize', 'authenticate', 'validatePermissions']);
    expect(readdirSync(configDir)).toEqual(['config.json']);
  });
});
