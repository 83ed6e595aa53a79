/**
 * The research commands' result objects, as `--json` prints them and the human renderers read them:
 * USD as numbers (converted from micro-units here, at the edge), times as ms since the epoch.
 */
import { microsToNumber as usd } from '../core/money.js';
import type { ReplayResult } from './backtest.js';
import type { BacktestReport } from './summary.js';
import type { Verdict, VetReport } from './vet.js';

export interface VetRow {
  wallet: string;
  verdict: Verdict;
  reason: string;
  trades: number;
  markets: number;
  activeDays: number;
  invested: number;
  realizedPnl: number;
  unrealizedPnl: number;
  pnl: number;
  roi: number | null;
  resolved: number;
  wins: number;
  winRate: number | null;
  winRateLow: number | null;
  winRateHigh: number | null;
  avgEntryPrice: number | null;
  edge: number | null;
  edgeLow: number | null;
  pnlWithoutBest: number;
  bestMarket: { market: string; title: string | null; pnl: number } | null;
  topMarketShare: number | null;
  makerShare: number | null;
  medianTradeUsd: number | null;
  medianSecondsBetweenTrades: number | null;
  /** ms since the epoch. */
  lastTradeAt: number | null;
  truncated: boolean;
}

export function vetRow(r: VetReport): VetRow {
  return {
    wallet: r.wallet,
    verdict: r.verdict,
    reason: r.reason,
    trades: r.trades,
    markets: r.markets,
    activeDays: r.activeDays,
    invested: usd(r.invested),
    realizedPnl: usd(r.realizedPnl),
    unrealizedPnl: usd(r.unrealizedPnl),
    pnl: usd(r.pnl),
    roi: r.roi ?? null,
    resolved: r.resolved,
    wins: r.wins,
    winRate: r.winRate ?? null,
    winRateLow: r.winRateLow ?? null,
    winRateHigh: r.winRateHigh ?? null,
    avgEntryPrice: r.avgEntryPrice ?? null,
    edge: r.edge ?? null,
    edgeLow: r.edgeLow ?? null,
    pnlWithoutBest: usd(r.pnlWithoutBest),
    bestMarket: r.bestMarket ? { market: r.bestMarket.market, title: r.bestMarket.title ?? null, pnl: usd(r.bestMarket.pnl) } : null,
    topMarketShare: r.topMarketShare ?? null,
    makerShare: r.makerShare ?? null,
    medianTradeUsd: r.medianTradeUsd === undefined ? null : usd(r.medianTradeUsd),
    medianSecondsBetweenTrades: r.medianSecondsBetweenTrades ?? null,
    lastTradeAt: r.lastTradeAt === undefined ? null : r.lastTradeAt * 1000,
    truncated: r.truncated,
  };
}

export interface BacktestTrade {
  at: number;
  wallet: string;
  token: string;
  title: string | null;
  side: 'buy' | 'sell' | 'settle';
  size: number;
  price: number;
  whalePrice: number | null;
  marketPrice: number | null;
  value: number;
  fee: number;
  limitedBy: string | null;
}

export interface BacktestResult {
  wallets: string[];
  from: number;
  to: number;
  latency: string;
  latencyMs: number;
  bankroll: number;
  /** Percent added to the market price when a copy fills. */
  fillSlippagePercent: number;
  copy: {
    pnl: number;
    roi: number;
    fees: number;
    finalEquity: number;
    maxDrawdown: number;
    copied: number;
    skipped: number;
    skipReasons: Record<string, number>;
    openPositions: number;
  };
  whale: { fills: number; invested: number; pnl: number; roi: number | null };
  latencies: Array<{ latency: string; latencyMs: number; pnl: number; roi: number; copied: number; skipped: number; maxDrawdown: number }>;
  equity: Array<{ at: number; equity: number }>;
  trades: BacktestTrade[];
  /** Wallets whose history hit the Data API's paging limit: their oldest fills are missing. */
  truncated: string[];
}

export function backtestResult(
  report: BacktestReport,
  meta: { wallets: string[]; from: number; to: number; bankroll: bigint; fillSlippagePercent: number; truncated: string[] },
): BacktestResult {
  const bankroll = usd(meta.bankroll);
  const roi = (pnl: bigint) => Math.round((Number(pnl) / Number(meta.bankroll)) * 10_000) / 10_000;
  const { main, whale } = report;
  return {
    wallets: meta.wallets,
    from: meta.from,
    to: meta.to,
    latency: formatLatency(main.latencyMs),
    latencyMs: main.latencyMs,
    bankroll,
    fillSlippagePercent: meta.fillSlippagePercent,
    copy: {
      pnl: usd(main.pnl),
      roi: roi(main.pnl),
      fees: usd(main.fees),
      finalEquity: usd(main.finalEquity),
      maxDrawdown: usd(main.maxDrawdown),
      copied: main.copied,
      skipped: main.skipped,
      skipReasons: main.skipReasons,
      openPositions: main.openPositions,
    },
    whale: {
      fills: whale.fills,
      invested: usd(whale.invested),
      pnl: usd(whale.pnl),
      roi: whale.invested > 0n ? Math.round((Number(whale.pnl) / Number(whale.invested)) * 10_000) / 10_000 : null,
    },
    latencies: report.latencies.map((l) => ({ latency: formatLatency(l.latencyMs), latencyMs: l.latencyMs, pnl: usd(l.pnl), roi: roi(l.pnl), copied: l.copied, skipped: l.skipped, maxDrawdown: usd(l.maxDrawdown) })),
    equity: main.equity.map((p) => ({ at: p.at, equity: usd(p.equity) })),
    trades: trades(main),
    truncated: meta.truncated,
  };
}

function trades(main: ReplayResult): BacktestTrade[] {
  return main.trades.map((t) => ({
    at: t.at,
    wallet: t.wallet,
    token: t.token,
    title: t.title ?? null,
    side: t.side,
    size: usd(t.size),
    price: usd(t.price),
    whalePrice: t.whalePrice === undefined ? null : usd(t.whalePrice),
    marketPrice: t.marketPrice === undefined ? null : usd(t.marketPrice),
    value: usd(t.value),
    fee: usd(t.feeUsd),
    limitedBy: t.limitedBy ?? null,
  }));
}

export function formatLatency(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
