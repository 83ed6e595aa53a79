/**
 * The CLI as people expect it (issue 14): colours, prompts and spinners on the right stream, the
 * error before its hint, capabilities before secrets, a declined confirmation's own exit code, and
 * flags declared once (their defaults, their profile presets).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { colorLevel } from '../../src/cli/color.js';
import { inquirerPrompter } from '../../src/cli/prompter.js';
import { CancelledError } from '../../src/core/errors.js';
import { ConfigStore } from '../../src/config/config.js';
import { defaultRegistry, ExchangeRegistry } from '../../src/exchanges/registry.js';
import { silentLogger, systemClock } from '../../src/core/runtime.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const ESC = '\u001b[';

function paper(options: { cashout?: boolean } = {}) {
  const state = paperState();
  return { state, registry: new ExchangeRegistry([paperVenue(state, options)]), env: { [PAPER_KEY_ENV]: KEY } };
}

describe('one colour decision: FORCE_COLOR, then NO_COLOR, then the terminal', () => {
  it('decides per stream', () => {
    expect(colorLevel({ isTTY: true }, {})).toBe(1);
    expect(colorLevel({ isTTY: false }, {})).toBe(0);
    expect(colorLevel({ isTTY: true }, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel({ isTTY: true }, { NO_COLOR: '' })).toBe(1);
    expect(colorLevel({ isTTY: true }, { TERM: 'dumb' })).toBe(0);
    expect(colorLevel({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(1);
    expect(colorLevel({ isTTY: false }, { FORCE_COLOR: '3' })).toBe(3);
    expect(colorLevel({ isTTY: false }, { FORCE_COLOR: 'true' })).toBe(1);
    expect(colorLevel({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(0);
    expect(colorLevel({ isTTY: true }, { FORCE_COLOR: 'false' })).toBe(0);
    expect(colorLevel({ isTTY: false }, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(1);
  });

  it('NO_COLOR=1 on a terminal prints no colour', async () => {
    const { registry } = paper();
    const result = await run(['balance', '--exchange', 'nope'], { registry, tty: true, env: { NO_COLOR: '1' } });
    expect(result.stderr).toBe('error: unknown exchange "nope"; valid exchanges: paper\n');
  });

  it('FORCE_COLOR=1 into a pipe prints colour', async () => {
    const { registry } = paper();
    const result = await run(['balance', '--exchange', 'nope'], { registry, env: { FORCE_COLOR: '1' } });
    expect(result.stderr).toBe(`${ESC}31merror:${ESC}39m unknown exchange "nope"; valid exchanges: paper\n`);
  });
});

describe('the error first, then the hint', () => {
  it('an unknown flag: the error, then how to get the usage of that command', async () => {
    const { registry, env } = paper();
    const result = await run(['balance', '--bogus'], { registry, env });
    expect(result).toEqual({ code: 2, stdout: '', stderr: "error: unknown option '--bogus'\nhint: run `betmirror balance --help` for usage\n" });
  });

  it('a missing required flag', async () => {
    const { registry, env } = paper();
    const result = await run(['order', '--exchange', 'paper', '--size', '1', '--price', '0.5'], { registry, env });
    expect(result).toEqual({ code: 2, stdout: '', stderr: "error: required option '--side <side>' not specified\nhint: run `betmirror order --help` for usage\n" });
  });

  it('an unknown command', async () => {
    const { registry } = paper();
    const result = await run(['balence'], { registry });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'balence'\n(Did you mean balance?)\nhint: run `betmirror --help` for usage\n");
  });

  it('a bad flag value is refused while parsing, naming the flag, before any secret or request', async () => {
    const { registry, state } = paper();
    const result = await run(['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '-1', '--price', '0.5', '--yes'], { registry });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --size must be greater than 0 (got -1)\n');
    expect(state.sent).toHaveLength(0);
  });
});

describe('prompts go to stderr', () => {
  it('inquirer draws the question on the stream it is given (the process wires stderr), never on stdout', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let drawn = '';
    output.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const prompter = inquirerPrompter({ input, output });
    const answer = prompter.confirm('Send the order?', '--yes');
    setTimeout(() => input.write('y\n'), 50);
    expect(await answer).toBe(true);
    expect(drawn).toContain('Send the order?');
  });
});

describe('capabilities are checked before secrets are read', () => {
  it('cashout on Kalshi without any Kalshi key: exit 3 (not supported), not 4 (auth)', async () => {
    const result = await run(['cashout', '--exchange', 'kalshi', '--amount', '10', '--to', `0x${'2'.repeat(40)}`, '--yes'], { registry: defaultRegistry() });
    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: "error: Kalshi cannot cash out through its API\nhint: withdraw from the venue's own website\n",
    });
  });

  it('the same with --json: one JSON document with exit code 3', async () => {
    const result = await run(['cashout', '--exchange', 'kalshi', '--amount', '10', '--to', `0x${'2'.repeat(40)}`, '--yes', '--json'], { registry: defaultRegistry() });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { exitCode: 3, type: 'NotSupportedError', message: 'Kalshi cannot cash out through its API', hint: "withdraw from the venue's own website" },
    });
  });

  it('no secret store is opened: the password is never asked', async () => {
    const { registry } = paper({ cashout: false });
    const prompter = scriptedPrompter({});
    const result = await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', `0x${'1'.repeat(40)}`], { registry, prompter, tty: true });
    expect(result.code).toBe(3);
    expect(prompter.asked).toEqual([]);
  });

  it("every shipped venue's static capabilities equal what its adapter reports", async () => {
    const registry = defaultRegistry();
    for (const id of registry.ids()) {
      const venue = await registry.get(id);
      const adapter = venue.create({ settings: {}, secrets: {}, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger });
      expect(venue.has, id).toEqual(adapter.has);
    }
  });
});

describe('a declined confirmation has its own exit code', () => {
  const order = ['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '10', '--price', '0.5'];

  it('no at the prompt: exit 8, nothing sent', async () => {
    const { registry, env, state } = paper();
    const result = await run(order, { registry, env, prompter: scriptedPrompter({ confirm: [false] }), tty: true });
    expect(result.code).toBe(8);
    expect(state.sent).toHaveLength(0);
  });

  it('Ctrl-C at the prompt: exit 130 (an interruption), nothing sent', async () => {
    const { registry, env, state } = paper();
    const prompter = { ...scriptedPrompter({}), confirm: async () => Promise.reject(new CancelledError('cancelled at the prompt')) };
    const result = await run(order, { registry, env, prompter, tty: true });
    expect(result.code).toBe(130);
    expect(state.sent).toHaveLength(0);
  });
});

describe('spinners', () => {
  function terminal() {
    const chunks: string[] = [];
    return { isTTY: true, columns: 100, chunks, write: (chunk: string) => (chunks.push(chunk), true), clearLine: () => true, cursorTo: () => true, moveCursor: () => true, text: () => chunks.join('') };
  }

  async function balanceOn(stderr: ReturnType<typeof terminal>, extra: string[] = []) {
    const { registry, env } = paper();
    const { runCli } = await import('../../src/cli/program.js');
    const stdout: string[] = [];
    const code = await runCli(['balance', '--exchange', 'paper', ...extra], {
      io: { stdout: { isTTY: false, write: (c: string) => stdout.push(c) }, stderr, stdin: { isTTY: true } },
      env,
      clock: systemClock,
      fetch: globalThis.fetch,
      prompter: scriptedPrompter({}),
      exchanges: registry,
      signal: new AbortController().signal,
      configDir: tempConfigDir(),
      version: 'test',
      readTextFile: async () => '',
    });
    return { code, stdout: stdout.join('') };
  }

  it('a command waiting on the venue shows one on a terminal stderr; stdout keeps only the result', async () => {
    const stderr = terminal();
    const result = await balanceOn(stderr);
    expect(result).toEqual({ code: 0, stdout: 'paper: 100.00 USD available\naccount: paper-1\n' });
    expect(stderr.text()).toContain('connecting to Paper');
    expect(stderr.text()).toContain('reading the paper balance');
  });

  it('silent with --json', async () => {
    const stderr = terminal();
    const result = await balanceOn(stderr, ['--json']);
    expect(result.code).toBe(0);
    expect(stderr.text()).toBe('');
  });

  it('silent without a terminal', async () => {
    const { registry, env } = paper();
    const result = await run(['balance', '--exchange', 'paper'], { registry, env });
    expect(result.stderr).toBe('');
  });
});

describe('flags declared once', () => {
  it('the scripted whales trade every 2 s by default, in both commands that run them', async () => {
    const registry = defaultRegistry();
    for (const command of ['sandbox', 'mirror']) {
      const help = (await run([command, '--help'], { registry })).stdout.replace(/\s+/g, ' ');
      expect(help, command).toMatch(/--whale-interval <ms> [^(]*how often (each|the) scripted whales? trades? \(default: 2000\)/);
    }
  });

  it("the mirror's help shows the detection sources the engine defaults to, from their one declaration", async () => {
    const { DEFAULT_SOURCES_HELP } = await import('../../src/mirror/sources/source.js');
    const help = (await run(['mirror', '--help'], { registry: defaultRegistry() })).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(choices: data-api, rtds, onchain; default: ${DEFAULT_SOURCES_HELP})`);
  });

  it("a profile's mirror setting is read by the flag's own parser: a bad one is refused naming it, nothing starts", async () => {
    const configDir = tempConfigDir();
    new ConfigStore(configDir).saveProfile('default', { mirror: { 'max-per-trade': 'lots' } });
    const result = await run(['mirror', '--sandbox', '--whale-interval', '50'], { registry: defaultRegistry(), configDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: the profile\'s mirror setting max-per-trade: --max-per-trade: not a decimal number: "lots"\nhint: correct or remove mirror.max-per-trade in the profile\n',
    );
  });

  it('a flag on the command line wins over the profile (the bad profile value is never read)', async () => {
    const configDir = tempConfigDir();
    new ConfigStore(configDir).saveProfile('default', { mirror: { 'max-per-trade': 'lots', 'order-type': 'ioc' } });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 300);
    const result = await run(['mirror', '--sandbox', '--whale-interval', '50', '--max-per-trade', '5', '--order-type', 'fok', '--json'], {
      registry: defaultRegistry(),
      configDir,
      signal: abort.signal,
    });
    expect(result.stderr).not.toContain('error');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').map((line) => JSON.parse(line).type).at(-1)).toBe('summary');
  });
});
