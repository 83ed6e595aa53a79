/**
 * One mirror per profile applies to `auth` too: while a mirror holds the profile's lock, auth changes
 * none of the profile's keys. It fails naming the running mirror, before asking for, sending or
 * writing anything; once the mirror is gone auth works, and gives the lock back when it is done.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/config.js';
import { systemClock } from '../../src/core/runtime.js';
import type { VenueDefinition } from '../../src/exchanges/adapter.js';
import { defaultRegistry, ExchangeRegistry } from '../../src/exchanges/registry.js';
import { StateLock } from '../../src/mirror/lock.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { paperState, paperVenue } from '../support/paper-venue.js';

const KEY_A = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const KEY_B = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const PASSWORD = 'correct horse';
const MIRROR_STARTED_AT = Date.UTC(2026, 0, 5, 12);
const RUNNING = `another betmirror mirror is running on this profile (pid ${process.pid}, started 2026-01-05T12:00:00.000Z`;

/** The paper venue, recording every adapter call. */
function countingVenue(calls: string[]): VenueDefinition {
  const base = paperVenue(paperState());
  return { ...base, create: (context) => (calls.push('create'), base.create(context)) };
}

const held: StateLock[] = [];
afterEach(() => held.splice(0).forEach((lock) => lock.release()));

/** A profile set up by auth, then a mirror (this process) holding its lock. */
async function runningMirror() {
  const calls: string[] = [];
  const registry = new ExchangeRegistry([countingVenue(calls)]);
  const configDir = tempConfigDir();
  const keyFile = join(configDir, '..', `key-${KEY_A.slice(2, 10)}.txt`);
  writeFileSync(keyFile, `${KEY_A}\n`, { mode: 0o600 });
  const env = { BETMIRROR_PASSWORD: PASSWORD };
  expect((await run(['auth', '--exchange', 'paper', '--private-key-file', keyFile, '--set', 'account=alice'], { registry, configDir, env })).code).toBe(0);
  const stateDir = new ConfigStore(configDir).stateDir('default');
  held.push(StateLock.acquire(stateDir, MIRROR_STARTED_AT));
  const files = [join(configDir, 'config.json'), join(configDir, 'secrets', 'default.vault.json')];
  const bytes = () => files.map((file) => readFileSync(file));
  calls.length = 0;
  return { calls, registry, configDir, env, stateDir, bytes };
}

describe('auth while a mirror runs on the profile', () => {
  it('a new venue key: exit 1 naming the mirror, the venue never asked, config and store byte-identical', async () => {
    const { calls, registry, configDir, env, bytes } = await runningMirror();
    const before = bytes();
    const prompter = scriptedPrompter({});
    const result = await run(['auth', '--exchange', 'paper', '--set', 'account=bob'], { registry, configDir, env: { ...env, PAPER_PRIVATE_KEY: KEY_B }, prompter, tty: true });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(RUNNING);
    expect(prompter.asked).toEqual([]);
    expect(calls).toEqual([]);
    expect(bytes()).toEqual(before);
  });

  it('a smart-account set-up: exit 1 naming the mirror, no owner key asked, nothing sent, nothing written', async () => {
    const { configDir, env, bytes } = await runningMirror();
    const before = bytes();
    let requests = 0;
    const counting: typeof fetch = (input, init) => (requests++, fetch(input, init));
    const prompter = scriptedPrompter({});
    const result = await run(
      ['auth', '--exchange', 'polymarket', '--smart-account', '--cashout-to', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '--json'],
      {
        registry: await defaultRegistry(),
        configDir,
        env: { ...env, POLYGON_RPC_URL: 'http://127.0.0.1:9/rpc', BUNDLER_URL: 'http://127.0.0.1:9/bundler' },
        prompter,
        tty: true,
        fetch: counting,
      },
    );
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.message).toContain(RUNNING);
    expect(prompter.asked).toEqual([]);
    expect(requests).toBe(0);
    expect(bytes()).toEqual(before);
  });

  it('once the mirror stopped, auth writes and gives the lock back (the next mirror can start)', async () => {
    const { calls, registry, configDir, env, stateDir, bytes } = await runningMirror();
    const before = bytes();
    held.pop()!.release();
    const clock = { ...systemClock, now: () => MIRROR_STARTED_AT + 60_000 };
    const result = await run(['auth', '--exchange', 'paper', '--set', 'account=bob'], { registry, configDir, env: { ...env, PAPER_PRIVATE_KEY: KEY_B }, clock });
    expect(result.code).toBe(0);
    expect(calls).toEqual(['create']);
    expect(bytes()).not.toEqual(before);
    expect(new ConfigStore(configDir).profile('default').venues?.paper).toMatchObject({ account: 'bob' });
    held.push(StateLock.acquire(stateDir, MIRROR_STARTED_AT + 120_000));
  });
});
