/** `betmirror profile list|use|show|remove`. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/config.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { StateLock } from '../../src/mirror/lock.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const registry = new ExchangeRegistry([paperVenue(paperState())]);
const env = { [PAPER_KEY_ENV]: KEY, BETMIRROR_PASSWORD: 'correct horse' };

/** Two profiles made by `auth`: "default" (key from the environment, nothing stored) and "work" (key stored). */
async function twoProfiles(): Promise<string> {
  const configDir = tempConfigDir();
  expect((await run(['auth', '--exchange', 'paper', '--set', 'account=alice'], { registry, configDir, env })).code).toBe(0);
  const keyFile = join(configDir, 'key.txt');
  (await import('node:fs')).writeFileSync(keyFile, KEY);
  expect((await run(['auth', '--exchange', 'paper', '--profile', 'work', '--private-key-file', keyFile], { registry, configDir, env: { BETMIRROR_PASSWORD: 'correct horse' } })).code).toBe(0);
  return configDir;
}

describe('betmirror profile', () => {
  it('list: every profile, the active one marked', async () => {
    const configDir = await twoProfiles();
    const human = await run(['profile', 'list'], { registry, configDir });
    expect(human).toEqual({ code: 0, stderr: '', stdout: '* default  (paper, secret store)\n  work  (paper, secret store)\n' });
    const json = await run(['profile', 'list', '--json'], { registry, configDir });
    expect(JSON.parse(json.stdout)).toEqual({
      active: 'default',
      profiles: [
        { name: 'default', active: true, exchange: 'paper', venues: ['paper'], secretStore: true },
        { name: 'work', active: false, exchange: 'paper', venues: ['paper'], secretStore: true },
      ],
    });
  });

  it('use: switches the active profile, which later commands use', async () => {
    const configDir = await twoProfiles();
    expect(await run(['profile', 'use', 'work'], { registry, configDir })).toEqual({ code: 0, stderr: '', stdout: 'active profile: work\n' });
    expect(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).activeProfile).toBe('work');
    const balance = await run(['balance', '--json'], { registry, configDir, env: { BETMIRROR_PASSWORD: 'correct horse' } });
    expect(JSON.parse(balance.stdout)).toMatchObject({ exchange: 'paper', account: 'paper-1' });
    expect((await run(['profile', 'list'], { registry, configDir })).stdout).toBe('  default  (paper, secret store)\n* work  (paper, secret store)\n');
  });

  it('use: an unknown profile is refused with the known ones and how to create it', async () => {
    const configDir = await twoProfiles();
    const result = await run(['profile', 'use', 'nope'], { registry, configDir });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: there is no profile "nope" (profiles: default, work)\nhint: create it with `betmirror auth --exchange <id> --profile nope`\n',
    });
  });

  it('show: settings and where things are kept, never a secret', async () => {
    const configDir = await twoProfiles();
    const result = await run(['profile', 'show'], { registry, configDir });
    expect(result.stdout).toBe(
      [
        'profile default (active)',
        '  exchange: paper',
        '  paper:',
        '    account: alice',
        `  secret store: ${join(configDir, 'secrets', 'default.vault.json')}`,
        `  settings in: ${join(configDir, 'config.json')}`,
        '',
      ].join('\n'),
    );
    const json = JSON.parse((await run(['profile', 'show', 'work', '--json'], { registry, configDir })).stdout);
    expect(json).toEqual({
      name: 'work',
      active: false,
      exchange: 'paper',
      venues: ['paper'],
      secretStore: true,
      settings: { exchange: 'paper', venues: { paper: {} } },
      configFile: join(configDir, 'config.json'),
      secretStorePath: join(configDir, 'secrets', 'work.vault.json'),
      stateDir: join(configDir, 'state', 'work'),
    });
    expect(JSON.stringify(json)).not.toContain(KEY.slice(2));
  });

  it('remove: asks, then removes the settings and the secret store; the active one falls back to default', async () => {
    const configDir = await twoProfiles();
    await run(['profile', 'use', 'work'], { registry, configDir });
    const declined = await run(['profile', 'remove', 'work'], { registry, configDir, prompter: scriptedPrompter({ confirm: [false] }), tty: true });
    expect(declined.code).toBe(8);
    expect(existsSync(join(configDir, 'secrets', 'work.vault.json'))).toBe(true);
    const prompter = scriptedPrompter({ confirm: [true] });
    const removed = await run(['profile', 'remove', 'work'], { registry, configDir, prompter, tty: true });
    expect(prompter.asked).toEqual(['Remove profile "work" and its encrypted secret store (the keys in it are gone for good)?']);
    expect(removed).toEqual({ code: 0, stderr: '', stdout: 'removed profile work and its secret store; active profile: default\n' });
    expect(existsSync(join(configDir, 'secrets', 'work.vault.json'))).toBe(false);
    expect(new ConfigStore(configDir).profileNames()).toEqual(['default']);
    expect(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).activeProfile).toBeUndefined();
  });

  it('remove: without a terminal it needs --yes; while a mirror runs on the profile it changes nothing', async () => {
    const configDir = await twoProfiles();
    const refused = await run(['profile', 'remove', 'work'], { registry, configDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    const lock = StateLock.acquire(new ConfigStore(configDir).stateDir('work'), Date.now());
    try {
      const busy = await run(['profile', 'remove', 'work', '--yes'], { registry, configDir });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toMatch(/^error: another betmirror mirror is running on this profile/);
      expect(existsSync(join(configDir, 'secrets', 'work.vault.json'))).toBe(true);
      expect(new ConfigStore(configDir).profileNames()).toEqual(['default', 'work']);
    } finally {
      lock.release();
    }
    const removed = await run(['profile', 'remove', 'work', '--yes', '--json'], { registry, configDir });
    expect(JSON.parse(removed.stdout)).toEqual({
      action: 'removed',
      profile: 'work',
      active: 'default',
      secretStoreRemoved: true,
      stateDir: join(configDir, 'state', 'work'),
    });
  });

  it('show: URLs in the settings keep their API keys masked', async () => {
    const configDir = tempConfigDir();
    new ConfigStore(configDir).saveProfile('work', { exchange: 'paper', venues: { paper: { rpcUrl: 'https://polygon-mainnet.example.io/v3/abcdef0123456789abcdef0123456789' } } });
    const result = await run(['profile', 'show', 'work', '--json'], { registry, configDir });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('abcdef0123456789abcdef0123456789');
    expect(JSON.parse(result.stdout).settings.venues.paper.rpcUrl).toMatch(/^https:\/\/polygon-mainnet\.example\.io\/v3\/.*redacted/);
  });
});
