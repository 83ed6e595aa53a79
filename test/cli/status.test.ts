/** `betmirror status`: the mirror's state from its store, with the mirror running or stopped. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../src/config/config.js';
import type { Micros } from '../../src/core/money.js';
import type { Clock } from '../../src/core/runtime.js';
import { defaultRegistry } from '../../src/exchanges/registry.js';
import { StateLock } from '../../src/mirror/lock.js';
import { Portfolio } from '../../src/mirror/portfolio.js';
import { MirrorStore } from '../../src/mirror/store.js';
import type { WhaleFill } from '../../src/mirror/types.js';
import { run, tempConfigDir } from '../support/cli.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 29, 9, 0, 0);
const NOW = T0 + 10_000;
const clock: Clock = { now: () => NOW, sleep: async () => undefined, after: () => () => undefined };
const M = (usd: number): Micros => BigInt(Math.round(usd * 1e6));
const TOKEN_A = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const TOKEN_B = '52114319501245915516055106046884209969926127482827954674443846427813813222426';
const W1 = '0x1f2e3d4c5b6a79880011223344556677889900aa';
const W2 = '0x9a8b7c6d5e4f30211203948576abcdefabcdef12';
const GAMMA = 'http://gamma.test';

function fill(wallet: string, token: string, side: 'buy' | 'sell', size: number, price: number, seenAt: number): WhaleFill {
  return { wallet, token, market: `cond-${token.slice(0, 4)}`, side, size: M(size), price: M(price), timestamp: seenAt - 500, txHash: `0x${seenAt.toString(16)}`, source: 'rtds', seenAt };
}

/** A profile whose mirror ran: one position, cash, a copied buy and a skipped sell. */
function stateWithHistory(configDir: string): string {
  const stateDir = new ConfigStore(configDir).stateDir('default');
  const store = MirrorStore.open(stateDir);
  const book = new Portfolio(M(995.5), NOW, [{ token: TOKEN_A, market: 'cond-7132', size: M(10), cost: M(4.5), mark: M(0.5) }], {
    day: Math.floor(NOW / DAY),
    volume: M(4.5),
    startEquity: M(1000),
  }, { realizedPnl: M(1.25), fees: M(0.1) });
  store.saveBook(book, [TOKEN_A]);
  store.recordDecision('k1', fill(W1, TOKEN_A, 'buy', 20, 0.45, T0 + 1000), { clientId: 'c1', side: 'buy', size: M(10), price: M(0.46) }, T0 + 1000);
  store.recordOutcome('k1', { status: 'filled', orderId: '0xabc', filledSize: M(10), filledValue: M(4.5) }, T0 + 1100);
  store.recordDecision('k2', fill(W2, TOKEN_B, 'sell', 5, 0.6, T0 + 2000), { reason: 'no position to sell' }, T0 + 2000);
  store.saveResumePoint({ startAt: T0 - 60_000, aliveAt: T0 + 5000 });
  store.close();
  writeFileSync(join(stateDir, 'mirror.owner'), JSON.stringify({ pid: 4242, startedAt: new Date(T0 - 60_000).toISOString() }));
  return stateDir;
}

/** Gamma's keyset listing knowing TOKEN_A only (outcomes and token ids JSON-encoded, as Gamma sends them). */
function gamma(requests: string[]): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input);
    requests.push(url);
    const markets = url.includes(TOKEN_A)
      ? [{ question: 'Will BTC close 2026 above $100k?', outcomes: '["Yes","No"]', clobTokenIds: JSON.stringify([TOKEN_A, '1']) }]
      : [];
    return new Response(JSON.stringify({ markets }), { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
}

const keyset = (token: string) => `${GAMMA}/markets/keyset?clob_token_ids=${token}&limit=1`;

const env = { POLYMARKET_GAMMA_URL: GAMMA };

describe('betmirror status', () => {
  it('--json: a stopped mirror: since when it was alive, wallets, positions, cash, PnL today, last signals and skips', async () => {
    const configDir = tempConfigDir();
    const stateDir = stateWithHistory(configDir);
    const requests: string[] = [];
    const result = await run(['status', '--json'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma(requests) });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      profile: 'default',
      stateDir,
      running: false,
      pid: 4242,
      startedAt: '2026-11-29T08:59:00.000Z',
      lastAliveAt: '2026-11-29T09:00:05.000Z',
      hasState: true,
      wallets: [W2, W1],
      positions: [{ token: TOKEN_A, market: 'cond-7132', title: 'Will BTC close 2026 above $100k?', outcome: 'Yes', size: 10, cost: 4.5, mark: 0.5, value: 5 }],
      cash: 995.5,
      equity: 1000.5,
      realizedPnl: 1.25,
      fees: 0.1,
      pnlToday: 0.5,
      volumeToday: 4.5,
      recentSignals: [
        { at: '2026-11-29T09:00:02.000Z', wallet: W2, token: TOKEN_B, side: 'sell', size: 5, price: 0.6, status: 'skipped', reason: 'no position to sell' },
        { at: '2026-11-29T09:00:01.000Z', wallet: W1, token: TOKEN_A, title: 'Will BTC close 2026 above $100k?', outcome: 'Yes', side: 'buy', size: 20, price: 0.45, status: 'filled', reason: null },
      ],
      recentSkips: [{ at: '2026-11-29T09:00:02.000Z', wallet: W2, token: TOKEN_B, side: 'sell', size: 5, price: 0.6, status: 'skipped', reason: 'no position to sell' }],
    });
    expect(requests).toEqual([keyset(TOKEN_A), keyset(TOKEN_B)]);
  });

  it('human output names markets by title, and the titles come from the cache the next time', async () => {
    const configDir = tempConfigDir();
    stateWithHistory(configDir);
    const first: string[] = [];
    await run(['status'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma(first) });
    const again: string[] = [];
    const result = await run(['status', '--last', '1'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma(again) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatchInlineSnapshot(`
      "mirror on profile default: not running (last alive 2026-11-29T09:00:05.000Z)
        wallets seen: 0x9a8b7c6d5e4f30211203948576abcdefabcdef12, 0x1f2e3d4c5b6a79880011223344556677889900aa
        cash $995.50, equity $1000.50, PnL today +$0.50, realized +$1.25, bought today $4.50
        positions:
          "Will BTC close 2026 above $100k?" (Yes): 10.00 shares, cost $4.50, mark 0.500, value $5.00
        last signals:
          2026-11-29T09:00:02.000Z 0x9a8b…ef12 SELL 5.00 @ 0.600 on 521143…2426: skipped (no position to sell)
        last skips:
          2026-11-29T09:00:02.000Z 0x9a8b…ef12 SELL 5.00 @ 0.600 on 521143…2426: skipped (no position to sell)
      "
    `);
    // TOKEN_A's title was cached by the first run; only the still unknown TOKEN_B is asked for.
    expect(again).toEqual([keyset(TOKEN_B)]);
  });

  it('a running mirror: running, its pid and start, read without taking or disturbing its lock', async () => {
    const configDir = tempConfigDir();
    const stateDir = stateWithHistory(configDir);
    const lock = StateLock.acquire(stateDir, T0);
    try {
      const result = await run(['status', '--json'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma([]) });
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ running: true, pid: process.pid, startedAt: new Date(T0).toISOString(), cash: 995.5 });
      // The mirror still holds the lock: a second mirror is refused.
      expect(() => StateLock.acquire(stateDir, NOW)).toThrow(/another betmirror mirror is running on this profile \(pid \d+, started 2026-11-29T09:00:00.000Z/);
    } finally {
      lock.release();
    }
    const stopped = await run(['status', '--json'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma([]) });
    expect(JSON.parse(stopped.stdout)).toMatchObject({ running: false, pid: process.pid });
  });

  it('a store in an older format is refused, never upgraded: the mirror that wrote it can still open it', async () => {
    const configDir = tempConfigDir();
    const stateDir = stateWithHistory(configDir);
    const Database = (await import('better-sqlite3')).default;
    const path = join(stateDir, 'mirror.sqlite');
    const older = new Database(path);
    older.pragma('user_version = 1');
    older.close();
    const result = await run(['status'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma([]) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: the mirror state in ${stateDir} is in an older store format (1; this betmirror reads 2), and status never upgrades it`);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(1);
    after.close();
  });

  it('a profile no mirror has run on: says so, creates nothing', async () => {
    const configDir = tempConfigDir();
    const result = await run(['status', '--profile', 'fresh'], { registry: defaultRegistry(), configDir, clock, env, fetch: gamma([]) });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `mirror on profile fresh: not running\n  no mirror state yet in ${join(configDir, 'state', 'fresh')}: start one with \`betmirror mirror --follow <wallet>\`\n`,
    );
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(configDir, 'state'))).toBe(false);
  });

  it('a title lookup that hangs costs at most its timeout and leaves the ids', async () => {
    const configDir = tempConfigDir();
    stateWithHistory(configDir);
    const hanging = ((_url: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)))) as typeof fetch;
    const started = Date.now();
    const result = await run(['status', '--json'], { registry: defaultRegistry(), configDir, clock, env, fetch: hanging });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).positions[0]).toEqual({ token: TOKEN_A, market: 'cond-7132', size: 10, cost: 4.5, mark: 0.5, value: 5 });
  });
});


