/**
 * Vetting a wallet from its public record: what it traded, what it made, how often it wins against
 * the prices it paid, and whether the profit survives losing its single best market. Pure: the
 * history and "now" come in, a report comes out.
 */
import { formatMicros, MICRO, type Micros } from '../core/money.js';
import { median, medianMicros, ratio, wilson } from './stats.js';
import type { WalletHistory } from './types.js';

export interface VetThresholds {
  /** Fewer resolved positions than this: "too few resolved markets" (default 10). */
  minResolved: number;
  /** Edge (lower bound of the win rate minus the average entry price) must exceed this (default 0). */
  minEdge: number;
  /** No trade for longer than this: "inactive" (default 30 days). */
  maxIdleDays: number;
  /** More of the volume than this in one market: "concentrated" (default 0.5). */
  maxTopMarketShare: number;
}

export const DEFAULT_THRESHOLDS: VetThresholds = { minResolved: 10, minEdge: 0, maxIdleDays: 30, maxTopMarketShare: 0.5 };

export type Verdict = 'follow' | 'watch' | 'avoid';

export interface VetReport {
  wallet: string;
  trades: number;
  markets: number;
  activeDays: number;
  /** USD spent on buys. */
  invested: Micros;
  realizedPnl: Micros;
  unrealizedPnl: Micros;
  pnl: Micros;
  /** pnl / invested; undefined without buys. */
  roi?: number;
  /** Positions settled (closed, or resolved and left unredeemed) and how many of them made money. */
  resolved: number;
  wins: number;
  winRate?: number;
  /** 95% Wilson interval of the win rate: `low` is the figure to trust. */
  winRateLow?: number;
  winRateHigh?: number;
  /** Mean entry price of the closed positions: the win rate the prices paid already implied. */
  avgEntryPrice?: number;
  /** winRate - avgEntryPrice, and the same from the interval's lower bound. */
  edge?: number;
  edgeLow?: number;
  bestMarket?: { market: string; title?: string; pnl: Micros };
  pnlWithoutBest: Micros;
  /** Share of buy+sell volume in the most traded market. */
  topMarketShare?: number;
  /** Share of fills where the wallet was the maker; undefined when the source cannot tell. */
  makerShare?: number;
  medianTradeUsd?: Micros;
  medianSecondsBetweenTrades?: number;
  /** Seconds. */
  lastTradeAt?: number;
  verdict: Verdict;
  reason: string;
  /** The venue's paging limit cut the history short: figures cover the newest trades only. */
  truncated: boolean;
}

const DAY = 86_400;

export function vet(history: WalletHistory & { truncated?: boolean }, nowSec: number, thresholds: VetThresholds = DEFAULT_THRESHOLDS): VetReport {
  const { fills, positions } = history;
  const invested = sum(fills.filter((f) => f.side === 'buy').map((f) => f.usd));
  // A resolved position nobody redeemed stays in /positions at its payout and never reaches
  // /closed-positions: worthless losers stay there for good. Counted as settled, or the win rate flatters.
  const settled = [
    ...history.closed.map((c) => ({ market: c.market, title: c.title, avgPrice: c.avgPrice, pnl: c.realizedPnl })),
    ...positions.filter((p) => p.redeemable).map((p) => ({ market: p.market, title: p.title, avgPrice: p.avgPrice, pnl: p.realizedPnl + p.currentValue - p.initialValue })),
  ];
  const open = positions.filter((p) => !p.redeemable);
  const unrealizedPnl = sum(open.map((p) => p.currentValue - p.initialValue));
  const realizedPnl = sum(settled.map((c) => c.pnl)) + sum(open.map((p) => p.realizedPnl));
  const pnl = realizedPnl + unrealizedPnl;

  const wins = settled.filter((c) => c.pnl > 0n).length;
  const interval = wilson(wins, settled.length);
  const avgEntry = settled.length ? settled.reduce((s, c) => s + Number(c.avgPrice), 0) / settled.length / Number(MICRO) : undefined;
  const winRate = settled.length ? wins / settled.length : undefined;

  const byMarket = new Map<string, { pnl: Micros; title?: string }>();
  const add = (market: string, amount: Micros, title?: string) => {
    const entry = byMarket.get(market) ?? { pnl: 0n, title };
    entry.pnl += amount;
    byMarket.set(market, entry);
  };
  for (const c of settled) add(c.market, c.pnl, c.title);
  for (const p of open) add(p.market, p.realizedPnl + p.currentValue - p.initialValue, p.title);
  let best: VetReport['bestMarket'];
  for (const [market, entry] of byMarket) if (!best || entry.pnl > best.pnl) best = { market, ...(entry.title ? { title: entry.title } : {}), pnl: entry.pnl };

  const volume = new Map<string, Micros>();
  for (const f of fills) volume.set(f.market, (volume.get(f.market) ?? 0n) + f.usd);
  const totalVolume = sum([...volume.values()]);
  const topVolume = [...volume.values()].reduce((a, b) => (b > a ? b : a), 0n);
  const known = fills.filter((f) => f.maker !== undefined);
  const times = fills.map((f) => f.timestamp).sort((a, b) => a - b);
  const lastTradeAt = times.at(-1);

  const report: Omit<VetReport, 'verdict' | 'reason'> = {
    wallet: history.wallet,
    trades: fills.length,
    markets: new Set(fills.map((f) => f.market)).size,
    activeDays: new Set(times.map((t) => Math.floor(t / DAY))).size,
    invested,
    realizedPnl,
    unrealizedPnl,
    pnl,
    ...(invested > 0n ? { roi: ratio(Number(pnl) / Number(invested)) } : {}),
    resolved: settled.length,
    wins,
    ...(winRate !== undefined ? { winRate: ratio(winRate), winRateLow: ratio(interval.low), winRateHigh: ratio(interval.high) } : {}),
    ...(avgEntry !== undefined && winRate !== undefined
      ? { avgEntryPrice: ratio(avgEntry), edge: ratio(winRate - avgEntry), edgeLow: ratio(interval.low - avgEntry) }
      : {}),
    ...(best ? { bestMarket: best } : {}),
    pnlWithoutBest: pnl - (best && best.pnl > 0n ? best.pnl : 0n),
    ...(totalVolume > 0n ? { topMarketShare: ratio(Number(topVolume) / Number(totalVolume)) } : {}),
    ...(known.length ? { makerShare: ratio(known.filter((f) => f.maker).length / known.length) } : {}),
    ...(fills.length ? { medianTradeUsd: medianMicros(fills.map((f) => f.usd)) } : {}),
    ...(times.length > 1 ? { medianSecondsBetweenTrades: median(times.slice(1).map((t, i) => t - times[i]!)) } : {}),
    ...(lastTradeAt !== undefined ? { lastTradeAt } : {}),
    truncated: history.truncated ?? false,
  };
  return { ...report, ...verdict(report, nowSec, thresholds) };
}

function verdict(r: Omit<VetReport, 'verdict' | 'reason'>, nowSec: number, t: VetThresholds): { verdict: Verdict; reason: string } {
  const usd = (m: Micros) => `${m < 0n ? '-' : ''}$${formatMicros(m < 0n ? -m : m)}`;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  if (r.trades === 0) return { verdict: 'avoid', reason: 'no trades on record' };
  if (r.pnl <= 0n) return { verdict: 'avoid', reason: `loses money: PnL ${usd(r.pnl)} on ${usd(r.invested)} invested` };
  if (r.bestMarket && r.pnlWithoutBest <= 0n) {
    return { verdict: 'avoid', reason: `profit is one market: ${usd(r.bestMarket.pnl)} in "${r.bestMarket.title ?? r.bestMarket.market}", ${usd(r.pnlWithoutBest)} without it` };
  }
  if (r.resolved < t.minResolved) return { verdict: 'watch', reason: `too few resolved markets: ${r.resolved} (need ${t.minResolved})` };
  if (r.edgeLow === undefined || r.edgeLow <= t.minEdge) {
    return { verdict: 'watch', reason: `win rate not reliably above the prices paid: won ${pct(r.winRate ?? 0)} (at least ${pct(r.winRateLow ?? 0)}) paying ${(r.avgEntryPrice ?? 0).toFixed(2)} on average` };
  }
  const idleDays = r.lastTradeAt === undefined ? Infinity : Math.floor((nowSec - r.lastTradeAt) / DAY);
  if (idleDays > t.maxIdleDays) return { verdict: 'watch', reason: `inactive: last trade ${idleDays} days ago` };
  if ((r.topMarketShare ?? 0) > t.maxTopMarketShare) return { verdict: 'watch', reason: `concentrated: ${pct(r.topMarketShare ?? 0)} of its volume is one market` };
  return {
    verdict: 'follow',
    reason: `won ${pct(r.winRate ?? 0)} (at least ${pct(r.winRateLow ?? 0)}) of ${r.resolved} resolved positions paying ${(r.avgEntryPrice ?? 0).toFixed(2)} on average`,
  };
}

function sum(values: readonly Micros[]): Micros {
  return values.reduce((a, b) => a + b, 0n);
}
