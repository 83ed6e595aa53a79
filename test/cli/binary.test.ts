/** A few smoke tests of the real binary (built by `npm install`'s prepare step), spawned as a user would. */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempConfigDir } from '../support/cli.js';

const bin = new URL('../../bin/betmirror', import.meta.url).pathname;
const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

function betmirror(...args: string[]) {
  return betmirrorWith({}, ...args);
}

function betmirrorWith(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, BETMIRROR_CONFIG_DIR: tempConfigDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('betmirror binary', () => {
  it('prints its version', () => {
    const result = betmirror('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });

  it('lists its subcommands', () => {
    const result = betmirror('--help');
    expect(result.status).toBe(0);
    for (const name of ['auth', 'balance', 'mirror', 'status', 'order', 'cancel', 'cashout', 'profile', 'sandbox', 'completion']) expect(result.stdout).toContain(`  ${name}`);
  });

  it('piped, it prints no colour unless FORCE_COLOR asks for it', () => {
    expect(betmirror('balance', '--exchange', 'nope').stderr).toMatch(/^error: unknown exchange "nope"/);
    expect(betmirrorWith({ FORCE_COLOR: '1' }, 'balance', '--exchange', 'nope').stderr).toMatch(/^\u001b\[31merror:\u001b\[39m unknown exchange "nope"/);
  });

  it('status of a profile no mirror has run on, as JSON', () => {
    const result = betmirror('status', '--json');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ profile: 'default', running: false, hasState: false, positions: [] });
  });

  it('prints a bash completion script bash accepts', () => {
    const result = betmirror('completion', 'bash');
    expect(result.status).toBe(0);
    const check = spawnSync('bash', ['--norc', '--noprofile', '-n'], { input: result.stdout, encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
  });

  it('stops quietly when the reader of its output goes away (`| head -1`)', () => {
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${bin}" backtest --help | head -1`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, BETMIRROR_CONFIG_DIR: tempConfigDir() },
    });
    expect(result.stdout).toBe('Usage: betmirror backtest [options]\n');
    expect(result.stderr).toBe('');
  });

  it('exits 2 naming the valid exchanges for an unknown one', () => {
    const result = betmirror('balance', '--exchange', 'nope');
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/valid exchanges: .*polymarket.*kalshi|valid exchanges: .*kalshi.*polymarket/);
    expect(result.stdout).toBe('');
  });

  it('runs the local Polymarket as a process: prints its environment as JSON, serves, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [bin, 'sandbox', '--json'], {
      env: { PATH: process.env.PATH, BETMIRROR_CONFIG_DIR: tempConfigDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let text = '';
      const info = await new Promise<{ clobUrl: string; dataApiUrl: string; whales: string[]; env: Record<string, string> }>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          try {
            resolve(JSON.parse(text));
          } catch {
            // the document is not complete yet
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code} before printing its URLs`)));
      });
      expect(info.env.POLYMARKET_CLOB_URL).toBe(info.clobUrl);
      expect(info.dataApiUrl).toBe(`${info.clobUrl}/data-api`);
      expect(info.whales).toHaveLength(2);
      expect(await (await fetch(`${info.clobUrl}/version`)).json()).toEqual({ version: 2 });
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
