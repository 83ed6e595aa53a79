/**
 * `betmirror discover`: candidate wallets from Polymarket's public leaderboard, optionally only those
 * with at least N trades in the period. A starting point for `vet`, never a recommendation.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { toggle, value, valueWithDefault, type Options } from '../cli/flags.js';
import { BadInputError } from '../core/errors.js';
import { microsToNumber } from '../core/money.js';
import type { LeaderboardOrder, Period } from '../research/client.js';
import { withResearchSource } from '../research/shell.js';
import { parsePositiveInt } from './parse.js';

const text = (v: string) => v;
const PERIODS: readonly Period[] = ['day', 'week', 'month', 'all'];
const ORDERS: readonly LeaderboardOrder[] = ['pnl', 'volume'];

function oneOf<T extends string>(flag: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!choices.includes(value as T)) throw new BadInputError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)} (got ${value})`);
    return value as T;
  };
}

const flags = {
  period: valueWithDefault('--period <period>', 'leaderboard window', oneOf('--period', PERIODS), 'month' as Period, { choices: PERIODS }),
  order: valueWithDefault('--order <by>', 'rank by profit or by volume', oneOf('--order', ORDERS), 'pnl' as LeaderboardOrder, { choices: ORDERS }),
  minTrades: value('--min-trades <n>', "only wallets with at least this many trades in the period (reads each one's activity)", text),
  limit: valueWithDefault('--limit <n>', 'how many wallets (the leaderboard pages by 50)', text, '20'),
  addresses: toggle('--addresses', 'print only the addresses, one per line (a --follow-file)'),
  sandbox: toggle('--sandbox', "read the local sandbox's scripted wallets (no network)"),
};

export type DiscoverOptions = Options<typeof flags>;

export interface DiscoverResult {
  period: Period;
  order: LeaderboardOrder;
  /** Leaderboard rows, best first; `trades` is counted (this period) only with --min-trades. */
  wallets: Array<{ rank: number; wallet: string; name: string; pnl: number; volume: number; trades: number | null }>;
}

const PERIOD_SECONDS: Record<Period, number | undefined> = { day: 86_400, week: 7 * 86_400, month: 30 * 86_400, all: undefined };

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'discover',
    summary: 'List candidate wallets from the Polymarket leaderboard (then vet and backtest them)',
    flags,
    examples: ['$ betmirror discover --period week --order pnl --min-trades 20 --limit 10', '$ betmirror discover --sandbox --addresses > candidates.txt'],
    action: async (options, ctx) => {
      const result = await run(options, ctx);
      if (options.addresses && !ctx.output.json) ctx.output.result(result, renderAddresses);
      else ctx.output.result(result, render);
    },
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
