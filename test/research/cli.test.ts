/** discover, vet and backtest run in-process against the sandbox's scripted wallets (argv -> stdout, stderr, exit code). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, DEFAULT_PROFILE } from '../../src/config/config.js';
import { ExchangeRegistry } from '../../src/exchanges/registry.js';
import { MIRROR_DECISION_FLAGS } from '../../src/commands/backtest.js';
import { HISTORY_WALLETS } from '../../src/sandbox/polymarket/history.js';
import { run, tempConfigDir } from '../support/cli.js';
import { fixedClock, NOW } from './support.js';

const cli = (argv: string[]) => run(argv, { registry: new ExchangeRegistry([]), clock: fixedClock() });
const { steady, lucky, loser, fast } = HISTORY_WALLETS;

describe('discover', () => {
  it('--json: the leaderboard as a follow-list-shaped document', async () => {
    const result = await cli(['discover', '--sandbox', '--period', 'all', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      period: 'all',
      order: 'pnl',
      wallets: [
        { rank: 1, wallet: lucky, name: 'OneLuckyShot', pnl: 1750, volume: 250, trades: null },
        { rank: 2, wallet: steady, name: 'SteadyWinner', pnl: 869, volume: 1102, trades: null },
        { rank: 3, wallet: fast, name: 'FastMover', pnl: 200, volume: 500, trades: null },
        { rank: 4, wallet: loser, name: 'FavouriteBuyer', pnl: -300, volume: 700, trades: null },
      ],
    });
    expect(result.stderr).toMatch(/^sandbox: a local Polymarket at http:\/\/127\.0\.0\.1:\d+ with scripted wallet histories\n$/);
  });

  it('--min-trades counts each wallet\'s trades in the period; --order volume; --addresses prints a follow file', async () => {
    const result = await cli(['discover', '--sandbox', '--period', 'all', '--order', 'volume', '--min-trades', '10', '--addresses']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        '# betmirror discover --period all --order volume: candidates, not yet vetted',
        '# #1 SteadyWinner: PnL 869.00, volume 1102.00',
        steady,
        '# #2 FavouriteBuyer: PnL -300.00, volume 700.00',
        loser,
        '# #3 FastMover: PnL 200.00, volume 500.00',
        fast,
        '',
      ].join('\n'),
    );
  });

  it('a month: PnL of the markets resolved in the last 30 days', async () => {
    const result = JSON.parse((await cli(['discover', '--sandbox', '--json', '--limit', '2'])).stdout);
    expect(result.wallets.map((w: { wallet: string; pnl: number }) => [w.wallet, w.pnl])).toEqual([
      [lucky, 1810],
      [steady, 415],
    ]);
  });

  it('refuses a bad period with exit 2 and the choices', async () => {
    const result = await cli(['discover', '--period', 'year']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('error: --period must be day, week, month or all (got year)\n');
  });
});

describe('vet', () => {
  it('--json: one row per wallet, and the follow list', async () => {
    const result = await cli(['vet', '--sandbox', '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.thresholds).toEqual({ minResolved: 10, minEdge: 0, maxIdleDays: 30, maxTopMarketShare: 0.5 });
    expect(doc.follow).toEqual([steady]);
    expect(doc.wallets.map((w: { wallet: string; verdict: string; pnl: number }) => [w.wallet, w.verdict, w.pnl])).toEqual([
      [steady, 'follow', 869],
      [lucky, 'avoid', 1750],
      [loser, 'avoid', -300],
      [fast, 'watch', 200],
    ]);
    expect(doc.wallets[0]).toEqual({
      wallet: steady,
      verdict: 'follow',
      reason: 'won 75.0% (at least 46.8%) of 12 resolved positions paying 0.39 on average',
      trades: 15,
      markets: 13,
      activeDays: 14,
      invested: 1066,
      realizedPnl: 860,
      unrealizedPnl: 9,
      pnl: 869,
      roi: 0.8152,
      resolved: 12,
      wins: 9,
      winRate: 0.75,
      winRateLow: 0.4677,
      winRateHigh: 0.9111,
      avgEntryPrice: 0.3925,
      edge: 0.3575,
      edgeLow: 0.0752,
      pnlWithoutBest: 671,
      bestMarket: { market: `0x${'b1'.padEnd(62, '0')}05`, title: 'History market S5?', pnl: 198 },
      topMarketShare: 0.0962,
      makerShare: 0.3333,
      medianTradeUsd: 78,
      medianSecondsBetweenTrades: 345_600,
      lastTradeAt: Date.UTC(2026, 10, 27, 10),
      truncated: false,
    });
  });

  it('human: a verdict line per wallet; --addresses: the wallets to follow as a follow file', async () => {
    const human = await cli(['vet', steady, lucky, '--sandbox']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`${steady}  FOLLOW: won 75.0% (at least 46.8%) of 12 resolved positions paying 0.39 on average\n`);
    expect(human.stdout).toContain(`${lucky}  AVOID: profit is one market: $1900 in "History market L4?", -$150 without it\n`);
    expect(human.stdout).toContain('  won 9/12 resolved = 75.0% (95%: 46.8% to 91.1%), average price paid 0.39, edge 35.8% (at worst 7.5%)\n');
    const list = await cli(['vet', '--sandbox', '--addresses']);
    expect(list.stdout).toBe(`# betmirror vet: wallets whose verdict is "follow"\n# won 75.0% (at least 46.8%) of 12 resolved positions paying 0.39 on average\n${steady}\n`);
  });

  it('thresholds from flags', async () => {
    const doc = JSON.parse((await cli(['vet', steady, '--sandbox', '--json', '--min-resolved', '13'])).stdout);
    expect(doc.wallets[0]).toMatchObject({ verdict: 'watch', reason: 'too few resolved markets: 12 (need 13)' });
    expect(doc.follow).toEqual([]);
  });

  it('bad input: exit 2, nothing read', async () => {
    const notAddress = await cli(['vet', '0x123', '--sandbox']);
    expect([notAddress.code, notAddress.stderr]).toEqual([2, 'error: vet: not a wallet address: 0x123\n']);
    const none = await cli(['vet']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('error: nothing to vet: pass one or more wallet addresses\nhint: or try `betmirror vet --sandbox`\n');
    const share = await cli(['vet', steady, '--max-top-market-share', '2']);
    expect([share.code, share.stderr]).toEqual([2, 'error: --max-top-market-share must be a fraction in (0, 1] (got 2)\n']);
  });
});

describe('backtest', () => {
  it('--json: copy vs whale, latencies, equity and trades for the fast wallet', async () => {
    const result = await cli(['backtest', '--sandbox', '--follow', fast, '--since', '90d', '--latency', '1s', '--json']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc).toMatchObject({
      wallets: [fast],
      from: NOW - 90 * 86_400_000,
      to: NOW,
      latency: '1s',
      latencyMs: 1000,
      bankroll: 1000,
      fillSlippagePercent: 0.5,
      copy: { pnl: 80.17772, roi: 0.0802, fees: 1.99954, finalEquity: 1080.17772, copied: 10, skipped: 0, skipReasons: {}, openPositions: 0 },
      whale: { fills: 10, invested: 500, pnl: 200, roi: 0.4 },
      latencies: [
        { latency: '1s', latencyMs: 1000, pnl: 80.17772, roi: 0.0802, copied: 10, skipped: 0 },
        { latency: '10s', latencyMs: 10_000, pnl: 0, roi: 0, copied: 0, skipped: 10, maxDrawdown: 0 },
        { latency: '60s', latencyMs: 60_000, pnl: 0, roi: 0, copied: 0, skipped: 10, maxDrawdown: 0 },
      ],
      truncated: [],
    });
    // 10 buys and 10 settlements; the first buy in full.
    expect(doc.trades.length).toBe(20);
    expect(doc.trades[0]).toEqual({
      at: Date.UTC(2026, 9, 30, 11) + 1000,
      wallet: fast,
      token: '770060',
      title: 'History market F1?',
      side: 'buy',
      size: 40,
      price: 0.49245,
      whalePrice: 0.5,
      marketPrice: 0.49,
      value: 19.698,
      fee: 0.199954,
      limitedBy: null,
    });
    expect(doc.equity[0]).toEqual({ at: NOW - 90 * 86_400_000, equity: 1000 });
    expect(doc.equity.at(-1)).toEqual({ at: NOW, equity: 1080.17772 });
  });

  it('declares no flag of its own for sizing, caps or slippage: they are the mirror\'s declarations', async () => {
    const { createProgram } = await import('../../src/cli/program.js');
    const program = createProgram({ version: 'x', exchanges: new ExchangeRegistry([]), io: { stdout: { write: () => true }, stderr: { write: () => true }, stdin: {} } } as never, () => undefined as never);
    const options = (name: string) => program.commands.find((c) => c.name() === name)!.options.map((o) => [o.flags, o.description]);
    const mirror = options('mirror').filter(([flags]) => MIRROR_DECISION_FLAGS.some((f) => flags!.startsWith(`--${f} `)));
    expect(mirror.length).toBe(MIRROR_DECISION_FLAGS.length);
    expect(options('backtest')).toEqual(expect.arrayContaining(mirror));
  });

  it('takes the mirror\'s flags: a $1 cap per trade leaves every copy below the venue minimum', async () => {
    const doc = JSON.parse((await cli(['backtest', '--sandbox', '--follow', steady, '--since', '90d', '--max-per-trade', '1', '--json'])).stdout);
    expect(doc.copy).toMatchObject({ pnl: 0, copied: 0, skipped: 15, skipReasons: { max_per_trade: 14, no_position: 1 } });
  });

  it('a profile\'s mirror settings apply, under the flags', async () => {
    const configDir = tempConfigDir();
    new ConfigStore(configDir).saveProfile(DEFAULT_PROFILE, { mirror: { 'max-per-trade': '1' } });
    const argv = ['backtest', '--sandbox', '--follow', steady, '--since', '90d', '--json'];
    const fromProfile = JSON.parse((await run(argv, { registry: new ExchangeRegistry([]), clock: fixedClock(), configDir })).stdout);
    expect(fromProfile.copy).toMatchObject({ copied: 0, skipReasons: { max_per_trade: 14, no_position: 1 } });
    const overridden = JSON.parse((await run([...argv, '--max-per-trade', '100'], { registry: new ExchangeRegistry([]), clock: fixedClock(), configDir })).stdout);
    expect(overridden.copy).toMatchObject({ copied: 15, skipped: 0 });
  });

  it('human: summary, equity chart and the latency table; --report writes one self-contained HTML file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'betmirror-report-')), 'report.html');
    const result = await cli(['backtest', '--sandbox', '--since', '90d', '--report', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('backtest 2026-08-31 to 2026-11-29, 4 wallet(s), latency 2s, bankroll $1000.00\n');
    expect(result.stdout).toContain('whale: PnL $2519.00 on $2516.00 (ROI 100.12%), 41 fills\n');
    expect(result.stdout).toContain('   1520.61 ┤');
    expect(result.stdout).toContain('\nlatency   copy PnL   copied  skipped  max drawdown\n1s         $520.61       41        0        $66.92\n2s         $520.61       41        0        $66.92\n10s        $440.43       31       10        $64.74\n60s        $440.43       31       10        $64.74\n');
    expect(result.stderr).toContain(`report written to ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html.match(/<svg /g)?.length).toBe(2);
    // Nothing to fetch: no scripts, no external references (the SVG namespace is a name, not a request).
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/);
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:/);
    // 41 copies and 38 settlements (every history market but the open one resolved).
    expect(html.match(/<tr><td>2026-/g)?.length).toBe(41 + 38);
  });

  it('bad input: exit 2 with the flag named, nothing read', async () => {
    const cases: Array<[string[], string]> = [
      [['backtest'], 'error: nothing to replay: pass --follow <wallet>\nhint: or try `betmirror backtest --sandbox`\n'],
      [['backtest', '--follow', steady, '--latency', 'soon'], 'error: --latency must be a delay like 500ms, 2s or 1m, at most a day (got soon)\n'],
      [['backtest', '--follow', steady, '--since', 'yesterday'], 'error: --since must be a date (2026-10-01) or an age (30d, 12h, 90m) (got yesterday)\n'],
      [['backtest', '--follow', steady, '--sizing', 'double'], 'error: --sizing must be proportional, fixed or percent (got double)\n'],
      [['backtest', '--follow', steady, '--fill-slippage', '100'], 'error: --fill-slippage is a percent from 0 to below 100 (got 100)\n'],
    ];
    for (const [argv, stderr] of cases) {
      const result = await cli(argv);
      expect([result.code, result.stderr, result.stdout], argv.join(' ')).toEqual([2, stderr, '']);
    }
  });
});
