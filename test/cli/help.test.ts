/**
 * Every command's --help, snapshotted (test/cli/__snapshots__/help.test.ts.snap), and what each help
 * must show: the global options its examples use, the valid --exchange ids, and the environment the
 * venues read, generated from their SettingSpec and SecretSpec.
 */
import { describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { run } from '../support/cli.js';

const COMMANDS = [
  [],
  ['auth'],
  ['balance'],
  ['mirror'],
  ['status'],
  ['order'],
  ['cancel'],
  ['cashout'],
  ['profile'],
  ['profile', 'list'],
  ['profile', 'use'],
  ['profile', 'show'],
  ['profile', 'remove'],
  ['sandbox'],
  ['discover'],
  ['vet'],
  ['backtest'],
  ['completion'],
];
const VENUE_COMMANDS = ['auth', 'balance', 'mirror', 'order', 'cancel', 'cashout'];

async function help(path: string[]): Promise<string> {
  const result = await run([...path, '--help'], { registry: defaultRegistry() });
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  return result.stdout;
}

describe('--help', () => {
  for (const path of COMMANDS) {
    it(`betmirror ${path.join(' ')} --help`.replace(/\s+/g, ' '), async () => {
      expect(await help(path)).toMatchSnapshot();
    });
  }

  it('every flag an example uses is listed, global ones included', async () => {
    for (const path of COMMANDS.filter((p) => p.length > 0)) {
      const text = await help(path);
      const [options, examples] = [text.slice(0, text.indexOf('Examples:')), text.slice(text.indexOf('Examples:'))];
      expect(options, path.join(' ')).toMatch(/Global Options:\n(.*\n)*\s+--json .*\n(.*\n)*\s+-y, --yes /);
      for (const [flag] of examples.matchAll(/--[a-z][a-z-]*/g)) expect(options, `${path.join(' ')}: ${flag}`).toMatch(new RegExp(`\\s${flag}[ ,]`));
    }
  });

  it('lists the valid --exchange ids', async () => {
    for (const name of VENUE_COMMANDS) {
      expect((await help([name])).replace(/\s+/g, ' '), name).toMatch(/-e, --exchange <id> .*\(choices: polymarket, kalshi, predictbase\)/);
    }
  });

  it("names every venue's environment variables, from its settings and secrets", async () => {
    const registry = defaultRegistry();
    const venues = await Promise.all(registry.ids().map((id) => registry.get(id)));
    const variables = venues.flatMap((venue) => [...venue.settings, ...venue.secrets].flatMap((spec) => [spec.env, 'fileEnv' in spec ? spec.fileEnv : undefined]).filter(Boolean));
    expect(variables).toContain('KALSHI_PRIVATE_KEY_PATH');
    for (const name of VENUE_COMMANDS) {
      const environment = (await help([name])).split('Environment:')[1] ?? '';
      for (const variable of [...variables, 'BETMIRROR_PASSWORD', 'BETMIRROR_PROFILE', 'BETMIRROR_CONFIG_DIR', 'NO_COLOR', 'FORCE_COLOR']) {
        expect(environment, `${name} ${variable}`).toMatch(new RegExp(`^ +${variable} `, 'm'));
      }
    }
  });

  it('no help loads a venue (help stays fast): a command\'s Environment section comes from the registry\'s light venue infos', async () => {
    const loaded: string[] = [];
    const registry = defaultRegistry();
    const get = registry.get.bind(registry);
    registry.get = async (id) => (loaded.push(id), get(id));
    await run(['--help'], { registry });
    const { stdout } = await run(['balance', '--help'], { registry });
    expect(loaded).toEqual([]);
    expect(stdout).toContain('Polymarket (--exchange polymarket)');
    expect(stdout).toMatch(/^ +KALSHI_PRIVATE_KEY_PATH /m);
    expect(stdout).toMatch(/^ +PREDICTBASE_API_KEY /m);
  });
});
