/**
 * `betmirror vet <wallet>...`: one row per wallet from its public record (activity, positions, closed
 * positions, value) with a one-line verdict. `--json` / `--addresses` make a follow list of the wallets
 * whose verdict is "follow".
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { toggle, value, type Options } from '../cli/flags.js';
import { BadInputError } from '../core/errors.js';
import { vetRow, type VetRow } from '../research/present.js';
import { checkWallets, withResearchSource } from '../research/shell.js';
import { DEFAULT_THRESHOLDS, vet, type VetThresholds } from '../research/vet.js';

const text = (v: string) => v;

// Checked together in parseThresholds; the defaults shown are the ones it applies.
const flags = {
  minResolved: value('--min-resolved <n>', 'resolved positions needed before trusting a win rate', text, { defaultText: String(DEFAULT_THRESHOLDS.minResolved) }),
  minEdge: value('--min-edge <x>', 'win-rate lower bound minus average price paid must exceed this', text, { defaultText: String(DEFAULT_THRESHOLDS.minEdge) }),
  maxIdleDays: value('--max-idle-days <n>', 'days without a trade before "inactive"', text, { defaultText: String(DEFAULT_THRESHOLDS.maxIdleDays) }),
  maxTopMarketShare: value('--max-top-market-share <x>', 'share of volume in one market before "concentrated"', text, { defaultText: String(DEFAULT_THRESHOLDS.maxTopMarketShare) }),
  addresses: toggle('--addresses', 'print only the wallets to follow, one per line (a --follow-file)'),
  sandbox: toggle('--sandbox', "read the local sandbox's scripted wallets (no network)"),
};

export type VetOptions = Options<typeof flags>;

export interface VetResult {
  thresholds: VetThresholds;
  wallets: VetRow[];
  /** The wallets whose verdict is "follow": a follow list. */
  follow: string[];
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'vet',
    summary: 'Grade wallets from their public history: PnL, win rate vs prices paid, luck, activity',
    arguments: [['[wallet...]', 'Polymarket wallet(s) (with --sandbox: default the scripted wallets)']],
    flags,
    examples: ['$ betmirror vet 0x1f2e...9a 0x3c4d...8b --min-resolved 20', '$ betmirror vet --sandbox --json'],
    action: async (options, ctx, wallets) => {
      const result = await run(wallets, options, ctx);
      ctx.output.result(result, options.addresses && !ctx.output.json ? renderAddresses : render);
    },
  });
}

export async function run(wallets: string[], options: VetOptions, ctx: CommandContext): Promise<VetResult> {
  const thresholds = parseThresholds(options);
  const given = checkWallets('vet', wallets);
  if (given.length === 0 && !options.sandbox) throw new BadInputError('nothing to vet: pass one or more wallet addresses', { hint: 'or try `betmirror vet --sandbox`' });
  return withResearchSource(ctx, options.sandbox, async ({ source, sandboxWallets }) => {
    const subjects = given.length > 0 ? given : (sandboxWallets ?? []);
    const spinner = ctx.output.spinner('reading wallet histories');
    const rows: VetRow[] = [];
    try {
      for (const [i, wallet] of subjects.entries()) {
        spinner.update(`reading ${wallet} (${i + 1}/${subjects.length})`);
        const history = await source.history(wallet);
        if (history.truncated) ctx.output.warn(`${wallet}: the Data API returned only its newest 10,000 trades; figures cover those`);
        rows.push(vetRow(vet(history, Math.floor(ctx.deps.clock.now() / 1000), thresholds)));
      }
    } finally {
      spinner.stop();
    }
    return { thresholds, wallets: rows, follow: rows.filter((r) => r.verdict === 'follow').map((r) => r.wallet) };
  });
}

function parseThresholds(options: VetOptions): VetThresholds {
  const number = (flag: string, value: string | undefined, fallback: number, check: (n: number) => boolean, expect: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new BadInputError(`--${flag} must be ${expect} (got ${value})`);
    return n;
  };
  return {
    minResolved: number('min-resolved', options.minResolved, DEFAULT_THRESHOLDS.minResolved, (n) => Number.isInteger(n) && n >= 0, 'a whole number >= 0'),
    minEdge: number('min-edge', options.minEdge, DEFAULT_THRESHOLDS.minEdge, (n) => n > -1 && n < 1, 'a fraction between -1 and 1'),
    maxIdleDays: number('max-idle-days', options.maxIdleDays, DEFAULT_THRESHOLDS.maxIdleDays, (n) => Number.isInteger(n) && n >= 0, 'a whole number of days'),
    maxTopMarketShare: number('max-top-market-share', options.maxTopMarketShare, DEFAULT_THRESHOLDS.maxTopMarketShare, (n) => n > 0 && n <= 1, 'a fraction in (0, 1]'),
  };
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const money = (x: number) => x.toFixed(2);

function render(result: VetResult): string {
  const blocks = result.wallets.map((w) =>
    [
      `${w.wallet}  ${w.verdict.toUpperCase()}: ${w.reason}`,
      `  trades ${w.trades} in ${w.markets} markets over ${w.activeDays} active days; last ${w.lastTradeAt === null ? '-' : new Date(w.lastTradeAt).toISOString().slice(0, 16).replace('T', ' ')}`,
      `  PnL ${money(w.pnl)} (realized ${money(w.realizedPnl)}, unrealized ${money(w.unrealizedPnl)}) on ${money(w.invested)} invested, ROI ${pct(w.roi)}`,
      `  won ${w.wins}/${w.resolved} resolved = ${pct(w.winRate)} (95%: ${pct(w.winRateLow)} to ${pct(w.winRateHigh)}), average price paid ${w.avgEntryPrice?.toFixed(2) ?? '-'}, edge ${pct(w.edge)} (at worst ${pct(w.edgeLow)})`,
      `  without its best market ${money(w.pnlWithoutBest)}; top market ${pct(w.topMarketShare)} of volume; maker ${pct(w.makerShare)}; median trade ${w.medianTradeUsd === null ? '-' : money(w.medianTradeUsd)} USD every ${w.medianSecondsBetweenTrades === null ? '-' : duration(w.medianSecondsBetweenTrades)}`,
    ].join('\n'),
  );
  return blocks.join('\n\n');
}

/** The follow list: one address per line, its verdict as a comment line above it (the --follow-file format). */
export function renderAddresses(result: VetResult): string {
  const lines = ['# betmirror vet: wallets whose verdict is "follow"'];
  for (const w of result.wallets.filter((r) => r.verdict === 'follow')) lines.push(`# ${w.reason}`, w.wallet);
  return lines.join('\n');
}

function duration(seconds: number): string {
  if (seconds >= 86_400) return `${(seconds / 86_400).toFixed(1)} d`;
  if (seconds >= 3_600) return `${(seconds / 3_600).toFixed(1)} h`;
  return `${Math.round(seconds)} s`;
}
