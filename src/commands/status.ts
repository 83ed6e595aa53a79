/**
 * `betmirror status`: the mirror's state from its store, running or not, without starting it: whether
 * a mirror holds the profile's lock and since when, the wallets it has seen, its positions, cash and
 * today's PnL, and its last signals and skips. Reads only local files (titles come from the cache and a
 * short lookup), and never writes the lock.
 */
import type { Command } from 'commander';
import type { CommandContext } from '../cli/context.js';
import { declare, type ContextFactory, type ProgramInfo } from '../cli/declare.js';
import { valueWithDefault, type Options } from '../cli/flags.js';
import { shortId, type MarketTitles } from '../cli/titles.js';
import { ConfigError } from '../core/errors.js';
import { microsToNumber, mulMicros } from '../core/money.js';
import type { Portfolio } from '../mirror/portfolio.js';
import type { RecentSignal } from '../mirror/store-read.js';
import { parsePositiveInt } from './parse.js';
import { marketTitles } from './venue.js';

const flags = {
  last: valueWithDefault('--last <n>', 'how many recent signals and skips to show', (v) => parsePositiveInt('--last', v), 5),
};

export type StatusOptions = Options<typeof flags>;

export interface SignalView {
  at: string;
  wallet: string;
  token: string;
  title?: string;
  outcome?: string;
  side: string;
  /** The whale's fill: shares and price. */
  size: number;
  price: number;
  status: string;
  reason: string | null;
}

export interface PositionView {
  token: string;
  market: string;
  title?: string;
  outcome?: string;
  size: number;
  cost: number;
  mark: number;
  value: number;
}

export interface StatusResult {
  profile: string;
  stateDir: string;
  /** A mirror holds the profile's lock now. */
  running: boolean;
  /** The process that last ran the mirror, and when it started. */
  pid?: number;
  startedAt?: string;
  /** The last time the mirror recorded being alive (a stopped mirror's end, within a minute). */
  lastAliveAt?: string;
  /** No mirror has kept state on this profile yet (dry runs keep none). */
  hasState: boolean;
  wallets: string[];
  positions: PositionView[];
  cash: number;
  equity: number;
  realizedPnl: number;
  fees: number;
  pnlToday: number;
  volumeToday: number;
  recentSignals: SignalView[];
  recentSkips: SignalView[];
}

export function register(program: Command, context: ContextFactory, info: ProgramInfo): void {
  declare(program, context, info, {
    name: 'status',
    summary: "Show the mirror's state from its store: running or not, positions, cash, PnL today, last signals",
    flags,
    examples: ['$ betmirror status', '$ betmirror status --profile work --json'],
    action: async (options, ctx) => ctx.output.result(await run(options, ctx), render),
  });
}

export async function run(options: StatusOptions, ctx: CommandContext): Promise<StatusResult> {
  // Loaded here: SQLite's native binding is not for `betmirror --help` to pay for.
  const [{ Portfolio }, { MirrorStore }, { openStoreReadOnly, readLockState, recentSignals, walletsSeen }, { SCHEMA_VERSION }] = await Promise.all([
    import('../mirror/portfolio.js'),
    import('../mirror/store.js'),
    import('../mirror/store-read.js'),
    import('../mirror/store-schema.js'),
  ]);
  const stateDir = ctx.config.stateDir(ctx.profileName);
  const lock = readLockState(stateDir);
  const now = ctx.deps.clock.now();
  const base = {
    profile: ctx.profileName,
    stateDir,
    running: lock.running,
    ...(lock.pid !== undefined ? { pid: lock.pid } : {}),
    ...(lock.startedAt ? { startedAt: lock.startedAt } : {}),
  };
  const db = openStoreReadOnly(stateDir);
  if (!db) return { ...base, hasState: false, wallets: [], positions: [], cash: 0, equity: 0, realizedPnl: 0, fees: 0, pnlToday: 0, volumeToday: 0, recentSignals: [], recentSkips: [] };
  let signals: RecentSignal[];
  let skips: RecentSignal[];
  let wallets: string[];
  try {
    // Opening the store for its book would upgrade an older format in place: `status` only looks, so it
    // never does that (the betmirror that wrote the file, or a mirror still running it, would then be
    // refused by its own store).
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version < SCHEMA_VERSION) {
      throw new ConfigError(`the mirror state in ${stateDir} is in an older store format (${version}; this betmirror reads ${SCHEMA_VERSION}), and status never upgrades it`, {
        hint: `run \`betmirror mirror\` with this version once (it upgrades the store in place, keeping every signal), or use the betmirror that wrote it`,
      });
    }
    [signals, skips, wallets] = [recentSignals(db, options.last), recentSignals(db, options.last, 'skipped'), walletsSeen(db)];
  } finally {
    db.close();
  }
  const store = MirrorStore.open(stateDir);
  let book: Portfolio;
  let aliveAt: number | undefined;
  try {
    const totals = store.totals();
    book = new Portfolio(totals?.cash ?? 0n, now, store.holdings(), store.daily(), totals);
    aliveAt = store.resumePoint()?.aliveAt;
  } finally {
    store.close();
  }
  // The store keeps the whales' Polymarket tokens, whichever venue the copies went to.
  const titles = await marketTitles(ctx, 'polymarket');
  const tokens = [...book.holdings.keys(), ...signals.map((s) => s.token), ...skips.map((s) => s.token)];
  await ctx.output.busy('looking up market titles', () => titles.load(tokens));
  return {
    ...base,
    ...(aliveAt !== undefined ? { lastAliveAt: new Date(aliveAt).toISOString() } : {}),
    hasState: true,
    wallets,
    positions: [...book.holdings.values()].map((h) => ({
      token: h.token,
      market: h.market,
      ...titleOf(titles, h.token),
      size: microsToNumber(h.size),
      cost: microsToNumber(h.cost),
      mark: microsToNumber(h.mark),
      value: microsToNumber(mulMicros(h.size, h.mark)),
    })),
    cash: microsToNumber(book.cash),
    equity: microsToNumber(book.equity()),
    realizedPnl: microsToNumber(book.realizedPnl),
    fees: microsToNumber(book.fees),
    pnlToday: microsToNumber(book.equity() - book.daily.startEquity),
    volumeToday: microsToNumber(book.daily.volume),
    recentSignals: signals.map((s) => signalView(s, titles)),
    recentSkips: skips.map((s) => signalView(s, titles)),
  };
}

function titleOf(titles: MarketTitles, token: string): { title?: string; outcome?: string } {
  const known = titles.known(token);
  return known ? { title: known.title, ...(known.outcome ? { outcome: known.outcome } : {}) } : {};
}

function signalView(signal: RecentSignal, titles: MarketTitles): SignalView {
  return {
    at: new Date(signal.seenAt).toISOString(),
    wallet: signal.wallet,
    token: signal.token,
    ...titleOf(titles, signal.token),
    side: signal.side,
    size: microsToNumber(BigInt(signal.size)),
    price: microsToNumber(BigInt(signal.price)),
    status: signal.status,
    reason: signal.reason,
  };
}

function render(result: StatusResult): string {
  const state = result.running
    ? `running (pid ${result.pid ?? '?'}, since ${result.startedAt ?? 'an unknown time'})`
    : `not running${result.lastAliveAt ? ` (last alive ${result.lastAliveAt})` : ''}`;
  const lines = [`mirror on profile ${result.profile}: ${state}`];
  if (!result.hasState) {
    lines.push(`  no mirror state yet in ${result.stateDir}: start one with \`betmirror mirror --follow <wallet>\``);
    return lines.join('\n');
  }
  const sign = (n: number) => `${n >= 0 ? '+' : '-'}$${Math.abs(n).toFixed(2)}`;
  lines.push(
    `  wallets seen: ${result.wallets.length ? result.wallets.join(', ') : 'none yet'}`,
    `  cash $${result.cash.toFixed(2)}, equity $${result.equity.toFixed(2)}, PnL today ${sign(result.pnlToday)}, realized ${sign(result.realizedPnl)}, bought today $${result.volumeToday.toFixed(2)}`,
    `  positions:${result.positions.length ? '' : ' none'}`,
    ...result.positions.map((p) => `    ${label(p)}: ${p.size.toFixed(2)} shares, cost $${p.cost.toFixed(2)}, mark ${p.mark.toFixed(3)}, value $${p.value.toFixed(2)}`),
    `  last signals:${result.recentSignals.length ? '' : ' none'}`,
    ...result.recentSignals.map((s) => `    ${signalLine(s)}`),
    `  last skips:${result.recentSkips.length ? '' : ' none'}`,
    ...result.recentSkips.map((s) => `    ${signalLine(s)}`),
  );
  return lines.join('\n');
}

function label(item: { token: string; title?: string; outcome?: string }): string {
  return item.title ? `"${item.title}"${item.outcome ? ` (${item.outcome})` : ''}` : shortId(item.token);
}

function signalLine(s: SignalView): string {
  return `${s.at} ${shortId(s.wallet)} ${s.side.toUpperCase()} ${s.size.toFixed(2)} @ ${s.price.toFixed(3)} on ${label(s)}: ${s.status}${s.reason ? ` (${s.reason})` : ''}`;
}
