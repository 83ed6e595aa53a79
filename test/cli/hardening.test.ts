/**
 * The shell's share of issue 11 on the in-memory paper venue: blank environment variables, cash-out
 * destinations (checksum, first-time confirmation, the used list, the allow-list) and what `cancel`
 * exits with when nothing was cancelled. The same refusals against the local venues: test/e2e/bad-input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presentEnv } from '../../src/cli/env.js';
import { ConfigStore } from '../../src/config/config.js';
import { BadInputError, ConfigError } from '../../src/core/errors.js';
import { cashoutLists, parseDestination, refuseNeverDestination } from '../../src/commands/destination.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const HOME = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';
const OTHER = '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65';

function setup() {
  const state = paperState();
  const registry = new ExchangeRegistry([paperVenue(state)]);
  const configDir = tempConfigDir();
  const env = { [PAPER_KEY_ENV]: KEY };
  return { state, registry, configDir, env };
}

describe('blank environment variables', () => {
  it('count as unset; other values are kept as they are', () => {
    expect(presentEnv({ A: '', B: '  ', C: 'x', D: ' y ', E: undefined })).toEqual({ C: 'x', D: ' y ' });
  });

  it('a blank variable does not replace the profile setting', async () => {
    const { registry, configDir, env } = setup();
    new ConfigStore(configDir).saveProfile('default', { exchange: 'paper', venues: { paper: { account: 'alice' } } });
    const result = await run(['balance', '--json'], { registry, configDir, env: { ...env, PAPER_ACCOUNT: '', BETMIRROR_PROFILE: '' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).account).toBe('alice');
  });

  it('a blank key variable is no key: the fix is named', async () => {
    const { registry, configDir } = setup();
    const result = await run(['balance', '--exchange', 'paper'], { registry, configDir, env: { [PAPER_KEY_ENV]: '' } });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('run `betmirror auth --exchange paper` or set PAPER_PRIVATE_KEY');
  });
});

describe('destination addresses', () => {
  it('take all-lowercase and all-uppercase hex without a checksum, and return the checksummed form', () => {
    expect(parseDestination('--to', HOME.toLowerCase())).toBe(HOME);
    expect(parseDestination('--to', `0x${HOME.slice(2).toUpperCase()}`)).toBe(HOME);
    expect(parseDestination('--to', ` ${HOME} `)).toBe(HOME);
  });

  it('refuse mixed case that does not match EIP-55, naming the source', () => {
    const typo = HOME.replace('F79', 'f79');
    expect(() => parseDestination('BETMIRROR_CASHOUT_TO', typo)).toThrow(BadInputError);
    expect(() => parseDestination('BETMIRROR_CASHOUT_TO', typo)).toThrow(`BETMIRROR_CASHOUT_TO ${typo} fails its EIP-55 checksum`);
    expect(() => parseDestination('--to', `${HOME}0`)).toThrow('--to is not an address');
  });

  it('refuse the zero address and the contracts whatever their case', () => {
    expect(() => refuseNeverDestination('--to', parseDestination('--to', `0x${'0'.repeat(40)}`))).toThrow('the zero address');
    expect(() => refuseNeverDestination('--to', parseDestination('--to', '0x2791BCA1F2DE4661ED88A30C99A7A9449AA84174'))).toThrow('USDC.e');
    expect(() => refuseNeverDestination('--to', HOME)).not.toThrow();
  });

  it('read the allow-list and the used list from venue settings; a bad allow-list or a misspelt key is a config error', () => {
    expect(cashoutLists({ cashoutAllow: `${HOME.toLowerCase()},\n ${OTHER}`, cashoutUsed: `${OTHER},garbage` }, 'here')).toEqual({ allow: [HOME, OTHER], used: [OTHER] });
    expect(cashoutLists({ cashoutAllow: '  ' }, 'here')).toEqual({ used: [] });
    expect(() => cashoutLists({ cashoutAllow: `${HOME},0x12` }, 'profiles.p.venues.paper in /c.json')).toThrow(ConfigError);
    expect(() => cashoutLists({ cashoutAllow: `${HOME},0x12` }, 'profiles.p.venues.paper in /c.json')).toThrow('cashoutAllow in profiles.p.venues.paper in /c.json: "0x12" is not an address');
    const misspelt = (() => {
      try {
        cashoutLists({ cashoutAlow: HOME }, 'here');
      } catch (error) {
        return error as ConfigError;
      }
    })();
    expect(misspelt).toBeInstanceOf(ConfigError);
    expect(misspelt?.message).toBe('cashoutAlow in here is not a setting betmirror knows');
    expect(misspelt?.hint).toMatch(/did you mean cashoutAllow/);
  });
});

describe('cashout', () => {
  it('says how much is missing instead of failing on undefined', async () => {
    const { registry, configDir, env, state } = setup();
    const result = await run(['cashout', '--exchange', 'paper', '--to', HOME, '--yes'], { registry, configDir, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('say how much to cash out');
    expect(result.stderr).toContain('pass --amount <usd>, or --all');
    expect(state.cashouts).toHaveLength(0);
  });

  it('confirms a first-time destination on a terminal, remembers it, and asks only the usual question next time', async () => {
    const { registry, configDir, env, state } = setup();
    const first = scriptedPrompter({ confirm: [true, true] });
    const sent = await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', HOME], { registry, configDir, env, prompter: first, tty: true });
    expect(sent.code).toBe(0);
    expect(first.asked).toEqual([expect.stringMatching(/never received a cash-out from profile "default"\. Is it yours/), expect.stringMatching(/^Transfer \$5/)]);
    expect(state.cashouts).toEqual([{ amount: 5_000_000n, destination: HOME }]);
    const profile = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).profiles.default;
    expect(profile.venues.paper.cashoutUsed).toBe(HOME);

    const again = scriptedPrompter({ confirm: [true] });
    expect((await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', HOME.toLowerCase()], { registry, configDir, env, prompter: again, tty: true })).code).toBe(0);
    expect(again.asked).toEqual([expect.stringMatching(/^Transfer \$5/)]);
    // Without a terminal a known destination is refused only for the usual lack of --yes, and with it goes.
    expect((await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', HOME, '--yes'], { registry, configDir, env })).code).toBe(0);
    expect(state.cashouts).toHaveLength(3);
  });

  it('a dry run neither asks about nor remembers a new destination', async () => {
    const { registry, configDir, env, state } = setup();
    const result = await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', OTHER, '--dry-run', '--json'], { registry, configDir, env });
    expect(result.code).toBe(0);
    expect(state.cashouts).toHaveLength(0);
    expect((await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', OTHER], { registry, configDir, env })).stderr).toContain('has never received a cash-out');
  });

  it('a pinned allow-list lets its addresses through without the first-time question and refuses the rest', async () => {
    const { registry, configDir, env, state } = setup();
    new ConfigStore(configDir).saveProfile('default', { exchange: 'paper', venues: { paper: { cashoutAllow: HOME } } });
    const prompter = scriptedPrompter({ confirm: [true] });
    expect((await run(['cashout', '--amount', '5', '--to', HOME], { registry, configDir, env, prompter, tty: true })).code).toBe(0);
    expect(prompter.asked).toEqual([expect.stringMatching(/^Transfer/)]);
    const refused = await run(['cashout', '--amount', '5', '--to', OTHER, '--yes'], { registry, configDir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`is not in the cash-out allow-list (cashoutAllow in profiles.default.venues.paper in ${join(configDir, 'config.json')}): ${HOME}`);
    expect(state.cashouts).toHaveLength(1);
  });
});

describe('cancel', () => {
  it('exits 5 when none of the given orders was cancelled, naming each and why', async () => {
    const { registry, configDir, env } = setup();
    const result = await run(['cancel', '--exchange', 'paper', 'paper-7', 'paper-8', '--yes'], { registry, configDir, env });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('nothing was cancelled on paper: paper-7: not found; paper-8: not found');
    expect(result.stderr).toContain('hint: the order may be filled or cancelled already');
  });

  it('exits 0 when some were cancelled, listing the others', async () => {
    const { registry, configDir, env } = setup();
    await run(['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '2', '--price', '0.5', '--yes'], { registry, configDir, env });
    const result = await run(['cancel', '--exchange', 'paper', 'paper-1', 'paper-9', '--yes', '--json'], { registry, configDir, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ exchange: 'paper', cancelled: ['paper-1'], notCancelled: { 'paper-9': 'not found' } });
  });

  it('--all with nothing resting is not a failure', async () => {
    const { registry, configDir, env } = setup();
    const result = await run(['cancel', '--exchange', 'paper', '--all', '--yes', '--json'], { registry, configDir, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).cancelled).toEqual([]);
  });

  it('refuses an id out of shape before asking or sending', async () => {
    const { registry, configDir, env } = setup();
    const prompter = scriptedPrompter({});
    const result = await run(['cancel', '--exchange', 'paper', 'paper-1/../x'], { registry, configDir, env, prompter, tty: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not a Paper order id');
    expect(prompter.asked).toEqual([]);
  });
});
