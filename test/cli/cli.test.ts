import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { run, scriptedPrompter, tempConfigDir } from '../support/cli.js';
import { PAPER_KEY_ENV, paperState, paperVenue, type PaperState } from '../support/paper-venue.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

function writeKeyFile(dir: string): string {
  const path = join(dir, 'key.txt');
  writeFileSync(path, `${KEY}\n`, { mode: 0o600 });
  return path;
}

function setup(options: { cashout?: boolean } = {}) {
  const state: PaperState = paperState();
  const registry = new ExchangeRegistry([paperVenue(state, options)]);
  const env = { [PAPER_KEY_ENV]: KEY };
  return { state, registry, env };
}

describe('program', () => {
  it('prints help listing the subcommands, with an example, and exits 0', async () => {
    const { registry } = setup();
    const result = await run(['--help'], { registry });
    expect(result.code).toBe(0);
    for (const name of ['auth', 'balance', 'mirror', 'order', 'cancel', 'cashout']) expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(result.stdout).toContain('Examples:');
  });

  it('shows a real example in the help of every command', async () => {
    const { registry } = setup();
    for (const name of ['auth', 'balance', 'mirror', 'order', 'cancel', 'cashout']) {
      const result = await run([name, '--help'], { registry });
      expect(result.code, name).toBe(0);
      expect(result.stdout, name).toMatch(/\$ betmirror \w+ .*--/);
    }
  });

  it('prints the version', async () => {
    const { registry } = setup();
    const result = await run(['--version'], { registry });
    expect(result).toMatchObject({ code: 0, stdout: '0.0.0-test\n' });
  });

  it('refuses an unknown exchange with exit 2 and the list of valid ones', async () => {
    const { registry, env } = setup();
    const result = await run(['balance', '--exchange', 'nope'], { registry, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown exchange "nope"; valid exchanges: paper');
    expect(result.stdout).toBe('');
  });

  it('refuses unknown flags and missing required flags with exit 2', async () => {
    const { registry, env } = setup();
    expect((await run(['balance', '--bogus'], { registry, env })).code).toBe(2);
    const missing = await run(['order', '--exchange', 'paper', '--size', '1', '--price', '0.5'], { registry, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--side');
  });
});

describe('output', () => {
  it('--json prints exactly one JSON document on stdout', async () => {
    const { registry, env } = setup();
    const result = await run(['balance', '--exchange', 'paper', '--json'], { registry, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ exchange: 'paper', account: 'paper-1', currency: 'USD', cash: 100 });
  });

  it('--json errors are one JSON document too, with the exit code', async () => {
    const { registry, env } = setup();
    const result = await run(['balance', '--exchange', 'nope', '--json'], { registry, env });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { exitCode: 2, type: 'BadInputError' } });
  });

  it('piped output is plain; a terminal gets colour', async () => {
    const { registry, env } = setup();
    const piped = await run(['balance', '--exchange', 'nope'], { registry, env });
    expect(piped.stderr).not.toMatch(/\u001b\[/);
    const tty = await run(['balance', '--exchange', 'nope'], { registry, env, tty: true });
    expect(tty.stderr).toMatch(/\u001b\[31merror:/);
  });

  it('human output of a command renders the same result', async () => {
    const { registry, env } = setup();
    const result = await run(['balance', '--exchange', 'paper'], { registry, env });
    expect(result.stdout).toBe('paper: 100.00 USD available\naccount: paper-1\n');
  });
});

describe('confirmation and prompts', () => {
  const order = ['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '10', '--price', '0.5'];

  it('refuses a destructive command without a terminal and without --yes; nothing is sent', async () => {
    const { registry, env, state } = setup();
    const result = await run(order, { registry, env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(state.sent).toHaveLength(0);
  });

  it('asks on a terminal and sends nothing when declined (exit 8, not the 130 of an interruption)', async () => {
    const { registry, env, state } = setup();
    const prompter = scriptedPrompter({ confirm: [false] });
    const result = await run(order, { registry, env, prompter, tty: true });
    expect(result.code).toBe(8);
    expect(result.stderr).toBe('\u001b[31merror:\u001b[39m declined: nothing was sent\n');
    expect(prompter.asked[0]).toContain('BUY 10 @ 0.5 (GTC, up to $5) on paper m1?');
    expect(state.sent).toHaveLength(0);
  });

  it('sends after a yes at the prompt', async () => {
    const { registry, env, state } = setup();
    const result = await run(order, { registry, env, prompter: scriptedPrompter({ confirm: [true] }), tty: true });
    expect(result.code).toBe(0);
    expect(state.sent).toHaveLength(1);
  });

  it('--yes bypasses the confirmation', async () => {
    const { registry, env, state } = setup();
    const prompter = scriptedPrompter({});
    const result = await run([...order, '--yes', '--json'], { registry, env, prompter, tty: true });
    expect(result.code).toBe(0);
    expect(prompter.asked).toEqual([]);
    expect(JSON.parse(result.stdout)).toMatchObject({ orderId: 'paper-1', status: 'open', size: 10, price: 0.5, side: 'buy', type: 'GTC' });
    expect(state.sent[0]).toMatchObject({ market: 'm1', size: 10_000_000n, price: 500_000n });
  });

  it('--dry-run signs and shows the order without confirmation and sends nothing', async () => {
    const { registry, env, state } = setup();
    const result = await run([...order, '--dry-run', '--json'], { registry, env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'dry_run', dryRun: true, request: { signed: true } });
    expect(state.sent).toHaveLength(0);
  });

  it('a missing credential without a terminal fails fast naming the variable', async () => {
    const { registry } = setup();
    const result = await run(['auth', '--exchange', 'paper'], { registry });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(PAPER_KEY_ENV);
  });
});

describe('bad input is refused before anything is sent', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--side', 'hold', '--size', '1', '--price', '0.5'], /--side must be buy or sell/],
    [['--side', 'buy', '--size', '0', '--price', '0.5'], /--size must be greater than 0/],
    [['--side', 'buy', '--size', '1', '--price', '1.5'], /--price must be between 0 and 1/],
    [['--side', 'buy', '--size', '1', '--price', 'abc'], /--price: not a decimal number/],
    [['--side', 'buy', '--size', '1', '--price', '0.5', '--type', 'ioc'], /--type must be one of gtc, gtd, fok, fak/],
    [['--side', 'buy', '--size', '1', '--price', '0.5', '--type', 'gtd'], /--type gtd needs --expires/],
  ];
  for (const [flags, message] of cases) {
    it(`order ${flags.join(' ')}`, async () => {
      const { registry, env, state } = setup();
      const result = await run(['order', '--exchange', 'paper', '--market', 'm1', ...flags, '--yes'], { registry, env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(state.sent).toHaveLength(0);
    });
  }

  it('cashout to a malformed address', async () => {
    const { registry, env, state } = setup();
    const result = await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', '0x123', '--yes'], { registry, env });
    expect(result.code).toBe(2);
    expect(state.cashouts).toHaveLength(0);
  });
});

describe('exit codes', () => {
  it('4 when credentials are missing, with the command that fixes it', async () => {
    const { registry } = setup();
    const result = await run(['balance', '--exchange', 'paper'], { registry });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('run `betmirror auth --exchange paper` or set PAPER_PRIVATE_KEY');
  });

  it('4 when the venue refuses the key', async () => {
    const { registry } = setup();
    const result = await run(['balance', '--exchange', 'paper'], { registry, env: { [PAPER_KEY_ENV]: 'wrong-key-0000' } });
    expect(result.code).toBe(4);
  });

  it('5 when the venue rejects an order, with its reason', async () => {
    const { registry, env } = setup();
    const unknown = await run(['order', '--exchange', 'paper', '--market', 'unknown', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes'], { registry, env });
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('market not found');
    const poor = await run(['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '1000', '--price', '0.5', '--yes'], { registry, env });
    expect(poor.code).toBe(5);
    expect(poor.stderr).toContain('not enough balance');
  });

  it('5 when cancelling an order the venue does not know', async () => {
    const { registry, env } = setup();
    expect((await run(['cancel', '--exchange', 'paper', 'nope-1', '--yes'], { registry, env })).code).toBe(5);
  });

  it('3 when the venue cannot do it (cashout on a venue without withdrawals)', async () => {
    const { registry, env } = setup({ cashout: false });
    const result = await run(['cashout', '--exchange', 'paper', '--amount', '5', '--to', `0x${'1'.repeat(40)}`, '--yes'], { registry, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe("error: Paper cannot cash out through its API\nhint: withdraw from the venue's own website\n");
  });

  it('6 for retryable network errors, with when to retry', async () => {
    const { registry, env, state } = setup();
    state.failNext = 'rate-limit';
    const limited = await run(['balance', '--exchange', 'paper'], { registry, env });
    expect(limited.code).toBe(6);
    expect(limited.stderr).toContain('try again in 2 s');
    state.failNext = 'unavailable';
    expect((await run(['balance', '--exchange', 'paper'], { registry, env })).code).toBe(6);
  });

  it('0 for cancel and cashout that work', async () => {
    const { registry, env, state } = setup();
    await run(['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '2', '--price', '0.5', '--yes'], { registry, env });
    const cancel = await run(['cancel', '--exchange', 'paper', '--all', '--yes', '--json'], { registry, env });
    expect(cancel.code).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ exchange: 'paper', cancelled: ['paper-1'], notCancelled: {} });
    const cashout = await run(['cashout', '--exchange', 'paper', '--amount', '40', '--to', `0x${'1'.repeat(40)}`, '--yes', '--json'], { registry, env });
    expect(cashout.code).toBe(0);
    expect(JSON.parse(cashout.stdout)).toMatchObject({ amount: 40, method: 'paper-transfer', txHash: `0x${'ab'.repeat(32)}` });
    expect(state.cash).toBe(60_000_000n);
  });
});

describe('auth, profiles and the secret store', () => {
  it('stores the typed key encrypted (0600), settings in the profile, and later commands use them', async () => {
    const { registry } = setup();
    const configDir = tempConfigDir();
    const prompter = scriptedPrompter({ password: [KEY, 'correct horse', 'correct horse'] });
    const auth = await run(['auth', '--exchange', 'paper', '--set', 'account=alice', '--json'], { registry, prompter, configDir, tty: true });
    expect(auth.code).toBe(0);
    expect(JSON.parse(auth.stdout)).toMatchObject({ exchange: 'paper', account: 'alice', storedSecrets: ['paper.privateKey', 'paper.apiSecret'] });

    const vaultPath = join(configDir, 'secrets', 'default.vault.json');
    expect(statSync(vaultPath).mode & 0o777).toBe(0o600);
    const onDisk = readFileSync(vaultPath, 'utf8') + readFileSync(join(configDir, 'config.json'), 'utf8');
    expect(onDisk).not.toContain(KEY.slice(2));
    expect(onDisk).not.toContain('issued-secret-for-alice');
    expect(JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')).profiles.default).toEqual({ exchange: 'paper', venues: { paper: { account: 'alice' } } });

    const balance = await run(['balance', '--json'], { registry, configDir, env: { BETMIRROR_PASSWORD: 'correct horse' } });
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout)).toMatchObject({ exchange: 'paper', account: 'alice' });

    const wrong = await run(['balance'], { registry, configDir, env: { BETMIRROR_PASSWORD: 'wrong horse' } });
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain('wrong password for the secret store');
  });

  it('keeps profiles apart and applies flags > environment > profile > defaults', async () => {
    const { registry } = setup();
    const configDir = tempConfigDir();
    const env = { [PAPER_KEY_ENV]: KEY, BETMIRROR_PASSWORD: 'correct horse' };
    expect((await run(['auth', '--exchange', 'paper', '--profile', 'work', '--set', 'account=bob'], { registry, configDir, env })).code).toBe(0);
    const fromProfile = await run(['balance', '--profile', 'work', '--json'], { registry, configDir, env });
    expect(JSON.parse(fromProfile.stdout).account).toBe('bob');
    const fromEnv = await run(['balance', '--profile', 'work', '--json'], { registry, configDir, env: { ...env, PAPER_ACCOUNT: 'carol' } });
    expect(JSON.parse(fromEnv.stdout).account).toBe('carol');
    const defaultProfile = await run(['balance', '--exchange', 'paper', '--json'], { registry, configDir, env });
    expect(JSON.parse(defaultProfile.stdout).account).toBe('paper-1');
  });

  it('saves nothing when the venue refuses the credentials', async () => {
    const { registry } = setup();
    const configDir = tempConfigDir();
    const result = await run(['auth', '--exchange', 'paper'], { registry, configDir, env: { [PAPER_KEY_ENV]: 'wrong-key-0000', BETMIRROR_PASSWORD: 'correct horse' } });
    expect(result.code).toBe(4);
    expect(existsSync(join(configDir, 'secrets', 'default.vault.json'))).toBe(false);
  });

  it('refuses a bad profile name', async () => {
    const { registry, env } = setup();
    const result = await run(['balance', '--profile', '../etc'], { registry, env });
    expect(result.code).toBe(2);
  });
});

describe('secrets never reach the output', () => {
  it('scrubs a secret that a venue library echoes into an error, in human, --json and --verbose output', async () => {
    const { registry, env } = setup();
    for (const extra of [[], ['--json'], ['--verbose']]) {
      const result = await run(['order', '--exchange', 'paper', '--market', 'leak', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes', ...extra], { registry, env });
      expect(result.code).toBe(5);
      expect(result.stdout + result.stderr).toContain('signer [redacted] refused');
      expect(result.stdout + result.stderr).not.toContain(KEY.slice(2));
    }
  });

  it('scrubs a key that came from the encrypted store, not the environment', async () => {
    const { registry } = setup();
    const configDir = tempConfigDir();
    const env = { BETMIRROR_PASSWORD: 'correct horse' };
    const stored = await run(['auth', '--exchange', 'paper', '--private-key-file', writeKeyFile(configDir)], { registry, configDir, env });
    expect(stored.code).toBe(0);
    const result = await run(['order', '--exchange', 'paper', '--market', 'leak', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes', '--verbose'], { registry, configDir, env });
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('signer [redacted] refused');
    expect(result.stdout + result.stderr).not.toContain(KEY.slice(2));
  });

  it('no command prints the private key or stored secrets, on success or failure, even verbose', async () => {
    const { registry, state } = setup();
    const configDir = tempConfigDir();
    const env = { [PAPER_KEY_ENV]: KEY, BETMIRROR_PASSWORD: 'correct horse' };
    const runs = [
      ['auth', '--exchange', 'paper', '--verbose'],
      ['balance', '--exchange', 'paper', '--verbose'],
      ['balance', '--exchange', 'paper', '--json'],
      ['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes', '--verbose'],
      ['order', '--exchange', 'paper', '--market', 'm1', '--side', 'buy', '--size', '1', '--price', '0.5', '--dry-run', '--json'],
      ['order', '--exchange', 'paper', '--market', 'unknown', '--side', 'buy', '--size', '1', '--price', '0.5', '--yes', '--verbose'],
      ['cancel', '--exchange', 'paper', 'nope', '--yes', '--verbose'],
      ['cashout', '--exchange', 'paper', '--amount', '1000', '--to', `0x${'1'.repeat(40)}`, '--yes', '--verbose'],
      ['balance', '--exchange', 'nope'],
    ];
    for (const argv of runs) {
      const result = await run(argv, { registry, configDir, env });
      const all = result.stdout + result.stderr;
      expect(all, argv.join(' ')).not.toContain(KEY.slice(2));
      expect(all, argv.join(' ')).not.toContain('issued-secret-for-paper-1');
      expect(all, argv.join(' ')).not.toContain('correct horse');
    }
    state.failNext = 'unavailable';
    const failing = await run(['balance', '--exchange', 'paper', '--verbose'], { registry, configDir, env });
    expect(failing.stdout + failing.stderr).not.toContain(KEY.slice(2));
  });
});
