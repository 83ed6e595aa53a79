import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/exit.js';
import { ConfigStore } from '../../src/config/config.js';
import { BadInputError, ConfigError } from '../../src/core/errors.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { run, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

/** A paper venue that counts adapters made: a refusal must come before any venue is touched. */
function countingRegistry() {
  const base = paperVenue(paperState());
  const counter = { adapters: 0 };
  const registry = new ExchangeRegistry([{ ...base, create: (context) => (counter.adapters++, base.create(context)) }]);
  return { registry, counter };
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

const START_OVER = /move the file aside and run `betmirror auth` again/;

// config.json as a person might break it by hand, and what the refusal must say.
const malformed: Array<[name: string, content: string, problem: RegExp, fix: RegExp]> = [
  ['a missing comma', '{\n  "activeProfile": "default"\n  "profiles": {}\n}', /is not valid JSON \(line 3, column 3\)/, /fix it in an editor/],
  ['a trailing comma', '{"profiles": {},}', /is not valid JSON \(line 1, column 17\)/, /fix it in an editor/],
  ['a truncated file', '{"profiles": {"default": {"exchange": "paper"', /is not valid JSON/, /fix it in an editor/],
  ['an empty file', '', /is not valid JSON \(the file is empty\)/, /fix it in an editor/],
  ['a JSON list', '[]', /is malformed: the top level must be an object, not a list/, /correct or remove the top level/],
  ['profiles as a list', '{"profiles": []}', /is malformed: profiles must be an object, not a list/, /correct or remove profiles in it/],
  ['profiles null', '{"profiles": null}', /profiles must be an object, not null/, /correct or remove profiles/],
  ['a profile as a string', '{"profiles": {"default": "paper"}}', /profiles\.default must be an object, not the string "paper"/, /correct or remove profiles\.default/],
  ['a misspelt profile key', '{"profiles": {"default": {"mirorr": {}}}}', /profiles\.default\.mirorr is not a setting betmirror knows \(known here: exchange, venues, mirror, custody\)/, /correct or remove profiles\.default\.mirorr/],
  ['exchange as a number', '{"profiles": {"default": {"exchange": 1}}}', /profiles\.default\.exchange must be a string, not the number 1/, /correct or remove/],
  ['a mirror value as a number', '{"profiles": {"default": {"mirror": {"max-per-trade": 25}}}}', /profiles\.default\.mirror\.max-per-trade must be a string, not the number 25 \(write it in quotes: "25"\)/, /correct or remove profiles\.default\.mirror\.max-per-trade/],
  ['a venue setting as an object', '{"profiles": {"default": {"venues": {"paper": {"account": {}}}}}}', /profiles\.default\.venues\.paper\.account must be a string, not an object/, /correct or remove/],
  ['venues as a string', '{"profiles": {"default": {"venues": "paper"}}}', /profiles\.default\.venues must be an object/, /correct or remove/],
  ['custody without its bundler', '{"profiles": {"default": {"custody": {"kind": "zerodev-kernel-v3.1", "venue": "polymarket", "smartAccount": "0x1", "owner": "0x2", "sessionKeyAddress": "0x3", "approval": "x", "destinations": []}}}}', /profiles\.default\.custody\.bundlerUrl is missing/, /correct or remove/],
  ['custody destinations as a string', '{"profiles": {"default": {"custody": {"kind": "zerodev-kernel-v3.1", "venue": "polymarket", "smartAccount": "0x1", "owner": "0x2", "sessionKeyAddress": "0x3", "approval": "x", "destinations": "0x4", "bundlerUrl": "http://b"}}}}', /custody\.destinations must be a list of strings, not the string "0x4"/, /correct or remove/],
  ['a custody kind betmirror does not know', '{"profiles": {"default": {"custody": {"kind": "safe"}}}}', /custody\.kind must be "zerodev-kernel-v3\.1", not the string "safe"/, /correct or remove/],
  ['an active profile that is not a name', '{"activeProfile": "../etc"}', /activeProfile "\.\.\/etc" is not a profile name/, /correct or remove activeProfile/],
  ['an active profile as a number', '{"activeProfile": 3}', /activeProfile must be a string, not the number 3/, /correct or remove activeProfile/],
  ['a profile named like a path', '{"profiles": {"../etc": {}}}', /profiles\.\.\.\/etc is not a profile name/, /correct or remove/],
  ['an unknown top-level key', '{"profile": {}}', /profile is not a setting betmirror knows \(known here: activeProfile, profiles\)/, /correct or remove profile in it/],
];

describe('config.json', () => {
  it.each(malformed)('refuses %s (exit 1) naming the file, the key and the fix, and writes nothing', async (_name, content, problem, fix) => {
    const configDir = tempConfigDir();
    const path = join(configDir, 'config.json');
    writeFileSync(path, content);
    const { registry, counter } = countingRegistry();

    const error = (() => {
      try {
        new ConfigStore(configDir).profile('default');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(describeError(error).exitCode).toBe(1);

    // Through the CLI: a read-only command and one that writes the profile.
    for (const argv of [['balance', '--exchange', 'paper'], ['auth', '--exchange', 'paper']]) {
      const result = await run(argv, { registry, configDir, env: { [PAPER_KEY_ENV]: KEY, BETMIRROR_PASSWORD: 'correct horse' } });
      expect(result.code, argv[0]).toBe(1);
      expect(result.stderr).toContain(`the config file ${path} `);
      expect(result.stderr).toMatch(problem);
      expect(result.stderr).toMatch(fix);
      expect(result.stderr).toMatch(START_OVER);
      expect(result.stdout).toBe('');
    }
    expect(counter.adapters).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(listing(configDir)).toEqual(['config.json']);
  });

  it('does not show what the parser quoted from the file', async () => {
    const configDir = tempConfigDir();
    writeFileSync(join(configDir, 'config.json'), '{"profiles": {"default": {"exchange": x-secret-ish}}}');
    const result = await run(['balance'], { registry: countingRegistry().registry, configDir });
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('x-secret-ish');
  });

  // Refused profile names come from the command line or the environment: bad input, exit 2.
  const badNames: Array<[source: string, argv: string[], env: Record<string, string>]> = [
    ['--profile with a path', ['balance', '--profile', '../etc'], {}],
    ['--profile with a space', ['balance', '--profile', 'my profile'], {}],
    ['--profile too long', ['balance', '--profile', 'p'.repeat(65)], {}],
    ['BETMIRROR_PROFILE with a slash', ['balance'], { BETMIRROR_PROFILE: 'a/b' }],
    ['auth --profile with a path', ['auth', '--exchange', 'paper', '--profile', '../../x'], {}],
  ];

  it.each(badNames)('refuses %s with exit 2, naming where the name came from, and writes nothing', async (_source, argv, env) => {
    const configDir = tempConfigDir();
    const { registry, counter } = countingRegistry();
    const result = await run(argv, { registry, configDir, env: { [PAPER_KEY_ENV]: KEY, BETMIRROR_PASSWORD: 'correct horse', ...env } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid profile name ".*" \(from --profile or BETMIRROR_PROFILE\)/);
    expect(counter.adapters).toBe(0);
    expect(listing(configDir)).toEqual([]);
  });

  it('never builds a path from a bad profile name', () => {
    const store = new ConfigStore(tempConfigDir());
    for (const make of [() => store.stateDir('../x'), () => store.vaultPath('../x'), () => store.saveProfile('a/b', {})]) {
      expect(make).toThrow(BadInputError);
    }
  });

  it('reads without writing: a missing file is an empty config and stays missing', () => {
    const configDir = tempConfigDir();
    const store = new ConfigStore(configDir);
    expect(store.activeProfileName()).toBe('default');
    expect(store.profile('default')).toEqual({});
    expect(store.profile('constructor')).toEqual({});
    expect(listing(configDir)).toEqual([]);
  });

  it('keeps other profiles and the active profile when one profile is saved', () => {
    const configDir = tempConfigDir();
    const store = new ConfigStore(configDir);
    store.saveProfile('work', { exchange: 'paper', mirror: { 'max-per-trade': '25' } });
    store.setActiveProfile('work');
    store.saveProfile('home', { venues: { paper: { account: 'bob' } } });
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({
      activeProfile: 'work',
      profiles: { work: { exchange: 'paper', mirror: { 'max-per-trade': '25' } }, home: { venues: { paper: { account: 'bob' } } } },
    });
    expect(new ConfigStore(configDir).profile('work').mirror).toEqual({ 'max-per-trade': '25' });
    expect(listing(configDir)).toEqual(['config.json']);
  });

  it('reads a config.json written by the previous release (conf, tab-indented)', () => {
    const configDir = tempConfigDir();
    const previous = { activeProfile: 'default', profiles: { default: { exchange: 'paper', venues: { paper: { account: 'alice' } } } } };
    writeFileSync(join(configDir, 'config.json'), JSON.stringify(previous, undefined, '\t'));
    expect(new ConfigStore(configDir).profile('default')).toEqual(previous.profiles.default);
  });
});
