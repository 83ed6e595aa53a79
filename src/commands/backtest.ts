/**
 * `betmirror backtest`: replays followed wallets' fills through the mirror's own decision code with the
 * mirror's sizing, caps, slippage and filters (the same flags, declared once, by `mirror`), fills each
 * copy at the market price `--latency` after the whale, and reports copy PnL next to the whale's, the
 * drawdown, what was skipped and why, and the same at other latencies.
 */
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { list, toggle, value, valueWithDefault, type Options } from '../cli/flags.js';
import { BadInputError } from '../core/errors.js';
import { MICRO, toMicros } from '../core/money.js';
import { parseMirrorSettings, type RawMirrorSettings } from '../mirror/settings.js';
import { equityChart } from '../research/chart.js';
import { backtestResult, type BacktestResult } from '../research/present.js';
import { reportHtml } from '../research/report-html.js';
import { checkWallets, withResearchSource } from '../research/shell.js';
import { pickMirrorFlags, toRawSettings } from './mirror-flags.js';
import { parseAmount } from './parse.js';

/** The mirror flags that shape a copy decision; backtest takes them from `mirror`'s own declarations. */
const DECISION_KEYS = [
  'sizing', 'multiplier', 'fixedUsd', 'percent', 'maxPerTrade', 'maxPerMarket', 'maxExposure', 'maxDailyVolume',
  'dailyLossLimit', 'maxCopyFraction', 'maxSignalAge', 'maxSlippage', 'orderType', 'allow', 'deny',
] as const;
export const MIRROR_DECISION_FLAGS: readonly string[] = DECISION_KEYS.map((key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));

/** With --sandbox and no sizing flags: $20 per copy (proportional sizing needs a whale's cash, which history lacks). */
const SANDBOX_DEFAULTS: RawMirrorSettings = { sizing: 'fixed', 'fixed-usd': '20' };

const text = (v: string) => v;

const flags = () => ({
  follow: list('-f, --follow <wallet...>', 'wallet(s) to replay (with --sandbox: default the scripted wallets)', text),
  since: valueWithDefault('--since <when>', 'start: a date (2026-10-01) or an age (30d, 12h)', text, '30d'),
  latency: valueWithDefault('--latency <time>', "delay from the whale's fill to our order: 500ms, 2s, 1m", text, '2s'),
  bankroll: valueWithDefault('--bankroll <usd>', 'starting cash', text, '1000'),
  fillSlippage: valueWithDefault('--fill-slippage <pct>', 'percent paid beyond the market price when a copy fills', text, '0.5'),
  report: value('--report <file.html>', 'also write a self-contained HTML report (equity, drawdown, trades)', text),
  sandbox: toggle('--sandbox', "replay the local sandbox's scripted wallets (no network)"),
  // A profile's mirror settings apply here too, under these flags (they are the mirror's declarations).
  ...pickMirrorFlags(DECISION_KEYS),
});

export type BacktestOptions = Options<ReturnType<typeof flags>>;

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'backtest',
    summary: "Replay wallets' past trades through the mirror's own rules: what copying them would have made",
    flags: flags(),
    examples: ['$ betmirror backtest --follow 0x1f2e...9a --since 30d --latency 2s --max-per-trade 25', '$ betmirror backtest --sandbox --report backtest.html --json'],
    profileSettings: (ctx) => ctx.profile.mirror ?? {},
    action: async (options, ctx) => ctx.output.result(await run(options, ctx), render),
  });
}

export async function run(options: BacktestOptions, ctx: CommandContext): Promise<BacktestResult> {
  const now = ctx.deps.clock.now();
  const from = parseSince(options.since, now);
  const latencyMs = parseLatency(options.latency);
  const bankroll = parseAmount('--bankroll', options.bankroll);
  const slippagePercent = toMicrosOrThrow('--fill-slippage', options.fillSlippage);
  if (slippagePercent < 0n || slippagePercent >= 100n * MICRO) throw new BadInputError(`--fill-slippage is a percent from 0 to below 100 (got ${options.fillSlippage})`);
  const given = checkWallets('--follow', options.follow ?? []);
  if (given.length === 0 && !options.sandbox) throw new BadInputError('nothing to replay: pass --follow <wallet>', { hint: 'or try `betmirror backtest --sandbox`' });
  // Flags > the profile's mirror settings (both in `options`) > the sandbox's defaults > the settings' own.
  const settings = parseMirrorSettings({ ...(options.sandbox ? SANDBOX_DEFAULTS : {}), ...toRawSettings(options) });

  // The replay pulls in the venue's fee code (and its official client): loaded only to backtest.
  const [{ loadBacktestData }, { runBacktest }] = await Promise.all([import('../research/load.js'), import('../research/summary.js')]);
  const result = await withResearchSource(ctx, options.sandbox, async ({ source, sandboxWallets }) => {
    const wallets = given.length > 0 ? given : (sandboxWallets ?? []);
    const spinner = ctx.output.spinner('reading histories');
    try {
      const data = await loadBacktestData(source, wallets, from, now, (done, total, what) => spinner.update(`${what} (${done + 1}/${total})`));
      for (const wallet of data.truncated) ctx.output.warn(`${wallet}: the Data API returned only its newest 10,000 fills; the replay starts later than --since`);
      spinner.update('replaying');
      const report = runBacktest(data, { risk: settings.risk, bankroll, latencyMs, fillSlippage: slippagePercent / 100n, maxSignalAgeMs: settings.maxSignalAgeMs, from, to: now });
      return backtestResult(report, { wallets, from, to: now, bankroll, fillSlippagePercent: Number(slippagePercent) / 1e6, truncated: data.truncated });
    } finally {
      spinner.stop();
    }
  });
  if (options.report) {
    await writeFile(options.report, reportHtml(result, now)).catch((error: Error) => {
      throw new BadInputError(`--report: cannot write ${options.report}: ${error.message}`);
    });
    ctx.output.info(`report written to ${options.report}`);
  }
  return result;
}

function parseSince(text: string, now: number): number {
  const age = /^(\d+)([dhm])$/.exec(text.trim());
  if (age) return now - Number(age[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[age[2] as 'd' | 'h' | 'm'];
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(text.trim()) ? Date.parse(text.trim()) : Number.NaN;
  if (!Number.isFinite(date)) throw new BadInputError(`--since must be a date (2026-10-01) or an age (30d, 12h, 90m) (got ${text})`);
  if (date >= now) throw new BadInputError(`--since must be in the past (got ${text})`);
  return date;
}

function parseLatency(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 'ms') as 'ms' | 's' | 'm'] : Number.NaN;
  if (!Number.isInteger(ms) || ms < 0 || ms > 86_400_000) throw new BadInputError(`--latency must be a delay like 500ms, 2s or 1m, at most a day (got ${text})`);
  return ms;
}

function toMicrosOrThrow(flag: string, text: string) {
  try {
    return toMicros(text);
  } catch (error) {
    throw new BadInputError(`${flag}: ${(error as Error).message}`);
  }
}

function render(r: BacktestResult): string {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const money = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(2)}`;
  const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
  const skips = Object.entries(r.copy.skipReasons).map(([reason, n]) => `${reason} ${n}`).join(', ');
  const lines = [
    `backtest ${day(r.from)} to ${day(r.to)}, ${r.wallets.length} wallet(s), latency ${r.latency}, bankroll ${money(r.bankroll)}`,
    `copy:  PnL ${money(r.copy.pnl)} (ROI ${pct(r.copy.roi)}), max drawdown ${money(r.copy.maxDrawdown)}, fees ${money(r.copy.fees)}, ${r.copy.openPositions} position(s) still open (marked at the last price)`,
    `whale: PnL ${money(r.whale.pnl)} on ${money(r.whale.invested)} (ROI ${pct(r.whale.roi)}), ${r.whale.fills} fills`,
    `copied ${r.copy.copied}, skipped ${r.copy.skipped}${skips ? ` (${skips})` : ''}`,
    '',
    equityChart(r.equity.map((p) => ({ at: p.at, value: p.equity }))),
    '',
    'latency   copy PnL   copied  skipped  max drawdown',
    ...r.latencies.map((l) => `${l.latency.padEnd(8)}${money(l.pnl).padStart(10)}${String(l.copied).padStart(9)}${String(l.skipped).padStart(9)}${money(l.maxDrawdown).padStart(14)}`),
  ];
  return lines.join('\n');
}

