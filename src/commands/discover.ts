/**
 * `betmirror discover`: candidate wallets from Polymarket's public leaderboard, optionally only those
 * with at least N trades in the period. A starting point for `vet`, never a recommendation.
 */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { microsToNumber } from '../core/money.js';
import type { LeaderboardOrder, Period } from '../research/client.js';
import { withResearchSource } from '../research/shell.js';
import { parsePositiveInt } from './parse.js';

export interface DiscoverOptions {
  period: Period;
  order: LeaderboardOrder;
  minTrades?: string;
  limit: string;
  addresses?: boolean;
  sandbox?: boolean;
}

export interface DiscoverResult {
  period: Period;
  order: LeaderboardOrder;
  /** Leaderboard rows, best first; `trades` is counted (this period) only with --min-trades. */
  wallets: Array<{ rank: number; wallet: string; name: string; pnl: number; volume: number; trades: number | null }>;
}

const PERIOD_SECONDS: Record<Period, number | undefined> = { day: 86_400, week: 7 * 86_400, month: 30 * 86_400, all: undefined };

export function register(program: Command, context: (command: Command) => CommandContext): void {
  program
    .command('discover')
    .description('List candidate wallets from the Polymarket leaderboard (then vet and backtest them)')
    .addOption(new Option('--period <period>', 'leaderboard window').choices(['day', 'week', 'month', 'all']).default('month'))
    .addOption(new Option('--order <by>', 'rank by profit or by volume').choices(['pnl', 'volume']).default('pnl'))
    .option('--min-trades <n>', 'only wallets with at least this many trades in the period (reads each one\'s activity)')
    .option('--limit <n>', 'how many wallets (the leaderboard pages by 50)', '20')
    .option('--addresses', 'print only the addresses, one per line (a --follow-file)')
    .option('--sandbox', 'read the local sandbox\'s scripted wallets (no network)')
    .addHelpText('after', '\nExamples:\n  $ betmirror discover --period week --order pnl --min-trades 20 --limit 10\n  $ betmirror discover --sandbox --addresses > candidates.txt\n')
    .action(async (options: DiscoverOptions, command: Command) => {
      const ctx = context(command);
      const result = await run(options, ctx);
      if (options.addresses && !ctx.output.json) ctx.output.result(result, renderAddresses);
      else ctx.output.result(result, render);
    });
}

export async function run(options: DiscoverOptions, ctx: CommandContext): Promise<DiscoverResult> {
  const limit = parsePositiveInt('--limit', options.limit);
  const minTrades = options.minTrades === undefined ? undefined : parsePositiveInt('--min-trades', options.minTrades);
  return withResearchSource(ctx, options.sandbox, async ({ source }) => {
    const spinner = ctx.output.spinner('reading the leaderboard');
    try {
      // With a trade filter, read a wider board so the filter still leaves `limit` rows where it can.
      const board = await source.leaderboard(options.period, options.order, minTrades === undefined ? limit : Math.min(limit * 3, 200));
      const span = PERIOD_SECONDS[options.period];
      const start = span === undefined ? undefined : Math.floor(ctx.deps.clock.now() / 1000) - span;
      const wallets: DiscoverResult['wallets'] = [];
      for (const [i, row] of board.entries()) {
        if (wallets.length >= limit) break;
        let trades: number | null = null;
        if (minTrades !== undefined) {
          spinner.update(`counting trades of ${row.wallet} (${i + 1}/${board.length})`);
          trades = (await source.fills(row.wallet, start)).fills.length;
          if (trades < minTrades) continue;
        }
        wallets.push({ rank: row.rank, wallet: row.wallet, name: row.name, pnl: microsToNumber(row.pnl), volume: microsToNumber(row.volume), trades });
      }
      return { period: options.period, order: options.order, wallets };
    } finally {
      spinner.stop();
    }
  });
}

function render(result: DiscoverResult): string {
  if (result.wallets.length === 0) return `no wallets on the ${result.period} leaderboard match`;
  const header = `${'rank'.padStart(4)}  ${'wallet'.padEnd(42)}  ${'name'.padEnd(16)}  ${'PnL'.padStart(12)}  ${'volume'.padStart(12)}  trades`;
  const rows = result.wallets.map(
    (w) => `${String(w.rank).padStart(4)}  ${w.wallet.padEnd(42)}  ${w.name.slice(0, 16).padEnd(16)}  ${w.pnl.toFixed(2).padStart(12)}  ${w.volume.toFixed(2).padStart(12)}  ${w.trades ?? '-'}`,
  );
  return [`${result.period} leaderboard by ${result.order} (unvetted: run \`betmirror vet\` next)`, header, ...rows].join('\n');
}

/** One address per line, comments on their own lines: the --follow-file format. */
export function renderAddresses(result: DiscoverResult): string {
  const lines = [`# betmirror discover --period ${result.period} --order ${result.order}: candidates, not yet vetted`];
  for (const w of result.wallets) lines.push(`# #${w.rank} ${w.name || 'unnamed'}: PnL ${w.pnl.toFixed(2)}, volume ${w.volume.toFixed(2)}`, w.wallet);
  return lines.join('\n');
}
